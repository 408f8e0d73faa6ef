"""Spreadsheet imports of producers and products (DESIGN.md §8).

An import is all-or-nothing: every row is checked first and every problem is
reported with its spreadsheet row number (the header is row 1), column and
reason; only a file without problems is written, in one transaction, with bulk
inserts and updates so tens of thousands of rows take seconds. Lookups are made
once per import (sets and dicts keyed by natural keys), never once per row.

Natural keys: a producer by its registration number when given, else by
(tambon code, Thai name); a product by (producer, Thai name); categories and
standards by code. Re-importing a file updates rows instead of duplicating them.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Producer, Tambon
from communities.resources import PRODUCER_COLUMNS
from communities.selectors import tambons_managed_by
from core.uploads import (
    IMPORT,
    check_row_count,
    check_size,
    import_max_rows,
    size_limit,
    spreadsheet_format,
    utf8_lines,
)
from products.models import Category, Certification, Product, Standard

MAX_ROWS = import_max_rows()
BATCH_SIZE = 1000
PROGRESS_EVERY = 1000  # rows between progress reports
BUDDHIST_ERA_OFFSET = 543
FIRST_BUDDHIST_YEAR = 2400  # a year at or above this is B.E.

PRODUCT_COLUMNS = (
    "tambon_code",
    "producer_registration_number",
    "producer_name_th",
    "category_code",
    "name_th",
    "name_en",
    "description",
    "story",
    "price",
    "unit",
    "monthly_capacity",
    "certificate_standard",
    "certificate_number",
    "certificate_issued_on",
    "certificate_expires_on",
)
PRODUCT_REQUIRED_COLUMNS = ("category_code", "name_th")

PRODUCER_REQUIRED_COLUMNS = ("tambon_code", "kind", "name_th")

# One example row for the downloadable templates.
PRODUCT_EXAMPLE = {
    "tambon_code": "500101",
    "producer_name_th": "กลุ่มทอผ้าบ้านตัวอย่าง",
    "category_code": "TEXTILE-COTTON",
    "name_th": "ผ้าฝ้ายทอมือลายดอกแก้ว",
    "name_en": "Hand-woven cotton, Dok Kaeo pattern",
    "story": "ลายผ้าที่สืบทอดจากบรรพบุรุษ ย้อมสีธรรมชาติจากเปลือกไม้ในชุมชน",
    "price": "450",
    "unit": "ผืน",
    "monthly_capacity": "120",
    "certificate_standard": "TCPS",
    "certificate_number": "มผช. 12/2568",
    "certificate_issued_on": "01/03/2568",
    "certificate_expires_on": "28/02/2571",
}
PRODUCER_EXAMPLE = {
    "tambon_code": "500101",
    "kind": "community",
    "name_th": "กลุ่มทอผ้าบ้านตัวอย่าง",
    "name_en": "Ban Tua Yang Weaving Group",
    "registration_number": "",
    "address": "12 หมู่ 3",
    "contact_person": "นางสมศรี ใจดี",
    "phone": "081-234-5678",
    "email": "",
    "member_count": "25",
    "founded_year": "2548",
}

NEW = "new"
UPDATE = "update"


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it: header is row 1, first data row is 2
    column: str
    message: str


@dataclass
class ImportReport:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Row number → NEW or UPDATE, for the preview.
    actions: dict[int, str] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0
    dry_run: bool = True
    committed: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


# Reading files ------------------------------------------------------------------


def load_dataset(uploaded_file: Any, filename: str) -> tablib.Dataset:
    """Read a CSV (UTF-8, with or without BOM) or XLSX upload into a Dataset of
    text cells, refusing files over the size cap, files whose content is not
    what their name says, XLSX decompression bombs (``core.uploads``) and files
    over ``MAX_ROWS`` rows.

    ``uploaded_file`` is a binary file (an UploadedFile, an open file) or bytes;
    CSV is decoded as it is read, so a large upload is never held twice."""
    if isinstance(uploaded_file, bytes | bytearray):
        uploaded_file = io.BytesIO(uploaded_file)
    elif hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    check_size(uploaded_file, size_limit(IMPORT), _("import file"))
    if spreadsheet_format(uploaded_file, filename) == "csv":
        rows = _read_csv(uploaded_file)
    else:
        rows = _read_xlsx(uploaded_file)
    try:
        headers = next(rows)
    except StopIteration:
        raise ValidationError(_("The file is empty.")) from None
    headers = [_header(h) for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ValidationError(_("The first row must hold the column names."))
    width = len(headers)
    body = []
    for row in rows:
        if len(body) >= MAX_ROWS:
            if any(row):  # not just trailing blank rows: count them all
                more = 1 + sum(1 for rest in rows if any(rest))
                check_row_count(len(body) + more, MAX_ROWS)
            continue
        if any(row[width:]):
            raise ValidationError(
                _("Row %(row)s has more cells than there are column names.")
                % {"row": len(body) + 2}
            )
        body.append(list(row[:width]) + [""] * (width - len(row)))
    # Trailing blank rows (common in spreadsheets) are not data.
    while body and not any(body[-1]):
        body.pop()
    return tablib.Dataset(*body, headers=headers)


def _header(value: Any) -> str:
    return _text(value).lstrip("\ufeff").strip().lower()


def _read_csv(file: Any) -> Iterator[list[str]]:
    reader = csv.reader(utf8_lines(file))
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file cannot be read: %(reason)s") % {"reason": exc}
        ) from None


def _read_xlsx(file: Any) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise ValidationError(
            _("The file is not a readable Excel (.xlsx) file.")
        ) from None
    try:
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
        except IndexError:
            raise ValidationError(_("The Excel file has no sheet.")) from None
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a broken sheet inside a sound ZIP
                raise ValidationError(
                    _("The file is not a readable Excel (.xlsx) file.")
                ) from None
            yield [_text(cell) for cell in row]
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Parsing cells ------------------------------------------------------------------


class CellError(Exception):
    pass


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_THAI_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: str) -> dt.date | None:
    """yyyy-mm-dd or dd/mm/yyyy; a year of 2400 or more is Buddhist Era."""
    if not value:
        return None
    if match := _ISO_DATE.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _THAI_DATE.match(value):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(_("Not a date; write yyyy-mm-dd or dd/mm/yyyy."))
    if year >= FIRST_BUDDHIST_YEAR:
        year -= BUDDHIST_ERA_OFFSET
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("There is no such date.")) from None


def parse_decimal(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise CellError(_("Not a number.")) from None
    if not number.is_finite():
        raise CellError(_("Not a number."))
    if number < 0:
        raise CellError(_("Must not be negative."))
    if number >= Decimal("100000000"):  # before quantize, which fails on 1E26
        raise CellError(_("Too large."))
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("At most two decimal places."))
    return number.quantize(Decimal("0.01"))


def parse_count(value: str, *, minimum: int = 0) -> int | None:
    if not value:
        return None
    cleaned = value.replace(",", "").replace(" ", "")
    if not cleaned.isdecimal():  # isdigit() would let "²" through to int()
        raise CellError(_("Not a whole number."))
    number = int(cleaned)
    if number < minimum:
        raise CellError(_("Must be at least %(min)s.") % {"min": minimum})
    if number > 2_147_483_647:
        raise CellError(_("Too large."))
    return number


class _Rows:
    """Iterates a dataset as (row number, {column: text}) and records errors."""

    def __init__(
        self,
        dataset: tablib.Dataset,
        report: ImportReport,
        *,
        columns: tuple[str, ...],
        required_columns: tuple[str, ...],
        on_progress: Callable[[int, int], None] | None = None,
    ):
        self.report = report
        self.on_progress = on_progress
        self.dataset = dataset
        headers = [_header(h) for h in (dataset.headers or [])]
        self.headers = headers
        self.columns = columns
        for column in required_columns:
            if column not in headers:
                report.add_error(1, column, _("This column is missing."))
        seen = set()
        for header in headers:
            if header and header not in columns:
                report.add_error(1, header, _("Unknown column."))
            elif header in seen:
                report.add_error(1, header, _("This column appears twice."))
            seen.add(header)
        report.total_rows = dataset.height

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        headers, total = self.headers, self.dataset.height
        for index, raw in enumerate(self.dataset):
            if self.on_progress is not None and index % PROGRESS_EVERY == 0:
                self.on_progress(index, total)
            cells = dict.fromkeys(self.columns, "")
            for header, value in zip(headers, raw, strict=False):
                if header in cells:
                    cells[header] = _text(value)
            if not any(cells.values()):
                continue  # a blank row inside the sheet
            yield index + 2, cells

    def error(self, row: int, column: str, message: str) -> None:
        self.report.add_error(row, column, message)

    def parse(
        self, row: int, column: str, parser: Callable[[str], Any], value: str
    ) -> Any:
        try:
            return parser(value)
        except CellError as exc:
            self.error(row, column, str(exc))
            return None

    def require(self, row: int, cells: dict[str, str], *columns: str) -> bool:
        ok = True
        for column in columns:
            if not cells[column]:
                self.error(row, column, _("This field is required."))
                ok = False
        return ok

    def check_length(
        self, row: int, cells: dict[str, str], limits: dict[str, int]
    ) -> None:
        for column, limit in limits.items():
            if len(cells[column]) > limit:
                self.error(
                    row,
                    column,
                    _("At most %(max)s characters (this has %(n)s).")
                    % {"max": limit, "n": len(cells[column])},
                )


def _chunks(items: Iterable[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tambon_sets(actor: User) -> tuple[set[str], set[str]]:
    all_codes = set(Tambon.objects.values_list("code", flat=True))
    managed = set(tambons_managed_by(actor).values_list("code", flat=True))
    return all_codes, managed


def _check_tambon(
    rows: _Rows, row: int, code: str, all_codes: set[str], managed: set[str]
) -> bool:
    if code not in all_codes:
        rows.error(
            row, "tambon_code", _("Unknown tambon code %(code)s.") % {"code": code}
        )
        return False
    if code not in managed:
        rows.error(
            row,
            "tambon_code",
            _("You are not assigned to tambon %(code)s.") % {"code": code},
        )
        return False
    return True


def _write(report: ImportReport, dry_run: bool, writer: Callable[[], None]) -> None:
    report.dry_run = dry_run
    if report.has_errors or dry_run:
        return
    try:
        with transaction.atomic():
            writer()
    except IntegrityError:
        # Someone changed the same rows between the check and the write.
        raise ValidationError(
            _("The data changed while the file was being imported; please try again.")
        ) from None
    report.committed = True


# Producers ----------------------------------------------------------------------

_PRODUCER_LIMITS = {
    "name_th": 200,
    "name_en": 200,
    "registration_number": 50,
    "contact_person": 150,
    "phone": 32,
    "email": 254,
}
_PRODUCER_WRITABLE = (
    "tambon_id",
    "kind",
    "name_th",
    "name_en",
    "registration_number",
    "address",
    "contact_person",
    "phone",
    "email",
    "member_count",
    "founded_year",
)


def producers_import(
    *,
    actor: User,
    rows: tablib.Dataset,
    dry_run: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update producers from a sheet of ``PRODUCER_COLUMNS``."""
    report = ImportReport(dry_run=dry_run)
    table = _Rows(
        rows,
        report,
        columns=PRODUCER_COLUMNS,
        required_columns=PRODUCER_REQUIRED_COLUMNS,
        on_progress=on_progress,
    )
    if report.has_errors:
        return report
    all_codes, managed = _tambon_sets(actor)
    kinds = set(Producer.Kind.values)
    this_year = timezone.localdate().year

    parsed: list[tuple[int, dict[str, Any]]] = []
    seen_reg: dict[str, int] = {}
    seen_name: dict[tuple[str, str], int] = {}
    for row, cells in table:
        table.require(row, cells, "tambon_code", "kind", "name_th")
        table.check_length(row, cells, _PRODUCER_LIMITS)
        code = cells["tambon_code"]
        tambon_ok = bool(code) and _check_tambon(table, row, code, all_codes, managed)
        if cells["kind"] and cells["kind"] not in kinds:
            table.error(
                row,
                "kind",
                _("Unknown producer type; use one of: %(kinds)s.")
                % {"kinds": ", ".join(sorted(kinds))},
            )
        if cells["email"]:
            try:
                validate_email(cells["email"])
            except ValidationError:
                table.error(row, "email", _("Not a valid email address."))
        members = table.parse(
            row,
            "member_count",
            lambda v: parse_count(v, minimum=1),
            cells["member_count"],
        )
        founded = table.parse(row, "founded_year", parse_count, cells["founded_year"])
        if founded is not None:
            if founded >= FIRST_BUDDHIST_YEAR:
                founded -= BUDDHIST_ERA_OFFSET
            if not 1800 <= founded <= this_year:
                table.error(row, "founded_year", _("Not a plausible year."))
        reg = cells["registration_number"]
        if reg:
            if reg in seen_reg:
                table.error(
                    row,
                    "registration_number",
                    _("Duplicate of row %(row)s.") % {"row": seen_reg[reg]},
                )
            seen_reg.setdefault(reg, row)
        name_key = (code, cells["name_th"])
        if tambon_ok and cells["name_th"]:
            if name_key in seen_name:
                table.error(
                    row,
                    "name_th",
                    _("Duplicate of row %(row)s (same name in the same tambon).")
                    % {"row": seen_name[name_key]},
                )
            seen_name.setdefault(name_key, row)
        values = {
            "tambon_id": code,
            "kind": cells["kind"],
            "name_th": cells["name_th"],
            "name_en": cells["name_en"],
            "registration_number": reg,
            "address": cells["address"],
            "contact_person": cells["contact_person"],
            "phone": cells["phone"],
            "email": cells["email"],
            "member_count": members,
            "founded_year": founded,
        }
        parsed.append((row, values))
    if report.has_errors:
        return report

    by_reg, by_name = _existing_producers(
        regs=seen_reg, tambons={code for code, _name in seen_name}
    )
    matched: list[tuple[int, dict[str, Any], Producer | None]] = []
    for row, values in parsed:
        reg = values["registration_number"]
        name_key = (values["tambon_id"], values["name_th"])
        producer = by_reg.get(reg) if reg else None
        if producer is None:
            producer = by_name.get(name_key)
            if producer is not None and reg and producer.registration_number:
                table.error(
                    row,
                    "registration_number",
                    _(
                        "A producer with this name in this tambon already has "
                        "registration number %(number)s."
                    )
                    % {"number": producer.registration_number},
                )
                continue
        elif name_key in by_name and by_name[name_key].pk != producer.pk:
            table.error(
                row,
                "name_th",
                _("Another producer in this tambon already has this name."),
            )
            continue
        if producer is not None and producer.tambon_id not in managed:
            table.error(
                row,
                "registration_number",
                _("This producer is in tambon %(code)s, which you are not assigned to.")
                % {"code": producer.tambon_id},
            )
            continue
        report.actions[row] = NEW if producer is None else UPDATE
        matched.append((row, values, producer))

    def write() -> None:
        now = timezone.now()
        new, changed = [], []
        for _row, values, producer in matched:
            if producer is None:
                new.append(Producer(created_by=actor, **values))
                continue
            if any(getattr(producer, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(producer, name, value)
                producer.updated_at = now
                changed.append(producer)
        Producer.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Producer.objects.bulk_update(
            changed, [*_PRODUCER_WRITABLE, "updated_at"], batch_size=BATCH_SIZE
        )
        report.created, report.updated = len(new), len(changed)

    _write(report, dry_run, write)
    return report


def _existing_producers(
    *, regs: Iterable[str], tambons: Iterable[str]
) -> tuple[dict[str, Producer], dict[tuple[str, str], Producer]]:
    by_reg: dict[str, Producer] = {}
    by_name: dict[tuple[str, str], Producer] = {}
    found: dict[int, Producer] = {}
    for chunk in _chunks(regs):
        found.update(
            (p.pk, p) for p in Producer.objects.filter(registration_number__in=chunk)
        )
    for chunk in _chunks(tambons):
        found.update((p.pk, p) for p in Producer.objects.filter(tambon_id__in=chunk))
    for producer in found.values():
        if producer.registration_number:
            by_reg[producer.registration_number] = producer
        by_name[(producer.tambon_id, producer.name_th)] = producer
    return by_reg, by_name


# Products -----------------------------------------------------------------------

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
