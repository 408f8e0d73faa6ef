"""The product import: rows checked against producers, categories and
standards, then products and their certificates written in batches."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Producer
from products.imports.cells import CellError, parse_count, parse_date, parse_decimal
from products.imports.columns import PRODUCT_COLUMNS, PRODUCT_REQUIRED_COLUMNS
from products.imports.report import NEW, UPDATE, ImportReport
from products.imports.sheet import (
    BATCH_SIZE,
    _check_tambon,
    _chunks,
    _Rows,
    _tambon_sets,
    _write,
)
from products.models import Category, Certification, Product, Standard

_PRODUCT_LIMITS = {
    "name_th": 200,
    "name_en": 200,
    "unit": 50,
    "certificate_number": 100,
}
_PRODUCT_VALUES = (
    "category_id",
    "name_en",
    "description",
    "story",
    "price",
    "unit",
    "monthly_capacity",
)
# The sheet column to blame when a repeated product row disagrees with its first.
_VALUE_COLUMN = {"category_id": "category_code"} | {
    name: name for name in _PRODUCT_VALUES if name != "category_id"
}


@dataclass(slots=True)
class _ProductRow:
    row: int
    producer_id: int
    name_th: str
    values: tuple[Any, ...]  # in the order of _PRODUCT_VALUES
    certificate: tuple[int, str, dt.date | None, dt.date | None] | None


def products_import(
    *,
    actor: User,
    rows: tablib.Dataset,
    dry_run: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update products (and add certificates) from a sheet of
    ``PRODUCT_COLUMNS``. Producers must exist already; a row repeating a product
    adds another certificate to it."""
    report = ImportReport(dry_run=dry_run)
    table = _Rows(
        rows,
        report,
        columns=PRODUCT_COLUMNS,
        required_columns=PRODUCT_REQUIRED_COLUMNS,
        on_progress=on_progress,
    )
    if "producer_registration_number" not in table.headers and not (
        "tambon_code" in table.headers and "producer_name_th" in table.headers
    ):
        report.add_error(
            1,
            "producer_registration_number",
            _(
                "Name the producer: give a producer_registration_number column, "
                "or tambon_code and producer_name_th columns."
            ),
        )
    if report.has_errors:
        return report

    all_codes, managed = _tambon_sets(actor)
    categories = {
        c["code"]: c
        for c in Category.objects.values("id", "code", "parent_id", "is_active")
    }
    standards = dict(Standard.objects.values_list("code", "id"))
    producer_by_reg, producer_by_name = _referenced_producers(table)

    product_rows: list[_ProductRow] = []
    first_row_of: dict[tuple[int, str], _ProductRow] = {}
    seen_certificates: dict[tuple[int, str, int, str], int] = {}
    for row, cells in table:
        errors_before = len(report.errors)
        table.require(row, cells, "category_code", "name_th")
        table.check_length(row, cells, _PRODUCT_LIMITS)
        producer_id = _find_producer(
            table, row, cells, all_codes, managed, producer_by_reg, producer_by_name
        )
        category_id = _find_category(table, row, cells["category_code"], categories)
        price = table.parse(row, "price", parse_decimal, cells["price"])
        capacity = table.parse(
            row, "monthly_capacity", parse_count, cells["monthly_capacity"]
        )
        certificate = _parse_certificate(table, row, cells, standards)
        if len(report.errors) > errors_before or producer_id is None:
            continue
        product = _ProductRow(
            row=row,
            producer_id=producer_id,
            name_th=cells["name_th"],
            values=(
                category_id,
                cells["name_en"],
                cells["description"],
                cells["story"],
                price,
                cells["unit"],
                capacity,
            ),
            certificate=certificate,
        )
        key = (producer_id, product.name_th)
        first = first_row_of.get(key)
        if first is not None:
            if certificate is None:
                table.error(
                    row,
                    "name_th",
                    _("Duplicate of row %(row)s (same producer and product name).")
                    % {"row": first.row},
                )
                continue
            differing = [
                name
                for name, old, new in zip(
                    _PRODUCT_VALUES, first.values, product.values, strict=True
                )
                if old != new
            ]
            if differing:
                table.error(
                    row,
                    _VALUE_COLUMN[differing[0]],
                    _(
                        "Row %(row)s has the same product with a different value; "
                        "rows repeating a product may only add certificates."
                    )
                    % {"row": first.row},
                )
                continue
        else:
            first_row_of[key] = product
        if certificate is not None:
            cert_key = (*key, certificate[0], certificate[1])
            if cert_key in seen_certificates:
                table.error(
                    row,
                    "certificate_number",
                    _("Duplicate of row %(row)s (same product and certificate).")
                    % {"row": seen_certificates[cert_key]},
                )
                continue
            seen_certificates[cert_key] = row
        product_rows.append(product)
    if report.has_errors:
        return report

    existing = _existing_products({p.producer_id for p in product_rows})
    for product in product_rows:
        known = (product.producer_id, product.name_th) in existing
        report.actions[product.row] = UPDATE if known else NEW

    def write() -> None:
        _write_products(report, product_rows, first_row_of, existing)

    _write(report, dry_run, write)
    return report


def _referenced_producers(
    table: _Rows,
) -> tuple[dict[str, Producer], dict[tuple[str, str], Producer]]:
    regs, tambons = set(), set()
    for _row, cells in table:
        if cells["producer_registration_number"]:
            regs.add(cells["producer_registration_number"])
        elif cells["tambon_code"]:
            tambons.add(cells["tambon_code"])
    by_reg: dict[str, Producer] = {}
    by_name: dict[tuple[str, str], Producer] = {}
    fields = ("id", "registration_number", "tambon_id", "name_th")
    for chunk in _chunks(regs):
        for p in Producer.objects.filter(registration_number__in=chunk).only(*fields):
            by_reg[p.registration_number] = p
    for chunk in _chunks(tambons):
        for p in Producer.objects.filter(tambon_id__in=chunk).only(*fields):
            by_name[(p.tambon_id, p.name_th)] = p
    return by_reg, by_name


def _find_producer(
    table: _Rows,
    row: int,
    cells: dict[str, str],
    all_codes: set[str],
    managed: set[str],
    by_reg: dict[str, Producer],
    by_name: dict[tuple[str, str], Producer],
) -> int | None:
    reg, code = cells["producer_registration_number"], cells["tambon_code"]
    if code and not _check_tambon(table, row, code, all_codes, managed):
        return None
    if reg:
        producer = by_reg.get(reg)
        if producer is None:
            table.error(
                row,
                "producer_registration_number",
                _("No producer has registration number %(number)s.") % {"number": reg},
            )
            return None
        if code and producer.tambon_id != code:
            table.error(
                row,
                "tambon_code",
                _("Producer %(number)s is registered in tambon %(code)s.")
                % {"number": reg, "code": producer.tambon_id},
            )
            return None
    else:
        if not table.require(row, cells, "tambon_code", "producer_name_th"):
            return None
        producer = by_name.get((code, cells["producer_name_th"]))
        if producer is None:
            table.error(
                row,
                "producer_name_th",
                _("No producer of this name in tambon %(code)s.") % {"code": code},
            )
            return None
    if producer.tambon_id not in managed:
        table.error(
            row,
            "tambon_code",
            _("You are not assigned to tambon %(code)s.")
            % {"code": producer.tambon_id},
        )
        return None
    return producer.pk


def _find_category(
    table: _Rows, row: int, code: str, categories: dict[str, dict[str, Any]]
) -> int | None:
    if not code:
        return None
    category = categories.get(code)
    if category is None:
        table.error(
            row, "category_code", _("Unknown category %(code)s.") % {"code": code}
        )
        return None
    if category["parent_id"] is None:
        table.error(
            row,
            "category_code",
            _("%(code)s is a whole product type; choose one of its sub-types.")
            % {"code": code},
        )
        return None
    if not category["is_active"]:
        table.error(
            row,
            "category_code",
            _("Category %(code)s is no longer in use.") % {"code": code},
        )
        return None
    return category["id"]


def _parse_certificate(
    table: _Rows, row: int, cells: dict[str, str], standards: dict[str, int]
) -> tuple[int, str, dt.date | None, dt.date | None] | None:
    columns = (
        "certificate_standard",
        "certificate_number",
        "certificate_issued_on",
        "certificate_expires_on",
    )
    if not any(cells[c] for c in columns):
        return None
    ok = table.require(row, cells, "certificate_standard", "certificate_number")
    standard_id = None
    if cells["certificate_standard"]:
        standard_id = standards.get(cells["certificate_standard"].upper())
        if standard_id is None:
            ok = False
            table.error(
                row,
                "certificate_standard",
                _("Unknown standard %(code)s; use one of: %(codes)s.")
                % {
                    "code": cells["certificate_standard"],
                    "codes": ", ".join(standards),
                },
            )
    try:
        issued = parse_date(cells["certificate_issued_on"])
    except CellError as exc:
        table.error(row, "certificate_issued_on", str(exc))
        return None
    try:
        expires = parse_date(cells["certificate_expires_on"])
    except CellError as exc:
        table.error(row, "certificate_expires_on", str(exc))
        return None
    if issued and expires and expires < issued:
        table.error(
            row,
            "certificate_expires_on",
            _("The certificate expires before it is issued."),
        )
        return None
    if not ok:
        return None
    return standard_id, cells["certificate_number"], issued, expires


def _existing_products(
    producer_ids: set[int],
) -> dict[tuple[int, str], tuple[int, tuple[Any, ...]]]:
    """(producer id, Thai name) → (product id, values in _PRODUCT_VALUES order);
    tuples rather than model instances keep a 100,000-row re-import small."""
    existing = {}
    for chunk in _chunks(producer_ids):
        for pk, producer_id, name_th, *values in Product.objects.filter(
            producer_id__in=chunk
        ).values_list("id", "producer_id", "name_th", *_PRODUCT_VALUES):
            existing[(producer_id, name_th)] = (pk, tuple(values))
    return existing


def _write_products(
    report: ImportReport,
    product_rows: list[_ProductRow],
    first_row_of: dict[tuple[int, str], _ProductRow],
    existing: dict[tuple[int, str], tuple[int, tuple[Any, ...]]],
) -> None:
    """Insert and update in batches, keeping only the new keys, so memory stays
    flat however long the file is."""
    now = timezone.now()
    ids = {key: pk for key, (pk, _values) in existing.items()}
    existing_ids = set(ids.values())
    missing_ids = False
    for chunk in _chunks(first_row_of.items()):
        new: list[Product] = []
        changed: list[Product] = []
        for key, first in chunk:
            values = dict(zip(_PRODUCT_VALUES, first.values, strict=True))
            current = existing.get(key)
            if current is None:
                new.append(Product(producer_id=key[0], name_th=key[1], **values))
            elif current[1] != first.values:
                changed.append(Product(pk=current[0], updated_at=now, **values))
        Product.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Product.objects.bulk_update(
            changed, [*_PRODUCT_VALUES, "updated_at"], batch_size=BATCH_SIZE
        )
        report.created += len(new)
        report.updated += len(changed)
        for product in new:
            ids[(product.producer_id, product.name_th)] = product.pk
            missing_ids = missing_ids or product.pk is None
    if missing_ids:  # a backend that cannot return new keys
        ids.update(
            (key, pk)
            for key, (pk, _values) in _existing_products(
                {key[0] for key in first_row_of}
            ).items()
        )
    _write_certificates(report, product_rows, ids, existing_ids)


def _write_certificates(
    report: ImportReport,
    product_rows: list[_ProductRow],
    ids: dict[tuple[int, str], int],
    existing_ids: set[int],
) -> None:
    wanted = {}
    for product in product_rows:
        if product.certificate is None:
            continue
        standard_id, number, issued, expires = product.certificate
        product_id = ids[(product.producer_id, product.name_th)]
        wanted[(product_id, standard_id, number)] = (issued, expires)
    # Only products that were there before the import can have certificates.
    current: dict[tuple[int, int, str], Certification] = {}
    for chunk in _chunks({key[0] for key in wanted if key[0] in existing_ids}):
        for cert in Certification.objects.filter(product_id__in=chunk).only(
            "id", "product_id", "standard_id", "number", "issued_on", "expires_on"
        ):
            current[(cert.product_id, cert.standard_id, cert.number)] = cert
    for chunk in _chunks(wanted.items()):
        new, changed = [], []
        for key, (issued, expires) in chunk:
            cert = current.get(key)
            if cert is None:
                product_id, standard_id, number = key
                new.append(
                    Certification(
                        product_id=product_id,
                        standard_id=standard_id,
                        number=number,
                        issued_on=issued,
                        expires_on=expires,
                    )
                )
            elif (cert.issued_on, cert.expires_on) != (issued, expires):
                cert.issued_on, cert.expires_on = issued, expires
                changed.append(cert)
        Certification.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Certification.objects.bulk_update(
            changed, ["issued_on", "expires_on"], batch_size=BATCH_SIZE
        )
        report.certificates_created += len(new)
        report.certificates_updated += len(changed)
