import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, geography, central_staff):
    client.force_login(central_staff)
    return client


@pytest.mark.parametrize(
    ("query", "expected_code"),
    [("พระบรมมหาราชวัง", "100101"), ("Phra Borom", "100101"), ("5001", "500101")],
)
def test_tambons_are_searchable_in_thai_english_and_by_code(
    admin_client, query, expected_code
):
    response = admin_client.get("/admin/communities/tambon/", {"q": query})

    assert response.status_code == 200
    assert expected_code in response.content.decode()


@pytest.mark.parametrize("model", ["region", "province", "amphoe", "tambon"])
def test_geography_cannot_be_added_or_changed_in_the_admin(admin_client, model):
    assert admin_client.get(f"/admin/communities/{model}/add/").status_code == 403


def test_a_tambon_page_is_read_only(admin_client):
    url = "/admin/communities/tambon/100101/change/"

    page = admin_client.get(url)
    admin_client.post(url, {"name_th": "แก้ไข"})

    assert page.status_code == 200
    assert 'name="name_th"' not in page.content.decode()
    from communities.models import Tambon

    assert Tambon.objects.get(code="100101").name_th == "พระบรมมหาราชวัง"
