"""Celery tasks: thin wrappers that load by id and call products.job_steps."""

from celery import shared_task

from products import job_steps


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_import_job(job_id: int) -> None:
    job_steps.import_job_check(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: int) -> None:
    job_steps.import_job_run(job_id=job_id)


@shared_task
def sweep_import_jobs() -> int:
    """Re-send the tasks of jobs whose message was lost (Redis restarted,
    say). Safe to repeat: the tasks do nothing unless the job still waits."""
    stale = list(job_steps.import_jobs_stale().values_list("pk", "status"))
    for job_id, status in stale:
        task = check_import_job if status == "checking" else run_import_job
        task.delay(job_id)
    return len(stale)
