import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devdata.demo import world
from devdata.demo.data import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo world (two provinces, committees, officers, products at "
        "every step of the ladder, a published registry) and print its logins. "
        "Idempotent: a world already present is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the demo world (only its own rows) and build it again.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo logins share a known password).",
        )

    def handle(self, *args, reset: bool, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo logins with a published "
                f"password ({DEMO_PASSWORD}) on what may be a production server. "
                "Use --force if you really mean it."
            )
        status = world.demo_status()
        if status == world.PRESENT and not reset:
            self.stdout.write("The demo world is already present (nothing changed).")
        elif status == world.PARTIAL and not reset:
            raise CommandError(
                "Part of the demo world is missing (some demo logins or rounds "
                "were deleted or renamed). Rebuild it: manage.py seed_demo --reset"
            )
        else:
            self._build(reset=status != world.ABSENT)
        self.stdout.write("")
        for line in world.summary():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            "  The centre ranks a round once, so awarded and published products "
            "are in the\n  previous round (closed); the open round shows the "
            "steps below the centre."
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})")
        )
        self.stdout.write(world.login_table())
        self.stdout.write("")

    def _build(self, *, reset: bool) -> None:
        started = time.monotonic()
        self.stdout.write(
            "Rebuilding the demo world…" if reset else "Building the demo world…"
        )
        try:
            if reset:  # committed first, so the old photos are gone before
                world.demo_remove()  # the new ones take their names
            world.demo_build()
        except world.DemoConflict as conflict:
            raise CommandError(str(conflict)) from conflict
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world built in {time.monotonic() - started:.1f} s."
            )
        )
