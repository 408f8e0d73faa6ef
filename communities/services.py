from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from communities.models import (
    Amphoe,
    OfficerAssignment,
    OfficerAssignmentEvent,
    Producer,
    Province,
    Region,
    Tambon,
    TambonUserObjectPermission,
)
from communities.regions import REGIONS, region_code_for_province
from core.workflow import Checks, allow, locked, require


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # In the database but no longer in the source: kept (rows may be referenced
    # by producers and nominations), reported so staff can look into them.
    missing_from_source: list[str] = field(default_factory=list)


@dataclass
class GeographyLoadResult:
    regions: LoadCounts
    provinces: LoadCounts
    amphoes: LoadCounts
    tambons: LoadCounts

    def by_level(self) -> dict[str, LoadCounts]:
        return {
            "regions": self.regions,
            "provinces": self.provinces,
            "amphoes": self.amphoes,
            "tambons": self.tambons,
        }


@transaction.atomic
def geography_load(*, source: Any = None) -> GeographyLoadResult:
    """Bring regions, provinces, amphoes and tambons in line with ``source``.

    ``source`` is the ``geothai`` module by default (anything with its
    ``provinces()``, ``districts(code)`` and ``subdistricts(code)`` will do).
    Idempotent: a second run with the same data writes nothing; names and
    postal codes changed upstream are updated in place; nothing is deleted.
    """
    if source is None:
        import geothai as source

    provinces = list(source.provinces())
    amphoes = [a for p in provinces for a in source.districts(p.code)]
    tambons = [t for a in amphoes for t in source.subdistricts(a.code)]

    return GeographyLoadResult(
        regions=_sync(
            Region,
            (
                {
                    "code": region.code,
                    "name_th": region.name_th,
                    "name_en": region.name_en,
                    "order": order,
                }
                for order, region in enumerate(REGIONS, start=1)
            ),
        ),
        provinces=_sync(
            Province,
            (
                {
                    "code": p.code,
                    "name_th": p.name_th,
                    "name_en": p.name_en,
                    "region_id": region_code_for_province(p.code),
                }
                for p in provinces
            ),
        ),
        amphoes=_sync(
            Amphoe,
            (
                {
                    "code": a.code,
                    "name_th": a.name_th,
                    "name_en": a.name_en,
                    "province_id": a.province_code,
                }
                for a in amphoes
            ),
        ),
        tambons=_sync(
            Tambon,
            (
                {
                    "code": t.code,
                    "name_th": t.name_th,
                    "name_en": t.name_en,
                    "amphoe_id": t.district_code,
                    "province_id": t.province_code,
                    "postal_codes": ",".join(t.postal_codes),
                }
                for t in tambons
            ),
        ),
    )


def _sync(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    batch_size: int = 1000,
) -> LoadCounts:
    """Insert new rows and update changed ones, keyed by primary key ``code``."""
    counts = LoadCounts()
    existing = {obj.pk: obj for obj in model.objects.all()}
    seen: set[str] = set()
    to_create, to_update = [], []
    changed_fields: set[str] = set()
    for row in rows:
        code = row["code"]
        seen.add(code)
        current = existing.get(code)
        if current is None:
            to_create.append(model(**row))
            continue
        diff = _differences(current, row)
        if diff:
            for name in diff:
                setattr(current, name, row[name])
            changed_fields.update(diff)
            to_update.append(current)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    counts.missing_from_source = sorted(set(existing) - seen)
    return counts


def _differences(obj: models.Model, row: dict[str, Any]) -> list[str]:
    return [
        name
        for name, value in row.items()
        if name != "code" and getattr(obj, name) != value
    ]


# Officer assignments and their guardian grants ---------------------------------

MANAGE_TAMBON = "communities.manage_tambon"


def _check_grant(actor: User, assignment: OfficerAssignment) -> None:
    """``assignment``: the one proposed (unsaved), for its officer and area."""
    require(
        not OfficerAssignment.objects.filter(
            user=assignment.user_id,
            tambon=assignment.tambon_id,
            amphoe=assignment.amphoe_id,
            revoked_at__isnull=True,
        ).exists(),
        _("This officer already has this assignment."),
    )
    allow(
        actor.has_perm("communities.add_officerassignment"),
        _("Only central staff can assign officers."),
    )


def _check_revoke(actor: User, assignment: OfficerAssignment) -> None:
    require(
        assignment.revoked_at is None, _("This assignment has already been revoked.")
    )
    allow(
        actor.has_perm("communities.change_officerassignment"),
        _("Only central staff can revoke assignments."),
    )


GRANT_CHECKS = Checks({"grant": _check_grant})
ASSIGNMENT_CHECKS = Checks({"revoke": _check_revoke})


def assignment_actions(user: User, assignment: OfficerAssignment) -> list[str]:
    """What ``user`` may do to ``assignment`` now: the services' own checks."""
    return ASSIGNMENT_CHECKS.passing(user, assignment)


def _lock_officer(user_id: int) -> User:
    """Concurrent grants and revocations for one officer take turns, so the
    grants always match the active assignments."""
    return User.objects.select_for_update().get(pk=user_id)


@transaction.atomic
def assignment_grant(
    *,
    actor: User,
    user: User,
    tambon: Tambon | None = None,
    amphoe: Amphoe | None = None,
) -> OfficerAssignment:
    """Make ``user`` responsible for a tambon, or for every tambon of an amphoe."""
    if (tambon is None) == (amphoe is None):
        raise ValidationError(
            {"tambon": _("Choose either one tambon or one whole amphoe.")}
        )
    _lock_officer(user.pk)
    assignment = OfficerAssignment(user=user, tambon=tambon, amphoe=amphoe)
    GRANT_CHECKS.run("grant", actor, assignment)
    assignment.assigned_by = actor
    assignment.save()
    OfficerAssignmentEvent.objects.create(
        assignment=assignment, action=OfficerAssignmentEvent.Action.GRANTED, actor=actor
    )
    _sync_tambon_grants(user)
    return assignment


@transaction.atomic
def assignment_revoke(
    *, actor: User, assignment: OfficerAssignment, note: str = ""
) -> OfficerAssignment:
    """End an assignment; the row stays as history and its tambons lose their
    grant unless another active assignment still covers them."""
    _lock_officer(assignment.user_id)
    assignment = locked(assignment, "user")
    ASSIGNMENT_CHECKS.run("revoke", actor, assignment)
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    OfficerAssignmentEvent.objects.create(
        assignment=assignment,
        action=OfficerAssignmentEvent.Action.REVOKED,
        actor=actor,
        note=note,
    )
    _sync_tambon_grants(assignment.user)
    return assignment


def _sync_tambon_grants(user: User) -> None:
    """Grant exactly the tambons the officer's active assignments cover.

    The only code that writes ``manage_tambon`` grants; a tambon still covered
    by another assignment (its amphoe, say) keeps its grant on revocation.
    """
    active = OfficerAssignment.objects.filter(user=user, revoked_at__isnull=True)
    wanted = set(
        Tambon.objects.filter(
            models.Q(pk__in=active.values("tambon"))
            | models.Q(amphoe__in=active.values("amphoe"))
        ).values_list("pk", flat=True)
    )
    granted = set(
        TambonUserObjectPermission.objects.filter(
            user=user, permission__codename="manage_tambon"
        ).values_list("content_object_id", flat=True)
    )
    if wanted - granted:
        assign_perm(
            MANAGE_TAMBON, user, list(Tambon.objects.filter(pk__in=wanted - granted))
        )
    if granted - wanted:
        remove_perm(MANAGE_TAMBON, user, Tambon.objects.filter(pk__in=granted - wanted))


# Producers ------------------------------------------------------------------

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
def producer_create(*, actor: User, tambon: Tambon, **fields: Any) -> Producer:
    """Register a producer whose production site lies in ``tambon``, which the
    officer must be assigned to (the programme's rule)."""
    ensure_manages_tambon(actor, tambon)
    producer = Producer(tambon=tambon, created_by=actor, **_only(fields))
    producer.full_clean()
    producer.save()
    return producer


@transaction.atomic
def producer_update(
    *, actor: User, producer: Producer, tambon: Tambon | None = None, **fields: Any
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
