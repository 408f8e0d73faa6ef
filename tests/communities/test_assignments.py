import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.models import Amphoe, OfficerAssignment, Producer, Tambon
from communities.selectors import producers_visible_to, tambons_managed_by
from communities.services import (
    assignment_grant,
    assignment_revoke,
    producer_create,
    producer_update,
)
from tests.accounts.factories import UserFactory

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

    with pytest.raises(ValidationError):
        assignment_grant(actor=central_staff, user=newcomer, tambon=tambon)


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
