"""Upload limits and content checks, in one place (DESIGN.md §8).

Every upload is judged by its bytes, never by its name or the type the browser
sends: a size cap per kind of file (settings ``UPLOAD_MAX_*_BYTES``), magic
bytes for photos, PDFs and spreadsheets, and a guard against XLSX
decompression bombs that reads the ZIP directory only, before openpyxl sees
the file. Every refusal is a ``ValidationError`` with a message in the user's
language.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.forms import ImportForm

MB = 1024 * 1024

IMAGE, DOCUMENT, IMPORT = "image", "document", "import"
ROUND_DOCUMENT = "round_document"  # policy and master-plan PDFs run long
DEFAULT_MAX_BYTES = {
    IMAGE: 5 * MB,
    DOCUMENT: 10 * MB,
    IMPORT: 50 * MB,
    ROUND_DOCUMENT: 20 * MB,
}
DEFAULT_IMPORT_MAX_ROWS = 100_000

# XLSX bomb guard (issue #11): the uncompressed members together may not pass
# 100 MB nor 100 times the uploaded file.
DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES = 100 * MB
DEFAULT_XLSX_MAX_RATIO = 100
DEFAULT_XLSX_MAX_MEMBERS = 1000

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx
NESTED_ARCHIVES = (".zip", ".xlsx", ".xlsm", ".docx", ".pptx", ".jar", ".gz", ".7z")
SNIFF_BYTES = 64 * 1024


def size_limit(kind: str) -> int:
    """The size cap in bytes for ``IMAGE``, ``DOCUMENT``, ``IMPORT`` or
    ``ROUND_DOCUMENT`` uploads."""
    return getattr(
        settings, f"UPLOAD_MAX_{kind.upper()}_BYTES", DEFAULT_MAX_BYTES[kind]
    )


def import_max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_IMPORT_MAX_ROWS)


def file_size(file: Any) -> int:
    """Size in bytes of an UploadedFile, an open binary file or bytes."""
    if isinstance(file, bytes | bytearray):
        return len(file)
    size = getattr(file, "size", None)
    if size is not None:
        return size
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def check_size(file: Any, limit: int, label: str) -> int:
    """Refuse ``file`` if it is larger than ``limit`` bytes; return its size.

    ``label`` names the file for the user, e.g. ``_("photo")``."""
    size = file_size(file)
    if size > limit:
        raise ValidationError(
            _("The %(label)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"label": label, "size": _megabytes(size), "limit": _megabytes(limit)},
            code="too_large",
        )
    return size


def head(file: Any, length: int = 16) -> bytes:
    """The first ``length`` bytes, leaving the file at its start."""
    if isinstance(file, bytes | bytearray):
        return bytes(file[:length])
    file.seek(0)
    data = file.read(length)
    file.seek(0)
    return data


def sniff(file: Any) -> str | None:
    """The real type by magic bytes: png, jpeg, webp, pdf, zip, ole2, and the
    photo formats we refuse by name (gif, tiff, bmp, heic, avif); else None."""
    start = head(file, 16)
    if start.startswith(PNG_MAGIC):
        return "png"
    if start.startswith(JPEG_MAGIC):
        return "jpeg"
    if start[:4] == b"RIFF" and start[8:12] == b"WEBP":
        return "webp"
    if start.startswith(PDF_MAGIC):
        return "pdf"
    if start.startswith(ZIP_MAGIC):
        return "zip"
    if start.startswith(OLE2_MAGIC):
        return "ole2"
    if start[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if start[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if start[:2] == b"BM":
        return "bmp"
    if start[4:8] == b"ftyp" and start[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "heic" if start[8:12] != b"avif" else "avif"
    return None


def is_image(file: Any) -> bool:
    return sniff(file) in {"png", "jpeg", "webp"}


def is_pdf(file: Any) -> bool:
    return sniff(file) == "pdf"


# Spreadsheets -------------------------------------------------------------------


def check_xlsx(file: Any) -> None:
    """Refuse a file that is not an XLSX workbook or that would inflate too far.

    Reads only the ZIP's central directory (``ZipInfo.file_size`` is the
    declared uncompressed size; zipfile never inflates a member past it and
    fails the CRC if the data lies), so a bomb is refused before anything is
    decompressed."""
    size = file_size(file)
    stream = io.BytesIO(file) if isinstance(file, bytes | bytearray) else file
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ValidationError(
            _("The file is not a readable Excel (.xlsx) file."), code="not_xlsx"
        ) from None
    finally:
        stream.seek(0)
    max_members = getattr(settings, "XLSX_MAX_MEMBERS", DEFAULT_XLSX_MAX_MEMBERS)
    if len(members) > max_members:
        raise ValidationError(
            _("The Excel file holds %(count)s parts; the most we accept is %(max)s.")
            % {"count": len(members), "max": max_members},
            code="xlsx_too_many_members",
        )
    names = {member.filename for member in members}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise ValidationError(
            _("The file is not a readable Excel (.xlsx) file."), code="not_xlsx"
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise ValidationError(
                _("The Excel file is encrypted; save it without a password."),
                code="xlsx_encrypted",
            )
        if member.filename.lower().endswith(NESTED_ARCHIVES):
            raise ValidationError(
                _(
                    "The Excel file has another file embedded in it; copy the "
                    "data into a new workbook and upload that."
                ),
                code="xlsx_nested",
            )
        if member.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
            raise ValidationError(
                _("The file is not a readable Excel (.xlsx) file."), code="not_xlsx"
            )
    inflated = sum(member.file_size for member in members)
    max_bytes = getattr(
        settings, "XLSX_MAX_UNCOMPRESSED_BYTES", DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES
    )
    max_ratio = getattr(settings, "XLSX_MAX_RATIO", DEFAULT_XLSX_MAX_RATIO)
    if inflated > max_bytes or inflated > max_ratio * max(size, 1):
        raise ValidationError(
            _(
                "The Excel file would unpack to %(size)s MB, more than we can "
                "safely read (at most %(max)s MB, and at most %(ratio)s times the "
                "file). Remove unused sheets and formatting, or save it as CSV."
            )
            % {
                "size": _megabytes(inflated),
                "max": _megabytes(max_bytes),
                "ratio": max_ratio,
            },
            code="xlsx_bomb",
        )


def check_csv(file: Any) -> None:
    """Refuse a CSV whose start is not UTF-8 text (with or without a BOM)."""
    start = head(file, SNIFF_BYTES)
    if b"\x00" in start:
        raise ValidationError(_("The file is not a readable CSV file."), code="not_csv")
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(start, final=False)
    except UnicodeDecodeError:
        raise ValidationError(
            _("The CSV file is not UTF-8 text; save it as “CSV UTF-8”."),
            code="not_utf8",
        ) from None


def spreadsheet_format(file: Any, filename: str) -> str:
    """``"csv"`` or ``"xlsx"``, after checking that the name and the content
    agree and that the content is safe to read (see ``check_xlsx``)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="bad_suffix")
    kind = sniff(file)
    if kind == "ole2":
        raise ValidationError(
            _(
                "This is an old Excel (.xls) file or a password-protected "
                "workbook; save it as an Excel workbook (.xlsx) without a password."
            ),
            code="xls",
        )
    if suffix == ".csv" and kind == "zip":
        raise ValidationError(
            _(
                "This file is an Excel workbook although its name ends in .csv; "
                "rename it to .xlsx, or save it as “CSV UTF-8”."
            ),
            code="xlsx_named_csv",
        )
    if suffix == ".xlsx" and kind != "zip":
        raise ValidationError(
            _(
                "This file is not an Excel workbook although its name ends in "
                ".xlsx; if it is a CSV file, rename it to .csv."
            ),
            code="not_xlsx",
        )
    if suffix == ".xlsx":
        check_xlsx(file)
        return "xlsx"
    check_csv(file)
    return "csv"


def check_row_count(rows: int, limit: int) -> None:
    if rows > limit:
        raise ValidationError(
            _("The file has %(rows)s rows; the most one import takes is %(max)s.")
            % {"rows": f"{rows:,}", "max": f"{limit:,}"},
            code="too_many_rows",
        )


def count_rows(file: Any, fmt: str) -> int:
    """Data rows (not the header, not blank rows) of a checked spreadsheet,
    read as a stream so the count costs no more memory than a row."""
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(file, read_only=True, data_only=True)
        try:
            values = book.worksheets[0].iter_rows(values_only=True)
            count = sum(1 for row in values if any(v not in (None, "") for v in row))
        finally:
            book.close()
    else:
        file.seek(0)
        rows = csv.reader(utf8_lines(file))
        count = sum(1 for row in rows if any(cell.strip() for cell in row))
    file.seek(0)
    return max(count - 1, 0)


def utf8_lines(file: Any, block_size: int = MB) -> Iterator[str]:
    """Lines (with their newline) of a UTF-8 file, decoded block by block."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    while True:
        block = file.read(block_size)
        try:
            text = pending + decoder.decode(block or b"", final=not block)
        except UnicodeDecodeError:
            raise ValidationError(
                _("The CSV file is not UTF-8 text; save it as “CSV UTF-8”."),
                code="not_utf8",
            ) from None
        if "\x00" in text:
            raise ValidationError(
                _("The file is not a readable CSV file."), code="not_csv"
            )
        *lines, pending = text.split("\n")
        for line in lines:
            yield line + "\n"
        if not block:
            break
    if pending:
        yield pending


class SafeImportForm(ImportForm):
    """django-import-export's admin import form, with the upload checks: size,
    content, the XLSX bomb guard and the row cap (the resource's ``max_rows``,
    else ``IMPORT_MAX_ROWS``), each refused with a clear message instead of
    the library's "… encountered while trying to read file"."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = formats
        self._resources = resources

    def clean(self):
        data = super().clean()
        upload = data.get("import_file")
        if upload is None or data.get("format") in (None, ""):
            return data
        try:
            check_size(upload, size_limit(IMPORT), _("import file"))
            expected = self._formats[int(data["format"])]().get_title().lower()
            fmt = spreadsheet_format(upload, upload.name)
            if fmt != expected:
                raise ValidationError(
                    _("The file is a %(found)s file, not %(chosen)s as chosen.")
                    % {"found": fmt.upper(), "chosen": expected.upper()}
                )
            resource = self._resources[int(data.get("resource") or 0)]
            limit = getattr(resource, "max_rows", None) or import_max_rows()
            check_row_count(count_rows(upload, fmt), limit)
        except ValidationError as error:
            self.add_error("import_file", error)
        except Exception:  # openpyxl and csv raise many kinds on a broken file
            self.add_error(
                "import_file", forms.ValidationError(_("The file cannot be read."))
            )
        finally:
            upload.seek(0)
        return data
