"""Officer pages of the ladder: the tambon's nominations, its forum, and each
nomination's status. Every page is scoped to the officer's tambons (another
tambon's nomination or forum is a 404); every move goes through a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communities.forms import add_service_errors
from communities.models import Tambon
from communities.selectors import tambons_managed_by
from core.numbers import is_whole_number
from core.tiers import AREA_TIERS
from core.workflow import InvalidTransition
from products import views as product_views
from products.selectors import products_visible_to
from selection.eligibility import ineligibility_of
from selection.forms import (
    ForumForm,
    NominateForm,
    NominationFilterForm,
    ResubmitForm,
    WithdrawForm,
)
from selection.models import Nomination, Ranking, Round, TambonForum, Tier
from selection.services import (
    available_actions,
    forum_record,
    nomination_create,
    nomination_resubmit,
    nomination_submit,
    nomination_withdraw,
)

PAGE_SIZE = 25
State = Nomination.State

STATE_BADGES = {
    State.DRAFT: "badge-warn",
    State.PENDING: "badge-info",
    State.RETURNED: "badge-error",
    State.WITHDRAWN: "",
    State.NOT_SELECTED: "",
    State.AWARDED: "badge-ok",
}

# What an officer sees of the audit trail: the nomination's own moves, not the
# committee's working steps (sheets, reordering) before a ranking is published.
TIMELINE_ACTIONS = {
    "created": gettext_lazy("Created"),
    "submitted": gettext_lazy("Submitted"),
    "returned": gettext_lazy("Returned for revision"),
    "resubmitted": gettext_lazy("Resubmitted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "forwarded": gettext_lazy("Forwarded to the next tier"),
    "not_selected": gettext_lazy("Not selected"),
    "awarded": gettext_lazy("Awarded"),
}
SCORED_TIERS = AREA_TIERS


def open_round() -> Round | None:
    return Round.objects.filter(status=Round.Status.OPEN).order_by("-year").first()


def _nominations_for(user):
    """The nominations of the officer's tambons (a subquery, not a list)."""
    return Nomination.objects.filter(
        tambon_code__in=tambons_managed_by(user).values("code")
    )


def _scoped_nomination(request: HttpRequest, pk: int) -> Nomination:
    return get_object_or_404(
        _nominations_for(request.user).select_related(
            "round", "product__producer", "category", "forum"
        ),
        pk=pk,
    )


def _decorate(nominations, tambons: dict[str, Tambon]) -> None:
    for nomination in nominations:
        nomination.badge = STATE_BADGES.get(nomination.state, "")
        nomination.tambon = tambons.get(nomination.tambon_code)


# The officer's home ----------------------------------------------------------------


@login_required
def officer_home(request: HttpRequest) -> HttpResponse:
    """The officer's tambons (products.views.dashboard) with what waits in
    the open round: nominations returned for revision, each with the reason
    and the day it must be resubmitted by, and the round's deadlines."""
    response = product_views.dashboard(request)
    round_ = open_round()
    returned = []
    if round_ is not None:
        returned = list(
            _nominations_for(request.user)
            .filter(round=round_, tier=Tier.TAMBON, state=State.RETURNED)
            .select_related("product")
            .order_by("tambon_code", "pk")
        )
        for nomination in returned:
            nomination.resubmit_by = round_.deadline_for(
                nomination.returned_from or Tier.TAMBON
            )
    response.context_data.update(
        {
            "round": round_,
            "returned": returned,
            "deadlines": _deadlines(round_) if round_ is not None else [],
            "today": timezone.localdate(),
        }
    )
    return response


def _deadlines(round_: Round) -> list[dict]:
    """The round's tier deadlines still to come, the next one first."""
    today = timezone.localdate()
    rows = []
    for tier in round_.plan.tiers:
        deadline = round_.deadline_for(tier)
        if deadline >= today:
            rows.append(
                {
                    "what": Round._meta.get_field(f"{tier}_deadline").verbose_name,
                    "date": deadline,
                    "days": (deadline - today).days,
                }
            )
    return rows


# List ------------------------------------------------------------------------------


@login_required
def nomination_list(request: HttpRequest) -> HttpResponse:
    filters = NominationFilterForm(request.GET or None, user=request.user)
    data = filters.cleaned_data if filters.is_valid() else {}
    current = open_round()
    round_ = data.get("round") or current
    if round_ is None:
        round_ = Round.objects.exclude(status=Round.Status.DRAFT).first()
    nominations = (
        _nominations_for(request.user)
        .filter(round=round_)
        .select_related("product__producer")
        .order_by("tambon_code", "-submitted_at", "-pk")
    )
    if data.get("tambon"):
        nominations = nominations.filter(tambon_code=data["tambon"].pk)
    if data.get("tier"):
        nominations = nominations.filter(tier=data["tier"])
    if data.get("state"):
        nominations = nominations.filter(state=data["state"])
    page = Paginator(nominations, PAGE_SIZE).get_page(request.GET.get("page"))
    tambons = Tambon.objects.select_related("amphoe").in_bulk(
        {nomination.tambon_code for nomination in page}
    )
    _decorate(page, tambons)
    query = request.GET.copy()
    query.pop("page", None)
    is_open = round_ is not None and round_ == current
    return render(
        request,
        "officer/nomination_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "round": round_,
            "is_open": is_open,
            "forums": _forum_rows(request.user, round_, data.get("tambon"))
            if is_open
            else None,
        },
    )


FORUM_ROWS = 10


def _forum_rows(user, round_: Round, tambon: Tambon | None) -> dict:
    """The forum of each of the officer's tambons (the first few, or the one
    filtered on) in two queries."""
    if tambon is not None:
        tambons, more = [tambon], False
    else:
        tambons = list(tambons_managed_by(user).order_by("code")[: FORUM_ROWS + 1])
        more = len(tambons) > FORUM_ROWS
        tambons = tambons[:FORUM_ROWS]
    recorded = {
        forum.tambon_id: forum
        for forum in TambonForum.objects.filter(
            round=round_, tambon__in=[t.pk for t in tambons]
        )
    }
    return {
        "rows": [{"tambon": t, "forum": recorded.get(t.pk)} for t in tambons],
        "more": more,
    }


# Forum -----------------------------------------------------------------------------


@login_required
def forum_edit(request: HttpRequest, tambon_code: str) -> HttpResponse:
    tambon = get_object_or_404(
        tambons_managed_by(request.user).select_related("amphoe", "province"),
        pk=tambon_code,
    )
    round_ = open_round()
    if round_ is None:
        messages.error(request, _("No selection round is open."))
        return redirect("selection:nomination_list")
    forum = TambonForum.objects.filter(round=round_, tambon=tambon).first()
    initial = {}
    if forum is not None:
        initial = {
            "held_on": forum.held_on,
            "attendee_count": forum.attendee_count,
            "resolution": forum.resolution,
        }
    form = ForumForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            forum_record(
                actor=request.user, round_=round_, tambon=tambon, **form.cleaned_data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:  # the only plain error is the minutes file's content
                form.add_error("minutes", error)
        else:
            messages.success(
                request,
                _("The forum of tambon %(tambon)s is recorded.")
                % {"tambon": tambon.name},
            )
            return redirect(
                f"{reverse('selection:nomination_list')}?tambon={tambon.code}"
            )
    return render(
        request,
        "officer/forum_form.html",
        {"form": form, "tambon": tambon, "round": round_, "forum": forum},
    )


# Nominate --------------------------------------------------------------------------


@login_required
def nomination_new(request: HttpRequest) -> HttpResponse:
    round_ = open_round()
    if round_ is None:
        messages.error(request, _("No selection round is open."))
        return redirect("selection:nomination_list")
    requested = None
    if is_whole_number(pk := request.GET.get("product", "")):
        requested = get_object_or_404(
            products_visible_to(request.user).select_related(
                "producer__tambon", "category__parent"
            ),
            pk=int(pk),
        )
        existing = requested.nominations.filter(round=round_).first()
        if existing is not None:
            return redirect("selection:nomination_detail", pk=existing.pk)
    form = NominateForm(
        request.POST or None,
        user=request.user,
        round_=round_,
        initial={"product": requested.pk} if requested else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = nomination_create(
                actor=request.user, round_=round_, product=form.cleaned_data["product"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(product)s” is nominated as a draft: submit it when ready.")
                % {"product": nomination.product.name_th},
            )
            return redirect("selection:nomination_detail", pk=nomination.pk)
    missing = requested.missing_for_completeness() if requested else []
    reasons = ineligibility_of(round_, requested) if requested else []
    return render(
        request,
        "officer/nomination_form.html",
        {
            "form": form,
            "round": round_,
            "requested": requested,
            "missing": missing,
            "reasons": reasons,
        },
    )


# Status page -----------------------------------------------------------------------


def _lower_tier_scores(nomination: Nomination) -> list[dict]:
    """Per scored tier the nomination reached: the committee's means, only
    once that tier's ranking is approved."""
    entries = {
        entry.ranking.tier: entry
        for entry in nomination.ranking_entries.select_related("ranking")
    }
    rows = []
    plan = nomination.round.plan
    for tier in SCORED_TIERS:
        entry = entries.get(tier)
        if entry is None or not plan.scores(tier):
            continue
        published = entry.ranking.status == Ranking.Status.APPROVED
        rows.append(
            {
                "tier": tier.label,
                "code": tier.value,
                "published": published,
                "entry": entry if published else None,
            }
        )
    return rows


def _timeline(nomination: Nomination) -> list[dict]:
    tiers, states = dict(Tier.choices), dict(State.choices)

    def place(tier: str, state: str) -> str:
        if not state:
            return ""
        return f"{tiers.get(tier, tier)} · {states.get(state, state)}"

    return [
        {
            "action": TIMELINE_ACTIONS[event.action],
            "code": event.action,
            "before": place(event.from_tier, event.from_state),
            "after": place(event.to_tier, event.to_state),
            "actor": event.actor.get_full_name() if event.actor else "",
            "at": event.at,
            "note": event.note,
        }
        for event in nomination.events.filter(
            action__in=TIMELINE_ACTIONS
        ).select_related("actor")
    ]


@login_required
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _scoped_nomination(request, pk)
    tambon = Tambon.objects.select_related("amphoe", "province").get(
        pk=nomination.tambon_code
    )
    _decorate([nomination], {tambon.pk: tambon})
    actions = available_actions(request.user, nomination)
    return render(
        request,
        "officer/nomination_detail.html",
        {
            "nomination": nomination,
            "tambon": tambon,
            "actions": actions,
            "events": _timeline(nomination),
            "scores": _lower_tier_scores(nomination),
            "route": nomination.round.plan.steps,
            "resubmit_form": ResubmitForm() if "resubmit" in actions else None,
            "withdraw_form": WithdrawForm() if "withdraw" in actions else None,
        },
    )


def _move(request: HttpRequest, nomination: Nomination, service, success: str, **kw):
    """Run one ladder move and report its outcome as a message."""
    try:
        service(actor=request.user, nomination=nomination, **kw)
    except InvalidTransition as error:
        messages.error(request, error.message)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("selection:nomination_detail", pk=nomination.pk)


@login_required
@require_POST
def nomination_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _scoped_nomination(request, pk)
    return _move(
        request,
        nomination,
        nomination_submit,
        _("Submitted to %(committee)s.")
        % {"committee": nomination.round.plan.entry_committee},
    )


@login_required
@require_POST
def nomination_resubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _scoped_nomination(request, pk)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer the committee's reason before resubmitting."))
        return redirect("selection:nomination_detail", pk=nomination.pk)
    return _move(
        request,
        nomination,
        nomination_resubmit,
        _("Resubmitted to the committee."),
        response=form.cleaned_data["response"],
    )


@login_required
@require_POST
def nomination_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _scoped_nomination(request, pk)
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _move(
        request,
        nomination,
        nomination_withdraw,
        _("The nomination is withdrawn."),
        note=note,
    )
