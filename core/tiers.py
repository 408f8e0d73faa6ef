"""The one tier table: the ladder's tiers, their order, the area each is keyed
by and their names. Enums, area lookups, the dashboard, the dataset and the
admin read it; adding a tier is a row here (and the round's deadline column
for it), not a search through the code.

``area`` is the nomination field that names a tier's area (a tambon, amphoe or
province code); ``committee_area`` the Committee field keyed by it (none for
the central tier, whose committee is national). A Tambon names its amphoe and
province with the same fields as a Committee (``amphoe_id``, ``province_id``).
"""

from dataclasses import dataclass
from itertools import pairwise

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TierInfo:
    code: str
    label: Promise
    area: str  # the nomination's field holding this tier's area code
    committee_area: str | None  # the Committee field for it; None: national
    has_committee: bool


TIERS: tuple[TierInfo, ...] = (
    TierInfo("tambon", _("Tambon"), "tambon_code", None, has_committee=False),
    TierInfo(
        "amphoe", _("District (amphoe)"), "amphoe_code", "amphoe_id", has_committee=True
    ),
    TierInfo("province", _("Province"), "province_code", "province_id", True),
    TierInfo("central", _("Central"), "", None, has_committee=True),
)
BY_CODE = {tier.code: tier for tier in TIERS}
ORDER = {tier.code: index for index, tier in enumerate(TIERS)}


def _choices(name: str, tiers) -> type[models.TextChoices]:
    return models.TextChoices(
        name, [(tier.code.upper(), (tier.code, tier.label)) for tier in tiers]
    )


Tier = _choices("Tier", TIERS)
"""Every tier (a nomination's ``tier``)."""

CommitteeTier = _choices("CommitteeTier", [t for t in TIERS if t.has_committee])
"""The tiers that have committees (a committee's, a ranking's, a sheet's ``tier``)."""

COMMITTEE_TIERS = tuple(Tier(t.code) for t in TIERS if t.has_committee)

NATIONAL_TIERS = tuple(
    Tier(t.code) for t in TIERS if t.has_committee and t.committee_area is None
)
"""The committee tiers whose committee's area is the whole country."""

AREA_TIERS = tuple(Tier(t.code) for t in TIERS if t.committee_area)
"""The committee tiers keyed by an area (district, province): their
committees forward, return and plan support."""

ENTRY_TIER = COMMITTEE_TIERS[0]
"""Where a tambon's submission enters the committees' ladder."""

AWARD_TIER = COMMITTEE_TIERS[-1]
"""The top tier, whose approved ranking leads to stars."""

NEXT_TIER = {
    Tier(tier.code): Tier(above.code)
    for tier, above in pairwise(TIERS)
    if tier.has_committee
}
"""Where a committee tier forwards to: amphoe → province → central."""


def next_tier(code: str) -> str | None:
    """The tier above ``code`` (None at the top)."""
    index = ORDER[code] + 1
    return TIERS[index].code if index < len(TIERS) else None


def committee_area(code: str, nomination) -> dict | None:
    """The Committee filter for the area that ranks ``nomination`` at tier
    ``code``: ``{"amphoe_id": "5001"}``, ``{}`` for the national committee,
    None for a tier without a committee."""
    tier = BY_CODE.get(code)
    if tier is None or not tier.has_committee:
        return None
    if tier.committee_area is None:
        return {}
    return {tier.committee_area: getattr(nomination, tier.area)}


def nomination_area(code: str, committee) -> dict:
    """The Nomination filter for the area ``committee`` (at tier ``code``)
    ranks: ``{"amphoe_code": "5001"}``, ``{}`` for a national committee."""
    tier = BY_CODE[code]
    if tier.committee_area is None:
        return {}
    return {tier.area: getattr(committee, tier.committee_area)}


def nomination_areas(prefix: str = "") -> dict[str, str]:
    """Committee tier → the field, after ``prefix``, of a nomination (or of
    anything with its area codes) that holds the tier's area:
    ``{"amphoe": "amphoe_code", "province": "province_code"}``. National
    tiers have none."""
    return {t.code: prefix + t.area for t in TIERS if t.committee_area}


def tambon_areas(prefix: str = "") -> dict[str, str]:
    """The same for a Tambon reached through ``prefix``:
    ``{"amphoe": "tambon__amphoe_id", …}`` with ``prefix="tambon__"``."""
    return {t.code: prefix + t.committee_area for t in TIERS if t.committee_area}
