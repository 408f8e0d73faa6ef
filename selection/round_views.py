"""The public round pages (issue #10): what each round judges and how, so
producers can see the criteria, the star bands, the deadlines and the
round's policy documents. Draft rounds are not public (404)."""

from dataclasses import dataclass, field
from decimal import Decimal

from csp.decorators import csp_exempt
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.buddhist_era import from_be, to_be
from selection.models import (
    COMMITTEE_TIERS,
    Criterion,
    Part,
    Round,
    RoundDocument,
    Tier,
)

PAGE_SIZE = 20
TOP_SCORE = Decimal(100)
STEP = Decimal("0.01")


def public_rounds():
    """Open and closed rounds, newest first; drafts stay private."""
    return Round.objects.exclude(status=Round.Status.DRAFT).order_by("-year")


def _public_round(year_be: int) -> Round:
    return get_object_or_404(public_rounds(), year=from_be(year_be))


@dataclass
class PartGroup:
    part: str
    label: str
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))


@dataclass
class Sheet:
    """The criteria one committee tier scores, for every product type or for
    one type that has its own."""

    tier: str
    tier_label: str
    category: object | None
    parts: list[PartGroup]

    @property
    def max_points(self) -> Decimal:
        return sum((p.max_points for p in self.parts), Decimal(0))


def criteria_sheets(round_: Round) -> list[Sheet]:
    """One query: the round's criteria grouped by tier, product type and part."""
    criteria = (
        Criterion.objects.filter(round=round_)
        .select_related("category")
        .order_by("tier", "category__order", "category_id", "part", "order", "code")
    )
    grouped: dict[tuple[str, int | None], Sheet] = {}
    tier_labels = dict(Tier.choices)
    for criterion in criteria:
        key = (criterion.tier, criterion.category_id)
        if key not in grouped:
            grouped[key] = Sheet(
                tier=criterion.tier,
                tier_label=tier_labels[criterion.tier],
                category=criterion.category,
                parts=[PartGroup(part=p.value, label=p.label) for p in Part],
            )
        parts = {p.part: p for p in grouped[key].parts}
        parts[criterion.part].criteria.append(criterion)
    order = {tier.value: i for i, tier in enumerate(COMMITTEE_TIERS)}
    sheets = sorted(
        grouped.values(),
        key=lambda s: (order[s.tier], s.category is not None, str(s.category or "")),
    )
    for sheet in sheets:
        sheet.parts = [p for p in sheet.parts if p.criteria]
    return sheets


def star_bands(round_: Round) -> list[dict]:
    """Each band with its score range (a band ends where the next one up starts)."""
    bands = list(round_.star_bands.order_by("-min_score"))
    rows, upper = [], TOP_SCORE
    for band in bands:
        rows.append({"stars": band.stars, "min_score": band.min_score, "max": upper})
        upper = band.min_score - STEP
    return rows


@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(public_rounds(), PAGE_SIZE).get_page(request.GET.get("page"))
    for round_ in page:
        round_.year_be = to_be(round_.year)
    return render(request, "rounds/round_list.html", {"page": page})


@require_safe
def round_detail(request: HttpRequest, year: int) -> HttpResponse:
    round_ = _public_round(year)
    documents = list(round_.documents.order_by("uploaded_at", "pk"))
    kind_order = {kind.value: i for i, kind in enumerate(RoundDocument.Kind)}
    documents.sort(key=lambda d: kind_order.get(d.kind, len(kind_order)))
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": round_,
            "year_be": year,
            "deadlines": [
                (
                    Round._meta.get_field(f"{tier}_deadline").verbose_name,
                    round_.deadline_for(tier),
                )
                for tier in round_.plan.tiers
            ],
            "plan": round_.plan.steps,
            "standards": list(round_.eligible_standards.order_by("order", "code")),
            "types": list(round_.eligible_types.order_by("order", "code")),
            "type_quotas": list(
                round_.type_quotas.select_related("category").order_by(
                    "tier", "category__order", "category__code"
                )
            ),
            "sheets": criteria_sheets(round_),
            "bands": star_bands(round_),
            "documents": documents,
        },
    )


# Browsers show a PDF in an embedded viewer that the site's policy
# (object-src 'none') would block; the response is a PDF, never a page.
@csp_exempt()
@require_safe
def document_download(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    rounds = (
        Round.objects.all()
        if request.user.has_perm("selection.manage_round")
        else public_rounds()
    )
    round_ = get_object_or_404(rounds, year=from_be(year))
    document = get_object_or_404(RoundDocument, round=round_, pk=pk)
    try:
        file = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        file,
        content_type="application/pdf",
        filename=f"otop-{year}-{document.kind}-{document.pk}.pdf",
    )
