import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.forms import add_service_errors
from communities.resources import ProducerResource
from communities.selectors import tambons_managed_by
from communities.views import filtered_producers
from core.exports import export_response
from core.numbers import is_whole_number
from products.forms import (
    CertificationFormSet,
    ImportUploadForm,
    ProductFilterForm,
    ProductForm,
)
from products.imports import (
    PRODUCER_EXAMPLE,
    PRODUCER_IMPORT_COLUMNS,
    PRODUCT_COLUMNS,
    PRODUCT_EXAMPLE,
)
from products.jobs import import_job_cancel, import_job_confirm, import_job_start
from products.models import Certification, ImportJob, Product
from products.resources import ProductResource
from products.selectors import product_list_for, products_visible_to
from products.services import PRODUCT_FIELDS, certificate_row_of, product_save

PAGE_SIZE = 25
DASHBOARD_PAGE_SIZE = 50


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The officer's tambons with producer and product counts.

    Lives with the products because completeness is a product rule; two
    queries (plus the page count) whatever the number of tambons shown.
    """
    tambons = (
        tambons_managed_by(request.user)
        .select_related("amphoe", "province")
        .annotate(producer_count=Count("producers"))
        .order_by("code")
    )
    page = Paginator(tambons, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    stats = {
        row["producer__tambon"]: row
        for row in Product.objects.filter(
            producer__tambon__in=[tambon.pk for tambon in page]
        )
        .with_completeness()
        .values("producer__tambon")
        .annotate(total=Count("pk"), complete=Count("pk", filter=Q(is_complete=True)))
        .order_by()
    }
    rows = []
    for tambon in page:
        row = stats.get(tambon.pk, {"total": 0, "complete": 0})
        rows.append(
            {
                "tambon": tambon,
                "producers": tambon.producer_count,
                "products": row["total"],
                "complete": row["complete"],
                "incomplete": row["total"] - row["complete"],
            }
        )
    # A TemplateResponse: the selection app adds what waits for the officer
    # in the round (selection.views.officer_home).
    return TemplateResponse(
        request, "officer/dashboard.html", {"page": page, "rows": rows}
    )


def filtered_products(request: HttpRequest):
    """The officer's products narrowed by the list's filters (also exported)."""
    products = product_list_for(request.user)
    filters = ProductFilterForm(request.GET or None, user=request.user)
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("tambon"):
            products = products.filter(producer__tambon=data["tambon"])
        if data.get("category"):
            products = products.filter(category=data["category"])
        if data.get("completeness") == ProductFilterForm.COMPLETE:
            products = products.filter(is_complete=True)
        elif data.get("completeness") == ProductFilterForm.INCOMPLETE:
            products = products.filter(is_complete=False)
        if q := data.get("q", "").strip():
            products = products.filter(
                Q(name_th__icontains=q) | Q(name_en__icontains=q)
            )
    if is_whole_number(producer := request.GET.get("producer", "")):
        products = products.filter(producer_id=int(producer))
    return products, filters


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    products, filters = filtered_products(request)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "officer/product_list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        products_visible_to(request.user)
        .with_completeness()
        .select_related("producer__tambon__amphoe", "category__parent")
        .prefetch_related(
            "images",
            "raw_materials",
            Prefetch(
                "certifications",
                queryset=Certification.objects.select_related("standard"),
            ),
            "nominations__round",
            "registry_entries",  # newest first (the entry's own ordering)
        ),
        pk=pk,
    )
    return render(
        request,
        "officer/product_detail.html",
        {
            "product": product,
            "missing": product.missing_for_completeness(),
            "open_nomination": product.nominations.filter(round__status="open").first(),
        },
    )


@login_required
def product_create_view(request: HttpRequest) -> HttpResponse:
    return _product_form(request, product=None)


@login_required
def product_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        products_visible_to(request.user).select_related("producer__tambon"), pk=pk
    )
    return _product_form(request, product=product)


def _product_form(request: HttpRequest, *, product: Product | None) -> HttpResponse:
    initial = {}
    if product is None and is_whole_number(request.GET.get("producer", "")):
        initial["producer"] = int(request.GET["producer"])
    form = ProductForm(
        request.POST or None,
        request.FILES or None,
        instance=product,
        initial=initial,
        user=request.user,
    )
    certificates = CertificationFormSet(request.POST or None, prefix="cert")
    if request.method == "POST" and form.is_valid() and certificates.is_valid():
        rows = [row for row in certificates if row.has_changed()]
        data = form.cleaned_data
        try:
            saved = product_save(
                actor=request.user,
                product=product,
                producer=data["producer"],
                fields={name: data[name] for name in PRODUCT_FIELDS},
                raw_materials=form.raw_materials(),
                remove_photos=data.get("remove_photos") or [],
                primary_photo=data.get("primary_photo"),
                remove_certifications=data.get("remove_certifications") or [],
                certificates=[row.cleaned_data for row in rows],
                photo=data.get("photo") or None,
                photo_caption=data.get("photo_caption", ""),
            )
        except ValidationError as error:
            _show_errors(error, form, rows)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": saved})
            return redirect("products:product_detail", pk=saved.pk)
    return render(
        request,
        "officer/product_form.html",
        {"form": form, "certificates": certificates, "product": product},
    )


def _show_errors(error: ValidationError, form, rows: list) -> None:
    """Each of ``product_save``'s messages on its form and field: certificate
    row ``i`` is ``rows[i]``, the rest the product form's."""
    if not hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for key, found in error.error_dict.items():
        if (row := certificate_row_of(key)) is not None:
            index, field = row
            add_service_errors(rows[index], ValidationError({field: found}))
        else:
            add_service_errors(form, ValidationError({key: found}))


# Exports ------------------------------------------------------------------------


@login_required
def product_export(request: HttpRequest, fmt: str) -> HttpResponse:
    products, _filters = filtered_products(request)
    return export_response(ProductResource(), products, name="otop-products", fmt=fmt)


@login_required
def producer_export(request: HttpRequest, fmt: str) -> HttpResponse:
    producers, _filters = filtered_producers(request)
    return export_response(
        ProducerResource(), producers, name="otop-producers", fmt=fmt
    )


# Imports ------------------------------------------------------------------------


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_start(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("imports:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user).order_by("-created_at")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "officer/import_list.html",
        {"form": form, "page": page, "async_rows": settings.IMPORT_ASYNC_ROWS},
    )


ERRORS_PER_PAGE = 100


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "officer/import_detail.html", {"job": job, "errors": errors})


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    try:
        import_job_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:import_detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    try:
        import_job_cancel(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Import cancelled; nothing was imported."))
    return redirect("imports:import_list")


TEMPLATE_EXAMPLES = {
    ImportJob.Kind.PRODUCERS: PRODUCER_EXAMPLE,
    ImportJob.Kind.PRODUCTS: PRODUCT_EXAMPLE,
}


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty sheet with the right columns and one example row."""
    if kind not in TEMPLATE_EXAMPLES:
        raise Http404
    columns = (
        PRODUCER_IMPORT_COLUMNS if kind == ImportJob.Kind.PRODUCERS else PRODUCT_COLUMNS
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerow([TEMPLATE_EXAMPLES[kind].get(column, "") for column in columns])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="otop-{kind}-template.csv"'
    return response
