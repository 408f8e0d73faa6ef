"""Rows the kernel's tests need, one of each audit trail's subject (a plain
helper module, not a test module: test modules import from here)."""

from decimal import Decimal

from committees.models import MembershipEvent
from committees.services import membership_grant
from communities.models import OfficerAssignmentEvent, ProducerRegistrationEvent
from communities.services import registration_apply
from products.models import ProductEvent
from registry.models import RegistryEntry, RegistryEvent
from registry.services import entry_snapshot
from selection.models import Nomination, NominationEvent
from support.models import SupportPlan, SupportPlanEvent
from tests.clock import TODAY
from tests.committees.factories import amphoe_committee
from tests.communities.factories import ProducerFactory, tambon
from tests.selection.ladder import (
    central_staff,
    complete_product,
    make_officer,
    make_round,
    submitted_nomination,
)


def _nomination() -> Nomination:
    return submitted_nomination(
        make_officer("500101"), make_round(), "500101", "ข้าวแต๋นน้ำแตงโม"
    )


def nomination_event():
    return NominationEvent.objects.filter(nomination=_nomination()).last()


def support_plan_event():
    plan = SupportPlan.objects.create(
        round=make_round(), committee=amphoe_committee("5001")
    )
    return SupportPlanEvent.objects.create(
        plan=plan, action=SupportPlanEvent.Action.APPROVED, actor=central_staff()
    )


def registry_event():
    staff = central_staff()
    nomination = Nomination.objects.select_related(
        "round",
        "product__producer__tambon__amphoe",
        "product__producer__tambon__province",
        "product__category__parent",
    ).get(pk=_nomination().pk)
    fields = entry_snapshot(nomination, [])
    fields.update(stars=4, final_score=Decimal("85.00"))
    entry = RegistryEntry.objects.create(
        number="OTOP-2569-50-000001", published_by=staff, **fields
    )
    return RegistryEvent.objects.create(entry=entry, action="published", actor=staff)


def membership_event():
    staff = central_staff()
    committee = amphoe_committee("5001", actor=staff)
    member = make_officer("500102")
    membership = membership_grant(
        actor=staff, committee=committee, user=member, role="member"
    )
    return MembershipEvent.objects.filter(membership=membership).get()


def officer_assignment_event():
    officer = make_officer("500101")
    return OfficerAssignmentEvent.objects.get(assignment__user=officer)


def product_event():
    product = complete_product(make_officer("500101"), "500101", "ข้าวแต๋น")
    return ProductEvent.objects.get(product=product, action="created")


def producer_registration_event():
    producer = ProducerFactory(tambon=tambon("500101"))
    registration_apply(
        actor=make_officer("500101"), producer=producer, applied_on=TODAY
    )
    return ProducerRegistrationEvent.objects.get(registration__producer=producer)


BUILD = {
    NominationEvent: nomination_event,
    SupportPlanEvent: support_plan_event,
    RegistryEvent: registry_event,
    MembershipEvent: membership_event,
    ProductEvent: product_event,
    OfficerAssignmentEvent: officer_assignment_event,
    ProducerRegistrationEvent: producer_registration_event,
}


def registry_entry():
    return registry_event().entry
