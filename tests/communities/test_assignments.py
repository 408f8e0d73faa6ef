import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import (
    Amphoe,
    OfficerAssignment,
    OfficerAssignmentEvent,
    Producer,
    Tambon,
)
from communities.selectors import producers_visible_to, tambons_managed_by
from communities.services import (
    assignment_grant,
    assignment_revoke,
    producer_create,
    producer_update,
)
from core.buddhist_era import format_datetime
from core.workflow import InvalidTransition
from tests.accounts.factories import UserFactory
from tests.rows import changed_rows, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    """A user with no tambon yet: the officer these tests assign."""
    return UserFactory(username="officer_a")


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_assigning_a_tambon_grants_exactly_that_tambon(
    geography, central_staff, newcomer
):
    tambon = Tambon.objects.get(code="100101")

    assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)

    assert codes(tambons_managed_by(newcomer)) == ["100101"]
    assert newcomer.has_perm("communities.manage_tambon", tambon)
    assert not newcomer.has_perm(
        "communities.manage_tambon", Tambon.objects.get(code="100102")
    )


def test_assigning_an_amphoe_grants_all_its_tambons(geography, central_staff, newcomer):
    amphoe = Amphoe.objects.get(code="1001")

    assignment_grant(actor=central_staff, user=newcomer, amphoe=amphoe)

    assert codes(tambons_managed_by(newcomer)) == codes(amphoe.tambons.all())


def test_revoking_removes_the_grants_but_keeps_the_history(
    geography, central_staff, newcomer
):
    tambon = Tambon.objects.get(code="100101")
    assignment = assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)

    assignment_revoke(actor=central_staff, assignment=assignment)

    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # fresh permission cache
    assert not tambons_managed_by(newcomer).exists()
    assert not newcomer.has_perm("communities.manage_tambon", tambon)
    assert OfficerAssignment.objects.get(pk=assignment.pk).revoked_at is not None


def test_a_tambon_still_covered_by_its_amphoe_keeps_its_grant(
    geography, central_staff, newcomer
):
    tambon = Tambon.objects.get(code="100101")
    single = assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    assignment_grant(actor=central_staff, user=newcomer, amphoe=tambon.amphoe)

    assignment_revoke(actor=central_staff, assignment=single)

    assert "100101" in codes(tambons_managed_by(newcomer))


def test_only_central_staff_assign(geography, newcomer):
    with pytest.raises(PermissionDenied):
        assignment_grant(
            actor=newcomer, user=newcomer, tambon=Tambon.objects.get(code="100101")
        )
    assert not OfficerAssignment.objects.exists()


def test_the_same_assignment_twice_is_refused(geography, central_staff, newcomer):
    tambon = Tambon.objects.get(code="100101")
    assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)

    with pytest.raises(InvalidTransition):
        assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    assert OfficerAssignment.objects.filter(user=newcomer).count() == 1
    assert OfficerAssignmentEvent.objects.filter(assignment__user=newcomer).count() == 1


def test_a_tambon_and_an_amphoe_at_once_is_refused(geography, central_staff, newcomer):
    tambon = Tambon.objects.get(code="100101")

    with pytest.raises(ValidationError):
        assignment_grant(
            actor=central_staff, user=newcomer, tambon=tambon, amphoe=tambon.amphoe
        )
    assert not OfficerAssignment.objects.exists()


# The audit trail ---------------------------------------------------------------


def test_granting_and_revoking_are_recorded_with_who_and_why(
    geography, central_staff, newcomer
):
    tambon = Tambon.objects.get(code="100101")
    assignment = assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    assignment_revoke(actor=central_staff, assignment=assignment, note="ย้ายไปอำเภอเมือง")

    trail = list(
        assignment.events.order_by("at", "pk").values_list("action", "actor", "note")
    )
    assert trail == [
        ("granted", central_staff.pk, ""),
        ("revoked", central_staff.pk, "ย้ายไปอำเภอเมือง"),
    ]


def test_a_refused_revocation_changes_nothing(geography, central_staff, newcomer):
    tambon = Tambon.objects.get(code="100101")
    assignment = assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)

    with pytest.raises(PermissionDenied):
        assignment_revoke(actor=newcomer, assignment=assignment)

    assignment.refresh_from_db()
    assert assignment.revoked_at is None
    assert list(assignment.events.values_list("action", flat=True)) == ["granted"]
    assert newcomer.has_perm("communities.manage_tambon", tambon)


# The admin --------------------------------------------------------------------

CHANGELIST = "/admin/communities/officerassignment/"


@pytest.fixture
def staff_client(client, central_staff):
    client.force_login(central_staff)
    return client


def test_the_assignment_pages_write_nothing_on_get(
    geography, central_staff, newcomer, staff_client
):
    tambon = Tambon.objects.get(code="100101")
    assignment = assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    assignment_revoke(actor=central_staff, assignment=assignment, note="ย้าย")
    before = row_counts()

    pages = [
        staff_client.get(url)
        for url in (
            CHANGELIST,
            f"{CHANGELIST}?revoked_at__isnull=True",
            f"{CHANGELIST}add/",
            f"{CHANGELIST}{assignment.pk}/change/",
            f"{CHANGELIST}{assignment.pk}/history/",
        )
    ]

    assert [page.status_code for page in pages] == [200] * 5
    assert "ย้าย" in pages[3].content.decode()  # the trail, read-only
    assert changed_rows(before) == {}


def test_the_assignment_list_shows_its_times_in_be(
    geography, central_staff, newcomer, staff_client
):
    tambon = Tambon.objects.get(code="100101")
    assignment = assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    assignment_revoke(actor=central_staff, assignment=assignment)
    assignment.refresh_from_db()

    page = staff_client.get(CHANGELIST).text

    for field, at in (
        ("assigned", assignment.assigned_at),
        ("revoked", assignment.revoked_at),
    ):
        shown = format_datetime(at)
        assert str(timezone.localtime(at).year + 543) in shown
        assert f'<td class="field-{field}">{shown}</td>' in page


def test_the_admin_shows_a_refused_assignment_as_a_form_error(
    geography, central_staff, newcomer, staff_client
):
    tambon = Tambon.objects.get(code="100101")
    assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    before = row_counts()

    page = staff_client.post(
        f"{CHANGELIST}add/", {"user": newcomer.pk, "tambon": tambon.pk, "amphoe": ""}
    )

    assert page.status_code == 200
    assert _("This officer already has this assignment.") in page.content.decode()
    assert changed_rows(before) == {}


@pytest.mark.parametrize("amphoe", ["", "1001"], ids=["neither", "both"])
def test_the_admin_asks_for_one_area_once_beside_the_tambon(
    geography, newcomer, staff_client, amphoe
):
    tambon = "" if amphoe == "" else "100101"

    page = staff_client.post(
        f"{CHANGELIST}add/", {"user": newcomer.pk, "tambon": tambon, "amphoe": amphoe}
    )

    errors = page.context["adminform"].form.errors
    assert errors == {"tambon": [_("Choose either one tambon or one whole amphoe.")]}
    assert not OfficerAssignment.objects.exists()


def test_the_admin_assigns_through_the_service(
    geography, newcomer, staff_client, central_staff
):
    tambon = Tambon.objects.get(code="100101")

    page = staff_client.post(
        f"{CHANGELIST}add/", {"user": newcomer.pk, "tambon": tambon.pk, "amphoe": ""}
    )

    assert page.status_code == 302
    assignment = OfficerAssignment.objects.get(user=newcomer)
    assert assignment.assigned_by == central_staff
    assert list(assignment.events.values_list("action", flat=True)) == ["granted"]
    assert codes(tambons_managed_by(newcomer)) == ["100101"]


def test_the_revoke_action_revokes_the_active_and_names_the_refused(
    geography, central_staff, newcomer, staff_client
):
    first, second = (
        assignment_grant(
            actor=central_staff, user=newcomer, tambon=Tambon.objects.get(code=code)
        )
        for code in ("100101", "100102")
    )
    assignment_revoke(actor=central_staff, assignment=first)

    page = staff_client.post(
        CHANGELIST,
        {"action": "revoke", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    shown = [str(message) for message in page.context["messages"]]
    assert shown == [
        f"{first}: {_('This assignment has already been revoked.')}",
        _("Assignments revoked."),
    ]
    second.refresh_from_db()
    assert second.revoked_at is not None
    assert first.events.count() == 2  # granted, revoked: nothing more
    assert not tambons_managed_by(newcomer).exists()


def test_scoping_is_one_query(
    geography, central_staff, newcomer, django_assert_num_queries
):
    assignment_grant(
        actor=central_staff, user=newcomer, amphoe=Amphoe.objects.get(code="1001")
    )
    with django_assert_num_queries(1):
        list(producers_visible_to(newcomer))


def test_an_officer_registers_producers_only_in_their_tambons(
    geography, central_staff, newcomer
):
    mine = Tambon.objects.get(code="100101")
    theirs = Tambon.objects.get(code="500101")
    assignment_grant(actor=central_staff, user=newcomer, tambon=mine)

    producer = producer_create(
        actor=newcomer, tambon=mine, kind="community", name_th="กลุ่มทอผ้าบ้านดอน"
    )
    with pytest.raises(PermissionDenied):
        producer_create(actor=newcomer, tambon=theirs, kind="sme", name_th="บริษัทอื่น")
    with pytest.raises(PermissionDenied):
        producer_update(actor=newcomer, producer=producer, tambon=theirs)

    assert list(Producer.objects.values_list("name_th", flat=True)) == ["กลุ่มทอผ้าบ้านดอน"]
    assert Producer.objects.get().tambon_id == "100101"


def test_a_registration_number_is_unique_when_given(geography, central_staff, newcomer):
    tambon = Tambon.objects.get(code="100101")
    assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)
    producer_create(
        actor=newcomer, tambon=tambon, kind="sme", name_th="ก", registration_number=""
    )
    producer_create(
        actor=newcomer, tambon=tambon, kind="sme", name_th="ข", registration_number=""
    )
    producer_create(
        actor=newcomer,
        tambon=tambon,
        kind="sme",
        name_th="ค",
        registration_number="0105",
    )

    with pytest.raises(ValidationError):
        producer_create(
            actor=newcomer,
            tambon=tambon,
            kind="sme",
            name_th="ง",
            registration_number="0105",
        )
    assert Producer.objects.count() == 3
