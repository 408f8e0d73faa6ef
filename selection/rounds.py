"""A round and what it is judged by (DESIGN.md §3): its deadlines and
quotas, the criteria each tier scores, the star bands the centre awards
from. Central staff (``selection.manage_round``) create, open, close and copy
rounds here, and edit a draft round's criteria, bands and quotas; the
nomination moves in ``selection.services`` read them.

The edits follow the kernel's recipe (``core.workflow``): lock the round, run
its check from ``ROUND_CHECKS`` (the admin asks the same table which inlines
to offer), validate, write all or nothing."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.workflow import Checks, allow, locked, require
from products.models import Category
from selection.models import (
    DEFAULT_STAR_BANDS,
    Criterion,
    Part,
    PlanStep,
    Preset,
    Round,
    StarBand,
    Tier,
    TypeQuota,
    check_plan,
    plan_problems,
    preset_steps,
)

M = TypeVar("M", bound=models.Model)


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
    """Every tier the plan has score gets a sheet (its own, and a product
    type's where the round sets one) of the parts it scores only, adding up to
    100 when it scores all three parts; a tier that only checks, or does not
    take part, has no criteria."""
    problems = []
    plan = round_.plan
    sheets: dict[tuple[str, int | None], Decimal] = defaultdict(Decimal)
    stray: dict[str, set[str]] = defaultdict(set)
    for criterion in round_.criteria.all():
        sheets[(criterion.tier, criterion.category_id)] += criterion.max_points
        step = plan.step(criterion.tier)
        if step is None or criterion.part not in step.parts:
            stray[criterion.tier].add(criterion.part)
    names = dict(Tier.choices)
    parts = dict(Part.choices)
    for tier, found in sorted(stray.items()):
        step = plan.step(tier)
        if step is None or not step.scores:
            problems.append(
                _(
                    "The %(tier)s does not score in this round's plan: remove its "
                    "criteria."
                )
                % {"tier": names[tier]}
            )
        else:
            problems.append(
                _(
                    "The %(tier)s scores only %(parts)s in this round's plan: remove "
                    "its criteria of %(others)s."
                )
                % {
                    "tier": names[tier],
                    "parts": ", ".join(str(parts[p]) for p in step.part_list),
                    "others": ", ".join(str(parts[p]) for p in sorted(found)),
                }
            )
    for tier in plan.committee_tiers:
        if plan.scores(tier):
            sheets.setdefault((tier, None), Decimal(0))
    for (tier, category_id), total in sorted(sheets.items(), key=str):
        step = plan.step(tier)
        if step is None or not step.scores:
            continue
        whole = set(step.parts) == set(Part.values)
        if (whole and total != 100) or total <= 0:
            problems.append(
                _("The %(tier)s criteria%(type)s add up to %(total)s, not 100.")
                % {
                    "tier": names[tier],
                    "type": f" ({Category.objects.get(pk=category_id)})"
                    if category_id
                    else "",
                    "total": points_text(total),
                }
                if whole
                else _("The %(tier)s has no criteria for the parts it scores.")
                % {"tier": names[tier]}
            )
    return problems


@transaction.atomic
def round_create(
    *,
    actor: User,
    preset: str = Preset.LADDER,
    steps: Iterable[Mapping[str, Any]] | None = None,
    **fields,
) -> Round:
    """A draft round with the default star bands and the plan of ``preset``
    (or the plan ``steps`` given, as round_plan_edit takes them)."""
    _manage_round(actor)
    many = _pop_many(fields)
    round_ = Round(preset=preset, **fields)
    round_.full_clean()
    round_.save()
    _set_many(round_, many)
    rows = list(steps) if steps is not None else preset_steps(preset)
    check_plan([PlanStep(round=round_, **row) for row in rows])
    PlanStep.objects.bulk_create(PlanStep(round=round_, **row) for row in rows)
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
    many = _pop_many(fields)
    if many or "cutoff_date" in fields or "require_registration" in fields:
        ROUND_CHECKS.run("edit_reference", actor, round_)  # who may enter: fixed
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.full_clean()
    round_.save()
    _set_many(round_, many)
    return round_


ELIGIBILITY_MANY = ("eligible_standards", "eligible_types")


def _pop_many(fields: dict) -> dict:
    return {name: fields.pop(name) for name in ELIGIBILITY_MANY if name in fields}


def _set_many(round_: Round, many: dict) -> None:
    for name, values in many.items():
        getattr(round_, name).set(values)


@transaction.atomic
def round_open(*, actor: User, round_: Round) -> Round:
    _manage_round(actor)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require(round_.status == Round.Status.DRAFT, _("Only a draft round can open."))
    problems = [message for _i, _f, message in plan_problems(round_.plan.steps)]
    problems += round_criteria_problems(round_)
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
        preset=source.preset,
        cutoff_date=moved(source.cutoff_date) if source.cutoff_date else None,
        require_registration=source.require_registration,
        quorum=source.quorum,
        quorum_minimum=source.quorum_minimum,
    )
    copy.full_clean()
    copy.save()
    copy.eligible_standards.set(source.eligible_standards.all())
    copy.eligible_types.set(source.eligible_types.all())
    PlanStep.objects.bulk_create(
        PlanStep(round=copy, **{name: getattr(step, name) for name in PLAN_FIELDS})
        for step in source.steps.all()
    )
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


# Criteria, star bands and quotas ---------------------------------------------------
#
# A round's reference data, edited while the round is a draft: score sheets,
# rankings and awards are built on it once the round opens. Each edit takes
# the rows to add (no "id") or change (an "id") and the ids to remove, and
# checks the rows as they will stand afterwards, each on its own (the model's
# validators) and together (the *_problems functions, which the admin's
# inline formsets run too), before anything is written.

CRITERION_FIELDS = (
    "tier",
    "category",
    "part",
    "code",
    "title_th",
    "title_en",
    "max_points",
    "order",
)
STAR_BAND_FIELDS = ("stars", "min_score")
TYPE_QUOTA_FIELDS = ("tier", "category", "advance")
PLAN_FIELDS = (
    "tier",
    "action",
    "forum_required",
    "parts",
    "advance",
    "quota",
    "threshold",
)

Problem = tuple[int, str, str]
"""A rule broken by a set of rows: the row's index, the field, the message."""

ROUND_CHECKS = Checks()


@ROUND_CHECKS.check("edit_reference")
def _check_edit_reference(actor: User, round_: Round) -> None:
    require(
        round_.status == Round.Status.DRAFT,
        _(
            "The plan, criteria, star bands and quotas of a round can be changed "
            "only while it is a draft: once it opens, nominations are on their "
            "way up its plan."
        ),
    )
    _manage_round(actor)


def round_actions(user: User, round_: Round) -> list[str]:
    """The moves ``user`` may make on ``round_`` now: the admin shows the
    inlines as editable exactly when the services would accept the edit."""
    return ROUND_CHECKS.passing(user, round_)


def _repeats(rows: Sequence[M], key: Callable[[M], Hashable]) -> list[tuple[int, M]]:
    """Each row whose key an earlier row has, with its index."""
    seen: set[Hashable] = set()
    repeats = []
    for index, row in enumerate(rows):
        if key(row) in seen:
            repeats.append((index, row))
        seen.add(key(row))
    return repeats


def criteria_problems(criteria: Sequence[Criterion]) -> list[Problem]:
    """Each code once per sheet (a tier, or a tier and a product type)."""
    return [
        (
            index,
            "code",
            _("The code %(code)s appears twice in the %(tier)s criteria%(type)s.")
            % {
                "code": criterion.code,
                "tier": criterion.get_tier_display(),
                "type": f" ({criterion.category})" if criterion.category_id else "",
            },
        )
        for index, criterion in _repeats(
            criteria, lambda c: (c.tier, c.category_id, c.code)
        )
    ]


def star_bands_problems(bands: Sequence[StarBand]) -> list[Problem]:
    """Each number of stars once, and more stars from a strictly higher
    score (the centre reads a nomination's stars from the bands)."""
    problems: list[Problem] = [
        (
            index,
            "stars",
            _("There is more than one %(stars)s-star band.") % {"stars": band.stars},
        )
        for index, band in _repeats(bands, lambda b: b.stars)
    ]
    if problems:
        return problems
    ranked = sorted(range(len(bands)), key=lambda i: bands[i].stars, reverse=True)
    for above, index in pairwise(ranked):
        if bands[index].min_score >= bands[above].min_score:
            problems.append(
                (
                    index,
                    "min_score",
                    _(
                        "The %(stars)s-star band must start below the "
                        "%(higher)s-star band, which starts at %(score)s."
                    )
                    % {
                        "stars": bands[index].stars,
                        "higher": bands[above].stars,
                        "score": points_text(bands[above].min_score),
                    },
                )
            )
    return problems


def type_quotas_problems(quotas: Sequence[TypeQuota]) -> list[Problem]:
    """One quota per product type and tier."""
    return [
        (
            index,
            "category",
            _("The %(tier)s quota for %(type)s is set twice.")
            % {"tier": quota.get_tier_display(), "type": quota.category},
        )
        for index, quota in _repeats(quotas, lambda q: (q.tier, q.category_id))
    ]


def _edit_rows(
    *,
    actor: User,
    round_: Round,
    model: type[M],
    fields: tuple[str, ...],
    problems: Callable[[Sequence[M]], list[Problem]],
    rows: Iterable[Mapping[str, Any]],
    delete: Iterable[int],
) -> list[M]:
    round_ = locked(round_)
    ROUND_CHECKS.run("edit_reference", actor, round_)
    kept = {row.pk: row for row in model._default_manager.filter(round=round_)}
    errors: dict[str, list[str]] = defaultdict(list)
    strangers = False  # ids that are not (or no longer) rows of this round
    touched: list[M] = []
    for number, values in enumerate(rows, 1):
        values = dict(values)
        pk = values.pop("id", None)
        unknown = set(values) - set(fields)
        if unknown:
            raise TypeError(f"{model.__name__} rows take no {sorted(unknown)}")
        row = model(round=round_) if pk is None else kept.pop(pk, None)
        if row is None:
            strangers = True
            continue
        for name, value in values.items():
            setattr(row, name, value)
        try:
            row.full_clean(
                exclude=["round"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[field] += [
                    _("Row %(number)s: %(error)s") % {"number": number, "error": m}
                    for m in messages
                ]
        touched.append(row)
    gone = set(delete)
    for pk in gone:
        strangers |= kept.pop(pk, None) is None
    if strangers:
        errors["id"].append(
            _("A row to change or remove is not one of this round's rows.")
        )
    if not errors:
        for _index, field, message in problems([*touched, *kept.values()]):
            errors[field].append(message)
    if errors:
        raise ValidationError(dict(errors))
    # Changed rows go out and come back under their own ids, so that two rows
    # may trade codes (or stars) without meeting a unique constraint midway.
    changed = {row.pk for row in touched if row.pk is not None}
    model._default_manager.filter(round=round_, pk__in=gone | changed).delete()
    model._default_manager.bulk_create(touched)
    return touched


@transaction.atomic
def round_criteria_edit(
    *,
    actor: User,
    round_: Round,
    rows: Iterable[Mapping[str, Any]] = (),
    delete: Iterable[int] = (),
) -> list[Criterion]:
    """Add, change and remove a draft round's criteria at once (or not at
    all); returns the rows added or changed, in the order given. Whether each
    sheet adds up to 100 is asked when the round opens: sheets are built a
    few rows at a time."""
    return _edit_rows(
        actor=actor,
        round_=round_,
        model=Criterion,
        fields=CRITERION_FIELDS,
        problems=criteria_problems,
        rows=rows,
        delete=delete,
    )


@transaction.atomic
def round_star_bands_edit(
    *,
    actor: User,
    round_: Round,
    rows: Iterable[Mapping[str, Any]] = (),
    delete: Iterable[int] = (),
) -> list[StarBand]:
    """Add, change and remove a draft round's star bands at once (or not at
    all); returns the rows added or changed, in the order given."""
    return _edit_rows(
        actor=actor,
        round_=round_,
        model=StarBand,
        fields=STAR_BAND_FIELDS,
        problems=star_bands_problems,
        rows=rows,
        delete=delete,
    )


@transaction.atomic
def round_plan_edit(
    *,
    actor: User,
    round_: Round,
    rows: Iterable[Mapping[str, Any]] = (),
    delete: Iterable[int] = (),
) -> list[PlanStep]:
    """Add, change and remove a draft round's plan steps at once (or not at
    all). Once the round opens its plan is fixed: nominations are already on
    their way up it."""
    steps = _edit_rows(
        actor=actor,
        round_=round_,
        model=PlanStep,
        fields=PLAN_FIELDS,
        problems=plan_problems,
        rows=rows,
        delete=delete,
    )
    Round.objects.filter(pk=round_.pk).update(preset=Preset.CUSTOM)
    round_.preset = Preset.CUSTOM
    round_.__dict__.pop("_plan", None)
    return steps


@transaction.atomic
def round_type_quotas_edit(
    *,
    actor: User,
    round_: Round,
    rows: Iterable[Mapping[str, Any]] = (),
    delete: Iterable[int] = (),
) -> list[TypeQuota]:
    """Add, change and remove a draft round's quotas by product type at once
    (or not at all); returns the rows added or changed, in the order given."""
    return _edit_rows(
        actor=actor,
        round_=round_,
        model=TypeQuota,
        fields=TYPE_QUOTA_FIELDS,
        problems=type_quotas_problems,
        rows=rows,
        delete=delete,
    )
