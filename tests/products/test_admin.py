import csv
import io
import re

import pytest

from communities.models import Producer, Tambon
from communities.services import assignment_grant
from products.models import Category, Product
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(geography):
    snack = Category.objects.get(code="FOOD-SNACK")
    for code, name in (("100101", "ขนมบางลำพู"), ("500101", "ขนมเชียงใหม่")):
        producer = Producer.objects.create(
            kind="community", name_th=f"กลุ่ม {name}", tambon_id=code
        )
        Product.objects.create(producer=producer, category=snack, name_th=name)


def _export(client, model):
    page = client.get(f"/admin/{model}/export/")
    fields = set(re.findall(r'name="(\w+resource_\w+)"', page.text))
    response = client.post(
        f"/admin/{model}/export/",
        {"format": "0", "resource": "0", **dict.fromkeys(fields, "on")},
    )
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_central_staff_export_products_from_the_admin(client, products, central_staff):
    client.force_login(central_staff)

    rows = _export(client, "products/product")

    assert {row["name_th"] for row in rows} == {"ขนมบางลำพู", "ขนมเชียงใหม่"}


def test_the_admin_offers_csv_and_excel_and_links_to_the_import(
    client, products, central_staff
):
    client.force_login(central_staff)

    changelist = client.get("/admin/products/product/").text
    export_page = client.get("/admin/products/product/export/").text

    assert "/officer/imports/" in changelist
    assert ">csv<" in export_page and ">xlsx<" in export_page
    assert ">json<" not in export_page


def test_staff_who_are_not_superusers_see_only_their_tambons(
    client, products, central_staff
):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_product", "view_producer"])
    )
    assignment_grant(
        actor=central_staff, user=staff, tambon=Tambon.objects.get(pk="100101")
    )
    client.force_login(staff)

    products_page = client.get("/admin/products/product/").text
    producers_page = client.get("/admin/communities/producer/").text

    assert "ขนมบางลำพู" in products_page and "ขนมเชียงใหม่" not in products_page
    assert "กลุ่ม ขนมเชียงใหม่" not in producers_page
