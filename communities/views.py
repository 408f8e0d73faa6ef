from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communities.forms import ProducerFilterForm, ProducerForm, add_service_errors
from communities.models import Producer
from communities.selectors import producers_visible_to
from communities.services import PRODUCER_FIELDS, producer_create, producer_update

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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in PRODUCER_FIELDS}
        try:
            if producer is None:
                saved = producer_create(
                    actor=request.user, tambon=data["tambon"], **fields
                )
                done = _("Producer “%(name)s” registered.")
            else:
                saved = producer_update(
                    actor=request.user,
                    producer=producer,
                    tambon=data["tambon"],
                    **fields,
                )
                done = _("Producer “%(name)s” saved.")
        except PermissionDenied as error:
            form.add_error("tambon", str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done % {"name": saved})
            return redirect("communities:producer_list")
    return render(
        request, "officer/producer_form.html", {"form": form, "producer": producer}
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
