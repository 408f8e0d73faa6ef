"""Building, removing and describing the demo world, through the services
as the people in it would act (see devdata.demo): what ``seed_demo`` calls,
gathered from ``status``, ``build`` and ``rounds``, ``remove`` and
``describe``."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from devdata.demo.describe import login_table, stage_counts, summary
from devdata.demo.remove import demo_remove
from devdata.demo.rounds import RoundsBuilder
from devdata.demo.status import (
    ABSENT,
    PARTIAL,
    PRESENT,
    DemoConflict,
    demo_rounds,
    demo_status,
)

__all__ = [
    "ABSENT",
    "PARTIAL",
    "PRESENT",
    "DemoConflict",
    "demo_build",
    "demo_remove",
    "demo_rounds",
    "demo_status",
    "login_table",
    "stage_counts",
    "summary",
]


@transaction.atomic
def demo_build(*, today: dt.date | None = None) -> None:
    """Build the whole demo world in one transaction (nothing if it fails)."""
    _Builder(today or timezone.localdate()).run()


class _Builder(RoundsBuilder):
    def run(self) -> None:
        self.check_room()
        self.people()
        self.committees_and_officers()
        self.catalogue()
        previous = self.previous_round()
        self.current_round(previous)
