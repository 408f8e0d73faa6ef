"""The pieces the moves on the ladder share (DESIGN.md §3): the audit event
every move appends, the nomination's row lock, and the checks of more than
one move (the round open, the deadline, a committee's step, its ranking still
open)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee, Kind
from committees.models import Tier as CommitteeTier
from committees.permissions import committees_for
from committees.selectors import central_scorers_for, conflicts_for
from core.buddhist_era import format_date
from core.tiers import committee_area
from core.workflow import InvalidTransition, allow, require
from selection.models import Nomination, NominationEvent, Ranking, Round, Tier
from selection.selectors import scoring_committee_for

State = Nomination.State


def _event_row(
    *,
    actor: User | None,
    action: str,
    nomination: Nomination | None = None,
    ranking: Ranking | None = None,
    before: tuple[str, str] = ("", ""),
    after: tuple[str, str] = ("", ""),
    note: str = "",
) -> NominationEvent:
    """An audit-trail row, unsaved (for bulk_create)."""
    return NominationEvent(
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


def _event(**fields) -> NominationEvent:
    """Write an audit-trail row (the fields of ``_event_row``)."""
    event = _event_row(**fields)
    event.save()
    return event


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


# A committee's step ------------------------------------------------------------------


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
