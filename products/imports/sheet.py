"""What both imports share: the sheet read row by row with its errors,
batches, the tambon check, and the all-or-nothing write."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Tambon
from communities.selectors import tambons_managed_by
from products.imports.cells import CellError
from products.imports.reading import _header, _text
from products.imports.report import ImportReport

BATCH_SIZE = 1000
PROGRESS_EVERY = 1000  # rows between progress reports


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
