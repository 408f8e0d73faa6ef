"""Registering and editing producers (the officer's forms and pages)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import (
    Producer,
    Tambon,
)
from communities.services.assignments import MANAGE_TAMBON
from communities.services.registrations import (
    ExistingRegistration,
    registration_record,
)

PRODUCER_FIELDS = (
    "kind",
    "name_th",
    "name_en",
    "registration_number",
    "address",
    "contact_person",
    "phone",
    "email",
    "member_count",
    "founded_year",
)


def ensure_manages_tambon(actor: User, tambon: Tambon) -> None:
    if not actor.has_perm(MANAGE_TAMBON, tambon):
        raise PermissionDenied(
            _("You are not assigned to tambon %(tambon)s.") % {"tambon": tambon}
        )


@transaction.atomic
def producer_create(
    *,
    actor: User,
    tambon: Tambon,
    registration: ExistingRegistration | None = None,
    **fields: Any,
) -> Producer:
    """Register a producer whose production site lies in ``tambon``, which the
    officer must be assigned to (the programme's rule); with ``registration``,
    its OTOP registration made before the portal too."""
    ensure_manages_tambon(actor, tambon)
    producer = Producer(tambon=tambon, created_by=actor, **_only(fields))
    producer.full_clean()
    producer.save()
    if registration is not None:
        registration_record(actor=actor, producer=producer, existing=registration)
    return producer


@transaction.atomic
def producer_update(
    *,
    actor: User,
    producer: Producer,
    tambon: Tambon | None = None,
    registration: ExistingRegistration | None = None,
    **fields: Any,
) -> Producer:
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    ensure_manages_tambon(actor, producer.tambon)
    if tambon is not None and tambon.pk != producer.tambon_id:
        ensure_manages_tambon(actor, tambon)
        producer.tambon = tambon
    for name, value in _only(fields).items():
        setattr(producer, name, value)
    producer.full_clean()
    producer.save()
    if registration is not None:
        registration_record(actor=actor, producer=producer, existing=registration)
    return producer


def _only(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PRODUCER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown producer fields: {sorted(unknown)}")
    return {
        name: ("" if value is None and name not in _NULLABLE else value)
        for name, value in fields.items()
    }


_NULLABLE = {"member_count", "founded_year"}
