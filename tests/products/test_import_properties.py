"""Property tests of the importers (issue #11, point 8): whatever the rows
hold — Thai text, control characters, huge numbers, empty cells, formulas,
wrong types — an import never raises anything but a ``ValidationError``,
never answers 500, and writes either every row or none."""

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from communities.models import Producer
from communities.resources import PRODUCER_COLUMNS
from products.imports import (
    PRODUCT_COLUMNS,
    CellError,
    load_dataset,
    parse_count,
    parse_decimal,
    producers_import,
    products_import,
)
from products.models import Certification, ImportJob, Product

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

THAI = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
odd_text = st.text(
    alphabet=st.one_of(
        THAI,
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("\x00\x01\x07\t\r\n\x1b\u200b\ufeff\u202e,\";'"),
    ),
    max_size=30,
)
cells = st.one_of(
    st.just(""),
    odd_text,
    st.sampled_from(["=1+1", "+66 81", "-3", "@SUM(A1)", '=HYPERLINK("x")']),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["31/02/2567", "2567-13-01", "1e999", "1E26", "NaN", "๑๒๓", "²", "0x10"]
    ),
)
# Rows that are valid for the fixture, so some files import in full.
good_product = st.builds(
    lambda name, price: {
        "producer_registration_number": "REG-1",
        "category_code": "FOOD-SNACK",
        "name_th": name,
        "price": price,
    },
    st.text(THAI, min_size=1, max_size=20),
    st.sampled_from(["", "35", "1,200.50", "0"]),
)
good_producer = st.builds(
    lambda name, members: {
        "tambon_code": "100101",
        "kind": "community",
        "name_th": name,
        "member_count": members,
    },
    st.text(THAI, min_size=1, max_size=20),
    st.sampled_from(["", "12", "1,000"]),
)


def rows_of(columns, good):
    arbitrary = st.fixed_dictionaries({}, optional=dict.fromkeys(columns, cells))
    return st.lists(st.one_of(good, arbitrary), min_size=1, max_size=8)


def as_csv(rows, columns) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def as_xlsx(rows, columns) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(columns))
    try:
        for row in rows:
            book.active.append([row.get(c, "") for c in columns])
    except IllegalCharacterError:
        assume(False)  # Excel cannot hold it; nothing to upload
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return (
        Producer.objects.count(),
        Product.objects.count(),
        Certification.objects.count(),
    )


def import_all_or_nothing(importer, officer, data: bytes, name: str) -> None:
    """Run one import in a savepoint and check it wrote all rows or none."""
    with transaction.atomic():
        before = counts()
        try:
            dataset = load_dataset(io.BytesIO(data), name)
        except ValidationError:
            event("file refused")
            assert counts() == before
            transaction.set_rollback(True)
            return
        report = importer(actor=officer, rows=dataset, dry_run=False)
        after = counts()
        if report.has_errors:
            event("row errors: nothing written")
            assert not report.committed and after == before
        else:
            event("every row written")
            assert report.committed
            written = report.created + report.certificates_created
            assert sum(after) - sum(before) == written
            assert report.created + report.updated <= dataset.height
        transaction.set_rollback(True)


@FUZZ
@given(rows=rows_of(PRODUCT_COLUMNS, good_product), xlsx=st.booleans())
def test_arbitrary_product_rows_import_in_full_or_not_at_all(
    importing_officer, rows, xlsx
):
    data = (as_xlsx if xlsx else as_csv)(rows, PRODUCT_COLUMNS)
    import_all_or_nothing(
        products_import, importing_officer, data, "p.xlsx" if xlsx else "p.csv"
    )


@FUZZ
@given(rows=rows_of(PRODUCER_COLUMNS, good_producer), xlsx=st.booleans())
def test_arbitrary_producer_rows_import_in_full_or_not_at_all(
    importing_officer, rows, xlsx
):
    data = (as_xlsx if xlsx else as_csv)(rows, PRODUCER_COLUMNS)
    import_all_or_nothing(
        producers_import, importing_officer, data, "c.xlsx" if xlsx else "c.csv"
    )


@FUZZ
@given(
    data=st.one_of(
        rows_of(PRODUCT_COLUMNS, good_product).map(
            lambda rows: as_csv(rows, PRODUCT_COLUMNS)
        ),
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    ),
    name=st.sampled_from(["p.csv", "p.xlsx", "p.txt", "p.CSV", ""]),
)
def test_the_upload_page_never_fails_and_never_imports_part_of_a_file(
    client, importing_officer, django_capture_on_commit_callbacks, data, name
):
    client.force_login(importing_officer)
    with transaction.atomic():
        response = client.post(
            "/officer/imports/",
            {"kind": "products", "file": SimpleUploadedFile(name or "x", data)},
        )
        assert response.status_code in (200, 302)
        job = ImportJob.objects.first()
        event(f"{response.status_code} {job.status if job else 'no job'}")
        if response.status_code == 200:
            assert job is None
        elif job.status == ImportJob.Status.READY:
            with django_capture_on_commit_callbacks(execute=True):
                confirm = client.post(f"/officer/imports/{job.pk}/confirm/")
            assert confirm.status_code == 302
            job.refresh_from_db()
            assert job.status == ImportJob.Status.DONE
            assert Product.objects.count() == job.report["created"]
        else:
            assert job.status == ImportJob.Status.INVALID
            assert not Product.objects.exists()
        transaction.set_rollback(True)


@pytest.mark.parametrize("text", ["1E26", "1E+999999999", "9" * 40])
def test_huge_prices_are_a_cell_error_not_a_crash(text):
    # Found by the upload fuzz above: "1E26" made Decimal.quantize raise (500).
    with pytest.raises(CellError):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["²", "¹²", "Ⅻ"])
def test_digit_like_characters_are_a_cell_error_not_a_crash(text):
    with pytest.raises(CellError):
        parse_count(text)
