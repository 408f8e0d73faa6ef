"""A draft round and the reference data the round tests edit (criteria, star
bands, quotas): built through the services, and read back to compare."""

from decimal import Decimal

from products.models import Category
from selection.models import Round, Tier
from selection.rounds import round_create
from tests.selection.ladder import FAR, central_staff


def draft_round(year: int = 2030, **fields) -> Round:
    return round_create(
        actor=central_staff(),
        year=year,
        title_th=f"การคัดสรร OTOP ปี {year + 543}",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
        **fields,
    )


def food() -> Category:
    return Category.objects.get(code="FOOD")


def criterion(code: str = "A1", **fields) -> dict:
    return {
        "tier": Tier.AMPHOE,
        "part": "A",
        "code": code,
        "title_th": f"เกณฑ์ {code}",
        "max_points": Decimal(10),
        **fields,
    }


def reference(round_: Round) -> tuple:
    """Everything the edits may touch, to compare before and after."""
    return (
        list(round_.criteria.order_by("pk").values()),
        list(round_.star_bands.order_by("pk").values()),
        list(round_.type_quotas.order_by("pk").values()),
        list(round_.steps.order_by("pk").values()),
        list(Round.objects.filter(pk=round_.pk).values("require_registration")),
    )
