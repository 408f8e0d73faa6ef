from django.db.models import Prefetch, QuerySet

from accounts.models import User
from communities.selectors import tambons_managed_by
from products.models import Product, ProductImage


def products_visible_to(user: User) -> QuerySet[Product]:
    """Products of producers in the officer's tambons, as one scoped query."""
    return Product.objects.filter(producer__tambon__in=tambons_managed_by(user))


def product_list_for(user: User) -> QuerySet[Product]:
    """The officer's product list: completeness, producer, tambon and the
    primary photo in a constant number of queries, whatever the page size."""
    return (
        products_visible_to(user)
        .with_completeness()
        .select_related("producer__tambon__amphoe", "category")
        .prefetch_related(
            Prefetch(
                "images",
                queryset=ProductImage.objects.filter(is_primary=True),
                to_attr="primary_images",
            )
        )
    )
