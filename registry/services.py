"""Publishing awarded nominations to the national registry, and revoking.

The registry reads the ladder (registry → selection), never the other way:
central staff publish from the registry's own list of awarded nominations.
"""

from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.buddhist_era import to_be
from core.workflow import Checks, InvalidTransition, allow, require
from registry import notify
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
from selection.models import Nomination, Tier

PUBLISH = "registry.publish_entry"


def in_ranking_order(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Ordered by round, then by the position in the central ranking (the
    lower tiers' positions do not count), annotated as ``position``."""
    central = Min(
        "ranking_entries__position",
        filter=Q(ranking_entries__ranking__tier=Tier.CENTRAL),
    )
    return queryset.annotate(position=central).order_by("round__year", "position", "pk")


def publishable(round_year: int | None = None) -> QuerySet[Nomination]:
    """Awarded nominations not yet in the registry, in central ranking order."""
    queryset = Nomination.objects.filter(
        state=Nomination.State.AWARDED, registry_entry__isnull=True
    )
    if round_year is not None:
        queryset = queryset.filter(round__year=round_year)
    return in_ranking_order(queryset)


def _next_number(year_be: int, province_code: str) -> str:
    """``OTOP-2569-57-000123``: the next number for the year and province.
    The counter row is created if missing (a concurrent creator loses
    quietly) and locked, so two publications never share a number."""
    RegistryCounter.objects.bulk_create(
        [RegistryCounter(year_be=year_be, province_code=province_code)],
        ignore_conflicts=True,
    )
    counter = RegistryCounter.objects.select_for_update().get(
        year_be=year_be, province_code=province_code
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"OTOP-{year_be}-{province_code}-{counter.last:06d}"


def entry_snapshot(nomination: Nomination, certifications) -> dict:
    """The fields a registry entry copies at publication from the awarded
    nomination, its product, producer, category and place (``nomination``
    with those related rows loaded) and the product's ``certifications``.
    One definition for publishing and for generated national data."""
    product = nomination.product
    producer, category = product.producer, product.category
    tambon = producer.tambon
    return {
        "nomination": nomination,
        "product": product,
        "round_year": nomination.round.year,
        "name_th": product.name_th,
        "name_en": product.name_en,
        "story": product.story,
        "description": product.description,
        "type_code": (category.parent or category).code,
        "category_code": category.code,
        "category_th": category.name_th,
        "category_en": category.name_en,
        "producer_name_th": producer.name_th,
        "producer_name_en": producer.name_en,
        "producer_phone": producer.phone,
        "producer_email": producer.email,
        "tambon_code": tambon.code,
        "amphoe_code": tambon.amphoe_id,
        "province_code": tambon.province_id,
        "tambon_th": tambon.name_th,
        "tambon_en": tambon.name_en,
        "amphoe_th": tambon.amphoe.name_th,
        "amphoe_en": tambon.amphoe.name_en,
        "province_th": tambon.province.name_th,
        "province_en": tambon.province.name_en,
        "region_code": tambon.province.region_id,
        "stars": nomination.stars,
        "final_score": nomination.final_score,
        "certificates": [
            {
                "standard": c.standard.code,
                "standard_th": c.standard.name_th,
                "standard_en": c.standard.name_en,
                "number": c.number,
                "issued_on": c.issued_on.isoformat() if c.issued_on else "",
                "expires_on": c.expires_on.isoformat() if c.expires_on else "",
            }
            for c in certifications
        ],
    }


def _copy(file, number: str, suffix: str) -> str:
    """Keep the registry's own copy of a photo: it outlives product edits."""
    if not file:
        return ""
    ext = PurePath(file.name).suffix.lower()
    with file.open("rb") as source:
        return default_storage.save(f"registry/{number}{suffix}{ext}", source)


def _check_publisher(actor: User) -> None:
    allow(actor.has_perm(PUBLISH), _("Only central staff can publish to the registry."))


def _check_publish(actor: User, nomination: Nomination) -> None:
    require(
        nomination.state == Nomination.State.AWARDED,
        _("Only awarded nominations can be published."),
    )
    require(
        not RegistryEntry.objects.filter(nomination=nomination).exists(),
        _("This nomination is already in the registry."),
    )
    _check_publisher(actor)


def _check_revoke(actor: User, entry: RegistryEntry) -> None:
    require(entry.revoked_at is None, _("This entry is already revoked."))
    allow(
        actor.has_perm(PUBLISH),
        _("Only central staff can revoke registry entries."),
    )


PUBLISH_CHECKS = Checks({"publish": _check_publish})
ENTRY_CHECKS = Checks({"revoke": _check_revoke})


def entry_actions(user: User, entry: RegistryEntry) -> list[str]:
    """What ``user`` may do to ``entry`` now: the service's own checks."""
    return ENTRY_CHECKS.passing(user, entry)


@transaction.atomic
def registry_publish(*, actor: User, nomination: Nomination) -> RegistryEntry:
    """Snapshot one awarded nomination into the registry and tell the
    tambon's officers and the producer (in the same transaction)."""
    return _publish(actor, nomination, officers=None)


def _publish(
    actor: User, nomination: Nomination, officers: dict[str, list] | None
) -> RegistryEntry:
    """``officers`` by tambon code, when the caller fetched them for many
    entries at once; otherwise the entry's tambon is looked up alone."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related(
            "round",
            "product__producer__user",
            "product__producer__tambon__amphoe",
            "product__producer__tambon__province__region",
            "product__category__parent",
        )
        .get(pk=nomination.pk)
    )
    PUBLISH_CHECKS.run("publish", actor, nomination)
    product = nomination.product
    province_code = product.producer.tambon.province_id  # as in the snapshot
    number = _next_number(to_be(nomination.round.year), province_code)
    primary = product.images.filter(is_primary=True).first()
    entry = RegistryEntry.objects.create(
        **entry_snapshot(nomination, product.certifications.select_related("standard")),
        number=number,
        photo=_copy(primary.image, number, "") if primary else "",
        thumbnail=_copy(primary.thumbnail, number, "-thumb") if primary else "",
        published_by=actor,
    )
    RegistryEvent.objects.create(entry=entry, action="published", actor=actor)
    if officers is None:
        officers = notify.officers_by_tambon([nomination.tambon_code])
    notify.entry_published(entry, nomination, officers.get(nomination.tambon_code, []))
    return entry


@transaction.atomic
def registry_publish_many(
    *, actor: User, nominations: Iterable[Nomination]
) -> list[RegistryEntry]:
    """Publish several nominations in central ranking order, all or nothing:
    the first refusal rolls every one back and names the product refused.
    (The publisher's right is checked first too: it does not depend on the
    rows, and a refusal should not wait for the ranking order.)"""
    _check_publisher(actor)
    wanted = {nomination.pk for nomination in nominations}
    ordered = list(
        in_ranking_order(Nomination.objects.filter(pk__in=wanted)).select_related(
            "product"
        )
    )
    if len(ordered) != len(wanted):
        raise InvalidTransition(_("Some of the chosen nominations no longer exist."))
    officers = notify.officers_by_tambon(n.tambon_code for n in ordered)
    entries = []
    for nomination in ordered:
        try:
            entries.append(_publish(actor, nomination, officers=officers))
        except InvalidTransition as refusal:
            raise InvalidTransition(
                _("%(product)s: %(reason)s")
                % {"product": nomination.product, "reason": refusal.message}
            ) from refusal
    return entries


def registry_publish_all(*, actor: User, round_year: int | None = None) -> int:
    """Publish every awarded nomination not yet published (of one round, if
    given), in ranking order, all or nothing."""
    return len(registry_publish_many(actor=actor, nominations=publishable(round_year)))


@transaction.atomic
def registry_revoke(*, actor: User, entry: RegistryEntry, reason: str) -> RegistryEntry:
    """Withdraw an entry from the lists; it stays at its URL, marked revoked."""
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    ENTRY_CHECKS.run("revoke", actor, entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is revoked.")})
    entry.revoked_at, entry.revoked_by, entry.revoke_reason = (
        timezone.now(),
        actor,
        reason,
    )
    entry.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    RegistryEvent.objects.create(
        entry=entry, action="revoked", actor=actor, note=reason
    )
    return entry
