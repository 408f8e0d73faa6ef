"""Whether the demo world is there: its rounds, its status, its conflict."""

from django.db import models

from accounts.models import User
from devdata.demo.data import DEMO_TAG, USERNAMES
from selection.models import Round

ABSENT, PRESENT, PARTIAL = "absent", "present", "partial"


class DemoConflict(Exception):
    """The database holds something the demo world would collide with."""


def demo_rounds() -> models.QuerySet[Round]:
    return Round.objects.filter(title_en__endswith=DEMO_TAG)


def demo_status() -> str:
    """``present`` when every demo login and both demo rounds exist, ``partial``
    when only some do, ``absent`` otherwise."""
    users = User.objects.filter(username__in=USERNAMES).count()
    rounds = demo_rounds().count()
    if users == len(USERNAMES) and rounds == 2:
        return PRESENT
    return PARTIAL if users or rounds else ABSENT
