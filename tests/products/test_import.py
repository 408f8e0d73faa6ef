import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.models import Producer, Tambon
from communities.resources import PRODUCER_COLUMNS, ProducerResource
from communities.services import assignment_grant
from products.imports import (
    PRODUCT_COLUMNS,
    load_dataset,
    parse_date,
    producers_import,
    products_import,
)
from products.models import Category, Certification, Product
from products.resources import ProductResource

ROWS = 1000

pytestmark = pytest.mark.officer_tambon("100101")


@pytest.fixture
def two_tambon_officer(officer, central_staff):
    """The officer of 100101, assigned its neighbour 100102 as well: the
    import files name producers in both."""
    assignment_grant(
        actor=central_staff, user=officer, tambon=Tambon.objects.get(pk="100102")
    )
    return officer


@pytest.fixture
def producers(two_tambon_officer):
    made = [
        Producer.objects.create(
            kind="community",
            name_th=f"กลุ่มแม่บ้าน {i}",
            registration_number=f"REG-{i:03d}",
            tambon_id="100101" if i % 2 else "100102",
        )
        for i in range(10)
    ]
    outside = Producer.objects.create(
        kind="sme", name_th="ร้านเชียงใหม่", registration_number="CM-1", tambon_id="500101"
    )
    return made, outside


def product_rows(count=ROWS):
    rows = []
    for i in range(count):
        rows.append(
            {
                "tambon_code": "",
                "producer_registration_number": f"REG-{i % 10:03d}",
                "producer_name_th": "",
                "category_code": "FOOD-SNACK",
                "name_th": f"ขนม {i}",
                "name_en": f"Snack {i}",
                "description": "",
                "story": "สูตรของยาย",
                "price": "45.50",
                "unit": "ถุง",
                "monthly_capacity": "1,000",
                "certificate_standard": "FDA" if i % 3 == 0 else "",
                "certificate_number": f"10-1-{i:05d}" if i % 3 == 0 else "",
                "certificate_issued_on": "15/01/2567" if i % 3 == 0 else "",
                "certificate_expires_on": "2027-01-14" if i % 3 == 0 else "",
            }
        )
    return rows


def as_csv(rows, columns=PRODUCT_COLUMNS, bom=False):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def as_xlsx(rows, columns=PRODUCT_COLUMNS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row[c] for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def load(data, name):
    return load_dataset(SimpleUploadedFile(name, data), name)


BAD = {
    # data index → (change, column expected in the error)
    10: ({"tambon_code": "999999"}, "tambon_code"),
    120: (
        {"producer_registration_number": "CM-1"},
        "tambon_code",
    ),  # outside the officer's assignment
    230: ({"producer_registration_number": "NOPE"}, "producer_registration_number"),
    340: ({"category_code": "FOOD-XYZ"}, "category_code"),
    450: ({"category_code": "FOOD"}, "category_code"),  # not a leaf
    560: ({"price": "สี่สิบ"}, "price"),
    670: ({"monthly_capacity": "-3"}, "monthly_capacity"),
    # Row 780 is certificate-bearing (780 % 3 == 0): a date that does not exist.
    780: ({"certificate_issued_on": "31/02/2567"}, "certificate_issued_on"),
    890: ({"name_th": "ขนม 0"}, "name_th"),  # same producer and name as row 2
    995: ({"name_th": ""}, "name_th"),  # missing
}


def test_bad_rows_are_all_reported_and_nothing_is_written(
    two_tambon_officer, producers
):
    rows = product_rows()
    for index, (change, _column) in BAD.items():
        rows[index].update(change)

    report = products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )

    assert not report.committed
    assert Product.objects.count() == 0
    assert Certification.objects.count() == 0
    assert report.total_rows == ROWS
    found = {(e.row, e.column) for e in report.errors}
    expected = {(index + 2, column) for index, (_c, column) in BAD.items()}
    assert found == expected, report.errors
    assert all(e.message for e in report.errors)


def test_error_messages_follow_the_active_language(
    two_tambon_officer, producers, english
):
    rows = product_rows(2)
    rows[1]["category_code"] = "NOPE"
    report = products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "category_code", "Unknown category NOPE.")
    ]


def test_clean_file_imports_every_row(two_tambon_officer, producers):
    report = products_import(
        actor=two_tambon_officer,
        rows=load(as_csv(product_rows(), bom=True), "p.csv"),
        dry_run=False,
    )

    assert report.errors == []
    assert report.committed
    assert report.created == ROWS
    assert set(report.actions.values()) == {"new"}
    assert Product.objects.count() == ROWS
    assert Certification.objects.count() == 334
    product = Product.objects.get(name_th="ขนม 3")
    assert product.price == Decimal("45.50")
    assert product.monthly_capacity == 1000
    assert product.category == Category.objects.get(code="FOOD-SNACK")
    certificate = product.certifications.get()
    assert certificate.issued_on == dt.date(2024, 1, 15)  # 2567 B.E.
    assert certificate.expires_on == dt.date(2027, 1, 14)


def test_dry_run_previews_without_writing(two_tambon_officer, producers):
    report = products_import(
        actor=two_tambon_officer,
        rows=load(as_csv(product_rows(5)), "p.csv"),
        dry_run=True,
    )
    assert report.errors == []
    assert report.actions == dict.fromkeys(range(2, 7), "new")
    assert not report.committed
    assert Product.objects.count() == 0


def test_reimport_updates_instead_of_duplicating(two_tambon_officer, producers):
    data = as_csv(product_rows())
    products_import(actor=two_tambon_officer, rows=load(data, "p.csv"), dry_run=False)

    rows = product_rows()
    rows[7]["price"] = "99"
    report = products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )

    assert report.errors == []
    assert set(report.actions.values()) == {"update"}
    assert report.created == 0
    assert report.updated == 1  # only the changed row is written
    assert report.certificates_created == 0
    assert Product.objects.count() == ROWS
    assert Certification.objects.count() == 334
    assert Product.objects.get(name_th="ขนม 7").price == Decimal("99.00")


def test_repeated_product_rows_add_certificates(two_tambon_officer, producers):
    rows = product_rows(1)
    second = dict(rows[0], certificate_standard="TCPS", certificate_number="มผช. 1")
    report = products_import(
        actor=two_tambon_officer,
        rows=load(as_csv([rows[0], second]), "p.csv"),
        dry_run=False,
    )
    assert report.errors == []
    product = Product.objects.get()
    assert sorted(product.certifications.values_list("standard__code", flat=True)) == [
        "FDA",
        "TCPS",
    ]


def test_xlsx_and_csv_import_alike(two_tambon_officer, producers):
    rows = product_rows(50)
    report = products_import(
        actor=two_tambon_officer, rows=load(as_xlsx(rows), "p.xlsx"), dry_run=False
    )
    assert report.errors == []
    assert report.created == 50

    rows[0]["story"] = "เรื่องใหม่"
    report = products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )
    assert report.errors == []
    assert report.updated == 1
    assert Product.objects.count() == 50


def test_xlsx_numbers_and_dates_are_read_as_text():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["tambon_code", "price", "certificate_issued_on"])
    sheet.append([100101, 45.0, dt.datetime(2024, 1, 15)])
    out = io.BytesIO()
    workbook.save(out)
    dataset = load(out.getvalue(), "p.xlsx")
    assert list(dataset[0]) == ["100101", "45", "2024-01-15"]


def test_tambon_outside_the_assignment_is_a_row_error(two_tambon_officer, producers):
    rows = product_rows(2)
    rows[1].update(
        tambon_code="500101",
        producer_registration_number="",
        producer_name_th="ร้านเชียงใหม่",
    )
    report = products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "tambon_code")]
    assert Product.objects.count() == 0


def test_producer_by_tambon_and_name(two_tambon_officer, producers):
    rows = product_rows(1)
    rows[0].update(
        tambon_code="100102",
        producer_registration_number="",
        producer_name_th="กลุ่มแม่บ้าน 0",
    )
    report = products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )
    assert report.errors == []
    assert Product.objects.get().producer == producers[0][0]


@pytest.mark.parametrize("count", [100, ROWS])
def test_import_writes_every_row_in_a_fixed_number_of_queries(
    two_tambon_officer, producers, django_assert_max_num_queries, count
):
    dataset = load(as_csv(product_rows(count)), "p.csv")
    # Lookups once per import and batched inserts (SQLite caps a batch at 999
    # parameters, so ~100 rows): a few dozen queries for 1,000 rows.
    with django_assert_max_num_queries(40):
        report = products_import(actor=two_tambon_officer, rows=dataset, dry_run=False)

    # ... and every row was written, with the sheet's values.
    certified = len(range(0, count, 3))  # every third row carries a certificate
    assert report.errors == []
    assert (report.created, report.certificates_created) == (count, certified)
    assert Product.objects.count() == count
    assert Certification.objects.count() == certified
    last = Product.objects.get(name_th=f"ขนม {count - 1}")
    assert last.name_en == f"Snack {count - 1}"
    assert last.producer.registration_number == f"REG-{(count - 1) % 10:03d}"
    assert (last.price, last.monthly_capacity, last.unit) == (
        Decimal("45.50"),
        1000,
        "ถุง",
    )
    assert last.category.code == "FOOD-SNACK"
    certificate = Certification.objects.get(product__name_th="ขนม 0")
    assert (certificate.standard.code, certificate.number) == ("FDA", "10-1-00000")
    assert (certificate.issued_on, certificate.expires_on) == (
        dt.date(2024, 1, 15),
        dt.date(2027, 1, 14),
    )


def test_missing_column_is_reported_on_the_header_row(two_tambon_officer, producers):
    data = "producer_registration_number,name_th\nREG-001,ขนม\n".encode()
    report = products_import(
        actor=two_tambon_officer, rows=load(data, "p.csv"), dry_run=False
    )
    assert [(e.row, e.column) for e in report.errors] == [(1, "category_code")]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "p.csv"),
        ("ชื่อ\n".encode("tis-620"), "p.csv"),
        (b"not a zip", "p.xlsx"),
        (b"a,b\n1,2\n", "p.txt"),
        (b"a\n1,2\n", "p.csv"),
    ],
)
def test_unreadable_files_are_refused(data, name):
    with pytest.raises(ValidationError):
        load(data, name)


def test_files_over_the_row_limit_are_refused(monkeypatch, english):
    monkeypatch.setattr("products.imports.reading.MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="has 4 rows; the most one import"):
        load(b"a\n1\n2\n3\n4\n", "p.csv")
    assert load(b"a\n1\n2\n3\n", "p.csv").height == 3


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-01-15", dt.date(2024, 1, 15)),
        ("2567-01-15", dt.date(2024, 1, 15)),
        ("15/01/2567", dt.date(2024, 1, 15)),
        ("5/1/2024", dt.date(2024, 1, 5)),
        ("", None),
    ],
)
def test_dates_in_buddhist_or_common_era(text, day):
    assert parse_date(text) == day


def test_producers_import_creates_then_updates(two_tambon_officer):
    rows = [
        dict.fromkeys(PRODUCER_COLUMNS, "")
        | {
            "tambon_code": "100101",
            "kind": "community",
            "name_th": f"วิสาหกิจ {i}",
            "registration_number": f"VE-{i}" if i % 2 else "",
            "member_count": "12",
            "founded_year": "2550",
        }
        for i in range(20)
    ]
    report = producers_import(
        actor=two_tambon_officer,
        rows=load(as_csv(rows, PRODUCER_COLUMNS), "c.csv"),
        dry_run=False,
    )
    assert report.errors == []
    assert Producer.objects.count() == 20
    assert Producer.objects.get(name_th="วิสาหกิจ 1").founded_year == 2007

    rows[1]["phone"] = "0812345678"
    rows[2]["tambon_code"] = "500101"
    rows[3]["kind"] = "shop"
    report = producers_import(
        actor=two_tambon_officer,
        rows=load(as_csv(rows, PRODUCER_COLUMNS), "c.csv"),
        dry_run=False,
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (4, "tambon_code"),
        (5, "kind"),
    ]

    rows[2]["tambon_code"], rows[3]["kind"] = "100101", "sme"
    report = producers_import(
        actor=two_tambon_officer,
        rows=load(as_csv(rows, PRODUCER_COLUMNS), "c.csv"),
        dry_run=False,
    )
    assert report.errors == []
    assert report.created == 0
    assert report.updated == 2
    assert Producer.objects.count() == 20


def test_export_escapes_formula_cells(two_tambon_officer, producers):
    rows = product_rows(3)
    rows[0]["name_th"] = '=HYPERLINK("http://evil")'
    rows[1]["story"] = "@SUM(A1)"
    rows[2]["name_en"] = "-2+3"
    products_import(
        actor=two_tambon_officer, rows=load(as_csv(rows), "p.csv"), dry_run=False
    )

    dataset = ProductResource().export(queryset=Product.objects.all())
    exported = dataset.export("csv")
    assert "'=HYPERLINK" in exported
    assert "'@SUM(A1)" in exported
    assert "'-2+3" in exported
    assert "\n=" not in exported and ",=" not in exported

    Producer.objects.filter(pk=producers[0][0].pk).update(contact_person="+66 cmd")
    producer_rows = ProducerResource().export(queryset=Producer.objects.all()).dict
    assert {"'+66 cmd"} <= {row["contact_person"] for row in producer_rows}


def test_export_honours_the_queryset_and_reimports(two_tambon_officer, producers):
    products_import(
        actor=two_tambon_officer,
        rows=load(as_csv(product_rows(30)), "p.csv"),
        dry_run=False,
    )
    queryset = Product.objects.filter(producer__registration_number="REG-003")

    dataset = ProductResource().export(queryset=queryset)

    assert dataset.headers == list(PRODUCT_COLUMNS)
    assert {row["producer_registration_number"] for row in dataset.dict} == {"REG-003"}
    assert len(dataset) == queryset.count()
    xlsx = dataset.export("xlsx")
    report = products_import(
        actor=two_tambon_officer, rows=load(xlsx, "e.xlsx"), dry_run=False
    )
    assert report.errors == []
    assert set(report.actions.values()) == {"update"}
    assert report.updated == 0
