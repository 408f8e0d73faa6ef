from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communities.forms import add_service_errors
from communities.selectors import tambons_managed_by
from products.forms import (
    CertificationFormSet,
    ProductFilterForm,
    ProductForm,
)
from products.models import Certification, Product, ProductImage
from products.selectors import product_list_for, products_visible_to
from products.services import (
    PRODUCT_FIELDS,
    certification_add,
    certification_delete,
    product_create,
    product_image_add,
    product_image_delete,
    product_image_set_primary,
    product_raw_materials_set,
    product_update,
)

PAGE_SIZE = 25
DASHBOARD_PAGE_SIZE = 50


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The officer's tambons with producer and product counts.

    Lives with the products because completeness is a product rule; two
    queries (plus the page count) whatever the number of tambons shown.
    """
    tambons = (
        tambons_managed_by(request.user)
        .select_related("amphoe", "province")
        .annotate(producer_count=Count("producers"))
        .order_by("code")
    )
    page = Paginator(tambons, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    stats = {
        row["producer__tambon"]: row
        for row in Product.objects.filter(
            producer__tambon__in=[tambon.pk for tambon in page]
        )
        .with_completeness()
        .values("producer__tambon")
        .annotate(total=Count("pk"), complete=Count("pk", filter=Q(is_complete=True)))
        .order_by()
    }
    rows = []
    for tambon in page:
        row = stats.get(tambon.pk, {"total": 0, "complete": 0})
        rows.append(
            {
                "tambon": tambon,
                "producers": tambon.producer_count,
                "products": row["total"],
                "complete": row["complete"],
                "incomplete": row["total"] - row["complete"],
            }
        )
    return render(request, "officer/dashboard.html", {"page": page, "rows": rows})


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    products = product_list_for(request.user)
    filters = ProductFilterForm(request.GET or None, user=request.user)
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("tambon"):
            products = products.filter(producer__tambon=data["tambon"])
        if data.get("category"):
            products = products.filter(category=data["category"])
        if data.get("completeness") == ProductFilterForm.COMPLETE:
            products = products.filter(is_complete=True)
        elif data.get("completeness") == ProductFilterForm.INCOMPLETE:
            products = products.filter(is_complete=False)
        if q := data.get("q", "").strip():
            products = products.filter(
                Q(name_th__icontains=q) | Q(name_en__icontains=q)
            )
    if (producer := request.GET.get("producer", "")).isdigit():
        products = products.filter(producer_id=int(producer))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "officer/product_list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        products_visible_to(request.user)
        .with_completeness()
        .select_related("producer__tambon__amphoe", "category__parent")
        .prefetch_related(
            "images",
            "raw_materials",
            Prefetch(
                "certifications",
                queryset=Certification.objects.select_related("standard"),
            ),
        ),
        pk=pk,
    )
    return render(
        request,
        "officer/product_detail.html",
        {"product": product, "missing": product.missing_for_completeness()},
    )


@login_required
def product_create_view(request: HttpRequest) -> HttpResponse:
    return _product_form(request, product=None)


@login_required
def product_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        products_visible_to(request.user).select_related("producer__tambon"), pk=pk
    )
    return _product_form(request, product=product)


def _product_form(request: HttpRequest, *, product: Product | None) -> HttpResponse:
    initial = {}
    if product is None and request.GET.get("producer", "").isdigit():
        initial["producer"] = int(request.GET["producer"])
    form = ProductForm(
        request.POST or None,
        request.FILES or None,
        instance=product,
        initial=initial,
        user=request.user,
    )
    certificates = CertificationFormSet(request.POST or None, prefix="cert")
    if request.method == "POST" and form.is_valid() and certificates.is_valid():
        saved = _save(request, form, certificates, product)
        if saved is not None:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": saved})
            return redirect("products:product_detail", pk=saved.pk)
    return render(
        request,
        "officer/product_form.html",
        {"form": form, "certificates": certificates, "product": product},
    )


class _Invalid(Exception):
    """A step failed and put its error on a form: undo every step."""


def _save(request, form, certificates, product: Product | None) -> Product | None:
    """All steps in one transaction, so a bad photo or certificate saves nothing."""
    actor, data = request.user, form.cleaned_data
    fields = {name: data[name] for name in PRODUCT_FIELDS}
    try:
        with transaction.atomic():
            try:
                if product is None:
                    product = product_create(
                        actor=actor, producer=data["producer"], **fields
                    )
                else:
                    product = product_update(
                        actor=actor,
                        product=product,
                        producer=data["producer"],
                        **fields,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
                raise _Invalid from error
            product_raw_materials_set(
                actor=actor, product=product, materials=form.raw_materials()
            )
            _update_photos(actor, product, data)
            for certification in data.get("remove_certifications") or []:
                certification_delete(actor=actor, certification=certification)
            for cert_form in certificates:
                if not cert_form.has_changed():
                    continue
                try:
                    certification_add(
                        actor=actor, product=product, **cert_form.cleaned_data
                    )
                except ValidationError as error:
                    add_service_errors(cert_form, error)
                    raise _Invalid from error
            if upload := data.get("photo"):
                try:
                    product_image_add(
                        actor=actor,
                        product=product,
                        upload=upload,
                        caption=data.get("photo_caption", ""),
                    )
                except ValidationError as error:
                    form.add_error("photo", error)
                    raise _Invalid from error
    except _Invalid:
        return None
    return product


def _update_photos(actor, product: Product, data: dict) -> None:
    removed = {image.pk for image in data.get("remove_photos") or []}
    for image in data.get("remove_photos") or []:
        product_image_delete(actor=actor, image=image)
    primary: ProductImage | None = data.get("primary_photo")
    if primary is not None and not primary.is_primary and primary.pk not in removed:
        product_image_set_primary(actor=actor, image=primary)
