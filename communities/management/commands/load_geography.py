import time

from django.core.management.base import BaseCommand

from communities.services import geography_load


class Command(BaseCommand):
    help = (
        "Load Thailand's regions, provinces, amphoes and tambons from the geothai "
        "package (data: GeoThai, CC BY 4.0). Safe to run again: only changes are "
        "written."
    )

    def handle(self, *args, **options):
        import geothai

        started = time.monotonic()
        result = geography_load(source=geothai)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Geography from GeoThai (geothai {_version()}, "
            f"data {geothai.DATA_VERSION}):"
        )
        for level, counts in result.by_level().items():
            self.stdout.write(
                f"  {level:<10} created {counts.created:>5}  "
                f"updated {counts.updated:>5}  unchanged {counts.unchanged:>5}"
            )
            if counts.missing_from_source:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {len(counts.missing_from_source)} {level} are no longer "
                        "in the source and were kept: "
                        + ", ".join(counts.missing_from_source[:20])
                    )
                )
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s."))


def _version() -> str:
    from importlib.metadata import version

    return version("geothai")
