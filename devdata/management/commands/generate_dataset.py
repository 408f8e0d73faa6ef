import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from communities.models import Tambon
from core.buddhist_era import from_be
from devdata import dataset
from selection.models import Preset

FIRST_ROUND_BE = 2544  # OTOP began in B.E. 2544 (2001)


class Command(BaseCommand):
    help = (
        "Write a synthetic national dataset in bulk: producers over every tambon, "
        "products of every category, one finished selection round scored and "
        "ranked at every tier, and its published registry. The same --products, "
        "--seed and --year give the same data (compare the fingerprint printed "
        "at the end). Needs a database without anyone else's producers, "
        "committees or rounds; loads the geography if it is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--year",
            type=int,
            help="B.E. fiscal year of the finished round (default: the last one)",
        )
        parser.add_argument(
            "--amphoe-advance",
            type=int,
            default=5,
            help="nominations each district committee forwards (default 5)",
        )
        parser.add_argument(
            "--province-advance",
            type=int,
            default=10,
            help="nominations each provincial committee forwards (default 10)",
        )
        parser.add_argument(
            "--preset",
            choices=[Preset.LADDER, Preset.OPC],
            default=Preset.LADDER,
            help="the round's plan: ladder (forums, tambon quota, top N at each "
            "tier) or opc (OTOP Product Champion grading: the district checks, "
            "the province scores parts A and B against a threshold, the centre "
            "grades every entrant in subcommittees by product type)",
        )
        parser.add_argument(
            "--province-threshold",
            type=int,
            default=dataset.OPC_PROVINCE_THRESHOLD,
            help="with --preset opc: the provinces forward every nomination "
            "scoring this or more of the 70 points of parts A and B "
            f"(default {dataset.OPC_PROVINCE_THRESHOLD})",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="replace an earlier dataset (only its own rows are removed)",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        verbose = options["verbosity"] > 0
        year = options["year"]
        if year is not None and year < FIRST_ROUND_BE:
            raise CommandError(
                f"--year is a B.E. fiscal year such as {FIRST_ROUND_BE + 24}."
            )
        if not Tambon.objects.exists():
            if verbose:
                self.stderr.write("Loading the geography first (load_geography)…")
            call_command("load_geography", stdout=io.StringIO())
        try:
            dataset.dataset_generate(
                products=options["products"],
                seed=options["seed"],
                year=from_be(year) if year else None,
                amphoe_advance=options["amphoe_advance"],
                province_advance=options["province_advance"],
                preset=options["preset"],
                province_threshold=options["province_threshold"],
                reset=options["reset"],
                progress=verbose,
            )
        except dataset.DatasetConflict as conflict:
            raise CommandError(str(conflict)) from conflict
        dataset.analyze()
        elapsed = time.monotonic() - started
        if verbose:
            for table, count in dataset.dataset_counts().items():
                self.stdout.write(f"  {table:<22} {count:>10,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dataset written in {elapsed:.1f} s ({connection.vendor})."
                )
            )
        self.stdout.write(f"fingerprint {dataset.dataset_fingerprint()}")
