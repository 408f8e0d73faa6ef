from celery import shared_task

from selection import notify


@shared_task
def send_deadline_reminders() -> int:
    return notify.deadline_reminders()
