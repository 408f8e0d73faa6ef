"""Who hears about each move on the ladder (DESIGN.md §5, issue 6 §1).

Called by the services inside their transaction: the notifications commit or
roll back with the move. Each event key names one occurrence, so a repeated
call never notifies anyone twice.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from committees.models import Committee, Membership, Role
from committees.selectors import conflicts_for
from communities.selectors import officers_of, officers_of_tambons
from core.tiers import committee_area
from notifications.models import EventType
from notifications.services import Contact, Message, notify, notify_each
from selection.models import (
    Nomination,
    NominationEvent,
    Ranking,
    Round,
    ScoreSheet,
)
from selection.selectors import queue_for

SCORING_ROLES = (Role.CHAIR, Role.SECRETARY, Role.MEMBER)


def _members(committee, roles=SCORING_ROLES):
    return [
        m.user
        for m in Membership.objects.current()
        .filter(committee=committee, role__in=roles)
        .select_related("user")
    ]


def _officers_by_tambon(codes) -> dict[str, list]:
    """The officers of several tambons in one query (not one per entry)."""
    officers: dict[str, list] = {}
    for officer in officers_of_tambons(codes):
        officers.setdefault(officer.tambon_code, []).append(officer)
    return officers


def _officer_link(nomination: Nomination) -> str:
    return reverse("selection:nomination_detail", args=[nomination.pk])


def _about(nomination: Nomination) -> dict:
    product = nomination.product
    return {
        "product": product.name_th,
        "producer": product.producer.name_th,
        "tambon": product.producer.tambon.name_th,
        "round": nomination.round.title_th,
    }


def nomination_submitted(nomination: Nomination, event: NominationEvent, committee):
    if committee is None:
        return
    notify(
        event_type=EventType.NOMINATION_SUBMITTED,
        event_key=f"nomination:{nomination.pk}:submitted:{event.pk}",
        recipients=_members(committee),
        context={
            **_about(nomination),
            "committee": committee.name_th or committee.default_name("th"),
            "deadline": nomination.round.deadline_for(nomination.tier).isoformat(),
        },
        link=reverse("admin:selection_queuenomination_score", args=[nomination.pk]),
    )


def nomination_returned(nomination: Nomination, event: NominationEvent):
    notify(
        event_type=EventType.NOMINATION_RETURNED,
        event_key=f"nomination:{nomination.pk}:returned:{event.pk}",
        recipients=officers_of(nomination.tambon_code),
        context={**_about(nomination), "reason": nomination.return_reason},
        link=_officer_link(nomination),
    )


def ranking_finalized(ranking: Ranking, event: NominationEvent):
    notify(
        event_type=EventType.RANKING_FINALIZED,
        event_key=f"ranking:{ranking.pk}:finalized:{event.pk}",
        recipients=_members(ranking.committee, roles=(Role.CHAIR,)),
        context={
            "committee": str(ranking.committee),
            "round": ranking.round.title_th,
            "count": ranking.entries.count(),
        },
        link=reverse("admin:selection_ranking_change", args=[ranking.pk]),
    )


def ranking_approved(ranking: Ranking, event: NominationEvent, next_committee_of):
    """The next tier's committees hear what now waits for them; the officers
    hear how each of their nominations fared (the officers' messages in a few
    statements; ``next_committee_of`` asked once per area, as committee_for
    depends on nothing else)."""
    entries = list(
        ranking.entries.select_related(
            "nomination__product__producer__tambon", "nomination__round"
        )
    )
    base = {"committee": str(ranking.committee), "round": ranking.round.title_th}
    officers = _officers_by_tambon({e.nomination.tambon_code for e in entries})
    waiting: dict[int, tuple] = {}
    committees: dict[tuple, object] = {}  # the next committee, by area
    messages = []
    for entry in entries:
        nomination = entry.nomination
        outcome = entry.decision
        messages.append(
            Message(
                event_key=f"ranking:{ranking.pk}:approved:{nomination.pk}",
                recipients=tuple(officers.get(nomination.tambon_code, [])),
                context={**base, **_about(nomination), "outcome": outcome},
                link=_officer_link(nomination),
            )
        )
        if outcome == "forward":
            where = committee_area(nomination.tier, nomination)
            area = (nomination.tier, tuple(sorted((where or {}).items())))
            if area not in committees:
                committees[area] = next_committee_of(nomination)
            committee = committees[area]
            if committee is not None:
                count = waiting.get(committee.pk, (committee, 0))[1] + 1
                waiting[committee.pk] = (committee, count)
    notify_each(event_type=EventType.RANKING_APPROVED, messages=messages)
    for committee, count in waiting.values():
        notify(
            event_type=EventType.RANKING_APPROVED,
            event_key=f"ranking:{ranking.pk}:approved:committee:{committee.pk}",
            recipients=_members(committee),
            context={**base, "count": count},
            link=reverse("admin:selection_queuenomination_changelist"),
        )


def _awarded(nomination: Nomination, officers) -> Message:
    producer = nomination.product.producer
    recipients = list(officers)
    if producer.user_id and producer.user.is_active:
        recipients.append(producer.user)
    if producer.email:
        recipients.append(Contact(email=producer.email))
    return Message(
        event_key=f"nomination:{nomination.pk}:awarded",
        recipients=tuple(recipients),
        context={
            **_about(nomination),
            "stars": nomination.stars,
            "score": str(nomination.final_score),
        },
        link=_officer_link(nomination),
    )


def nomination_awarded(nomination: Nomination):
    notify_each(
        event_type=EventType.NOMINATION_AWARDED,
        messages=[_awarded(nomination, officers_of(nomination.tambon_code))],
    )


def nominations_awarded(nominations: list[Nomination]):
    """nomination_awarded for a whole ranking: the same messages, the officers
    read in one query and the rows written in batches. Load the nominations
    with ``product__producer__tambon``, ``product__producer__user`` and
    ``round``."""
    officers = _officers_by_tambon({n.tambon_code for n in nominations})
    notify_each(
        event_type=EventType.NOMINATION_AWARDED,
        messages=[_awarded(n, officers.get(n.tambon_code, [])) for n in nominations],
    )


REMINDER_DAYS = (3, 1)


def deadline_reminders(today=None) -> int:
    """Remind scoring members with unsubmitted sheets 3 days and 1 day before
    their tier's deadline. Safe to run more than once a day: each reminder's
    event key names the round, tier, day and member."""
    today = today or timezone.localdate()
    reminded = 0
    for round_ in Round.objects.filter(status=Round.Status.OPEN):
        for tier in round_.plan.committee_tiers:
            if not round_.plan.scores(tier):
                continue  # a tier that only checks has no sheets to remind of
            deadline = round_.deadline_for(tier)
            days = (deadline - today).days
            if days not in REMINDER_DAYS:
                continue
            for committee in Committee.objects.filter(tier=tier, is_active=True):
                queue = queue_for(committee, round_)
                for member in _members(committee):
                    submitted = ScoreSheet.objects.filter(
                        nomination=OuterRef("pk"),
                        tier=tier,
                        member=member,
                        status=ScoreSheet.Status.SUBMITTED,
                    )
                    due = (
                        queue.exclude(Exists(submitted))
                        .exclude(product__producer__in=conflicts_for(member))
                        .count()
                    )
                    if not due:
                        continue
                    reminded += notify(
                        event_type=EventType.DEADLINE_REMINDER,
                        event_key=f"reminder:{round_.pk}:{tier}:{days}:{member.pk}",
                        recipients=[member],
                        context={
                            "committee": str(committee),
                            "round": round_.title_th,
                            "count": due,
                            "deadline": deadline.isoformat(),
                        },
                        link=reverse("admin:selection_queuenomination_changelist"),
                    )
    return reminded
