"""Upload limits (issue #11, point 4): size caps on every upload path, content
sniffing, the XLSX decompression-bomb guard, row caps, and formula cells
neutralised in every CSV and XLSX export."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from committees.models import Membership
from communities.models import Producer, Tambon
from core import uploads
from core.exports import FORMULA_PREFIXES, escape_formula
from products.imports import PRODUCT_COLUMNS, load_dataset
from products.models import Category, ImportJob, Product, ProductImage
from products.services import product_image_add
from registry.models import RegistryEntry
from selection.models import TambonForum
from tests.accounts.factories import UserFactory
from tests.products.factories import png_upload
from tests.selection.ladder import make_officer, make_round

MB = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
ROW = b'<row><c t="inlineStr"><is><t>OTOP</t></is></c></row>'


def xlsx_with_sheet_of(uncompressed_bytes: int) -> bytes:
    """A ZIP shaped like a workbook whose sheet XML inflates to the given
    size; written in 1 MB chunks so neither the test nor the ZIP holds it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = ROW * (MB // len(ROW))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < uncompressed_bytes:
                part = chunk[: uncompressed_bytes - written]
                sheet.write(part)
                written += len(part)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return xlsx_with_sheet_of(120 * MB)


def real_xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def code_of(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail the test if openpyxl is asked to open a workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened the file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# The XLSX bomb guard ------------------------------------------------------------


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(bomb, no_openpyxl):
    assert len(bomb) < 1 * MB  # 120 MB of sheet XML in a small file

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        load_dataset(io.BytesIO(bomb), "bomb.xlsx")

    assert caught.value.code == "xlsx_bomb"
    assert "would unpack to 120 MB" in caught.value.messages[0]


def test_an_xlsx_over_100_times_its_size_is_refused_though_under_100_mb(
    no_openpyxl,
):
    data = xlsx_with_sheet_of(5 * MB)
    assert 100 * len(data) < 5 * MB < 100 * MB

    assert code_of(lambda: uploads.check_xlsx(data)) == "xlsx_bomb"


def test_a_normal_xlsx_is_accepted():
    data = real_xlsx([["name_th", "price"], ["ขนมไทย", 35], ["ขนม 2", None]])

    dataset = load_dataset(io.BytesIO(data), "products.xlsx")

    assert dataset.headers == ["name_th", "price"]
    assert dataset[0] == ("ขนมไทย", "35")
    assert dataset.height == 2


def test_encrypted_nested_and_overfull_archives_are_refused():
    def archive(members, *, encrypted=False) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr("[Content_Types].xml", CONTENT_TYPES)
            zf.writestr("xl/workbook.xml", "<workbook/>")
            for name in members:
                zf.writestr(name, "x")
        data = bytearray(out.getvalue())
        if encrypted:  # set the "encrypted" flag in the central directory
            at = data.rindex(b"PK\x01\x02")
            data[at + 8] |= 0x1
        return bytes(data)

    assert uploads.check_xlsx(archive(["xl/worksheets/sheet1.xml"])) is None
    assert code_of(lambda: uploads.check_xlsx(archive(["a.xml"], encrypted=True))) == (
        "xlsx_encrypted"
    )
    assert code_of(lambda: uploads.check_xlsx(archive(["xl/embed/x.zip"]))) == (
        "xlsx_nested"
    )
    with override_settings(XLSX_MAX_MEMBERS=5):
        many = archive([f"xl/m{i}.xml" for i in range(4)])
        assert code_of(lambda: uploads.check_xlsx(many)) == "xlsx_too_many_members"
    assert code_of(lambda: uploads.check_xlsx(b"PK\x03\x04 not a zip")) == "not_xlsx"


# Names that lie about the content ------------------------------------------------


def test_an_xlsx_named_csv_and_a_csv_named_xlsx_get_a_clear_message(english):
    workbook = real_xlsx([["name_th"], ["ขนม"]])

    with pytest.raises(ValidationError, match="Excel workbook although its name"):
        load_dataset(io.BytesIO(workbook), "products.csv")
    with pytest.raises(ValidationError, match=r"rename it to \.csv"):
        load_dataset(io.BytesIO(b"name_th\n\xe0\xb8\x82\n"), "products.xlsx")
    with pytest.raises(ValidationError, match=r"old Excel \(.xls\)"):
        load_dataset(io.BytesIO(uploads.OLE2_MAGIC + b"\0" * 64), "products.xlsx")


def test_sniffing_reads_magic_bytes_not_names():
    assert uploads.sniff(png_upload().read()) == "png"
    assert uploads.sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert uploads.sniff(b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert uploads.sniff(b"%PDF-1.7\n") == "pdf"
    assert uploads.sniff(real_xlsx([["a"]])) == "zip"
    assert uploads.sniff(b"name_th,price\n") is None
    assert code_of(lambda: uploads.check_csv(b"a,b\n\0\0")) == "not_csv"
    assert code_of(lambda: uploads.check_csv("ชื่อ".encode("tis-620"))) == "not_utf8"
    assert uploads.check_csv("\ufeffชื่อ,ราคา\n".encode()) is None


# Upload paths: officer import page, admin membership import, photos, minutes ----


def products_csv(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PRODUCT_COLUMNS)
    writer.writeheader()
    for i in range(count):
        writer.writerow(
            {
                "producer_registration_number": "REG-1",
                "category_code": "FOOD-SNACK",
                "name_th": f"ขนมไทย {i}",
                "price": "35",
            }
        )
    return buffer.getvalue().encode()


def upload_import(client, data: bytes, name: str):
    response = client.post(
        "/officer/imports/",
        {"kind": "products", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 200  # the form again, with the reason
    return response.context["form"].errors["file"]


def test_the_import_page_refuses_a_bomb_and_keeps_nothing(
    client, importing_officer, bomb, no_openpyxl
):
    client.force_login(importing_officer)

    (error,) = upload_import(client, bomb, "products.xlsx")

    assert "would unpack to 120 MB" in error
    assert not ImportJob.objects.exists() and not Product.objects.exists()


def test_the_import_page_refuses_oversize_files_and_long_files(
    client, importing_officer, monkeypatch
):
    client.force_login(importing_officer)
    data = products_csv(5)

    with override_settings(UPLOAD_MAX_IMPORT_BYTES=len(data) - 1):
        (error,) = upload_import(client, data, "products.csv")
    assert re.match(r"The import file is [\d.]+ MB; the limit is [\d.]+ MB\.", error)

    monkeypatch.setattr("products.imports.reading.MAX_ROWS", 3)
    (error,) = upload_import(client, data, "products.csv")
    assert error == "The file has 5 rows; the most one import takes is 3."

    (error,) = upload_import(client, real_xlsx([["name_th"]]), "products.csv")
    assert "Excel workbook although its name ends in .csv" in error
    assert not ImportJob.objects.exists() and not Product.objects.exists()

    monkeypatch.setattr("products.imports.reading.MAX_ROWS", 5)
    client.post(
        "/officer/imports/",
        {"kind": "products", "file": SimpleUploadedFile("p.csv", data)},
    )
    assert ImportJob.objects.get().status == ImportJob.Status.READY


def test_the_import_cap_is_the_setting_alone(importing_officer):
    """One cap, ``UPLOAD_MAX_IMPORT_BYTES``: an office that raises it for its
    provincial files is not stopped by a second, hard-coded one."""
    from products.jobs import import_job_start

    def upload_claiming(size: int) -> SimpleUploadedFile:
        upload = SimpleUploadedFile("p.csv", products_csv(2))
        upload.size = size  # what Django reports for a file spooled to disk
        return upload

    sixty_mb = 60 * uploads.MB
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        import_job_start(
            actor=importing_officer, kind="products", upload=upload_claiming(sixty_mb)
        )
    assert caught.value.messages == ["The import file is 60 MB; the limit is 50 MB."]
    assert not ImportJob.objects.exists()

    with override_settings(UPLOAD_MAX_IMPORT_BYTES=100 * uploads.MB):
        job = import_job_start(
            actor=importing_officer, kind="products", upload=upload_claiming(sixty_mb)
        )
    assert job.total_rows == 2


def test_trailing_blank_rows_do_not_count_against_the_cap(monkeypatch):
    monkeypatch.setattr("products.imports.reading.MAX_ROWS", 2)
    assert load_dataset(b"a\n1\n2\n,\n,\n", "p.csv").height == 2
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        load_dataset(b"a\n1\n2\n,\n3\n4\n", "p.csv")
    assert caught.value.messages == [
        "The file has 4 rows; the most one import takes is 2."
    ]


@pytest.fixture
def membership_admin(client, geography, central_staff):
    """Central staff, reading English, in the membership import."""
    from tests.committees.factories import amphoe_committee

    amphoe_committee("5001")
    UserFactory(username="malee")
    central_staff.preferred_language = "en"
    central_staff.save(update_fields=["preferred_language"])
    client.force_login(central_staff)
    return client


def admin_import(client, data: bytes, name: str, fmt: str = "0"):
    with translation.override("en"):
        response = client.post(
            "/admin/committees/membership/import/",
            {
                "format": fmt,
                "resource": "0",
                "import_file": SimpleUploadedFile(name, data),
            },
        )
    assert response.status_code == 200
    return response.context["form"].errors.get("import_file", [])


MEMBERSHIP_CSV = (
    b"committee,username,role,term_start,term_end\namphoe:5001,malee,member,,\n"
)


def test_the_membership_import_checks_the_upload_first(
    membership_admin, bomb, no_openpyxl
):
    client = membership_admin
    assert admin_import(client, MEMBERSHIP_CSV, "m.csv") == []  # a clean preview

    with override_settings(UPLOAD_MAX_IMPORT_BYTES=10):
        (error,) = admin_import(client, MEMBERSHIP_CSV, "m.csv")
    assert "the limit is" in error
    (error,) = admin_import(client, bomb, "m.xlsx", fmt="1")
    assert "would unpack to 120 MB" in error
    (error,) = admin_import(client, bomb, "m.csv", fmt="0")
    assert "Excel workbook although its name ends in .csv" in error
    assert not Membership.objects.filter(user__username="malee").exists()


def test_the_membership_import_has_a_row_cap(membership_admin, monkeypatch):
    from committees.resources import MembershipResource

    monkeypatch.setattr(MembershipResource, "max_rows", 1)
    data = MEMBERSHIP_CSV + b"amphoe:5001,malee,chair,,\n"

    (error,) = admin_import(membership_admin, data, "m.csv")

    assert error == "The file has 2 rows; the most one import takes is 1."
    with pytest.raises(ValidationError):
        MembershipResource().import_data(
            tablib.Dataset(("a",), ("b",), headers=["committee"])
        )


def test_photos_are_capped_and_sniffed(importing_officer):
    producer = Producer.objects.get()
    product = Product.objects.create(
        producer=producer,
        category=Category.objects.get(code="FOOD-SNACK"),
        name_th="ขนม",
    )
    photo = png_upload()

    with (
        override_settings(UPLOAD_MAX_IMAGE_BYTES=photo.size - 1),
        pytest.raises(ValidationError) as caught,
    ):
        product_image_add(actor=importing_officer, product=product, upload=photo)
    assert caught.value.code == "too_large"
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>" + b" " * 64)
    with pytest.raises(ValidationError) as caught:
        product_image_add(actor=importing_officer, product=product, upload=fake)
    assert caught.value.code == "not_an_image"
    gif = SimpleUploadedFile("photo.png", b"GIF89a" + b"\0" * 64)
    with pytest.raises(ValidationError) as caught:
        product_image_add(actor=importing_officer, product=product, upload=gif)
    assert caught.value.code == "bad_format"
    assert not ProductImage.objects.exists()

    product_image_add(actor=importing_officer, product=product, upload=png_upload())
    assert ProductImage.objects.count() == 1


def test_forum_minutes_are_capped_and_sniffed(geography):
    from selection.services import forum_record

    officer = make_officer("500101")
    round_ = make_round()
    tambon = Tambon.objects.get(pk="500101")
    pdf = SimpleUploadedFile("minutes.pdf", b"%PDF-1.7\n" + b"0" * 2000)

    def record(minutes):
        return forum_record(
            actor=officer,
            round_=round_,
            tambon=tambon,
            held_on=round_.tambon_deadline,
            attendee_count=30,
            resolution="มติ",
            minutes=minutes,
        )

    with (
        override_settings(UPLOAD_MAX_DOCUMENT_BYTES=1000),
        pytest.raises(ValidationError) as caught,
    ):
        record(pdf)
    assert caught.value.code == "too_large"
    with pytest.raises(ValidationError) as caught:
        record(SimpleUploadedFile("minutes.pdf", b"<html>not a pdf</html>"))
    assert caught.value.code == "bad_format"
    assert not TambonForum.objects.exists()

    assert record(pdf).minutes.name.endswith(".pdf")


def test_check_size_names_the_file_and_both_sizes(english):
    with pytest.raises(ValidationError) as caught:
        uploads.check_size(b"x" * (3 * MB), 2 * MB, "document")
    assert caught.value.messages == ["The document is 3 MB; the limit is 2 MB."]
    assert uploads.check_size(b"x" * 10, 10, "document") == 10


# Formula cells in exports --------------------------------------------------------

EVIL = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_neutralised(prefix):
    assert escape_formula(prefix + "cmd") == "'" + prefix + "cmd"
    assert escape_formula("ขนม" + prefix) == "ขนม" + prefix
    assert escape_formula(-5) == -5  # numbers stay numbers


def escaped(names) -> set[str]:
    # Writers may store a lone CR inside a cell as LF; the apostrophe stays.
    return {("'" + name).replace("\r", "\n") for name in names}


def all_cells(rows) -> set:
    return {c.replace("\r", "\n") if isinstance(c, str) else c for r in rows for c in r}


def formula_cells(rows) -> list[str]:
    return [
        c
        for row in rows
        for c in row
        if isinstance(c, str) and c.startswith(FORMULA_PREFIXES)
    ]


def csv_rows(response) -> list[list[str]]:
    content = (
        b"".join(response.streaming_content)
        if response.streaming
        else (response.content)
    )
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(response) -> list[list]:
    content = (
        b"".join(response.streaming_content)
        if response.streaming
        else (response.content)
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def evil_products(importing_officer):
    snack = Category.objects.get(code="FOOD-SNACK")
    producer = Producer.objects.get()
    Producer.objects.filter(pk=producer.pk).update(contact_person="@cmd|' /C calc'!A0")
    for name in EVIL:
        Product.objects.create(producer=producer, category=snack, name_th=name)
    return importing_officer


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "url", ["/officer/products/export.{}", "/officer/producers/export.{}"]
)
def test_officer_exports_neutralise_formulas(client, evil_products, url, fmt):
    client.force_login(evil_products)

    response = client.get(url.format(fmt))

    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) > 1
    assert formula_cells(rows) == []
    cells = all_cells(rows)
    if "products" in url:
        assert escaped(EVIL) <= cells
    else:
        assert "'@cmd|' /C calc'!A0" in cells


@pytest.mark.parametrize("fmt", ["0", "1"])
def test_admin_exports_neutralise_formulas(client, evil_products, fmt, central_staff):
    client.force_login(central_staff)
    page = client.get("/admin/products/product/export/")
    fields = set(re.findall(r'name="(\w+resource_\w+)"', page.text))

    response = client.post(
        "/admin/products/product/export/",
        {"format": fmt, "resource": "0", **dict.fromkeys(fields, "on")},
    )

    rows = csv_rows(response) if fmt == "0" else xlsx_rows(response)
    assert formula_cells(rows) == []
    assert escaped(EVIL) <= all_cells(rows)


@pytest.fixture
def evil_registry(published):
    entries = list(RegistryEntry.objects.order_by("pk"))
    for entry, name in zip(entries, ["=1+1", "@SUM(A1)", "\t-2"], strict=True):
        RegistryEntry.objects.filter(pk=entry.pk).update(
            name_th=name, producer_phone="+66 81"
        )
    return entries


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_registry_exports_neutralise_formulas(client, evil_registry, fmt):
    response = client.get(f"/registry/export.{fmt}")

    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) == 4
    assert formula_cells(rows) == []
    names = {row[1] for row in rows[1:]}
    assert names == {"'=1+1", "'@SUM(A1)", "'\t-2"}
    assert {row[8] for row in rows[1:]} == {"'+66 81"}


def test_ranking_export_neutralises_formulas(client, officer, district_board):
    from selection.services import ranking_get
    from tests.selection.ladder import score_all, submitted_nomination

    round_ = make_round(tambon_quota=5)
    nomination = submitted_nomination(officer, round_, "500101", "-2+3")
    score_all(district_board, [nomination], {"A": 8, "B": 8, "C": 8})
    client.force_login(district_board.chair)
    ranking = ranking_get(committee=district_board.committee, round_=round_)

    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        response = client.get(f"/admin/selection/ranking/{ranking.pk}/export.{fmt}")
        rows = read(response)
        assert formula_cells(rows) == []
        assert "'-2+3" in rows[1]
