"""A round and what it is judged by (DESIGN.md §3): its deadlines and
quotas, the criteria each tier scores, the star bands the centre awards
from. Central staff (``selection.manage_round``) create, open, close and copy
rounds here; the nomination moves in ``selection.services`` read them."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.workflow import allow, require
from products.models import Category
from selection.models import (
    COMMITTEE_TIERS,
    DEFAULT_STAR_BANDS,
    Criterion,
    Round,
    StarBand,
    Tier,
    TypeQuota,
)


def points_text(value: Decimal) -> str:
    """60.00 → "60", 7.50 → "7.5" (Decimal.normalize would give "6E+1")."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize())


def _manage_round(actor: User) -> None:
    allow(
        actor.has_perm("selection.manage_round"),
        _("Only central staff can manage rounds."),
    )


def round_criteria_problems(round_: Round) -> list[str]:
    """Every sheet (tier, and product type where the round sets its own) must
    add up to 100 points."""
    problems = []
    sheets: dict[tuple[str, int | None], Decimal] = defaultdict(Decimal)
    for criterion in round_.criteria.all():
        sheets[(criterion.tier, criterion.category_id)] += criterion.max_points
    for tier in COMMITTEE_TIERS:
        sheets.setdefault((tier.value, None), Decimal(0))
    names = dict(Tier.choices)
    for (tier, category_id), total in sorted(sheets.items(), key=str):
        if total != 100:
            problems.append(
                _("The %(tier)s criteria%(type)s add up to %(total)s, not 100.")
                % {
                    "tier": names[tier],
                    "type": f" ({Category.objects.get(pk=category_id)})"
                    if category_id
                    else "",
                    "total": points_text(total),
                }
            )
    return problems


@transaction.atomic
def round_create(*, actor: User, **fields) -> Round:
    _manage_round(actor)
    round_ = Round(**fields)
    round_.full_clean()
    round_.save()
    StarBand.objects.bulk_create(
        StarBand(round=round_, stars=stars, min_score=score)
        for stars, score in DEFAULT_STAR_BANDS
    )
    return round_


@transaction.atomic
def round_update(*, actor: User, round_: Round, **fields) -> Round:
    """Edit a round (central staff extend deadlines here)."""
    _manage_round(actor)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.full_clean()
    round_.save()
    return round_


@transaction.atomic
def round_open(*, actor: User, round_: Round) -> Round:
    _manage_round(actor)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require(round_.status == Round.Status.DRAFT, _("Only a draft round can open."))
    problems = round_criteria_problems(round_)
    if problems:
        raise ValidationError(problems)
    round_.status = Round.Status.OPEN
    round_.save(update_fields=["status"])
    return round_


@transaction.atomic
def round_close(*, actor: User, round_: Round) -> Round:
    _manage_round(actor)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require(round_.status == Round.Status.OPEN, _("Only an open round can close."))
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])
    return round_


@transaction.atomic
def round_copy(*, actor: User, source: Round, year: int, title_th: str) -> Round:
    """A new draft round with the previous one's criteria, bands and quotas,
    its deadlines moved by the same number of years (never onto a year that
    has a round: one round per year)."""
    _manage_round(actor)
    shift = year - source.year

    def moved(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + shift)
        except ValueError:  # 29 February
            return day.replace(year=day.year + shift, day=28)

    copy = Round(
        year=year,
        title_th=title_th,
        title_en="",
        tambon_deadline=moved(source.tambon_deadline),
        amphoe_deadline=moved(source.amphoe_deadline),
        province_deadline=moved(source.province_deadline),
        central_deadline=moved(source.central_deadline),
        tambon_quota=source.tambon_quota,
        amphoe_advance=source.amphoe_advance,
        province_advance=source.province_advance,
        quorum=source.quorum,
        quorum_minimum=source.quorum_minimum,
    )
    copy.full_clean()
    copy.save()
    StarBand.objects.bulk_create(
        StarBand(round=copy, stars=b.stars, min_score=b.min_score)
        for b in source.star_bands.all()
    )
    Criterion.objects.bulk_create(
        Criterion(
            round=copy,
            tier=c.tier,
            category_id=c.category_id,
            part=c.part,
            code=c.code,
            title_th=c.title_th,
            title_en=c.title_en,
            max_points=c.max_points,
            order=c.order,
        )
        for c in source.criteria.all()
    )
    TypeQuota.objects.bulk_create(
        TypeQuota(round=copy, tier=q.tier, category_id=q.category_id, advance=q.advance)
        for q in source.type_quotas.all()
    )
    return copy
