import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.forms import (
    ExistingRegistrationForm,
    ProducerFilterForm,
    ProducerForm,
    RegistrationFilterForm,
    RegistrationMoveForm,
    add_service_errors,
)
from communities.models import Producer, ProducerRegistration
from communities.selectors import producers_visible_to, registration_producers_for
from communities.services import (
    PRODUCER_FIELDS,
    REGISTRATION_CHECKS,
    RegistrationScope,
    producer_create,
    producer_update,
    registration_actions,
    registration_apply,
    registration_approve,
    registration_cancel,
    registration_for,
    registration_mark_renewal_due,
    registration_renew,
)
from core.workflow import REFUSALS, refusal_text

PAGE_SIZE = 25


def filtered_producers(request: HttpRequest):
    """The officer's producers narrowed by the list's filters (also exported)."""
    producers = (
        producers_visible_to(request.user)
        .select_related("tambon__amphoe")
        .order_by("name_th", "pk")
    )
    filters = ProducerFilterForm(request.GET or None, user=request.user)
    if filters.is_valid():
        if tambon := filters.cleaned_data.get("tambon"):
            producers = producers.filter(tambon=tambon)
        if q := filters.cleaned_data.get("q", "").strip():
            producers = producers.filter(
                Q(name_th__icontains=q)
                | Q(name_en__icontains=q)
                | Q(registration_number__icontains=q)
            )
    return producers, filters


@login_required
def producer_list(request: HttpRequest) -> HttpResponse:
    producers, filters = filtered_producers(request)
    producers = producers.annotate(product_count=Count("products"))
    page = Paginator(producers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "officer/producer_list.html",
        {"page": page, "filters": filters, "query": _query_without_page(request)},
    )


@login_required
def producer_create_view(request: HttpRequest) -> HttpResponse:
    return _producer_form(request, None)


@login_required
def producer_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    producer = get_object_or_404(producers_visible_to(request.user), pk=pk)
    return _producer_form(request, producer)


def _producer_form(request: HttpRequest, producer: Producer | None) -> HttpResponse:
    """Register a producer (``producer`` None) or edit one, through the
    producer services; their refusals become the form's errors."""
    form = ProducerForm(request.POST or None, instance=producer, user=request.user)
    # The OTOP registration made before the portal, while there is none.
    registration = None
    if producer is None or registration_for(producer).pk is None:
        registration = ExistingRegistrationForm(request.POST or None)
    valid = form.is_valid() & (registration is None or registration.is_valid())
    if request.method == "POST" and valid:
        data = form.cleaned_data
        fields = {name: data[name] for name in PRODUCER_FIELDS}
        existing = registration.existing() if registration else None
        try:
            if producer is None:
                saved = producer_create(
                    actor=request.user,
                    tambon=data["tambon"],
                    registration=existing,
                    **fields,
                )
                done = _("Producer “%(name)s” registered.")
            else:
                saved = producer_update(
                    actor=request.user,
                    producer=producer,
                    tambon=data["tambon"],
                    registration=existing,
                    **fields,
                )
                done = _("Producer “%(name)s” saved.")
        except PermissionDenied as error:
            form.add_error("tambon", str(error))
        except ValidationError as error:
            _place_errors(form, registration, error)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(request, done % {"name": saved})
            return redirect("communities:producer_list")
    return render(
        request,
        "officer/producer_form.html",
        {"form": form, "producer": producer, "registration_form": registration},
    )


def _place_errors(form, registration, error: ValidationError) -> None:
    """A refusal of the registration's fields beside them, the rest on the
    producer form."""
    if registration is not None and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            if f"otop_{field}" in registration.fields:
                registration.add_error(f"otop_{field}", errors)
            else:
                add_service_errors(form, ValidationError({field: errors}))
        return
    add_service_errors(form, error)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# OTOP producer registration -------------------------------------------------


def _expiring_days() -> int:
    return settings.OTOP_REGISTRATION_REMINDER_DAYS


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    """The officer's producers with their OTOP registration and the moves
    each allows now (the services' own checks, one scope for the page)."""
    filters = RegistrationFilterForm(request.GET or None)
    producers = (
        registration_producers_for(request.user)
        .select_related("tambon__amphoe", "registration")
        .order_by("name_th", "pk")
    )
    status = 200
    if filters.is_bound and not filters.is_valid():
        producers, status = producers.none(), 400
    elif filters.is_bound:
        data = filters.cleaned_data
        if data["status"] == filters.NOT_REGISTERED:
            producers = producers.filter(registration__isnull=True)
        elif data["status"]:
            producers = producers.filter(registration__status=data["status"])
        if data["expiring"]:
            horizon = timezone.localdate() + dt.timedelta(days=_expiring_days())
            producers = producers.filter(
                registration__status__in=ProducerRegistration.HOLDING,
                registration__valid_until__lte=horizon,
            )
        if q := data["q"].strip():
            producers = producers.filter(
                Q(name_th__icontains=q)
                | Q(name_en__icontains=q)
                | Q(registration__number__icontains=q)
            )
    page = Paginator(producers, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = RegistrationScope.of(request.user)
    today = timezone.localdate()
    rows = []
    for producer in page:
        registration = registration_for(producer)
        rows.append(
            {
                "producer": producer,
                "registration": registration if registration.pk else None,
                "valid": registration.is_valid_on(today),
                # Correcting a number or an end date is the admin's (no page here).
                "actions": [
                    move
                    for move in registration_actions(
                        request.user, registration, scope=scope
                    )
                    if move in MOVES
                ],
            }
        )
    return render(
        request,
        "officer/registration_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": _query_without_page(request),
        },
        status=status,
    )


MOVES = {
    "apply": (gettext_lazy("Apply for OTOP registration"), gettext_lazy("Apply")),
    "approve": (gettext_lazy("Approve the OTOP registration"), gettext_lazy("Approve")),
    "renew": (gettext_lazy("Renew the OTOP registration"), gettext_lazy("Renew")),
    "mark_renewal_due": (
        gettext_lazy("Mark the OTOP registration as due for renewal"),
        gettext_lazy("Mark as due"),
    ),
    "cancel": (
        gettext_lazy("Cancel the OTOP registration"),
        gettext_lazy("Cancel the registration"),
    ),
}


@login_required
def registration_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """One move on a producer's registration: the form (GET; for cancelling,
    the confirmation naming the producer) and the service call (POST)."""
    if move not in MOVES:
        raise Http404
    producer = get_object_or_404(
        registration_producers_for(request.user).select_related("tambon__amphoe"),
        pk=pk,
    )
    registration = registration_for(producer)
    form = RegistrationMoveForm(request.POST or None, move=move)
    if request.method == "POST" and form.is_valid():
        try:
            _run_move(request.user, move, producer, registration, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(
                request,
                _("%(move)s: %(producer)s.")
                % {"move": MOVES[move][0], "producer": producer.name_th},
            )
            return redirect("communities:registration_list")
    refusal = ""
    if not form.is_bound:
        # A move the user may not make now: say why before they type.
        refusal = _why_not(request.user, move, registration)
    title, button = MOVES[move]
    return render(
        request,
        "officer/registration_move.html",
        {
            "form": form,
            "producer": producer,
            "registration": registration if registration.pk else None,
            "move": move,
            "title": title,
            "button": button,
            "warning": move == "cancel",
            "refusal": refusal,
        },
    )


def _why_not(user, move: str, registration) -> str:
    try:
        REGISTRATION_CHECKS.run(move, RegistrationScope.of(user), registration)
    except REFUSALS as error:
        return refusal_text(error)
    return ""


def _run_move(user, move: str, producer, registration, data) -> None:
    note = data.get("note", "")
    if move == "apply":
        registration_apply(
            actor=user, producer=producer, applied_on=data["applied_on"], note=note
        )
    elif move == "approve":
        registration_approve(
            actor=user,
            registration=registration,
            number=data["number"],
            valid_until=data["valid_until"],
            note=note,
        )
    elif move == "renew":
        registration_renew(
            actor=user,
            registration=registration,
            valid_until=data["valid_until"],
            note=note,
        )
    elif move == "mark_renewal_due":
        registration_mark_renewal_due(actor=user, registration=registration)
    else:
        registration_cancel(
            actor=user, registration=registration, reason=data["reason"]
        )
