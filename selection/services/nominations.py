"""The officer's moves on a nomination (create, submit, resubmit, withdraw),
the community forum a submission needs, and a committee's return of a
nomination to its tambon."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from committees.models import Committee
from communities.models import Tambon
from communities.services import MANAGE_TAMBON
from core.tiers import AREA_TIERS
from core.workflow import allow, require
from products.models import Product
from selection import notify
from selection.eligibility import ineligibility_of
from selection.models import Nomination, Round, TambonForum, Tier
from selection.selectors import committee_for
from selection.services.steps import (
    _before_deadline,
    _check_committee_step,
    _event,
    _lock,
    _ranking_closed,
    _round_open,
)
from selection.uploads import validate_minutes

State = Nomination.State


def _officer_of(actor: User, nomination: Nomination) -> bool:
    tambon = Tambon.objects.get(pk=nomination.tambon_code)
    return actor.is_authenticated and actor.has_perm(MANAGE_TAMBON, tambon)


# Tambon forums -----------------------------------------------------------------------


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


# Nominations (officer) ---------------------------------------------------------------


@transaction.atomic
def nomination_create(*, actor: User, round_: Round, product: Product) -> Nomination:
    """A draft nomination of a complete product in an open round."""
    product = Product.objects.select_related(
        "producer__tambon__amphoe", "category__parent"
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
    reasons = ineligibility_of(round_, product)
    if reasons:
        raise ValidationError(reasons)  # every reason, each on its own line
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
    _require_ranking_open(nomination, nomination.round.plan.entry_tier)


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
    plan = nomination.round.plan
    entry_tier = plan.entry_tier
    forum = (
        TambonForum.objects.select_for_update()
        .filter(round=nomination.round_id, tambon_id=nomination.tambon_code)
        .first()
    )
    require(
        forum is not None or not plan.forum_required,
        _("Record the tambon forum first."),
    )
    missing = nomination.product.missing_for_completeness()
    require(
        not missing,
        _("The product still needs: %(missing)s.")
        % {"missing": ", ".join(str(m) for m in missing)},
    )
    # Who may enter is judged again: a registration or a certificate may have
    # been cancelled since the draft was made.
    reasons = ineligibility_of(nomination.round, nomination.product)
    if reasons:
        raise ValidationError(reasons)
    quota = plan.tambon_quota
    if quota is not None:
        # The tambon's row serialises its submissions for the quota.
        Tambon.objects.select_for_update().filter(pk=nomination.tambon_code).get()
        submitted = (
            Nomination.objects.filter(
                round=nomination.round_id, tambon_code=nomination.tambon_code
            )
            .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
            .count()
        )
        require(
            submitted < quota,
            _("The tambon has used its quota of %(quota)s nominations.")
            % {"quota": quota},
        )
    nomination.forum = forum
    nomination.tier, nomination.state = entry_tier, State.PENDING
    nomination.submitted_at = timezone.now()
    nomination.save(update_fields=["forum", "tier", "state", "submitted_at"])
    event = _event(
        actor=actor,
        action="submitted",
        nomination=nomination,
        before=(Tier.TAMBON, State.DRAFT),
        after=(entry_tier, State.PENDING),
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
            (nomination.round.plan.entry_tier, State.PENDING),
        },
        _("This nomination can no longer be withdrawn."),
    )
    allow(_officer_of(actor, nomination), _("Only the tambon's officer may withdraw."))
    require(
        nomination.tier == Tier.TAMBON or not _ranking_started(nomination),
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


# Committee work ----------------------------------------------------------------------


def _check_return(actor: User, nomination: Nomination) -> Committee:
    return _check_committee_step(actor, nomination, "return_nomination", AREA_TIERS)


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
