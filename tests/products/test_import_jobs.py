"""Import jobs from upload to import: preview, confirm, background tasks for
large files, idempotent tasks, and the officer pages around them."""

import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from communities.models import Producer
from notifications.models import Notification
from otop.celery import app as celery_app
from products import job_steps, jobs, tasks
from products.imports import PRODUCT_COLUMNS
from products.models import ImportJob, Product
from tests.accounts.factories import UserFactory
from tests.db import on_postgresql


@pytest.fixture
def eager_celery():
    """Run tasks in-process even when this run has a real broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def products_csv(count: int, bad_rows: tuple[int, ...] = ()) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PRODUCT_COLUMNS)
    writer.writeheader()
    for i in range(count):
        writer.writerow(
            {
                "producer_registration_number": "REG-1",
                "category_code": "NO-SUCH" if i in bad_rows else "FOOD-SNACK",
                "name_th": f"ขนมไทย {i}",
                "story": "สูตรของยาย",
                "price": "35",
            }
        )
    return SimpleUploadedFile("products.csv", buffer.getvalue().encode("utf-8"))


def test_a_small_file_is_checked_at_once_and_imported_on_confirm(
    client, importing_officer, django_capture_on_commit_callbacks
):
    client.force_login(importing_officer)

    response = client.post(
        "/officer/imports/", {"kind": "products", "file": products_csv(20)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.READY
    assert job.report["new"] == 20
    assert not Product.objects.exists()  # nothing before the confirmation
    assert "Confirm and import" in client.get(f"/officer/imports/{job.pk}/").text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/officer/imports/{job.pk}/confirm/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.report["created"] == 20
    assert Product.objects.count() == 20
    assert not job.file  # the upload is not kept once imported


def test_a_file_with_errors_imports_nothing_and_lists_every_bad_row(
    client, importing_officer
):
    client.force_login(importing_officer)

    client.post(
        "/officer/imports/",
        {"kind": "products", "file": products_csv(30, bad_rows=(3, 17))},
    )

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert [(row, column) for row, column, _ in job.errors] == [
        (5, "category_code"),
        (19, "category_code"),
    ]
    page = client.get(f"/officer/imports/{job.pk}/").text
    assert "2 problems" in page and "category_code" in page
    assert "Confirm and import" not in page
    assert not Product.objects.exists()


def test_an_unreadable_file_is_refused_on_the_form_and_no_job_is_kept(
    client, importing_officer
):
    client.force_login(importing_officer)
    fake = SimpleUploadedFile("products.xlsx", b"this is not a spreadsheet")

    response = client.post("/officer/imports/", {"kind": "products", "file": fake})

    assert response.status_code == 200
    assert "error" in response.text
    assert not ImportJob.objects.exists()


def test_another_officer_cannot_see_or_confirm_my_import(client, importing_officer):
    client.force_login(importing_officer)
    client.post("/officer/imports/", {"kind": "products", "file": products_csv(5)})
    job = ImportJob.objects.get()

    client.force_login(UserFactory(username="other_officer"))
    assert client.get(f"/officer/imports/{job.pk}/").status_code == 404
    assert client.post(f"/officer/imports/{job.pk}/confirm/").status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY


def test_a_large_file_is_checked_and_imported_by_tasks_with_progress(
    client,
    importing_officer,
    settings,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    settings.IMPORT_ASYNC_ROWS = 10
    client.force_login(importing_officer)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/officer/imports/", {"kind": "products", "file": products_csv(25)})
    job = ImportJob.objects.get()
    assert len(callbacks) == 1  # the check went to a task, after commit
    assert job.status == ImportJob.Status.READY
    assert job.processed_rows == 25

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/officer/imports/{job.pk}/confirm/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Product.objects.count() == 25


def test_the_job_page_refreshes_itself_while_the_work_goes_on(
    client, importing_officer
):
    job = ImportJob.objects.create(
        user=importing_officer,
        kind="products",
        filename="big.csv",
        total_rows=8000,
        processed_rows=2000,
    )
    client.force_login(importing_officer)

    page = client.get(f"/officer/imports/{job.pk}/").text

    assert 'http-equiv="refresh"' in page
    assert 'value="25"' in page  # 2,000 of 8,000 rows checked


def _ready_job(officer, count=10):
    job = jobs.import_job_start(
        actor=officer, kind="products", upload=products_csv(count)
    )
    assert job.status == ImportJob.Status.READY
    return job


def test_running_an_import_twice_imports_once(
    importing_officer, django_capture_on_commit_callbacks
):
    job = _ready_job(importing_officer)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_confirm(actor=importing_officer, job=job)

    jobs.import_job_run(job_id=job.pk)  # a repeated delivery of the task

    assert Product.objects.count() == 10
    job.refresh_from_db()
    assert job.report["created"] == 10


def test_a_crash_mid_import_leaves_nothing_behind(
    importing_officer, monkeypatch, django_capture_on_commit_callbacks
):
    job = _ready_job(importing_officer)
    real_bulk_create = Product.objects.bulk_create

    def crash_after_writing(objs, *args, **kwargs):
        real_bulk_create(objs, *args, **kwargs)
        raise RuntimeError("worker lost")

    monkeypatch.setattr(Product.objects, "bulk_create", crash_after_writing)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_confirm(actor=importing_officer, job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Product.objects.exists()


def test_the_sweeper_resends_a_job_whose_task_was_lost(importing_officer, eager_celery):
    job = jobs.import_job_start(
        actor=importing_officer, kind="products", upload=products_csv(5)
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKING,
        updated_at=timezone.now() - job_steps.STALE_AFTER * 2,
    )

    assert tasks.sweep_import_jobs() == 1

    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY


def test_a_cancelled_import_cannot_be_confirmed(importing_officer):
    from django.core.exceptions import ValidationError

    job = _ready_job(importing_officer)
    jobs.import_job_cancel(actor=importing_officer, job=job)

    with pytest.raises(ValidationError):
        jobs.import_job_confirm(actor=importing_officer, job=job)
    assert not Product.objects.exists()


def test_errors_are_reported_in_the_uploaders_language(importing_officer):
    importing_officer.preferred_language = "th"
    importing_officer.save()
    job = jobs.import_job_start(
        actor=importing_officer, kind="products", upload=products_csv(3, bad_rows=(0,))
    )
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0][2] == "ไม่พบหมวดหมู่ NO-SUCH"


def test_templates_have_the_import_columns(client, importing_officer):
    client.force_login(importing_officer)

    response = client.get("/officer/imports/template/products.csv")

    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == list(PRODUCT_COLUMNS)
    assert client.get("/officer/imports/template/nothing.csv").status_code == 404


def test_product_export_follows_the_list_filters_and_defuses_formulas(
    client, importing_officer, django_capture_on_commit_callbacks
):
    job = _ready_job(importing_officer, count=3)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_confirm(actor=importing_officer, job=job)
    Product.objects.filter(name_th="ขนมไทย 0").update(name_th="=HYPERLINK(1)")
    client.force_login(importing_officer)

    csv_text = client.get("/officer/products/export.csv").content.decode("utf-8-sig")
    filtered = client.get("/officer/products/export.csv?q=ขนมไทย 2").content.decode(
        "utf-8-sig"
    )
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/officer/products/export.xlsx").content)
    )

    assert "'=HYPERLINK(1)" in csv_text
    assert len(filtered.strip().splitlines()) == 2  # header and one product
    assert workbook.active.max_row == 4
    assert client.get("/officer/products/export.pdf").status_code == 404


def test_exports_hold_only_the_officers_own_products(
    client, importing_officer, central_staff
):
    Producer.objects.create(kind="sme", name_th="ร้านอื่น", tambon_id="500101")
    other = Producer.objects.get(name_th="ร้านอื่น")
    Product.objects.create(
        producer=other,
        category_id=Product._meta.get_field("category")
        .related_model.objects.get(code="FOOD-SNACK")
        .pk,
        name_th="ของคนอื่น",
    )
    client.force_login(importing_officer)

    assert "ของคนอื่น" not in client.get("/officer/products/export.csv").content.decode()
    assert "ร้านอื่น" not in client.get("/officer/producers/export.csv").content.decode()


@pytest.mark.broker
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (CI)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_checks_and_imports_a_large_file(importing_officer, settings):
    settings.IMPORT_ASYNC_ROWS = 10
    job = jobs.import_job_start(
        actor=importing_officer, kind="products", upload=products_csv(40)
    )

    job = _wait_for(job, {ImportJob.Status.READY, ImportJob.Status.INVALID})
    assert job.status == ImportJob.Status.READY, job.report
    jobs.import_job_confirm(actor=importing_officer, job=job)
    job = _wait_for(job, {ImportJob.Status.DONE, ImportJob.Status.FAILED})

    assert job.status == ImportJob.Status.DONE, job.failure
    assert Product.objects.count() == 40


def _wait_for(job, statuses, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still {job.status} after {seconds}s")


# A worker lost mid-import ---------------------------------------------------------


def _confirm_without_running(officer, job, monkeypatch):
    """Confirm as the officer does, but let no attempt start yet."""
    with monkeypatch.context() as patch:
        patch.setattr(jobs, "import_job_run", lambda **kwargs: None)
        patch.setattr(tasks.run_import_job, "delay", lambda *args: None)
        jobs.import_job_confirm(actor=officer, job=job)


def _sweep_later(job):
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - job_steps.STALE_AFTER * 2
    )
    return tasks.sweep_import_jobs()


def test_an_import_whose_worker_died_is_reported_failed_not_retried(
    client, importing_officer, monkeypatch, eager_celery
):
    job = _ready_job(importing_officer)
    _confirm_without_running(importing_officer, job, monkeypatch)

    def killed(*args, **kwargs):  # not an Exception: nothing in the app catches it
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Product.objects, "bulk_create", killed)
        with pytest.raises(KeyboardInterrupt):
            jobs.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING  # nobody is left to say
    assert _sweep_later(job) == 1  # the task sent again, found interrupted

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "nothing was imported" in job.failure
    assert not Product.objects.exists()
    assert Notification.objects.filter(
        recipient=importing_officer, event_type="import_failed"
    ).exists()
    client.force_login(importing_officer)
    page = client.get(f"/officer/imports/{job.pk}/").content.decode()
    assert job.failure in page and 'http-equiv="refresh"' not in page
    assert _sweep_later(job) == 0


KILLED_WORKER = """
import sys, time
import django
django.setup()
from django.db import connection
from products import jobs
from products.imports import sheet
from products.models import Product

sheet._chunks.__defaults__ = (10,)  # write the products ten at a time
write = Product.objects.bulk_create
written = []

def write_then_pause(objs, *args, **kwargs):
    result = write(objs, *args, **kwargs)
    written.append(len(objs))
    if len(written) == 2:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        print(Product.objects.count(), backend, flush=True)
        time.sleep(120)
    return result

Product.objects.bulk_create = write_then_pause
jobs.import_job_run(job_id=int(sys.argv[1]))
print("finished", flush=True)
"""


def _worker(job) -> subprocess.Popen:
    database = django_settings.DATABASES["default"]
    env = {
        key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"
    }
    env.update(
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{connection.settings_dict['NAME']}"
        ),
        DJANGO_SETTINGS_MODULE="otop.settings.test",
        DJANGO_PRIVATE_MEDIA_ROOT=str(django_settings.PRIVATE_MEDIA_ROOT),
        DJANGO_CONN_MAX_AGE="0",
    )
    return subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-c", KILLED_WORKER, str(job.pk)],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _first_line(process, seconds=60) -> str:
    line = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))
    reader.daemon = True
    reader.start()
    reader.join(seconds)
    return line[0].strip() if line else ""


def _backend_gone(pid: int, seconds=30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]
            )
            if cursor.fetchone()[0] == 0:
                return True
        time.sleep(0.1)
    return False


@on_postgresql  # a second process shares the test database
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_fails(
    importing_officer, monkeypatch, eager_celery
):
    job = _ready_job(importing_officer, count=40)
    _confirm_without_running(importing_officer, job, monkeypatch)
    worker = _worker(job)
    try:
        paused = _first_line(worker)
        assert paused, "the import worker never reached the pause"
        written, backend = (int(n) for n in paused.split())
        assert written == 20  # half the rows, inside the worker's transaction
        assert not Product.objects.exists()  # none visible outside it
    finally:
        worker.send_signal(signal.SIGKILL)  # no goodbye, no rollback sent
        worker.wait(10)
    assert _backend_gone(backend), "PostgreSQL kept the killed worker's session"

    assert not Product.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING
    assert _sweep_later(job) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED, job.failure
    assert not Product.objects.exists()


def test_a_duplicate_delivery_right_after_the_start_mark_fails_nothing(
    importing_officer, monkeypatch, eager_celery
):
    """An attempt commits its start mark before it takes the job's lock; a
    duplicate delivery landing in between must not report the job failed."""
    job = _ready_job(importing_officer)
    _confirm_without_running(importing_officer, job, monkeypatch)
    assert job_steps._mark_started(job.pk)  # the first attempt, not yet locked

    jobs.import_job_run(job_id=job.pk)  # the duplicate

    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING
    assert _sweep_later(job) == 1  # only a stale mark is judged interrupted
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
