"""Builders for the OTOP registration tests: producers of tambon 500101
(Si Phum, amphoe 5001 Mueang Chiang Mai, province 50) and the people around
them."""

import datetime as dt

from communities.models import Amphoe, ProducerRegistration
from communities.services import (
    assignment_grant,
    registration_apply,
    registration_approve,
    registration_cancel,
)
from tests.accounts.factories import UserFactory, central_staff
from tests.clock import TODAY
from tests.communities.factories import ProducerFactory, tambon

TAMBON, AMPHOE = "500101", "5001"
OTHER_TAMBON, OTHER_AMPHOE = "100101", "1001"  # Bangkok


def district_officer(amphoe: str = AMPHOE, **kwargs):
    """An officer assigned to every tambon of ``amphoe`` (the district)."""
    officer = UserFactory(**kwargs)
    assignment_grant(
        actor=central_staff(), user=officer, amphoe=Amphoe.objects.get(pk=amphoe)
    )
    return officer


def producer_in(code: str = TAMBON, **kwargs):
    return ProducerFactory(tambon=tambon(code), **kwargs)


def registration_in(
    status: str, *, district, producer=None, valid_until: dt.date | None = None
) -> ProducerRegistration:
    """A registration brought to ``status`` through the services by the
    ``district`` officer (who may make every move)."""
    producer = producer or producer_in()
    registration = registration_apply(
        actor=district, producer=producer, applied_on=TODAY
    )
    if status == ProducerRegistration.Status.APPLIED:
        return registration
    if status == ProducerRegistration.Status.CANCELLED:
        return registration_cancel(
            actor=district, registration=registration, reason="เลิกกิจการ"
        )
    registration = registration_approve(
        actor=district, registration=registration, valid_until=valid_until
    )
    if status == ProducerRegistration.Status.RENEWAL_DUE:
        ProducerRegistration.objects.filter(pk=registration.pk).update(
            status=status
        )  # as the sweep would have left it
        registration.refresh_from_db()
    return registration
