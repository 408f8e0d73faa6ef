"""The Celery application.

With no broker configured (the embedded default) tasks run eagerly, in-process;
callers schedule them with ``transaction.on_commit`` so they still run only after
the change that caused them has been committed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")

app = Celery("otop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
