"""The work of an import job, step by step: check (the preview) and run (the
import), each idempotent and guarded by the job's status, so a task
delivered twice does the work once; the import itself is one transaction, so
a worker dying mid-write leaves nothing behind. Called by the Celery tasks
(``products.tasks``) and, for small files, in the request by
``products.jobs``; it calls neither back.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import EventType
from notifications.services import notify
from products.imports import (
    ImportReport,
    load_dataset,
    producers_import,
    products_import,
)
from products.models import ImportJob

logger = logging.getLogger(__name__)

IMPORTERS = {
    ImportJob.Kind.PRODUCERS: producers_import,
    ImportJob.Kind.PRODUCTS: products_import,
}
STALE_AFTER = dt.timedelta(minutes=10)


def is_large(job: ImportJob) -> bool:
    return job.total_rows >= settings.IMPORT_ASYNC_ROWS


def import_job_check(*, job_id: int) -> None:
    """Dry-run the whole file and keep the preview (Celery, large files)."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return
    dataset = _load(job)
    if dataset is not None:
        check_dataset(job, dataset)


def check_dataset(job: ImportJob, dataset) -> None:
    def on_progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    with translation.override(job.user.preferred_language):
        report = IMPORTERS[job.kind](
            actor=job.user, rows=dataset, dry_run=True, on_progress=on_progress
        )
    job.report = _as_json(report)
    job.processed_rows = job.total_rows
    job.status = (
        ImportJob.Status.INVALID if report.has_errors else ImportJob.Status.READY
    )
    if report.has_errors:
        job.finished_at = timezone.now()
        discard_file(job)
    job.save()
    if report.has_errors and is_large(job):  # checked in the background
        _tell_the_importer(job)


def import_job_run(*, job_id: int) -> None:
    """Write the confirmed file in one transaction (all or nothing).

    An attempt first commits a mark that it started (the failure to show if
    it never finishes). A later delivery of the task (the worker was killed
    and the task requeued, or the sweeper re-sent it) that finds the mark and
    no live attempt holding the job reports the job failed instead of trying
    again: the killed attempt's transaction was rolled back, so nothing was
    written, and a file that kills workers cannot loop for ever."""
    try:
        if not _mark_started(job_id):
            _fail_if_interrupted(job_id)
            return
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update()
                .select_related("user")
                .get(pk=job_id)
            )
            if job.status != ImportJob.Status.IMPORTING:
                return  # done already, or cancelled: a repeated delivery
            dataset = _load(job)
            if dataset is None:
                return
            with translation.override(job.user.preferred_language):
                try:
                    report = IMPORTERS[job.kind](
                        actor=job.user, rows=dataset, dry_run=False
                    )
                except ValidationError as error:
                    report = ImportReport(total_rows=job.total_rows)
                    report.add_error(0, "", " ".join(error.messages))
            job.report = _as_json(report)
            job.processed_rows = job.total_rows
            # Rows can turn bad between the check and the import (someone
            # edited the same producers): then nothing was written.
            job.status = (
                ImportJob.Status.INVALID if report.has_errors else ImportJob.Status.DONE
            )
            job.finished_at = timezone.now()
            job.failure = ""  # the mark of a started attempt
            discard_file(job)
            job.save()
            _tell_the_importer(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            failure=_("An unexpected error stopped the import; nothing was imported."),
            finished_at=timezone.now(),
        )
        _tell_the_importer(ImportJob.objects.select_related("user").get(pk=job_id))


def _interrupted_message(job: ImportJob) -> str:
    with translation.override(job.user.preferred_language):
        return _(
            "The import stopped before it finished (the server working on it "
            "was lost); nothing was imported. Upload the file again."
        )


def _mark_started(job_id: int) -> bool:
    """Commit "an attempt has started" on a job waiting to be imported; False
    if it is not waiting, or an earlier attempt already started it."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return False
    return bool(
        ImportJob.objects.filter(
            pk=job_id, status=ImportJob.Status.IMPORTING, failure=""
        ).update(failure=_interrupted_message(job), updated_at=timezone.now())
    )


def _fail_if_interrupted(job_id: int) -> None:
    """A started job whose row no live attempt holds locked was interrupted:
    report it failed. While an attempt runs, its lock makes this skip; a mark
    younger than STALE_AFTER is left alone too, since an attempt takes the
    lock only after committing its mark (a duplicate delivery in between
    must not fail it). The sweeper re-sends a stale job later."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(
                pk=job_id,
                status=ImportJob.Status.IMPORTING,
                updated_at__lt=timezone.now() - STALE_AFTER,
            )
            .exclude(failure="")
            .first()
        )
        if job is None:
            return
        logger.warning("import job %s was interrupted; reported failed", job_id)
        job.status = ImportJob.Status.FAILED
        job.finished_at = timezone.now()
        discard_file(job)
        job.save()
        _tell_the_importer(job)


def _tell_the_importer(job: ImportJob) -> None:
    done = job.status == ImportJob.Status.DONE
    notify(
        event_type=EventType.IMPORT_FINISHED if done else EventType.IMPORT_FAILED,
        event_key=f"import:{job.pk}:{job.status}",
        recipients=[job.user],
        context={
            "filename": job.filename,
            "created": job.report.get("created", 0),
            "updated": job.report.get("updated", 0),
            "problem_count": len(job.errors),
        },
        link=reverse("imports:import_detail", args=[job.pk]),
    )


def import_jobs_stale(now: dt.datetime | None = None):
    """Jobs a lost task left waiting: checking or importing for too long."""
    now = now or timezone.now()
    return ImportJob.objects.filter(
        status__in=[ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING],
        updated_at__lt=now - STALE_AFTER,
    )


def _load(job: ImportJob):
    try:
        with job.file.open("rb") as handle:
            return load_dataset(handle, job.filename)
    except (FileNotFoundError, ValueError, ValidationError) as error:
        logger.warning("import job %s: file unreadable: %s", job.pk, error)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            failure=_("The uploaded file is no longer readable; upload it again."),
            finished_at=timezone.now(),
        )
        return None


def discard_file(job: ImportJob) -> None:
    if job.file:
        name, storage = job.file.name, job.file.storage
        transaction.on_commit(lambda: storage.delete(name))
        job.file = None


def _as_json(report: ImportReport) -> dict[str, Any]:
    actions = list(report.actions.values())
    return {
        "errors": [[e.row, e.column, e.message] for e in report.errors],
        "new": actions.count("new"),
        "update": actions.count("update"),
        "created": report.created,
        "updated": report.updated,
        "certificates_created": report.certificates_created,
        "certificates_updated": report.certificates_updated,
    }
