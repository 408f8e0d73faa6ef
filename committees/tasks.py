from celery import shared_task

from committees.services import memberships_expire


@shared_task
def expire_memberships() -> int:
    return memberships_expire()
