"""How nominations go up from an approved ranking: the round's plan says
which tier takes them (``Plan.next_tier``) and the tier's step which of them
go (``PlanStep.advancing``: a top-N quota, overall or per product type; a
score threshold, where a score equal to the threshold goes up; or every
nomination that passed the tier's check). The others are marked not
selected, each with its event, all in the approval's transaction."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from core.tiers import Tier
from core.workflow import require
from selection.models import (
    Advance,
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
)
from selection.services.steps import _event_row

State = Nomination.State


def advance_from(
    *,
    actor: User,
    ranking: Ranking,
    entries: list[RankingEntry],
    nominations: dict[int, Nomination],
) -> None:
    """Decide every entry of ``ranking`` (in position order) and move its
    locked nomination (``nominations`` by id)."""
    plan = ranking.round.plan
    step = plan.step(ranking.tier)
    above = plan.next_tier(ranking.tier)
    for entry in entries:
        nomination = nominations[entry.nomination_id]
        if (nomination.tier, nomination.state) != (ranking.tier, State.PENDING):
            # The message reads the product: only for the one refused.
            require(
                False,
                _("%(product)s is no longer waiting at this tier.")
                % {"product": nomination.product},
            )
    if above is None:  # the award tier: approval opens the way to stars
        for entry in entries:
            entry.decision = RankingEntry.Decision.FORWARD
        return
    type_quotas = {}
    if step.advance == Advance.QUOTA:
        type_quotas = dict(
            ranking.round.type_quotas.filter(tier=ranking.tier).values_list(
                "category_id", "advance"
            )
        )
    forwarded, dropped, events = [], [], []
    for entry, goes in zip(entries, step.advancing(entries, type_quotas), strict=True):
        nomination = nominations[entry.nomination_id]
        before = (nomination.tier, nomination.state)
        if goes:
            entry.decision = RankingEntry.Decision.FORWARD
            nomination.tier, nomination.state = above, State.PENDING
            if ranking.tier == Tier.PROVINCE and step.scores:
                nomination.provincial_score = entry.mean_total
            action = "forwarded"
            forwarded.append(nomination.pk)
        else:
            entry.decision = RankingEntry.Decision.NOT_SELECTED
            nomination.state = State.NOT_SELECTED
            action = "not_selected"
            dropped.append(nomination.pk)
        note = (
            _("Position %(position)s, mean %(mean)s")
            % {"position": entry.position, "mean": entry.mean_total}
            if step.scores
            else _("Passed the check")
            if goes
            else ""
        )
        events.append(
            _event_row(
                nomination=nomination,
                ranking=ranking,
                actor=actor,
                action=action,
                before=before,
                after=(nomination.tier, nomination.state),
                note=note,
            )
        )
    # A few statements for the whole ranking, not one save and one event per
    # nomination: a province forwards hundreds, the centre thousands.
    going = Nomination.objects.filter(pk__in=forwarded)
    if ranking.tier == Tier.PROVINCE and step.scores:
        going.update(
            tier=above,
            state=State.PENDING,
            provincial_score=Subquery(
                RankingEntry.objects.filter(
                    ranking=ranking, nomination=OuterRef("pk")
                ).values("mean_total")[:1]
            ),
        )
    else:
        going.update(tier=above, state=State.PENDING)
    Nomination.objects.filter(pk__in=dropped).update(state=State.NOT_SELECTED)
    NominationEvent.objects.bulk_create(events, batch_size=1000)
