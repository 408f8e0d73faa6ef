"""Reading an uploaded CSV or XLSX file into a dataset of text cells."""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import (
    IMPORT,
    check_row_count,
    check_size,
    import_max_rows,
    size_limit,
    spreadsheet_format,
    utf8_lines,
)

MAX_ROWS = import_max_rows()


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
