"""A committee's ranking: finalized by the secretary once the sheets are in,
moved with a reason, reopened or approved by the chair; approval forwards the
top of it to the next tier."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee, Kind
from committees.permissions import can
from communities.models import Tambon
from core.tiers import BY_CODE
from core.workflow import allow, require
from selection import notify
from selection.models import Nomination, Ranking, RankingEntry, Round, StepAction
from selection.selectors import (
    RankedRow,
    committee_for,
    ranked_keys,
    with_nominations,
)
from selection.services.advance import advance_from
from selection.services.steps import (
    _before_deadline,
    _event,
    _ranking_closed,
    _round_open,
)

State = Nomination.State


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
    """The rows short of sheets, as the refusal names them (rows of
    ranked_keys: the short ones' products are read here, in one query)."""
    round_ = ranking.round
    short = []
    for row in rows:
        needed = (
            row.expected
            if round_.quorum == Round.Quorum.ALL
            else min(round_.quorum_minimum, row.expected)
        )
        if row.expected == 0 or row.sheet_count < needed:
            short.append((row, needed))
    if not short:
        return []
    with_nominations([row for row, _needed in short])
    return [
        # Nobody may score it (every scorer conflicted, or a subcommittee
        # given its type has no members): never ranked unscored.
        _("%(product)s (no member can score it)") % {"product": row.nomination.product}
        if row.expected == 0
        else f"{row.nomination.product} ({row.sheet_count}/{needed})"
        for row, needed in short
    ]


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
    # Ids and numbers: the entries need no nomination loaded (16,000 at the
    # centre).
    rows = ranked_keys(ranking.committee, ranking.round)
    require(bool(rows), _("There is nothing to rank."))
    scores = ranking.round.plan.scores(ranking.tier)
    short = _quorum_problems(ranking, rows) if scores else []
    require(
        not short,
        _("Not every score sheet is in: %(list)s.") % {"list": "; ".join(short[:10])},
    )
    ranking.entries.all().delete()
    RankingEntry.objects.bulk_create(
        RankingEntry(
            ranking=ranking,
            nomination_id=row.nomination.pk,
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
    require(
        _positions_count(ranking),
        _("In this round the tier grades by score: positions decide nothing."),
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


def _positions_count(ranking: Ranking) -> bool:
    """Whether a place in the ranking decides anything: a tier that ranks and
    forwards its top N (the secretary may then move an entry, with a reason)."""
    step = ranking.round.plan.step(ranking.tier)
    return step is not None and step.action == StepAction.RANK


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
    above = ranking.round.plan.next_tier(ranking.tier)
    if above is None:
        return None
    here, there = BY_CODE[ranking.tier], BY_CODE[above]
    area = {}
    if there.committee_area is not None:
        # The area above this committee's: that of any tambon in its area.
        tambons = Tambon.objects.filter(
            **{here.committee_area: getattr(ranking.committee, here.committee_area)}
        )
        area[there.committee_area] = Subquery(tambons.values(there.committee_area)[:1])
    return Committee.objects.filter(
        tier=above, is_active=True, kind=Kind.MAIN, **area
    ).first()


@transaction.atomic
def ranking_approve(*, actor: User, ranking: Ranking) -> Ranking:
    """Forward what the plan's advance rule picks to the plan's next tier
    (services.advance) and mark the rest not selected, all at once. The locked
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
    advance_from(actor=actor, ranking=ranking, entries=entries, nominations=nominations)
    # One UPDATE per decision: bulk_update's CASE over thousands of entries
    # costs the square of their number on PostgreSQL.
    decided = defaultdict(list)
    for entry in entries:
        decided[entry.decision].append(entry.pk)
    for decision, pks in decided.items():
        RankingEntry.objects.filter(pk__in=pks).update(decision=decision)
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
    if ranking.round.plan.next_tier(ranking.tier) is not None:
        # at the top, the awards tell the officers
        notify.ranking_approved(ranking, event, committee_for)
    return ranking
