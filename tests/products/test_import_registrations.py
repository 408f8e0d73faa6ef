"""The producer import's OTOP registration columns (issue #19): a row may
bring a registration made before the portal; a bad one fails the whole file
with its row and column."""

import csv
import datetime as dt
import io

import pytest

from communities.models import Producer, ProducerRegistration
from communities.resources import PRODUCER_COLUMNS
from products.imports import PRODUCER_IMPORT_COLUMNS, load_dataset, producers_import
from tests.communities.factories import officer_for, tambon
from tests.rows import changed_rows, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(geography):
    return officer_for(tambon("500101"), username="importer")


def as_csv(rows, columns) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def producer_row(name: str, **registration) -> dict:
    return dict.fromkeys(PRODUCER_IMPORT_COLUMNS, "") | {
        "tambon_code": "500101",
        "kind": "community",
        "name_th": name,
        **registration,
    }


def run(actor, rows, columns=PRODUCER_IMPORT_COLUMNS):
    return producers_import(
        actor=actor,
        rows=load_dataset(as_csv(rows, columns), "producers.csv"),
        dry_run=False,
    )


def test_a_row_with_registration_columns_creates_the_registration(importer):
    report = run(
        importer,
        [
            producer_row(
                "กลุ่มทอผ้า",
                otop_status="approved",
                otop_number="OTOP-50-2566-00012",
                otop_applied_on="15/01/2566",
                otop_valid_until="31/01/2570",
            ),
            producer_row("กลุ่มจักสาน", otop_status="applied"),
            producer_row("กลุ่มไม่มีทะเบียน"),
        ],
    )

    assert report.errors == []
    held = ProducerRegistration.objects.get(producer__name_th="กลุ่มทอผ้า")
    assert (held.status, held.number) == ("approved", "OTOP-50-2566-00012")
    assert held.applied_on == dt.date(2023, 1, 15)
    assert held.valid_until == dt.date(2027, 1, 31)
    assert sorted(held.events.values_list("action", flat=True)) == [
        "applied",
        "approved",
    ]
    applied = ProducerRegistration.objects.get(producer__name_th="กลุ่มจักสาน")
    assert applied.status == "applied"
    assert not ProducerRegistration.objects.filter(
        producer__name_th="กลุ่มไม่มีทะเบียน"
    ).exists()


def test_the_old_columns_alone_still_import(importer):
    row = {k: v for k, v in producer_row("กลุ่มเดิม").items() if k in PRODUCER_COLUMNS}
    assert run(importer, [row], PRODUCER_COLUMNS).errors == []
    assert Producer.objects.filter(name_th="กลุ่มเดิม").exists()


@pytest.mark.parametrize(
    ("registration", "column"),
    [
        ({"otop_status": "valid"}, "otop_status"),
        ({"otop_number": "X-1"}, "otop_status"),  # a number without a status
        (
            {
                "otop_status": "approved",
                "otop_number": "N-1",
                "otop_valid_until": "31/02/2570",
            },
            "otop_valid_until",
        ),
        (
            {"otop_status": "approved", "otop_number": "N-1", "otop_valid_until": "x"},
            "otop_valid_until",
        ),
        ({"otop_status": "approved", "otop_valid_until": "01/01/2570"}, "otop_number"),
        (
            {"otop_status": "applied", "otop_applied_on": "01/01/2600"},
            "otop_applied_on",
        ),
    ],
)
def test_a_bad_registration_fails_the_whole_file_naming_row_and_column(
    importer, registration, column
):
    before = row_counts()

    report = run(
        importer, [producer_row("กลุ่มดี"), producer_row("กลุ่มผิด", **registration)]
    )

    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert changed_rows(before) == {}


def test_a_registration_number_twice_or_already_taken_is_refused(importer):
    approved = {
        "otop_status": "approved",
        "otop_number": "N-1",
        "otop_valid_until": "01/01/2570",
    }
    report = run(
        importer, [producer_row("ก", **approved), producer_row("ข", **approved)]
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "otop_number")]

    assert run(importer, [producer_row("ก", **approved)]).errors == []
    report = run(importer, [producer_row("ค", **approved)])
    assert [(e.row, e.column) for e in report.errors] == [(2, "otop_number")]
    assert not Producer.objects.filter(name_th="ค").exists()
