"""Whose numbers a dashboard reader sees, the names of those areas, and the
round shown first (see reports.dashboard)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from committees.models import Committee
from committees.permissions import committees_for, limit_to_committee_areas
from communities.models import Amphoe, Province, Region
from core import tiers
from selection.models import Round
from selection.selectors import is_central_staff


@dataclass(frozen=True)
class Scope:
    """Whose numbers a reader sees: the whole country for central staff and
    the central committee, else the areas of their district and provincial
    committees (a provincial committee sees every district of its province)."""

    user: User
    national: bool
    province_codes: frozenset[str] = frozenset()
    amphoe_codes: frozenset[str] = frozenset()

    def nominations(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """Narrow a queryset of nominations (or of rows reaching them
        through ``prefix``) to the reader's areas, inside the same query."""
        if self.national:
            return queryset
        return limit_to_committee_areas(
            queryset, self.user, area_fields=tiers.nomination_areas(prefix)
        )

    def committees(self, queryset: QuerySet[Committee]) -> QuerySet[Committee]:
        if self.national:
            return queryset
        return queryset.filter(
            Q(amphoe_id__in=self.amphoe_codes)
            | Q(amphoe__province_id__in=self.province_codes)
            | Q(province_id__in=self.province_codes)
        )


def dashboard_scope(user: User) -> Scope | None:
    """The reader's scope, or None for a user who may not see the dashboard
    (one query for committee members; none for superusers)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if is_central_staff(user):
        return Scope(user=user, national=True)
    areas = list(
        committees_for(user, "view_committee")
        .order_by()
        .values_list("tier", "amphoe_id", "province_id")
    )
    if not areas:
        return None
    if any(tier in tiers.NATIONAL_TIERS for tier, _a, _p in areas):
        return Scope(user=user, national=True)
    return Scope(
        user=user,
        national=False,
        province_codes=frozenset(p for _t, _a, p in areas if p),
        amphoe_codes=frozenset(a for _t, a, _p in areas if a),
    )


@dataclass
class Areas:
    """Names of the areas in scope: provinces (national) or districts (a
    provincial or district committee), and the regions they lie in."""

    level: str  # "province" or "amphoe"
    names: dict[str, str]
    regions: dict[str, str]  # region code → name, in the regions' order
    region_of: dict[str, str]  # province code → region code
    in_scope: int  # how many provinces or districts the scope covers
    scope_names: list[str]  # the committees' areas, for the page's heading


def scope_areas(scope: Scope) -> Areas:
    """One query: every province with its region (national), or the
    districts in scope with their provinces and regions."""
    if scope.national:
        provinces = list(Province.objects.select_related("region").order_by("code"))
        regions = sorted({p.region for p in provinces}, key=lambda r: (r.order, r.code))
        return Areas(
            level="province",
            names={p.code: p.name for p in provinces},
            regions={r.code: r.name for r in regions},
            region_of={p.code: p.region_id for p in provinces},
            in_scope=len(provinces),
            scope_names=[],
        )
    amphoes = list(
        Amphoe.objects.filter(
            Q(code__in=scope.amphoe_codes) | Q(province_id__in=scope.province_codes)
        )
        .select_related("province__region")
        .order_by("code")
    )
    regions: list[Region] = sorted(
        {a.province.region for a in amphoes}, key=lambda r: (r.order, r.code)
    )
    provinces = {a.province_id: a.province for a in amphoes}
    return Areas(
        level="amphoe",
        names={a.code: a.name for a in amphoes},
        regions={r.code: r.name for r in regions},
        region_of={code: p.region_id for code, p in provinces.items()},
        in_scope=len(amphoes),
        scope_names=[
            _("%(name)s Province") % {"name": provinces[code].name}
            for code in sorted(scope.province_codes)
            if code in provinces
        ]
        + [
            _("%(name)s District") % {"name": a.name}
            for a in amphoes
            if a.code in scope.amphoe_codes
            and a.province_id not in scope.province_codes
        ],
    )


# Rounds ------------------------------------------------------------------------


def default_round(rounds: list[Round]) -> Round | None:
    """The latest open round, else the latest round."""
    open_rounds = [r for r in rounds if r.status == Round.Status.OPEN]
    ordered = sorted(open_rounds or rounds, key=lambda r: r.year, reverse=True)
    return ordered[0] if ordered else None
