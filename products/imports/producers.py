"""The producer import."""

from collections.abc import Callable, Iterable
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Producer, ProducerRegistration
from communities.resources import PRODUCER_COLUMNS
from communities.services import (
    PRODUCER_FIELDS,
    ExistingRegistration,
    registration_existing_errors,
    registrations_record_bulk,
)
from products.imports.cells import (
    BUDDHIST_ERA_OFFSET,
    FIRST_BUDDHIST_YEAR,
    parse_count,
    parse_date,
)
from products.imports.columns import PRODUCER_REQUIRED_COLUMNS, REGISTRATION_COLUMNS
from products.imports.report import NEW, UPDATE, ImportReport
from products.imports.sheet import (
    BATCH_SIZE,
    _check_tambon,
    _chunks,
    _Rows,
    _tambon_sets,
    _write,
)

_PRODUCER_LIMITS = {
    "name_th": 200,
    "name_en": 200,
    "registration_number": 50,
    "contact_person": 150,
    "phone": 32,
    "email": 254,
}
_PRODUCER_WRITABLE = ("tambon_id", *PRODUCER_FIELDS)
PRODUCER_IMPORT_COLUMNS = (*PRODUCER_COLUMNS, *REGISTRATION_COLUMNS)
_OTOP_STATUSES = (
    ProducerRegistration.Status.APPLIED,
    ProducerRegistration.Status.APPROVED,
)


def producers_import(
    *,
    actor: User,
    rows: tablib.Dataset,
    dry_run: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update producers from a sheet of ``PRODUCER_COLUMNS``, with
    an OTOP registration made before the portal where the row has one
    (``REGISTRATION_COLUMNS``, recorded with its events)."""
    report = ImportReport(dry_run=dry_run)
    table = _Rows(
        rows,
        report,
        columns=PRODUCER_IMPORT_COLUMNS,
        required_columns=PRODUCER_REQUIRED_COLUMNS,
        on_progress=on_progress,
    )
    if report.has_errors:
        return report
    all_codes, managed = _tambon_sets(actor)
    kinds = set(Producer.Kind.values)
    this_year = timezone.localdate().year

    parsed: list[tuple[int, dict[str, Any]]] = []
    registrations: dict[int, ExistingRegistration] = {}
    seen_otop: dict[str, int] = {}
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
        if existing := _registration_of(table, row, cells, seen_otop):
            registrations[row] = existing
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
    _check_numbers_free(table, seen_otop)
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
        if (
            row in registrations
            and producer is not None
            and ProducerRegistration.objects.filter(producer=producer).exists()
        ):
            table.error(
                row,
                "otop_status",
                _(
                    "This producer already has an OTOP registration; change "
                    "it on the registration page."
                ),
            )
            continue
        report.actions[row] = NEW if producer is None else UPDATE
        matched.append((row, values, producer))

    def write() -> None:
        now = timezone.now()
        new, changed = [], []
        registering: list[tuple[Producer, ExistingRegistration]] = []
        for row, values, producer in matched:
            if producer is None:
                producer = Producer(created_by=actor, **values)
                new.append(producer)
                if row in registrations:
                    registering.append((producer, registrations[row]))
                continue
            if row in registrations:
                registering.append((producer, registrations[row]))
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
        # bulk_create gave the new producers their keys (PostgreSQL, SQLite).
        registrations_record_bulk(actor=actor, rows=registering)

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


def _registration_of(
    table: _Rows, row: int, cells: dict[str, str], seen: dict[str, int]
) -> ExistingRegistration | None:
    """The row's OTOP registration, or None (no registration columns filled,
    or errors recorded against the row)."""
    if not any(cells[column] for column in REGISTRATION_COLUMNS):
        return None
    status = cells["otop_status"]
    if status not in _OTOP_STATUSES:
        table.error(
            row,
            "otop_status",
            _("Unknown OTOP registration status; use one of: %(statuses)s.")
            % {"statuses": ", ".join(_OTOP_STATUSES)},
        )
        return None
    table.check_length(row, cells, {"otop_number": 32})
    errors_before = len(table.report.errors)
    existing = ExistingRegistration(
        status=status,
        number=cells["otop_number"],
        applied_on=table.parse(
            row, "otop_applied_on", parse_date, cells["otop_applied_on"]
        ),
        valid_until=table.parse(
            row, "otop_valid_until", parse_date, cells["otop_valid_until"]
        ),
    )
    if len(table.report.errors) > errors_before:
        return None  # a date that is not one: said once, beside its cell
    errors = registration_existing_errors(existing)
    for field, message in errors.items():
        table.error(row, f"otop_{field}", message)
    number = existing.number
    if number:
        if number in seen:
            table.error(
                row,
                "otop_number",
                _("Duplicate of row %(row)s.") % {"row": seen[number]},
            )
        seen.setdefault(number, row)
    return None if errors else existing


def _check_numbers_free(table: _Rows, seen: dict[str, int]) -> None:
    for chunk in _chunks(seen):
        for number in ProducerRegistration.objects.filter(number__in=chunk).values_list(
            "number", flat=True
        ):
            table.error(
                seen[number],
                "otop_number",
                _("This OTOP registration number is already in use."),
            )
