"""The support-plan budget roll-up (issue #10): totals per committee,
province, region, kind, funding source and tier, each in one query.

Rules the numbers follow:

- Every support plan counts, draft or approved (``approved_only=True`` keeps
  the approved ones only).
- Cancelled actions are left out of ``total`` and ``actions``; their budget
  and count are shown separately in ``cancelled_total`` / ``cancelled_actions``
  of the same line (same query, a filtered aggregate).
- Totals are ``Decimal`` with two places, never ``float`` (on SQLite the sum
  is quantized once more in Python).
- ``budget_total`` is a separate one-query aggregate over the same rows; the
  sum of any roll-up's ``total`` equals it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee
from committees.models import Tier as CommitteeTier
from committees.permissions import committees_for
from communities.models import Amphoe, Province
from selection.models import Round
from selection.selectors import is_central_staff
from support.models import FundingSource, SupportAction, SupportKind

BY = ("committee", "province", "region", "kind", "source", "tier")
BY_LABELS = {
    "committee": gettext_lazy("Committee"),
    "province": gettext_lazy("Province"),
    "region": gettext_lazy("Region"),
    "kind": gettext_lazy("Kind of support"),
    "source": gettext_lazy("Funding source"),
    "tier": gettext_lazy("Tier"),
}
ZERO = Decimal("0.00")
CENTS = Decimal("0.01")
CANCELLED = SupportAction.Status.CANCELLED


@dataclass(frozen=True)
class BudgetLine:
    key: str
    label: str
    total: Decimal
    actions: int
    cancelled_total: Decimal = ZERO
    cancelled_actions: int = 0


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENTS)


def _actions(round_: Round, committees, approved_only: bool) -> QuerySet:
    rows = SupportAction.objects.filter(plan__round=round_)
    if committees is not None:
        rows = rows.filter(plan__committee__in=committees)
    if approved_only:
        rows = rows.filter(plan__status="approved")
    return rows


def _sums() -> dict:
    live = ~Q(status=CANCELLED)
    cancelled = Q(status=CANCELLED)
    return {
        "sum_total": Sum("budget", filter=live),
        "sum_actions": Count("pk", filter=live),
        "sum_cancelled": Sum("budget", filter=cancelled),
        "sum_cancelled_actions": Count("pk", filter=cancelled),
    }


_PROVINCE = {
    "key": Coalesce(
        "plan__committee__province_id", "plan__committee__amphoe__province_id"
    ),
    "name_th": Coalesce(
        "plan__committee__province__name_th",
        "plan__committee__amphoe__province__name_th",
    ),
    "name_en": Coalesce(
        "plan__committee__province__name_en",
        "plan__committee__amphoe__province__name_en",
    ),
}
_REGION = {
    "key": Coalesce(
        "plan__committee__province__region_id",
        "plan__committee__amphoe__province__region_id",
    ),
    "name_th": Coalesce(
        "plan__committee__province__region__name_th",
        "plan__committee__amphoe__province__region__name_th",
    ),
    "name_en": Coalesce(
        "plan__committee__province__region__name_en",
        "plan__committee__amphoe__province__region__name_en",
    ),
    "order": Coalesce(
        "plan__committee__province__region__order",
        "plan__committee__amphoe__province__region__order",
    ),
}
_COMMITTEE = {
    "key": F("plan__committee_id"),
    "tier": F("plan__committee__tier"),
    "name_th": F("plan__committee__name_th"),
    "name_en": F("plan__committee__name_en"),
    "amphoe_th": F("plan__committee__amphoe__name_th"),
    "amphoe_en": F("plan__committee__amphoe__name_en"),
    "province_th": F("plan__committee__province__name_th"),
    "province_en": F("plan__committee__province__name_en"),
    "area": Coalesce("plan__committee__province_id", "plan__committee__amphoe_id"),
}


def _bilingual(row) -> str:
    if get_language() == "en":
        return row["name_en"] or row["name_th"] or ""
    return row["name_th"] or ""


def _committee_label(row) -> str:
    committee = Committee(
        tier=row["tier"], name_th=row["name_th"] or "", name_en=row["name_en"] or ""
    )
    if row["amphoe_th"] is not None:
        committee.amphoe = Amphoe(name_th=row["amphoe_th"], name_en=row["amphoe_en"])
    if row["province_th"] is not None:
        committee.province = Province(
            name_th=row["province_th"], name_en=row["province_en"]
        )
    return committee.name


_GROUPS = {
    # by: (the values() expressions, the ORDER BY, how a row is labelled)
    "committee": (_COMMITTEE, ("tier", "area", "key"), _committee_label),
    "province": (_PROVINCE, ("key",), _bilingual),
    "region": (_REGION, ("order", "key"), _bilingual),
    "kind": (
        {"key": F("kind")},
        ("key",),
        lambda row: str(SupportKind(row["key"]).label),
    ),
    "source": (
        {"key": F("source")},
        ("key",),
        lambda row: str(FundingSource(row["key"]).label),
    ),
    "tier": (
        {"key": F("plan__committee__tier")},
        ("key",),
        lambda row: str(CommitteeTier(row["key"]).label),
    ),
}


def budget_rollup(
    round_: Round, by: str, *, committees=None, approved_only: bool = False
) -> list[BudgetLine]:
    """Budget lines of ``round_`` grouped ``by`` one of ``BY``, in one query.

    ``committees`` (a queryset or list of committees, e.g. from
    ``budget_committees_visible_to``) limits the plans counted; ``None``
    means every committee. Lines with only cancelled actions still appear
    (with ``total`` 0). Raises ``ValueError`` for an unknown ``by``."""
    if by not in _GROUPS:
        raise ValueError(f"Unknown roll-up {by!r}; choose one of {BY}.")
    fields, order, label = _GROUPS[by]
    rows = (
        _actions(round_, committees, approved_only)
        .values(**fields)
        .annotate(**_sums())
        .order_by(*order)
    )
    return [
        BudgetLine(
            key=str(row["key"]),
            label=label(row),
            total=_money(row["sum_total"]),
            actions=row["sum_actions"],
            cancelled_total=_money(row["sum_cancelled"]),
            cancelled_actions=row["sum_cancelled_actions"],
        )
        for row in rows
    ]


def budget_total(
    round_: Round, *, committees=None, approved_only: bool = False
) -> BudgetLine:
    """The grand total over the same rows as ``budget_rollup`` (one query)."""
    row = _actions(round_, committees, approved_only).aggregate(**_sums())
    return BudgetLine(
        key="total",
        label=_("Total"),
        total=_money(row["sum_total"]),
        actions=row["sum_actions"],
        cancelled_total=_money(row["sum_cancelled"]),
        cancelled_actions=row["sum_cancelled_actions"],
    )


def budget_committees_visible_to(
    user: User, round_: Round | None = None
) -> QuerySet[Committee]:
    """The committees whose plans ``user`` may see: central staff and members
    of a central committee see all; a provincial committee's members see their
    own and the district committees of their province; a district committee's
    members see their own. Lazy; usable as a subquery (``committees=``).
    ``round_`` is accepted for callers that have one; visibility does not
    depend on it."""
    if not (user.is_authenticated and user.is_active):
        return Committee.objects.none()
    own = committees_for(user, "view_committee")
    if is_central_staff(user) or own.filter(tier=CommitteeTier.CENTRAL).exists():
        return Committee.objects.filter(
            tier__in=(CommitteeTier.AMPHOE, CommitteeTier.PROVINCE)
        )
    provinces = own.filter(tier=CommitteeTier.PROVINCE).values("province")
    return Committee.objects.filter(
        Q(pk__in=own.exclude(tier=CommitteeTier.CENTRAL).values("pk"))
        | Q(tier=CommitteeTier.AMPHOE, amphoe__province__in=provinces)
    )
