import csv
import io

import pytest

from committees.models import Membership, MembershipEvent, Role
from committees.services import membership_change_role
from communities.models import Producer
from tests.accounts.factories import UserFactory
from tests.committees.factories import amphoe_committee, member_of

pytestmark = pytest.mark.django_db


def test_my_committees_lists_role_term_and_fellow_members(client, geography):
    committee = amphoe_committee("5001")
    chair = member_of(committee, Role.CHAIR, "chair")
    member = member_of(committee, Role.MEMBER, "member")
    client.force_login(member)

    page = client.get("/committees/").text

    assert "คณะทำงานขับเคลื่อน OTOP อำเภอเมืองเชียงใหม่" in page
    assert "กรรมการ" in page and chair.get_full_name() in page
    assert "1\u00a0ต.ค. 2568" in page  # the term, in B.E.


def test_my_committees_has_an_empty_state(client, db):
    client.force_login(UserFactory())

    page = client.get("/committees/").text

    assert "สำนักงานพัฒนาชุมชนจังหวัด" in page


def test_the_committee_page_shows_its_history(client, geography):
    committee = amphoe_committee("5001")
    member = member_of(committee, Role.MEMBER, "member")
    client.force_login(member)

    page = client.get(f"/committees/{committee.pk}/").text

    assert "ประวัติการแต่งตั้ง" in page or "History of appointments" in page
    assert MembershipEvent.objects.filter(committee=committee).count() == 1


def test_the_admin_shows_terms_in_be_and_the_history_in_thai(
    client, geography, central_staff
):
    committee = amphoe_committee("5001")
    user = member_of(committee, Role.MEMBER, "somchai")
    membership = Membership.objects.get(user=user)
    membership_change_role(
        actor=central_staff, membership=membership, role=Role.OBSERVER
    )
    client.force_login(central_staff)

    pages = [
        client.get(url).text
        for url in (
            f"/admin/committees/committee/{committee.pk}/change/",
            f"/admin/committees/membership/{membership.pk}/change/",
            "/admin/committees/membership/",
        )
    ]

    for page in pages:
        assert "1\u00a0ต.ค. 2568" in page  # the term starts, in B.E.
        assert "ตุลาคม 2025" not in page  # as Django's own date format shows it
    for form in pages[:1]:  # the term typed in B.E. too
        assert 'value="01/10/2568"' in form and "01/10/2025" not in form
    history = pages[0]
    assert f"<p>{Role.OBSERVER.label}</p>" in history  # the role, not its code
    assert "<p>observer</p>" not in history and "<p>member</p>" not in history
    assert "การเป็นสมาชิกคณะ" in history and "Membership" not in history


def test_a_member_declares_a_conflict_in_their_area_only(client, geography):
    member = member_of(amphoe_committee("5001"), Role.MEMBER, "member")
    inside = Producer.objects.create(kind="sme", name_th="ร้านในเขต", tambon_id="500101")
    outside = Producer.objects.create(
        kind="sme", name_th="ร้านนอกเขต", tambon_id="100101"
    )
    client.force_login(member)

    found = client.get("/committees/conflicts/", {"q": "ร้าน"}).text
    declared = client.post(
        "/committees/conflicts/declare/",
        {"producer": inside.pk, "reason": "เป็นญาติเจ้าของร้าน"},
    )
    refused = client.post(
        "/committees/conflicts/declare/",
        {"producer": outside.pk, "reason": "ลองดู"},
    )

    assert "ร้านในเขต" in found and "ร้านนอกเขต" not in found
    assert declared.status_code == 302
    assert refused.status_code == 404
    assert list(member.conflict_declarations.values_list("producer", flat=True)) == [
        inside.pk
    ]


def _memberships_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["committee", "username", "role", "term_start", "term_end"])
    writer.writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


def _import(client, rows):
    upload = _memberships_csv(rows)
    upload.name = "members.csv"
    return client.post(
        "/admin/committees/membership/import/",
        {"format": "0", "import_file": upload, "resource": "0"},
    )


@pytest.fixture
def import_setup(client, geography, central_staff):
    amphoe_committee("5001")
    for name in ("somchai", "somsri", "malee"):
        UserFactory(username=name)
    client.force_login(central_staff)
    return client


def test_a_clean_membership_file_previews_then_grants(import_setup):
    client = import_setup
    rows = [
        ["amphoe:5001", "somchai", "ประธาน", "01/10/2568", ""],
        ["amphoe:5001", "somsri", "secretary", "2025-10-01", "30/09/2570"],
    ]

    preview = _import(client, rows)

    assert preview.status_code == 200
    assert "confirm" in preview.text.lower()
    assert not Membership.objects.exists()  # a dry run so far

    form = preview.context["confirm_form"]
    client.post(
        "/admin/committees/membership/process_import/",
        {**form.initial, "resource": "0"},
    )
    assert set(Membership.objects.values_list("user__username", "role")) == {
        ("somchai", "chair"),
        ("somsri", "secretary"),
    }
    somchai = Membership.objects.get(user__username="somchai").user
    assert somchai.is_staff  # grants went through the service


def test_a_file_with_bad_rows_imports_nothing_and_lists_each(import_setup):
    client = import_setup
    rows = [
        ["amphoe:5001", "somchai", "chair", "01/10/2568", ""],
        ["amphoe:9999", "somsri", "member", "01/10/2568", ""],
        ["amphoe:5001", "nobody", "member", "01/10/2568", ""],
        ["amphoe:5001", "malee", "boss", "01/10/2568", ""],
    ]

    response = _import(client, rows)

    assert not Membership.objects.exists()
    text = response.text
    assert "9999" in text and "nobody" in text and "boss" in text
    assert "process_import" not in text  # no confirm button


def test_importing_the_same_file_twice_appoints_once(import_setup):
    client = import_setup
    rows = [["amphoe:5001", "somchai", "member", "01/10/2568", ""]]
    for _ in range(2):
        preview = _import(client, rows)
        client.post(
            "/admin/committees/membership/process_import/",
            {**preview.context["confirm_form"].initial, "resource": "0"},
        )

    assert Membership.objects.count() == 1


def test_bad_cells_are_reported_with_their_column(import_setup):
    response = _import(
        import_setup, [["amphoe:5001", "malee", "boss", "31/02/2568", ""]]
    )

    text = response.text
    assert "role" in text and "term_start" in text
    assert "boss" in text
