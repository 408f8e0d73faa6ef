"""OTOP producer registration (issue #19): applied for at the tambon, approved
at the district, marked due and renewed before it lapses, cancelled with a
reason; each move follows the kernel's recipe (``core.workflow``) and appends
a ``ProducerRegistrationEvent``.

Who may move a registration (``RegistrationScope``):

- apply (and record an existing registration): an officer of the producer's
  tambon (``manage_tambon``), an officer of its district, or central staff;
- approve, renew, mark renewal due, cancel, correct: an officer assigned to
  the producer's whole amphoe (``OfficerAssignment.amphoe``), or central staff
  holding ``communities.approve_registration``; the daily sweep (no actor)
  may only mark renewal due.

Numbers are given at approval: the one the officer types (an existing paper
number), else ``OTOP-<province code>-<B.E. year>-<5-digit sequence>``,
numbered per province and year under a lock on the province row.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from communities.models import (
    OfficerAssignment,
    Producer,
    ProducerRegistration,
    ProducerRegistrationEvent,
    Province,
)
from communities.selectors import officers_of, tambons_managed_by
from core.buddhist_era import to_be
from core.workflow import Checks, allow, locked, require
from notifications.models import EventType
from notifications.services import notify

Status = ProducerRegistration.Status
Action = ProducerRegistrationEvent.Action
APPROVE_REGISTRATION = "communities.approve_registration"


@dataclass(frozen=True)
class RegistrationScope:
    """Where one user may act on registrations, read once (two queries, none
    for central staff) so a list of many producers asks no more."""

    tambons: frozenset[str] = frozenset()
    amphoes: frozenset[str] = frozenset()
    central: bool = False
    system: bool = False  # the daily sweep: no user

    @classmethod
    def of(cls, user: User | None) -> "RegistrationScope":
        if user is None:
            return cls(system=True)
        if not (user.is_authenticated and user.is_active):
            return cls()
        if user.has_perm(APPROVE_REGISTRATION):
            return cls(central=True)
        return cls(
            tambons=frozenset(tambons_managed_by(user).values_list("code", flat=True)),
            amphoes=frozenset(
                OfficerAssignment.objects.filter(
                    user=user, revoked_at__isnull=True, amphoe__isnull=False
                ).values_list("amphoe_id", flat=True)
            ),
        )

    def applies_in(self, tambon_code: str) -> bool:
        return self.central or tambon_code in self.tambons

    def decides_in(self, amphoe_code: str) -> bool:
        return self.central or amphoe_code in self.amphoes


# The checks: the services' guards and the list's buttons ------------------------


def _may_apply(scope: RegistrationScope, registration: ProducerRegistration) -> None:
    allow(
        scope.applies_in(registration.producer.tambon_id),
        _("Only an officer of the producer's tambon or district can apply."),
    )


def _may_decide(scope: RegistrationScope, registration: ProducerRegistration) -> None:
    allow(
        scope.decides_in(registration.producer.tambon.amphoe_id),
        _(
            "Only an officer assigned to the producer's district, or central "
            "staff, can approve, renew or cancel an OTOP registration."
        ),
    )


def _require_status(registration: ProducerRegistration, *statuses: str) -> None:
    require(registration.pk is not None, _NOT_APPLIED)
    require(
        registration.status in statuses,
        _("Not possible while the registration is “%(status)s”.")
        % {"status": _status_label(registration)},
    )


def _status_label(registration: ProducerRegistration) -> str:
    return str(registration.get_status_display())


REGISTRATION_CHECKS = Checks()
_NOT_APPLIED = gettext_lazy("This producer has not applied for an OTOP registration.")


@REGISTRATION_CHECKS.check("apply")
def _check_apply(scope, registration) -> None:
    require(
        registration.pk is None or registration.status == Status.CANCELLED,
        _("This producer already has an OTOP registration (%(status)s).")
        % {"status": _status_label(registration)},
    )
    _may_apply(scope, registration)


@REGISTRATION_CHECKS.check("approve")
def _check_approve(scope, registration) -> None:
    _require_status(registration, Status.APPLIED)
    _may_decide(scope, registration)


@REGISTRATION_CHECKS.check("renew")
def _check_renew(scope, registration) -> None:
    _require_status(registration, *ProducerRegistration.HOLDING)
    _may_decide(scope, registration)


@REGISTRATION_CHECKS.check("mark_renewal_due")
def _check_mark_renewal_due(scope, registration) -> None:
    _require_status(registration, Status.APPROVED)
    require(
        registration.valid_until <= _reminder_horizon(),
        _("The registration is not yet within %(days)s days of its end.")
        % {"days": settings.OTOP_REGISTRATION_REMINDER_DAYS},
    )
    if not scope.system:
        _may_decide(scope, registration)


@REGISTRATION_CHECKS.check("cancel")
def _check_cancel(scope, registration) -> None:
    _require_status(registration, Status.APPLIED, *ProducerRegistration.HOLDING)
    _may_decide(scope, registration)


@REGISTRATION_CHECKS.check("correct")
def _check_correct(scope, registration) -> None:
    _require_status(registration, *ProducerRegistration.HOLDING)
    _may_decide(scope, registration)


def _check_record(scope, registration) -> None:
    require(
        registration.pk is None,
        _("This producer already has an OTOP registration (%(status)s).")
        % {"status": _status_label(registration)},
    )
    _may_apply(scope, registration)


# Recording a registration made before the portal: not a move a list offers.
RECORD_CHECKS = Checks({"record": _check_record})


def registration_actions(
    actor: User,
    registration: ProducerRegistration,
    *,
    scope: RegistrationScope | None = None,
) -> list[str]:
    """What ``actor`` may do to ``registration`` now (an unsaved one, with its
    producer, for a producer not registered yet): the services' own checks.
    A list passes one ``scope`` for all its rows."""
    return REGISTRATION_CHECKS.passing(
        scope or RegistrationScope.of(actor), registration
    )


def registration_for(producer: Producer) -> ProducerRegistration:
    """The producer's registration, or an unsaved one to apply with."""
    try:
        return producer.registration
    except ProducerRegistration.DoesNotExist:
        return ProducerRegistration(producer=producer)


# Dates and numbers ----------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _reminder_horizon() -> dt.date:
    days = settings.OTOP_REGISTRATION_REMINDER_DAYS
    return timezone.localdate() + dt.timedelta(days=days)


def registration_number_next(province_code: str, day: dt.date) -> str:
    """The next generated number of the province in ``day``'s B.E. year.
    Callers hold the province row's lock (approvals in one province take
    turns), so two approvals never draw the same number."""
    prefix = f"OTOP-{province_code}-{to_be(day.year)}-"
    taken = ProducerRegistration.objects.filter(number__startswith=prefix)
    last = max(
        (
            int(tail)
            for n in taken.values_list("number", flat=True)
            if (tail := n.removeprefix(prefix)).isdecimal()
        ),
        default=0,
    )
    return f"{prefix}{last + 1:05d}"


def _check_number(number: str, registration: ProducerRegistration) -> None:
    if len(number) > 32:
        raise ValidationError({"number": _("At most 32 characters.")})
    taken = ProducerRegistration.objects.filter(number=number).exclude(
        pk=registration.pk
    )
    if taken.exists():
        raise ValidationError(
            {"number": _("This OTOP registration number is already in use.")}
        )


def _check_valid_until(valid_until: dt.date, after: dt.date) -> None:
    if valid_until <= after:
        raise ValidationError(
            {"valid_until": _("The end of validity must be later than that.")}
        )


def _check_applied_on(applied_on: dt.date | None) -> None:
    if applied_on is None:
        raise ValidationError({"applied_on": _("Give the date of the application.")})
    if applied_on > timezone.localdate():
        raise ValidationError(
            {"applied_on": _("The date of the application cannot be in the future.")}
        )


def _locked(registration: ProducerRegistration) -> ProducerRegistration:
    require(registration.pk is not None, _NOT_APPLIED)
    return locked(registration, "producer__tambon", of=("self",))


def _event(registration, action: str, actor: User | None, note: str = "") -> None:
    ProducerRegistrationEvent.objects.create(
        registration=registration, action=action, actor=actor, note=note
    )


# The moves ----------------------------------------------------------------------


@transaction.atomic
def registration_apply(
    *, actor: User, producer: Producer, applied_on: dt.date, note: str = ""
) -> ProducerRegistration:
    """Apply for the producer's registration, or apply again after it was
    cancelled (the record, its number and its trail carry on)."""
    producer = (
        Producer.objects.select_for_update(of=("self",))
        .select_related("tambon")
        .get(pk=producer.pk)
    )
    registration = (
        ProducerRegistration.objects.select_for_update()
        .filter(producer=producer)
        .first()
    ) or ProducerRegistration(producer=producer)
    registration.producer = producer
    REGISTRATION_CHECKS.run("apply", RegistrationScope.of(actor), registration)
    _check_applied_on(applied_on)
    registration.status = Status.APPLIED
    registration.applied_on = applied_on
    registration.cancelled_reason = ""
    registration.valid_until = None
    registration.save()
    _event(registration, Action.APPLIED, actor, note)
    return registration


@transaction.atomic
def registration_approve(
    *,
    actor: User,
    registration: ProducerRegistration,
    number: str | None = None,
    valid_until: dt.date | None = None,
    note: str = "",
) -> ProducerRegistration:
    """Approve an application: a number (typed, kept from before, or the
    next generated one) and a validity of ``OTOP_REGISTRATION_YEARS`` from
    today unless ``valid_until`` says otherwise."""
    registration = _locked(registration)
    REGISTRATION_CHECKS.run("approve", RegistrationScope.of(actor), registration)
    today = timezone.localdate()
    valid_until = valid_until or add_years(today, settings.OTOP_REGISTRATION_YEARS)
    _check_valid_until(valid_until, today)
    number = (number or "").strip() or registration.number
    if number:
        _check_number(number, registration)
    else:
        province = registration.producer.tambon.province_id
        Province.objects.select_for_update().get(pk=province)
        number = registration_number_next(province, today)
    registration.number = number
    registration.status = Status.APPROVED
    registration.approved_by = actor
    registration.approved_at = timezone.now()
    registration.valid_until = valid_until
    registration.save()
    _event(registration, Action.APPROVED, actor, note)
    return registration


@transaction.atomic
def registration_mark_renewal_due(
    *, actor: User | None, registration: ProducerRegistration
) -> ProducerRegistration:
    """Mark an approved registration as due for renewal, and tell the
    officers of its tambon (once: the notification's key names the end date
    being renewed)."""
    registration = _locked(registration)
    REGISTRATION_CHECKS.run(
        "mark_renewal_due", RegistrationScope.of(actor), registration
    )
    registration.status = Status.RENEWAL_DUE
    registration.save(update_fields=["status"])
    _event(registration, Action.RENEWAL_DUE, actor)
    producer = registration.producer
    notify(
        event_type=EventType.REGISTRATION_RENEWAL_DUE,
        event_key=(
            f"registration:{registration.pk}:renewal_due:"
            f"{registration.valid_until.isoformat()}"
        ),
        recipients=officers_of(producer.tambon_id),
        context={
            "producer": producer.name_th,
            "tambon": producer.tambon.name_th,
            "number": registration.number,
            "valid_until": registration.valid_until.isoformat(),
        },
        link=f"{reverse('communities:registration_list')}?status=renewal_due",
    )
    return registration


@transaction.atomic
def registration_renew(
    *,
    actor: User,
    registration: ProducerRegistration,
    valid_until: dt.date | None = None,
    note: str = "",
) -> ProducerRegistration:
    """Extend the validity: by ``OTOP_REGISTRATION_YEARS`` from its current
    end (from today if it has already ended) unless ``valid_until`` is given."""
    registration = _locked(registration)
    REGISTRATION_CHECKS.run("renew", RegistrationScope.of(actor), registration)
    base = max(registration.valid_until, timezone.localdate())
    valid_until = valid_until or add_years(base, settings.OTOP_REGISTRATION_YEARS)
    _check_valid_until(valid_until, base)
    registration.valid_until = valid_until
    registration.status = Status.APPROVED
    registration.save(update_fields=["valid_until", "status"])
    _event(registration, Action.RENEWED, actor, note)
    return registration


@transaction.atomic
def registration_cancel(
    *, actor: User, registration: ProducerRegistration, reason: str
) -> ProducerRegistration:
    """Cancel an application or a registration; the reason is required and
    kept. The producer may apply again later."""
    registration = _locked(registration)
    REGISTRATION_CHECKS.run("cancel", RegistrationScope.of(actor), registration)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    registration.status = Status.CANCELLED
    registration.cancelled_reason = reason
    registration.save(update_fields=["status", "cancelled_reason"])
    _event(registration, Action.CANCELLED, actor, reason)
    return registration


@transaction.atomic
def registration_correct(
    *,
    actor: User,
    registration: ProducerRegistration,
    number: str,
    valid_until: dt.date,
    note: str,
) -> ProducerRegistration:
    """Put right a mistyped number or end date of a held registration; the
    note says why, and the old values stay in the trail's note."""
    registration = _locked(registration)
    REGISTRATION_CHECKS.run("correct", RegistrationScope.of(actor), registration)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was wrong.")})
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("This field is required.")})
    _check_number(number, registration)
    if valid_until is None:
        raise ValidationError({"valid_until": _("This field is required.")})
    before = f"{registration.number} · {registration.valid_until.isoformat()}"
    registration.number = number
    registration.valid_until = valid_until
    registration.save(update_fields=["number", "valid_until"])
    _event(registration, Action.CORRECTED, actor, f"{note} ({before})")
    return registration


# Registrations made before the portal --------------------------------------------


@dataclass(frozen=True)
class ExistingRegistration:
    """A registration as the officer found it on paper."""

    status: str  # applied or approved
    applied_on: dt.date | None = None
    number: str = ""
    valid_until: dt.date | None = None


def registration_existing_errors(existing: ExistingRegistration) -> dict[str, str]:
    """What is wrong with ``existing`` by field (none: it can be recorded)."""
    errors = {}
    if existing.status not in (Status.APPLIED, Status.APPROVED):
        errors["status"] = _("Only an application or an approved registration.")
    if existing.applied_on is not None and existing.applied_on > timezone.localdate():
        errors["applied_on"] = _("The date of the application cannot be in the future.")
    if existing.status == Status.APPROVED:
        if not existing.number:
            errors["number"] = _("An approved registration has a number.")
        if existing.valid_until is None:
            errors["valid_until"] = _("An approved registration has an end date.")
    elif existing.valid_until is not None:
        errors["valid_until"] = _("Only an approved registration has an end date.")
    return errors


@transaction.atomic
def registration_record(
    *, actor: User, producer: Producer, existing: ExistingRegistration
) -> ProducerRegistration:
    """Record a registration made before the portal (the producer form)."""
    producer = Producer.objects.select_related("tambon").get(pk=producer.pk)
    if errors := registration_existing_errors(existing):
        raise ValidationError(errors)
    if existing.number:
        _check_number(existing.number, ProducerRegistration())
    return registrations_record_bulk(actor=actor, rows=[(producer, existing)])[0]


def registrations_record_bulk(
    *, actor: User, rows: Iterable[tuple[Producer, ExistingRegistration]]
) -> list[ProducerRegistration]:
    """Record many at once (the producer import), with their events. The
    caller has checked each row (``registration_existing_errors``, numbers
    unique); this checks the actor's right to each producer."""
    rows = list(rows)
    scope = RegistrationScope.of(actor)
    today = timezone.localdate()
    registered = set(
        ProducerRegistration.objects.filter(
            producer__in=[p.pk for p, _e in rows if p.pk is not None]
        ).values_list("producer_id", flat=True)
    )
    registrations = []
    for producer, existing in rows:
        require(
            producer.pk not in registered,
            _("%(producer)s already has an OTOP registration.")
            % {"producer": producer},
        )
        registration = ProducerRegistration(
            producer=producer,
            number=existing.number,
            applied_on=existing.applied_on or today,
            status=existing.status,
            valid_until=existing.valid_until,
        )
        RECORD_CHECKS.run("record", scope, registration)
        registrations.append(registration)
    ProducerRegistration.objects.bulk_create(registrations)
    note = _("Recorded from a registration made before the portal.")
    events = []
    for registration in registrations:
        events.append(
            ProducerRegistrationEvent(
                registration=registration, action=Action.APPLIED, actor=actor, note=note
            )
        )
        if registration.status == Status.APPROVED:
            events.append(
                ProducerRegistrationEvent(
                    registration=registration,
                    action=Action.APPROVED,
                    actor=actor,
                    note=note,
                )
            )
    ProducerRegistrationEvent.objects.bulk_create(events)
    return registrations
