"""The producer import."""

from collections.abc import Callable, Iterable
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Producer
from communities.resources import PRODUCER_COLUMNS
from communities.services import PRODUCER_FIELDS
from products.imports.cells import BUDDHIST_ERA_OFFSET, FIRST_BUDDHIST_YEAR, parse_count
from products.imports.columns import PRODUCER_REQUIRED_COLUMNS
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
