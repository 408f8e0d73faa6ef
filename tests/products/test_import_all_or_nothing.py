"""An import is all or nothing: one row refused at the producer-matching step
(its registration number belongs to a producer in another officer's tambon)
keeps every other row out too, and the report names the refused row."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.models import Producer, Tambon
from communities.resources import PRODUCER_COLUMNS
from communities.services import assignment_grant
from notifications.models import EventType, Notification
from products import jobs
from products.imports import (
    PRODUCT_COLUMNS,
    load_dataset,
    producers_import,
    products_import,
)
from products.models import Certification, ImportJob, Product
from tests.accounts.factories import UserFactory

# Every test imports as the importing officer (tambon 100101, producer REG-1)
# while another officer's shop in Chiang Mai is in the database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("their_producer")]

MINE, THEIRS = "100101", "500101"  # the officer's tambon; another officer's


@pytest.fixture
def their_producer(importing_officer, central_staff):
    """Another officer's tambon, Chiang Mai's 500101, and a shop there with
    registration number CM-1."""
    other = UserFactory(username="officer-chiang-mai")
    assignment_grant(
        actor=central_staff, user=other, tambon=Tambon.objects.get(pk=THEIRS)
    )
    return Producer.objects.create(
        kind="sme", name_th="ร้านเชียงใหม่", registration_number="CM-1", tambon_id=THEIRS
    )


def as_csv(rows, columns) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(dict.fromkeys(columns, "") | row for row in rows)
    return out.getvalue().encode("utf-8")


def everything():
    """Every row an import could write or change, to compare before and after."""
    return (
        list(Producer.objects.order_by("pk").values()),
        list(Product.objects.order_by("pk").values()),
        list(Certification.objects.order_by("pk").values()),
    )


GOOD_PRODUCER = {
    "tambon_code": MINE,
    "kind": "community",
    "name_th": "วิสาหกิจชุมชนทอผ้าใหม่",
    "registration_number": "VE-NEW",
    "member_count": "12",
}
# In the officer's own tambon by its cell, but the registration number is the
# Chiang Mai shop's: matching it must not hand that producer over.
THEIR_PRODUCER = {
    "tambon_code": MINE,
    "kind": "sme",
    "name_th": "ร้านเชียงใหม่",
    "registration_number": "CM-1",
    "phone": "0812345678",
}


@pytest.mark.parametrize("bad_first", [False, True], ids=["bad-second", "bad-first"])
def test_a_producer_row_matching_another_officers_producer_writes_nothing(
    importing_officer, bad_first
):
    rows = (
        [THEIR_PRODUCER, GOOD_PRODUCER]
        if bad_first
        else [GOOD_PRODUCER, THEIR_PRODUCER]
    )
    bad_row = 2 if bad_first else 3  # the header is row 1
    before = everything()

    report = producers_import(
        actor=importing_officer,
        rows=load_dataset(as_csv(rows, PRODUCER_COLUMNS), "producers.csv"),
        dry_run=False,
    )

    assert [(e.row, e.column) for e in report.errors] == [
        (bad_row, "registration_number")
    ]
    assert THEIRS in report.errors[0].message
    assert not report.committed
    assert (report.created, report.updated) == (0, 0)
    assert everything() == before
    assert not Producer.objects.filter(registration_number="VE-NEW").exists()
    assert Producer.objects.get(registration_number="CM-1").tambon_id == THEIRS


GOOD_PRODUCT = {
    "producer_registration_number": "REG-1",
    "category_code": "FOOD-SNACK",
    "name_th": "ข้าวแต๋นน้ำแตงโม",
    "price": "45",
    "certificate_standard": "FDA",
    "certificate_number": "10-1-00001",
}


@pytest.mark.parametrize("tambon_code", ["", MINE], ids=["no-tambon", "own-tambon"])
@pytest.mark.parametrize("bad_first", [False, True], ids=["bad-second", "bad-first"])
def test_a_product_row_naming_another_officers_producer_writes_nothing(
    importing_officer, bad_first, tambon_code
):
    theirs = {
        "tambon_code": tambon_code,
        "producer_registration_number": "CM-1",
        "category_code": "FOOD-SNACK",
        "name_th": "แคบหมูไร้มัน",
        "price": "60",
    }
    rows = [theirs, GOOD_PRODUCT] if bad_first else [GOOD_PRODUCT, theirs]
    bad_row = 2 if bad_first else 3
    before = everything()

    report = products_import(
        actor=importing_officer,
        rows=load_dataset(as_csv(rows, PRODUCT_COLUMNS), "products.csv"),
        dry_run=False,
    )

    assert [(e.row, e.column) for e in report.errors] == [(bad_row, "tambon_code")]
    assert THEIRS in report.errors[0].message
    assert not report.committed
    assert (report.created, report.certificates_created) == (0, 0)
    assert everything() == before
    assert not Product.objects.exists()
    assert not Certification.objects.exists()


def test_a_row_turning_bad_between_preview_and_import_keeps_the_file_out(
    importing_officer, django_capture_on_commit_callbacks
):
    """Checked clean, confirmed, but before the import runs the officer's
    producer REG-1 moves to another officer's tambon: the import finds it at
    the producer-matching step and writes none of the file."""
    own = {
        "tambon_code": MINE,
        "kind": "community",
        "name_th": "กลุ่มแม่บ้าน",
        "registration_number": "REG-1",
        "phone": "0812345678",
    }
    rows = [GOOD_PRODUCER, own]
    upload = SimpleUploadedFile("producers.csv", as_csv(rows, PRODUCER_COLUMNS))
    job = jobs.import_job_start(
        actor=importing_officer, kind=ImportJob.Kind.PRODUCERS, upload=upload
    )
    assert job.status == ImportJob.Status.READY, job.report
    assert (job.report["new"], job.report["update"]) == (1, 1)
    Producer.objects.filter(registration_number="REG-1").update(tambon_id=THEIRS)
    before = everything()

    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_confirm(actor=importing_officer, job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert [(row, column) for row, column, _message in job.errors] == [
        (3, "registration_number")
    ]
    assert THEIRS in job.errors[0][2]
    assert (job.report["created"], job.report["updated"]) == (0, 0)
    assert everything() == before
    assert not Producer.objects.filter(registration_number="VE-NEW").exists()
    told = Notification.objects.get(recipient=importing_officer)
    assert told.event_type == EventType.IMPORT_FAILED
