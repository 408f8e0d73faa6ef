"""Every move on the ladder (DESIGN.md §3), each following the kernel's one
recipe (``core.workflow``):

    lock the row → check the state → check the actor's right → write →
    append a NominationEvent → register side effects with on_commit.

Each move's check is declared once, in ``NOMINATION_CHECKS`` or
``RANKING_CHECKS``; the services run it as their guard and
``available_actions`` / ``ranking_actions`` ask the same tables, so the
buttons a page shows are exactly the moves that succeed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee, Kind, Membership
from committees.models import Tier as CommitteeTier
from committees.permissions import can, committees_for
from committees.selectors import (
    central_routing,
    central_scorers_for,
    conflicts_for,
    subcommittee_types,
)
from communities.models import Amphoe, Tambon
from communities.services import MANAGE_TAMBON
from core.buddhist_era import format_date
from core.tiers import NEXT_TIER, committee_area
from core.workflow import Checks, InvalidTransition, allow, require
from products.models import Category, Product
from selection import notify
from selection.models import (
    COMMITTEE_TIERS,
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
    Round,
    Score,
    ScoreSheet,
    TambonForum,
    Tier,
)
from selection.rounds import points_text
from selection.uploads import validate_minutes

State = Nomination.State
TWO_PLACES = Decimal("0.01")


# Helpers -------------------------------------------------------------------------


def _event(
    *,
    actor: User | None,
    action: str,
    nomination: Nomination | None = None,
    ranking: Ranking | None = None,
    before: tuple[str, str] = ("", ""),
    after: tuple[str, str] = ("", ""),
    note: str = "",
) -> NominationEvent:
    return NominationEvent.objects.create(
        nomination=nomination,
        ranking=ranking,
        actor=actor,
        action=action,
        from_tier=before[0],
        from_state=before[1],
        to_tier=after[0],
        to_state=after[1],
        note=note,
    )


def _round_open(round_: Round) -> None:
    require(round_.status == Round.Status.OPEN, _("The round is not open."))


def _before_deadline(round_: Round, tier: str) -> None:
    deadline = round_.deadline_for(tier)
    if timezone.localdate() > deadline:
        raise InvalidTransition(
            _("The deadline for this step passed on %(date)s.")
            % {"date": format_date(deadline)}
        )


def _lock(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update()
        .select_related("round", "product__producer")
        .get(pk=nomination.pk)
    )


def _officer_of(actor: User, nomination: Nomination) -> bool:
    tambon = Tambon.objects.get(pk=nomination.tambon_code)
    return actor.is_authenticated and actor.has_perm(MANAGE_TAMBON, tambon)


def committee_for(nomination: Nomination, tier: str | None = None) -> Committee | None:
    """The active committee of the nomination's tier (or of ``tier``) and
    area, which ranks it (at the centre the national committee, whoever
    scores)."""
    tier = tier or nomination.tier
    area = committee_area(tier, nomination)
    if area is None:
        return None
    return Committee.objects.filter(
        tier=tier, is_active=True, kind=Kind.MAIN, **area
    ).first()


def _ranking_closed(round_id: int, committee: Committee | None) -> bool:
    """Whether ``committee`` has finalized (or approved) its ranking in the
    round: from then on nothing may join its queue, or it would wait there
    with nobody able to move it."""
    return (
        committee is not None
        and Ranking.objects.filter(round=round_id, committee=committee)
        .exclude(status=Ranking.Status.OPEN)
        .exists()
    )


def scoring_committee_for(nomination: Nomination) -> Committee | None:
    """The committee whose members score the nomination: committee_for, except
    at the centre, where a subcommittee given its product type scores it."""
    if nomination.tier != Tier.CENTRAL:
        return committee_for(nomination)
    return central_scorers_for(nomination.category_id).first()


def ranking_queue_for(committee: Committee, round_: Round) -> QuerySet[Nomination]:
    """The nominations ``committee`` ranks in ``round_``: everything waiting at
    its tier in its area (one query)."""
    queryset = Nomination.objects.filter(
        round=round_, tier=committee.tier, state=State.PENDING
    )
    if committee.tier == CommitteeTier.AMPHOE:
        return queryset.filter(amphoe_code=committee.amphoe_id)
    if committee.tier == CommitteeTier.PROVINCE:
        return queryset.filter(province_code=committee.province_id)
    return queryset


def queue_for(committee: Committee, round_: Round) -> QuerySet[Nomination]:
    """The nominations waiting for ``committee`` to score in ``round_`` (one
    query): its ranking queue, except at the centre, where a subcommittee
    scores its product types and the national committee the other types."""
    queryset = ranking_queue_for(committee, round_)
    if committee.tier != CommitteeTier.CENTRAL:
        return queryset
    if committee.is_subcommittee:
        return queryset.filter(category__in=committee.product_types.values("pk"))
    return queryset.exclude(category__in=subcommittee_types())


def criteria_for(round_: Round, tier: str, category: Category | None) -> list:
    """A product type's own criteria at this tier, else the general ones (one
    query)."""
    category_id = getattr(category, "pk", category)
    rows = list(
        Criterion.objects.filter(round=round_, tier=tier).filter(
            Q(category__isnull=True) | Q(category_id=category_id)
        )
    )
    own = [
        c for c in rows if c.category_id is not None and c.category_id == category_id
    ]
    return own or [c for c in rows if c.category_id is None]


# Tambon forums --------------------------------------------------------------------


@transaction.atomic
def forum_record(
    *,
    actor: User,
    round_: Round,
    tambon: Tambon,
    held_on: dt.date,
    attendee_count: int,
    resolution: str,
    minutes=None,
) -> TambonForum:
    """Record (or correct) the community forum that chose the tambon's products."""
    allow(
        actor.has_perm(MANAGE_TAMBON, tambon),
        _("You are not assigned to tambon %(tambon)s.") % {"tambon": tambon},
    )
    minutes = minutes or None  # a cleared file field sends False
    suffix = validate_minutes(minutes) if minutes is not None else ""
    forum = TambonForum.objects.select_for_update().filter(
        round=round_, tambon=tambon
    ).first() or TambonForum(round=round_, tambon=tambon, recorded_by=actor)
    forum.held_on, forum.attendee_count = held_on, attendee_count
    forum.resolution = resolution
    forum.full_clean(exclude=["minutes"])  # checked before any file is stored
    if minutes is None:
        forum.save()
        return forum
    forum.minutes.save(
        f"forum-{round_.year}-{tambon.code}{suffix}", minutes, save=False
    )
    try:
        forum.save()
    except Exception:
        forum.minutes.delete(save=False)  # no orphan file if the row is refused
        raise
    return forum


# Nominations (officer) --------------------------------------------------------------


@transaction.atomic
def nomination_create(*, actor: User, round_: Round, product: Product) -> Nomination:
    """A draft nomination of a complete product in an open round."""
    product = Product.objects.select_related(
        "producer__tambon__amphoe", "category"
    ).get(pk=product.pk)
    tambon = product.producer.tambon
    allow(
        actor.has_perm(MANAGE_TAMBON, tambon),
        _("You are not assigned to tambon %(tambon)s.") % {"tambon": tambon},
    )
    _round_open(round_)
    missing = product.missing_for_completeness()
    if missing:
        raise ValidationError(
            _("The product still needs: %(missing)s.")
            % {"missing": ", ".join(str(m) for m in missing)}
        )
    if Nomination.objects.filter(round=round_, product=product).exists():
        raise ValidationError(_("This product is already nominated in this round."))
    nomination = Nomination.objects.create(
        round=round_,
        product=product,
        tambon_code=tambon.code,
        amphoe_code=tambon.amphoe_id,
        province_code=tambon.province_id,
        category=product.category.parent or product.category,
        forum=TambonForum.objects.filter(round=round_, tambon=tambon).first(),
        created_by=actor,
    )
    _event(
        actor=actor,
        action="created",
        nomination=nomination,
        after=(Tier.TAMBON, State.DRAFT),
    )
    return nomination


def _check_submit(actor: User, nomination: Nomination) -> None:
    require(
        (nomination.tier, nomination.state) == (Tier.TAMBON, State.DRAFT),
        _("Only a draft can be submitted."),
    )
    allow(_officer_of(actor, nomination), _("Only the tambon's officer may submit."))
    _round_open(nomination.round)
    _before_deadline(nomination.round, Tier.TAMBON)
    _require_ranking_open(nomination, Tier.AMPHOE)


def _require_ranking_open(nomination: Nomination, tier: str) -> None:
    """A nomination may join a committee's queue only while its ranking is
    open: one that arrived after the ranking was finalized would be in no
    ranking, and nobody could score, return, withdraw or forward it."""
    require(
        not _ranking_closed(nomination.round_id, committee_for(nomination, tier)),
        _(
            "The %(tier)s committee has already finalized its ranking for this "
            "round, so the nomination cannot go to it now. Its chair can reopen "
            "a ranking that is not yet approved; the nomination can still be "
            "withdrawn."
        )
        % {"tier": Tier(tier).label.lower()},
    )


@transaction.atomic
def nomination_submit(*, actor: User, nomination: Nomination) -> Nomination:
    nomination = _lock(nomination)
    _check_submit(actor, nomination)
    forum = (
        TambonForum.objects.select_for_update()
        .filter(round=nomination.round_id, tambon_id=nomination.tambon_code)
        .first()
    )
    # The forum row also serialises the tambon's submissions for the quota.
    require(forum is not None, _("Record the tambon forum first."))
    missing = nomination.product.missing_for_completeness()
    require(
        not missing,
        _("The product still needs: %(missing)s.")
        % {"missing": ", ".join(str(m) for m in missing)},
    )
    submitted = (
        Nomination.objects.filter(
            round=nomination.round_id, tambon_code=nomination.tambon_code
        )
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .count()
    )
    require(
        submitted < nomination.round.tambon_quota,
        _("The tambon has used its quota of %(quota)s nominations.")
        % {"quota": nomination.round.tambon_quota},
    )
    nomination.forum = forum
    nomination.tier, nomination.state = Tier.AMPHOE, State.PENDING
    nomination.submitted_at = timezone.now()
    nomination.save(update_fields=["forum", "tier", "state", "submitted_at"])
    event = _event(
        actor=actor,
        action="submitted",
        nomination=nomination,
        before=(Tier.TAMBON, State.DRAFT),
        after=(Tier.AMPHOE, State.PENDING),
    )
    notify.nomination_submitted(nomination, event, committee_for(nomination))
    return nomination


def _check_resubmit(actor: User, nomination: Nomination) -> None:
    require(
        (nomination.tier, nomination.state) == (Tier.TAMBON, State.RETURNED),
        _("Only a returned nomination can be resubmitted."),
    )
    allow(_officer_of(actor, nomination), _("Only the tambon's officer may resubmit."))
    _round_open(nomination.round)
    _before_deadline(nomination.round, nomination.returned_from)
    _require_ranking_open(nomination, nomination.returned_from)


@transaction.atomic
def nomination_resubmit(
    *, actor: User, nomination: Nomination, response: str
) -> Nomination:
    nomination = _lock(nomination)
    _check_resubmit(actor, nomination)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Answer the committee's reason.")})
    back_to = nomination.returned_from
    nomination.tier, nomination.state = back_to, State.PENDING
    nomination.response = response
    nomination.save(update_fields=["tier", "state", "response"])
    event = _event(
        actor=actor,
        action="resubmitted",
        nomination=nomination,
        before=(Tier.TAMBON, State.RETURNED),
        after=(back_to, State.PENDING),
        note=response,
    )
    notify.nomination_submitted(nomination, event, committee_for(nomination))
    return nomination


def _ranking_started(nomination: Nomination) -> bool:
    return _ranking_closed(nomination.round_id, committee_for(nomination))


def _check_withdraw(actor: User, nomination: Nomination) -> None:
    require(
        (nomination.tier, nomination.state)
        in {
            (Tier.TAMBON, State.DRAFT),
            (Tier.TAMBON, State.RETURNED),
            (Tier.AMPHOE, State.PENDING),
        },
        _("This nomination can no longer be withdrawn."),
    )
    allow(_officer_of(actor, nomination), _("Only the tambon's officer may withdraw."))
    require(
        nomination.tier != Tier.AMPHOE or not _ranking_started(nomination),
        _("The district ranking is already finalized."),
    )


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination, note: str = "") -> None:
    nomination = _lock(nomination)
    _check_withdraw(actor, nomination)
    before = (nomination.tier, nomination.state)
    nomination.state = State.WITHDRAWN
    nomination.save(update_fields=["state"])
    _event(
        actor=actor,
        action="withdrawn",
        nomination=nomination,
        before=before,
        after=(nomination.tier, State.WITHDRAWN),
        note=note,
    )


# Committee work ------------------------------------------------------------------


def _check_committee_step(
    actor: User,
    nomination: Nomination,
    perm: str,
    tiers: Iterable[str],
    conflict_with: int | None = None,
    scoring: bool = False,
) -> Committee:
    require(
        nomination.tier in tiers and nomination.state == State.PENDING,
        _("The nomination is not waiting for a committee at this tier."),
    )
    # One query: the nomination's committee (the one that ranks it, or for
    # ``scoring`` the one that scores it), if the actor holds ``perm`` in it,
    # with the status of the ranking in this round (and, for scoring, whether
    # the actor has a conflict with the producer).
    ranked_by = _committee_id_for(nomination)
    committees = (
        committees_for(actor, perm)
        .filter(pk=_scoring_committee_id_for(nomination) if scoring else ranked_by)
        .annotate(
            ranking_status=Subquery(
                Ranking.objects.filter(
                    round=nomination.round_id, committee=ranked_by
                ).values("status")[:1]
            )
        )
    )
    if conflict_with is not None and actor.is_authenticated:
        committees = committees.annotate(
            conflicted=Exists(conflicts_for(actor).filter(pk=conflict_with))
        )
    committee = committees.first()
    if committee is None and nomination.tier == Tier.CENTRAL:
        _refuse_other_central_committee(actor, nomination, perm)
    allow(committee is not None, _("You are not on the committee for this nomination."))
    _round_open(nomination.round)
    _before_deadline(nomination.round, nomination.tier)
    require(
        committee.ranking_status in (None, Ranking.Status.OPEN),
        _("The committee's ranking is already finalized."),
    )
    return committee


def _refuse_other_central_committee(
    actor: User, nomination: Nomination, perm: str
) -> None:
    """Say which central committee is responsible when a member of another one
    (a subcommittee, or the national committee) tries to act."""
    if not committees_for(actor, perm).filter(tier=CommitteeTier.CENTRAL).exists():
        return
    responsible = scoring_committee_for(nomination)
    if responsible is not None:
        raise PermissionDenied(
            _("%(type)s products are scored by the %(committee)s; you are not on it.")
            % {"type": nomination.category, "committee": responsible}
        )


def _committee_id_for(nomination: Nomination):
    """A subquery for the id of the active committee of the nomination's tier
    and area (see committee_for)."""
    area = committee_area(nomination.tier, nomination)
    return Subquery(
        Committee.objects.filter(
            tier=nomination.tier, is_active=True, kind=Kind.MAIN, **area
        ).values("pk")[:1]
    )


def _scoring_committee_id_for(nomination: Nomination):
    """A subquery for the id of the committee that scores the nomination (see
    scoring_committee_for)."""
    if nomination.tier != Tier.CENTRAL:
        return _committee_id_for(nomination)
    return Subquery(central_scorers_for(nomination.category_id).values("pk")[:1])


def _check_return(actor: User, nomination: Nomination) -> Committee:
    return _check_committee_step(
        actor, nomination, "return_nomination", (Tier.AMPHOE, Tier.PROVINCE)
    )


@transaction.atomic
def nomination_return(
    *, actor: User, nomination: Nomination, reason: str
) -> Nomination:
    nomination = _lock(nomination)
    _check_return(actor, nomination)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the nomination goes back.")})
    before = (nomination.tier, nomination.state)
    nomination.returned_from = nomination.tier
    nomination.tier, nomination.state = Tier.TAMBON, State.RETURNED
    nomination.return_reason = reason
    nomination.save(update_fields=["returned_from", "tier", "state", "return_reason"])
    event = _event(
        actor=actor,
        action="returned",
        nomination=nomination,
        before=before,
        after=(Tier.TAMBON, State.RETURNED),
        note=reason,
    )
    notify.nomination_returned(nomination, event)
    return nomination


def _check_score(actor: User, nomination: Nomination) -> Committee:
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
    sheet: opening the score page creates nothing (selectors.sheet_for)."""
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


# Rankings -------------------------------------------------------------------------


@dataclass
class RankedRow:
    nomination: Nomination
    mean_total: Decimal
    mean_a: Decimal
    mean_b: Decimal
    mean_c: Decimal
    sheet_count: int
    expected: int


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def scoring_members(committee: Committee) -> list[User]:
    """Current members who score (chair, secretary, members; not observers)."""
    return list(
        User.objects.filter(
            Exists(
                Membership.objects.current().filter(
                    user=OuterRef("pk"), committee=committee
                )
            ),
            committeeuserobjectpermission__content_object=committee,
            committeeuserobjectpermission__permission__codename="score_in",
        )
    )


def ranking_rows(committee: Committee, round_: Round) -> list[RankedRow]:
    """The committee's queue ranked as DESIGN.md §3 says: by the mean over the
    submitted sheets of members without a conflict; ties by part C, then part
    B, then the earlier submission. At the centre each nomination's sheets and
    expected count come from the committee that scores its product type."""
    nominations = list(
        ranking_queue_for(committee, round_).select_related(
            "product__producer", "category"
        )
    )
    routing = {}
    if committee.tier == CommitteeTier.CENTRAL and not committee.is_subcommittee:
        routing = central_routing()
    scorers_of = {n.pk: routing.get(n.category_id, committee).pk for n in nominations}
    panels = {committee.pk: scoring_members(committee)}
    for sub in {
        routing[n.category_id] for n in nominations if n.category_id in routing
    }:
        panels[sub.pk] = scoring_members(sub)
    panel_ids = {pk: {m.pk for m in panel} for pk, panel in panels.items()}
    members = list({m.pk: m for panel in panels.values() for m in panel}.values())
    conflicted = {
        member.pk: set(
            conflicts_for(member)
            .filter(pk__in=[n.product.producer_id for n in nominations])
            .values_list("pk", flat=True)
        )
        for member in members
    }
    sheets = defaultdict(list)
    for sheet in ScoreSheet.objects.filter(
        nomination__in=[n.pk for n in nominations],
        tier=committee.tier,
        status=ScoreSheet.Status.SUBMITTED,
    ).only("nomination_id", "member_id", "total", "part_a", "part_b", "part_c"):
        sheets[sheet.nomination_id].append(sheet)
    rows = []
    for nomination in nominations:
        producer = nomination.product.producer_id
        scorers = scorers_of[nomination.pk]
        counted = [
            s
            for s in sheets[nomination.pk]
            if producer not in conflicted.get(s.member_id, set())
            and s.member_id in panel_ids[scorers]
        ]
        expected = sum(1 for m in panels[scorers] if producer not in conflicted[m.pk])
        mean_total, mean_a, mean_b, mean_c = mean_scores(counted)
        rows.append(
            RankedRow(
                nomination=nomination,
                mean_total=mean_total,
                mean_a=mean_a,
                mean_b=mean_b,
                mean_c=mean_c,
                sheet_count=len(counted),
                expected=expected,
            )
        )
    rows.sort(key=ranking_key)
    return rows


def mean_scores(sheets) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Mean total and parts A, B and C of the counted sheets, to two places
    (zeros without sheets); the sheets' order does not matter."""
    n = len(sheets) or 1
    return tuple(
        _q(sum((getattr(s, part) for s in sheets), Decimal(0)) / n)
        for part in ("total", "part_a", "part_b", "part_c")
    )


def ranking_key(row: RankedRow) -> tuple:
    """DESIGN.md §3: the higher mean total first; ties by part C, then part B,
    then the earlier submission (then the older nomination, so the order is
    total)."""
    nomination = row.nomination
    return (
        -row.mean_total,
        -row.mean_c,
        -row.mean_b,
        nomination.submitted_at or timezone.now(),
        nomination.pk,
    )


def ranking_get(*, committee: Committee, round_: Round) -> Ranking:
    """The committee's ranking in the round, stored on first use: for the
    moves below and for scripts (the demo, tests). Pages never call it: they
    read selectors.ranking_of, which stores nothing."""
    ranking, _created = Ranking.objects.get_or_create(
        round=round_, committee=committee, defaults={"tier": committee.tier}
    )
    return ranking


def _lock_ranking(ranking: Ranking) -> Ranking:
    """Lock the ranking's row. A ranking nobody has moved yet has no row (the
    pages show it unsaved): the first move stores it here, in the move's
    transaction, so a refused move leaves no row behind."""
    if ranking.pk is None:
        ranking = ranking_get(committee=ranking.committee, round_=ranking.round)
    return (
        Ranking.objects.select_for_update()
        .select_related("round", "committee")
        .get(pk=ranking.pk)
    )


def _quorum_problems(ranking: Ranking, rows: list[RankedRow]) -> list[str]:
    round_ = ranking.round
    short = []
    for row in rows:
        needed = (
            row.expected
            if round_.quorum == Round.Quorum.ALL
            else min(round_.quorum_minimum, row.expected)
        )
        if row.expected == 0:
            # Nobody may score it (every scorer conflicted, or a subcommittee
            # given its type has no members): never ranked unscored.
            short.append(
                _("%(product)s (no member can score it)")
                % {"product": row.nomination.product}
            )
        elif row.sheet_count < needed:
            short.append(f"{row.nomination.product} ({row.sheet_count}/{needed})")
    return short


def _check_finalize(actor: User, ranking: Ranking) -> None:
    require(ranking.status == Ranking.Status.OPEN, _("The ranking is not open."))
    allow(
        not ranking.committee.is_subcommittee,
        _("Subcommittees score; the national committee ranks the central tier."),
    )
    allow(
        can(actor, "finalize_ranking", ranking.committee),
        _("Only the committee's secretary may finalize the ranking."),
    )
    _round_open(ranking.round)
    _before_deadline(ranking.round, ranking.tier)


@transaction.atomic
def ranking_finalize(*, actor: User, ranking: Ranking) -> Ranking:
    ranking = _lock_ranking(ranking)
    _check_finalize(actor, ranking)
    rows = ranking_rows(ranking.committee, ranking.round)
    require(bool(rows), _("There is nothing to rank."))
    short = _quorum_problems(ranking, rows)
    require(
        not short,
        _("Not every score sheet is in: %(list)s.") % {"list": "; ".join(short[:10])},
    )
    ranking.entries.all().delete()
    RankingEntry.objects.bulk_create(
        RankingEntry(
            ranking=ranking,
            nomination=row.nomination,
            position=position,
            mean_total=row.mean_total,
            mean_a=row.mean_a,
            mean_b=row.mean_b,
            mean_c=row.mean_c,
            sheet_count=row.sheet_count,
            expected_sheets=row.expected,
        )
        for position, row in enumerate(rows, start=1)
    )
    ranking.status = Ranking.Status.FINALIZED
    ranking.finalized_by, ranking.finalized_at = actor, timezone.now()
    ranking.save(update_fields=["status", "finalized_by", "finalized_at"])
    event = _event(
        actor=actor,
        action="ranking_finalized",
        ranking=ranking,
        before=("", Ranking.Status.OPEN),
        after=("", Ranking.Status.FINALIZED),
        note=_("%(n)s nominations ranked") % {"n": len(rows)},
    )
    notify.ranking_finalized(ranking, event)
    return ranking


@transaction.atomic
def ranking_move_entry(
    *, actor: User, entry: RankingEntry, position: int, justification: str
) -> RankingEntry:
    """The secretary moves an entry of a finalized ranking, with a reason."""
    ranking = _lock_ranking(entry.ranking)
    require(
        ranking.status == Ranking.Status.FINALIZED,
        _("Entries move only in a finalized ranking awaiting approval."),
    )
    allow(
        can(actor, "move_ranking_entry", ranking.committee),
        _("Only the committee's secretary may move entries."),
    )
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError({"justification": _("Write why the entry moves.")})
    entries = list(ranking.entries.order_by("position"))
    moving = next(e for e in entries if e.pk == entry.pk)
    position = max(1, min(position, len(entries)))
    old = moving.position
    entries.remove(moving)
    entries.insert(position - 1, moving)
    for index, item in enumerate(entries, start=1):
        item.position = index
    moving.moved, moving.justification = True, justification
    RankingEntry.objects.bulk_update(entries, ["position", "moved", "justification"])
    _event(
        actor=actor,
        action="entry_moved",
        ranking=ranking,
        nomination=moving.nomination,
        note=_("From %(old)s to %(new)s: %(why)s")
        % {"old": old, "new": position, "why": justification},
    )
    return moving


def _check_reopen(actor: User, ranking: Ranking) -> None:
    require(
        ranking.status == Ranking.Status.FINALIZED,
        _("Only a finalized ranking can be reopened."),
    )
    allow(
        can(actor, "reopen_ranking", ranking.committee),
        _("Only the committee's chair may reopen the ranking."),
    )


@transaction.atomic
def ranking_reopen(*, actor: User, ranking: Ranking, reason: str) -> Ranking:
    ranking = _lock_ranking(ranking)
    _check_reopen(actor, ranking)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ranking reopens.")})
    ranking.entries.all().delete()
    ranking.status = Ranking.Status.OPEN
    ranking.finalized_by, ranking.finalized_at = None, None
    ranking.save(update_fields=["status", "finalized_by", "finalized_at"])
    _event(
        actor=actor,
        action="ranking_reopened",
        ranking=ranking,
        before=("", Ranking.Status.FINALIZED),
        after=("", Ranking.Status.OPEN),
        note=reason,
    )
    return ranking


def _check_approve(actor: User, ranking: Ranking) -> None:
    require(
        ranking.status == Ranking.Status.FINALIZED,
        _("Only a finalized ranking can be approved."),
    )
    allow(
        can(actor, "approve_ranking", ranking.committee),
        _("Only the committee's chair may approve the ranking."),
    )
    allow(
        ranking.finalized_by_id != actor.pk,
        _("The person who finalized the ranking cannot also approve it."),
    )
    _round_open(ranking.round)
    _before_deadline(ranking.round, ranking.tier)
    require(
        not _ranking_closed(ranking.round_id, _next_committee(ranking)),
        _(
            "The next tier's committee has already finalized its ranking, so "
            "nothing forwarded now would be ranked. Ask its chair to reopen it "
            "first."
        ),
    )


def _next_committee(ranking: Ranking) -> Committee | None:
    """The committee that ranks what ``ranking`` forwards (none at the centre)."""
    area = {
        Tier.AMPHOE: lambda c: {
            "province_id": Subquery(
                Amphoe.objects.filter(pk=c.amphoe_id).values("province_id")
            )
        },
        Tier.PROVINCE: lambda c: {},
    }.get(ranking.tier)
    if area is None:
        return None
    return Committee.objects.filter(
        tier=NEXT_TIER[ranking.tier],
        is_active=True,
        kind=Kind.MAIN,
        **area(ranking.committee),
    ).first()


@transaction.atomic
def ranking_approve(*, actor: User, ranking: Ranking) -> Ranking:
    """Forward the top of the ranking to the next tier (the quota, overall or
    per product type) and mark the rest not selected, all at once. The locked
    ranking row makes concurrent approvals take turns: the first wins, the
    others find it approved."""
    ranking = _lock_ranking(ranking)
    _check_approve(actor, ranking)
    entries = list(
        ranking.entries.select_related("nomination__category").order_by("position")
    )
    nominations = {
        n.pk: n
        for n in Nomination.objects.select_for_update().filter(
            pk__in=[e.nomination_id for e in entries]
        )
    }
    next_tier = NEXT_TIER.get(ranking.tier)
    forwarded_by_type: dict[int, int] = defaultdict(int)
    forwarded = 0
    if next_tier is not None:
        overall = ranking.round.advance_for(ranking.tier)
        type_quotas = dict(
            ranking.round.type_quotas.filter(tier=ranking.tier).values_list(
                "category_id", "advance"
            )
        )
    for entry in entries:
        nomination = nominations[entry.nomination_id]
        before = (nomination.tier, nomination.state)
        require(
            before == (ranking.tier, State.PENDING),
            _("%(product)s is no longer waiting at this tier.")
            % {"product": nomination.product},
        )
        if next_tier is None:  # central: approval opens the way to awards
            entry.decision = RankingEntry.Decision.FORWARD
            continue
        # A type with its own quota forwards that many; the other types share
        # the tier's overall quota (Round.advance_for), as the page marks them.
        own_quota = type_quotas.get(nomination.category_id)
        if own_quota is not None:
            goes = forwarded_by_type[nomination.category_id] < own_quota
        else:
            goes = forwarded < overall
        if goes:
            if own_quota is not None:
                forwarded_by_type[nomination.category_id] += 1
            else:
                forwarded += 1
            entry.decision = RankingEntry.Decision.FORWARD
            nomination.tier, nomination.state = next_tier, State.PENDING
            if ranking.tier == Tier.PROVINCE:
                nomination.provincial_score = entry.mean_total
            action = "forwarded"
        else:
            entry.decision = RankingEntry.Decision.NOT_SELECTED
            nomination.state = State.NOT_SELECTED
            action = "not_selected"
        nomination.save(update_fields=["tier", "state", "provincial_score"])
        _event(
            actor=actor,
            action=action,
            nomination=nomination,
            ranking=ranking,
            before=before,
            after=(nomination.tier, nomination.state),
            note=_("Position %(position)s, mean %(mean)s")
            % {"position": entry.position, "mean": entry.mean_total},
        )
    RankingEntry.objects.bulk_update(entries, ["decision"])
    ranking.status = Ranking.Status.APPROVED
    ranking.approved_by, ranking.approved_at = actor, timezone.now()
    ranking.save(update_fields=["status", "approved_by", "approved_at"])
    event = _event(
        actor=actor,
        action="ranking_approved",
        ranking=ranking,
        before=("", Ranking.Status.FINALIZED),
        after=("", Ranking.Status.APPROVED),
    )
    if next_tier is not None:  # at the centre, the awards tell the officers
        notify.ranking_approved(ranking, event, committee_for)
    return ranking


# Central awards ----------------------------------------------------------------------


def _check_award(actor: User, nomination: Nomination) -> RankingEntry:
    require(
        (nomination.tier, nomination.state) == (Tier.CENTRAL, State.PENDING),
        _("Only a nomination waiting at the central tier can be awarded."),
    )
    committee = committee_for(nomination)
    allow(
        committee is not None and can(actor, "approve_ranking", committee),
        _("Only the central committee's chair may award stars."),
    )
    entry = RankingEntry.objects.filter(
        nomination=nomination,
        ranking__committee=committee,
        ranking__round=nomination.round_id,
        ranking__status=Ranking.Status.APPROVED,
    ).first()
    require(entry is not None, _("The central ranking is not approved yet."))
    require(entry.sheet_count > 0, _("No score sheet counts for this nomination yet."))
    _round_open(nomination.round)
    _before_deadline(nomination.round, Tier.CENTRAL)
    return entry


@transaction.atomic
def nomination_award(*, actor: User, nomination: Nomination) -> Nomination:
    """Award stars from the round's bands to the confirmed central score; the
    provincial score stays beside it. The registry publishes awarded
    nominations from its own list (registry → selection, never back)."""
    nomination = _lock(nomination)
    entry = _check_award(actor, nomination)
    nomination.final_score = entry.mean_total
    nomination.stars = nomination.round.stars_for(entry.mean_total)
    nomination.state = State.AWARDED
    nomination.awarded_at = timezone.now()
    nomination.save(update_fields=["final_score", "stars", "state", "awarded_at"])
    notify.nomination_awarded(nomination)
    _event(
        actor=actor,
        action="awarded",
        nomination=nomination,
        before=(Tier.CENTRAL, State.PENDING),
        after=(Tier.CENTRAL, State.AWARDED),
        note=_("%(stars)s stars, score %(score)s (provincial %(provincial)s)")
        % {
            "stars": nomination.stars,
            "score": nomination.final_score,
            "provincial": nomination.provincial_score,
        },
    )
    return nomination


def _check_award_all(actor: User, ranking: Ranking) -> None:
    require(
        ranking.tier == Tier.CENTRAL and ranking.status == Ranking.Status.APPROVED,
        _("Stars are awarded from an approved central ranking."),
    )
    allow(
        can(actor, "approve_ranking", ranking.committee),
        _("Only the central committee's chair may award stars."),
    )
    require(
        ranking.entries.filter(nomination__state=State.PENDING).exists(),
        _("Every nomination of this ranking is already awarded."),
    )
    _round_open(ranking.round)
    _before_deadline(ranking.round, Tier.CENTRAL)


@transaction.atomic
def ranking_award_all(*, actor: User, ranking: Ranking) -> int:
    ranking = _lock_ranking(ranking)
    _check_award_all(actor, ranking)
    awarded = 0
    for entry in ranking.entries.select_related("nomination").order_by("position"):
        if entry.nomination.state == State.PENDING:
            nomination_award(actor=actor, nomination=entry.nomination)
            awarded += 1
    return awarded


# What a user may do now ---------------------------------------------------------

NOMINATION_CHECKS = Checks(
    {
        "submit": _check_submit,
        "resubmit": _check_resubmit,
        "withdraw": _check_withdraw,
        "score": _check_score,
        "return": _check_return,
        "award": _check_award,
    }
)
RANKING_CHECKS = Checks(
    {
        "finalize": _check_finalize,
        "reopen": _check_reopen,
        "approve": _check_approve,
        "award_all": _check_award_all,
    }
)


def available_actions(user: User, nomination: Nomination) -> list[str]:
    """The moves ``user`` can make on ``nomination`` now: the same checks the
    services run, so a button shown is a move that will be accepted."""
    return NOMINATION_CHECKS.passing(user, nomination)


def ranking_actions(user: User, ranking: Ranking) -> list[str]:
    actions = RANKING_CHECKS.passing(user, ranking)
    if ranking.status == Ranking.Status.FINALIZED and can(
        user, "move_ranking_entry", ranking.committee
    ):
        actions.append("move")
    return actions
