"""Score sheets: a member scores a nomination waiting at their committee's
tier, one sheet at a time or a whole meeting's sheets at once. The score
page's read, ``sheet_for``, lives here beside ``sheet_save``: it refuses by
the save's own check (selectors never import the services)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee, Kind
from committees.models import Tier as CommitteeTier
from committees.permissions import committees_for
from committees.selectors import conflicts_for
from core.tiers import Tier
from core.workflow import allow, require
from selection.models import (
    COMMITTEE_TIERS,
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    Score,
    ScoreSheet,
)
from selection.rounds import points_text
from selection.selectors import criteria_for, queue_for, ranking_queue_for
from selection.services.steps import (
    _before_deadline,
    _check_committee_step,
    _event,
    _lock,
    _round_open,
)

State = Nomination.State


def _check_score(actor: User, nomination: Nomination) -> Committee:
    if nomination.state == Nomination.State.PENDING:
        # What the tier does in this round comes before who is asking.
        require(
            nomination.round.plan.scores(nomination.tier),
            _("In this round the %(tier)s checks and forwards; it gives no scores.")
            % {"tier": Tier(nomination.tier).label.lower()},
        )
    committee = _check_committee_step(
        actor,
        nomination,
        "score_in",
        COMMITTEE_TIERS,
        conflict_with=nomination.product.producer_id,
        scoring=True,
    )
    allow(
        not committee.conflicted,
        _("You have a conflict of interest with this producer."),
    )
    return committee


def sheet_for(*, actor: User, nomination: Nomination) -> ScoreSheet:
    """The member's sheet for the nomination at its current tier, as the score
    page shows it: the saved one, or an unsaved blank draft. Looking creates
    nothing (the first sheet_save stores the sheet); it refuses whoever
    sheet_save refuses, with the same message."""
    committee = _check_score(actor, nomination)
    sheet = ScoreSheet.objects.filter(
        nomination=nomination, tier=nomination.tier, member=actor
    ).first()
    return sheet or ScoreSheet(
        nomination=nomination, tier=nomination.tier, member=actor, committee=committee
    )


@transaction.atomic
def sheet_save(
    *,
    actor: User,
    nomination: Nomination,
    points: dict[int, Decimal],
    comment: str = "",
    submit: bool = False,
) -> ScoreSheet:
    """Save the member's sheet for the nomination at its current tier: points
    per criterion (bounded by its maximum); submitting needs every criterion
    and may be repeated while the ranking is open. The first save creates the
    sheet: opening the score page creates nothing (sheet_for)."""
    nomination = _lock(nomination)
    committee = _check_score(actor, nomination)
    # The locked nomination row makes find-then-create safe.
    sheet = (
        ScoreSheet.objects.select_for_update()
        .filter(nomination=nomination, tier=nomination.tier, member=actor)
        .first()
    ) or ScoreSheet(
        nomination=nomination, tier=nomination.tier, member=actor, committee=committee
    )
    return _write_sheet(actor, sheet, nomination, points, comment, submit)


def _write_sheet(
    actor: User,
    sheet: ScoreSheet,
    nomination: Nomination,
    points: dict[int, Decimal],
    comment: str,
    submit: bool,
) -> ScoreSheet:
    criteria = {
        c.pk: c
        for c in criteria_for(nomination.round, sheet.tier, nomination.category_id)
    }
    errors = {}
    for criterion_id, value in points.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors[str(criterion_id)] = _("Not a criterion of this sheet.")
        elif value is not None and not (0 <= value <= criterion.max_points):
            errors[criterion.code] = _("%(code)s: between 0 and %(max)s points.") % {
                "code": criterion.code,
                "max": points_text(criterion.max_points),
            }
    if submit:
        missing = [c.code for pk, c in criteria.items() if points.get(pk) is None]
        if missing:
            errors["missing"] = _(
                "Score every criterion before submitting: %(codes)s."
            ) % {"codes": ", ".join(missing)}
    if errors:
        raise ValidationError(errors)
    parts = {"A": Decimal(0), "B": Decimal(0), "C": Decimal(0)}
    for pk, value in points.items():
        if value is not None:
            parts[criteria[pk].part] += value
    sheet.part_a, sheet.part_b, sheet.part_c = parts["A"], parts["B"], parts["C"]
    sheet.total = sum(parts.values())
    sheet.comment = comment
    if submit:
        sheet.status = ScoreSheet.Status.SUBMITTED
        sheet.submitted_at = timezone.now()
    if sheet.pk is None:
        sheet.save()
    else:
        sheet.scores.all().delete()
        sheet.save(
            update_fields=[
                "part_a",
                "part_b",
                "part_c",
                "total",
                "comment",
                "status",
                "submitted_at",
                "updated_at",
            ]
        )
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion_id=pk, points=value)
        for pk, value in points.items()
        if value is not None
    )
    if submit:
        _event(
            actor=actor,
            action="sheet_submitted",
            nomination=nomination,
            before=(nomination.tier, nomination.state),
            after=(nomination.tier, nomination.state),
            note=_("Total %(total)s") % {"total": sheet.total},
        )
    return sheet


@transaction.atomic
def sheets_fill(
    *,
    actor: User,
    committee: Committee,
    entries: dict[int, dict[int, Decimal]],
    submit: bool = True,
) -> list[ScoreSheet]:
    """A member scores many nominations of their committee's queue at once
    (a whole meeting's sheets, say): ``entries`` maps nomination id → points
    per criterion. All or nothing, with the same rules as sheet_save — the
    state, the member's right, the open ranking, the deadline, conflicts of
    interest, every criterion within its maximum — checked for the whole
    batch in a handful of queries."""
    nominations = list(
        Nomination.objects.select_for_update()
        .select_related("round", "product")
        .filter(pk__in=list(entries))
        .order_by("pk")
    )
    require(len(nominations) == len(entries), _("Some nominations do not exist."))
    if not nominations:
        return []
    round_ = nominations[0].round
    queue = {n.pk for n in queue_for(committee, round_).filter(pk__in=list(entries))}
    allow(
        queue == set(entries)
        or committee.tier != CommitteeTier.CENTRAL
        or not ranking_queue_for(committee, round_)
        .filter(pk__in=set(entries) - queue)
        .exists(),
        _("Some of these products are scored by another central committee."),
    )
    require(
        all(n.round_id == round_.pk for n in nominations) and queue == set(entries),
        _("The nomination is not waiting for a committee at this tier."),
    )
    ranked_by = (
        Subquery(
            Committee.objects.filter(
                tier=CommitteeTier.CENTRAL, is_active=True, kind=Kind.MAIN
            ).values("pk")[:1]
        )
        if committee.is_subcommittee
        else OuterRef("pk")
    )
    member_of = (
        committees_for(actor, "score_in")
        .filter(pk=committee.pk)
        .annotate(
            ranking_status=Subquery(
                Ranking.objects.filter(round=round_, committee=ranked_by).values(
                    "status"
                )[:1]
            )
        )
        .first()
    )
    allow(member_of is not None, _("You are not on the committee for this nomination."))
    _round_open(round_)
    _before_deadline(round_, committee.tier)
    require(
        member_of.ranking_status in (None, Ranking.Status.OPEN),
        _("The committee's ranking is already finalized."),
    )
    producers = {n.product.producer_id for n in nominations}
    allow(
        not conflicts_for(actor).filter(pk__in=producers).exists(),
        _("You have a conflict of interest with this producer."),
    )
    all_criteria = list(Criterion.objects.filter(round=round_, tier=committee.tier))
    existing = {
        sheet.nomination_id: sheet
        for sheet in ScoreSheet.objects.select_for_update().filter(
            nomination__in=nominations, tier=committee.tier, member=actor
        )
    }
    now = timezone.now()
    errors, sheets, scores = {}, [], []
    for nomination in nominations:
        own = [c for c in all_criteria if c.category_id == nomination.category_id]
        criteria = {
            c.pk: c for c in (own or [c for c in all_criteria if c.category_id is None])
        }
        points = entries[nomination.pk]
        problems = [
            _("%(code)s: between 0 and %(max)s points.")
            % {"code": c.code, "max": points_text(c.max_points)}
            for pk, c in criteria.items()
            if points.get(pk) is not None and not 0 <= points[pk] <= c.max_points
        ]
        if set(points) - set(criteria):
            problems.append(_("Not a criterion of this sheet."))
        if submit and any(points.get(pk) is None for pk in criteria):
            problems.append(
                _("Score every criterion before submitting: %(codes)s.")
                % {
                    "codes": ", ".join(
                        c.code for pk, c in criteria.items() if points.get(pk) is None
                    )
                }
            )
        if problems:
            errors[str(nomination.product)] = problems
            continue
        parts = {"A": Decimal(0), "B": Decimal(0), "C": Decimal(0)}
        for pk, value in points.items():
            if value is not None:
                parts[criteria[pk].part] += value
        sheet = existing.get(nomination.pk) or ScoreSheet(
            nomination=nomination,
            tier=committee.tier,
            member=actor,
            committee=committee,
        )
        sheet.part_a, sheet.part_b, sheet.part_c = parts["A"], parts["B"], parts["C"]
        sheet.total = sum(parts.values())
        if submit:
            sheet.status, sheet.submitted_at = ScoreSheet.Status.SUBMITTED, now
        sheets.append(sheet)
        scores.append(points)
    if errors:
        raise ValidationError(errors)
    old = [sheet for sheet in sheets if sheet.pk is not None]
    new = [sheet for sheet in sheets if sheet.pk is None]
    Score.objects.filter(sheet__in=old).delete()
    ScoreSheet.objects.bulk_create(new)
    ScoreSheet.objects.bulk_update(
        old, ["part_a", "part_b", "part_c", "total", "status", "submitted_at"]
    )
    if not all(s.pk for s in sheets):  # a backend that returns no ids (none here)
        ids = dict(
            ScoreSheet.objects.filter(
                nomination__in=nominations, tier=committee.tier, member=actor
            ).values_list("nomination_id", "pk")
        )
        for sheet in sheets:
            sheet.pk = ids[sheet.nomination_id]
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion_id=pk, points=value)
        for sheet, points in zip(sheets, scores, strict=True)
        for pk, value in points.items()
        if value is not None
    )
    if submit:
        NominationEvent.objects.bulk_create(
            NominationEvent(
                nomination_id=sheet.nomination_id,
                actor=actor,
                action="sheet_submitted",
                from_tier=committee.tier,
                from_state=State.PENDING,
                to_tier=committee.tier,
                to_state=State.PENDING,
                note=_("Total %(total)s") % {"total": sheet.total},
            )
            for sheet in sheets
        )
    return sheets
