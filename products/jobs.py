"""The life of an import: upload → check (preview) → confirm → import.

Small files go through during the request; files of ``IMPORT_ASYNC_ROWS`` rows
or more are checked and imported by Celery tasks (``products.tasks``), which
save progress on the job. Every step is idempotent and guarded by the job's
status, so a task delivered twice (a worker lost mid-way, the sweeper) does
the work once; the import itself is one transaction, so a worker dying
mid-write leaves nothing behind and the redelivered task starts afresh.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from products.imports import (
    load_dataset,
)
from products.job_steps import (
    IMPORTERS,
    check_dataset,
    discard_file,
    import_job_run,
    is_large,
)
from products.models import ImportJob
from products.tasks import check_import_job, run_import_job


@transaction.atomic
def import_job_start(*, actor: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Store the upload and check it; a bad file is refused with a clear
    message and nothing is kept."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied
    if kind not in IMPORTERS:
        raise ValidationError(_("Choose what the file holds: producers or products."))
    dataset = load_dataset(upload, upload.name)
    job = ImportJob(
        user=actor,
        kind=kind,
        filename=upload.name[-255:],
        total_rows=dataset.height,
    )
    upload.seek(0)
    job.file.save(upload.name, upload, save=False)
    job.save()
    if is_large(job):
        transaction.on_commit(lambda: check_import_job.delay(job.pk))
    else:
        check_dataset(job, dataset)
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != actor.pk:
        raise PermissionDenied
    if job.status != ImportJob.Status.READY:
        raise ValidationError(
            _("This import cannot be confirmed: it is “%(status)s”.")
            % {"status": job.get_status_display()}
        )
    job.status = ImportJob.Status.IMPORTING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])
    if is_large(job):
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
    else:
        transaction.on_commit(lambda: import_job_run(job_id=job.pk))
    return job


@transaction.atomic
def import_job_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != actor.pk:
        raise PermissionDenied
    if job.status not in {ImportJob.Status.READY, ImportJob.Status.CHECKING}:
        raise ValidationError(
            _("Only an import that has not started can be cancelled.")
        )
    job.status = ImportJob.Status.CANCELLED
    job.finished_at = timezone.now()
    discard_file(job)
    job.save()
    return job
