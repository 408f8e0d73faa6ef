"""Who may enter a round (issue #19 §3), as the round sets it: a registered
OTOP producer whose registration is approved and valid on the round's
cut-off day; a certificate of one of the round's standards valid on that day;
a product of a type the round takes. Each reason is named, in the user's
language, so a refused nomination says everything that stands in its way at
once; the officer's product list asks the same rules for a page of products
in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from communities.models import ProducerRegistration
from core.buddhist_era import format_date
from products.models import Certification, Product
from selection.models import Round

Status = ProducerRegistration.Status


class Reason(str):
    """A reason in the user's language that knows what it is about
    (``registration``, ``standards`` or ``type``), so a page can link to
    where it is put right."""

    kind = ""

    def __new__(cls, text: str, kind: str) -> "Reason":
        reason = super().__new__(cls, text)
        reason.kind = kind
        return reason


def _registration_reason(round_: Round, registration) -> str | None:
    text = _registration_text(round_, registration)
    return Reason(text, "registration") if text else None


def _registration_text(round_: Round, registration) -> str | None:
    day = round_.cutoff
    if registration is None:
        return _("The producer is not registered as an OTOP producer.")
    if registration.status == Status.CANCELLED:
        return _("The producer's OTOP registration is cancelled.")
    if registration.status == Status.APPLIED:
        return _("The producer's OTOP registration is not approved yet.")
    if not registration.is_valid_on(day):
        return _(
            "The producer's OTOP registration ended on %(until)s, before the "
            "round's cut-off date %(day)s."
        ) % {"until": format_date(registration.valid_until), "day": format_date(day)}
    return None


def _standards_reason(round_: Round, standards: list, held: set[int]) -> str | None:
    if not standards or held & {s.pk for s in standards}:
        return None
    text = _(
        "The product has no certificate of %(standards)s valid on the round's "
        "cut-off date %(day)s."
    ) % {
        "standards": _(" or ").join(str(s) for s in standards),
        "day": format_date(round_.cutoff),
    }
    return Reason(text, "standards")


def _type_reason(types: list, product: Product) -> str | None:
    if not types:
        return None
    category = product.category
    top = category.parent if category.parent_id else category
    if top.pk in {t.pk for t in types}:
        return None
    text = _("This round does not take %(type)s products; it takes %(types)s.") % {
        "type": top,
        "types": ", ".join(str(t) for t in types),
    }
    return Reason(text, "type")


def ineligibility(round_: Round, products: Iterable[Product]) -> dict[int, list[str]]:
    """Every reason each product may not enter ``round_`` (an empty list: it
    may), in four queries whatever the number of products."""
    products = list(products)
    standards = list(round_.eligible_standards.order_by("order", "code"))
    types = list(round_.eligible_types.order_by("order", "code"))
    registrations = {}
    if round_.require_registration:
        registrations = {
            r.producer_id: r
            for r in ProducerRegistration.objects.filter(
                producer__in={p.producer_id for p in products}
            )
        }
    held: dict[int, set[int]] = defaultdict(set)
    if standards:
        for product_id, standard_id in (
            Certification.objects.valid_on(round_.cutoff)
            .filter(product__in=products, standard__in=standards)
            .values_list("product_id", "standard_id")
        ):
            held[product_id].add(standard_id)
    reasons = {}
    for product in products:
        found = [
            _registration_reason(round_, registrations.get(product.producer_id))
            if round_.require_registration
            else None,
            _standards_reason(round_, standards, held[product.pk]),
            _type_reason(types, product),
        ]
        reasons[product.pk] = [reason for reason in found if reason]
    return reasons


def ineligibility_of(round_: Round, product: Product) -> list[str]:
    return ineligibility(round_, [product])[product.pk]
