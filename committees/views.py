from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees.forms import ConflictForm
from committees.models import Committee, ConflictDeclaration, Membership
from committees.permissions import can_view, limit_to_committee_areas
from committees.selectors import conflicts_for, memberships_of
from committees.services import conflict_declare
from communities.models import Producer
from core.tiers import tambon_areas


@login_required
def my_committees(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_of(request.user))
    fellows = (
        Membership.objects.current()
        .filter(committee__in=[m.committee_id for m in memberships])
        .select_related("user")
        .order_by("role", "user__display_name")
    )
    by_committee: dict[int, list[Membership]] = {}
    for fellow in fellows:
        by_committee.setdefault(fellow.committee_id, []).append(fellow)
    for membership in memberships:
        membership.fellows = by_committee.get(membership.committee_id, [])
    return render(
        request, "committees/my_committees.html", {"memberships": memberships}
    )


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(
        Committee.objects.select_related("amphoe", "province"), pk=pk
    )
    if not can_view(request.user, committee):
        raise Http404
    members = (
        committee.memberships.current()
        .select_related("user")
        .order_by("role", "user__display_name")
    )
    events = committee.membership_events.select_related(
        "membership__user", "actor"
    ).order_by("-at", "-pk")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "committees/committee_detail.html",
        {"committee": committee, "members": members, "page": page},
    )


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    """Declare conflicts of interest with producers in your committees' areas."""
    declared = (
        ConflictDeclaration.objects.filter(user=request.user)
        .select_related("producer__tambon__amphoe")
        .order_by("-declared_at")
    )
    query = request.GET.get("q", "").strip()
    results = Producer.objects.none()
    if query:
        results = (
            limit_to_committee_areas(
                Producer.objects.all(),
                request.user,
                area_fields=tambon_areas("tambon__"),
            )
            .filter(
                Q(name_th__icontains=query)
                | Q(name_en__icontains=query)
                | Q(registration_number=query)
            )
            .exclude(pk__in=conflicts_for(request.user))
            .select_related("tambon__amphoe")
            .order_by("name_th")[:25]
        )
    return render(
        request,
        "committees/conflicts.html",
        {
            "declared": declared,
            "results": results,
            "query": query,
            "form": ConflictForm(),
        },
    )


@login_required
@require_POST
def conflict_create(request: HttpRequest) -> HttpResponse:
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you have a conflict of interest."))
        return redirect("committees:conflicts")
    producer = get_object_or_404(
        limit_to_committee_areas(
            Producer.objects.all(),
            request.user,
            area_fields=tambon_areas("tambon__"),
        ),
        pk=form.cleaned_data["producer"],
    )
    try:
        conflict_declare(
            actor=request.user, producer=producer, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Conflict with “%(producer)s” declared; you will not score its products.")
            % {"producer": producer.name_th},
        )
    return redirect("committees:conflicts")
