"""Central awards: the central committee's chair awards stars from an approved
central ranking, one nomination or the whole ranking at once."""

from collections import defaultdict

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.permissions import can
from core.tiers import AWARD_TIER
from core.workflow import allow, require
from selection import notify
from selection.models import (
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
    stars_from_bands,
)
from selection.selectors import committee_for
from selection.services.rankings import _lock_ranking
from selection.services.steps import _before_deadline, _event, _lock, _round_open

State = Nomination.State


def _check_award(actor: User, nomination: Nomination) -> RankingEntry:
    require(
        (nomination.tier, nomination.state) == (AWARD_TIER, State.PENDING),
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
    _before_deadline(nomination.round, AWARD_TIER)
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
        before=(AWARD_TIER, State.PENDING),
        after=(AWARD_TIER, State.AWARDED),
        note=_award_note(nomination),
    )
    return nomination


def _check_award_all(actor: User, ranking: Ranking) -> None:
    require(
        ranking.tier == AWARD_TIER and ranking.status == Ranking.Status.APPROVED,
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
    _before_deadline(ranking.round, AWARD_TIER)


def _award_note(nomination: Nomination) -> str:
    return _("%(stars)s stars, score %(score)s (provincial %(provincial)s)") % {
        "stars": nomination.stars,
        "score": nomination.final_score,
        "provincial": nomination.provincial_score,
    }


@transaction.atomic
def ranking_award_all(*, actor: User, ranking: Ranking) -> int:
    """Award every pending nomination of an approved central ranking, as
    nomination_award would one by one (the same stars, events and
    notifications), in a number of statements that grows with the batches,
    not the nominations. All or nothing."""
    ranking = _lock_ranking(ranking)
    _check_award_all(actor, ranking)
    pending = ranking.entries.filter(nomination__state=State.PENDING)
    locked = list(
        Nomination.objects.select_for_update()
        .filter(pk__in=pending.values("nomination_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    entries = list(
        pending.filter(nomination__in=locked)
        .select_related(
            "nomination__product__producer__tambon",
            "nomination__product__producer__user",
            "nomination__round",
        )
        .order_by("position")
    )
    require(
        all(entry.sheet_count > 0 for entry in entries),
        _("No score sheet counts for this nomination yet."),
    )
    bands = list(
        ranking.round.star_bands.order_by("-min_score").values_list(
            "stars", "min_score"
        )
    )
    now = timezone.now()
    nominations = []
    for entry in entries:
        nomination = entry.nomination
        nomination.final_score = entry.mean_total
        nomination.stars = stars_from_bands(bands, entry.mean_total)
        nomination.state = State.AWARDED
        nomination.awarded_at = now
        nominations.append(nomination)
    # One UPDATE per star count, the score copied from the entry by a
    # subquery: bulk_update's CASE per row cost minutes of Python at 16,000.
    by_stars = defaultdict(list)
    for nomination in nominations:
        by_stars[nomination.stars].append(nomination.pk)
    for stars, pks in by_stars.items():
        Nomination.objects.filter(pk__in=pks).update(
            final_score=Subquery(
                RankingEntry.objects.filter(
                    ranking=ranking, nomination=OuterRef("pk")
                ).values("mean_total")[:1]
            ),
            stars=stars,
            state=State.AWARDED,
            awarded_at=now,
        )
    notify.nominations_awarded(nominations)
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination=nomination,
                actor=actor,
                action="awarded",
                from_tier=AWARD_TIER,
                from_state=State.PENDING,
                to_tier=AWARD_TIER,
                to_state=State.AWARDED,
                note=_award_note(nomination),
            )
            for nomination in nominations
        ],
        batch_size=1000,
    )
    return len(nominations)
