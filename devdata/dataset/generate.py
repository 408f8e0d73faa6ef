"""``dataset_generate``: the builder's steps in order, in one transaction."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.buddhist_era import fiscal_year, to_be
from devdata.dataset.constants import OPC_PROVINCE_THRESHOLD, STAFF_USERNAME
from devdata.dataset.ladder import LadderBuilder
from devdata.dataset.owned import (
    DatasetConflict,
    _check_room,
    dataset_present,
    dataset_remove,
)
from devdata.dataset.people import PeopleBuilder
from devdata.dataset.producers import ProducersBuilder
from devdata.dataset.publishing import RegistryPublisher
from devdata.dataset.writing import LadderWriter
from selection.models import Preset, Tier
from selection.rounds import round_close


@transaction.atomic
def dataset_generate(
    *,
    products: int,
    seed: int,
    year: int | None = None,
    amphoe_advance: int = 5,
    province_advance: int = 10,
    preset: str = Preset.LADDER,
    province_threshold: int = OPC_PROVINCE_THRESHOLD,
    reset: bool = False,
    progress: bool = False,
) -> None:
    """Write the whole world in one transaction (nothing if it fails).
    ``year`` is the C.E. fiscal year of the finished round (default: the last
    one); ``reset`` replaces an earlier dataset, which is refused otherwise.
    ``preset`` is the round's plan: the ladder (quotas ``amphoe_advance`` and
    ``province_advance``) or the OTOP Product Champion grading (the provinces
    forward every nomination scoring ``province_threshold`` or more on parts
    A and B)."""
    current = fiscal_year(timezone.localdate())
    year = year or current - 1
    if products < 1:
        raise DatasetConflict("Ask for at least one product.")
    if year >= current:
        raise DatasetConflict(
            f"The round must be finished: choose a fiscal year before B.E. "
            f"{to_be(current)}."
        )
    if preset not in (Preset.LADDER, Preset.OPC):
        raise DatasetConflict(f"No preset {preset!r}: choose ladder or opc.")
    if dataset_present():
        if not reset:
            raise DatasetConflict(
                "A dataset is already here. Replace it with --reset (only the "
                "dataset's own rows are removed)."
            )
        dataset_remove()
    _check_room()
    _Builder(
        products=products,
        seed=seed,
        year=year,
        amphoe_advance=amphoe_advance,
        province_advance=province_advance,
        progress=progress,
        preset=preset,
        province_threshold=province_threshold,
    ).run()


class _Builder(
    PeopleBuilder, ProducersBuilder, LadderBuilder, LadderWriter, RegistryPublisher
):
    """The whole world, step by step; each step is a mixin of its own."""

    def run(self) -> None:
        self.people()
        self.producers()
        self.products()
        round_ = self.open_round()
        entries = self.nominees()
        rankings = self.climb(entries)
        self.write_ladder(round_, entries, rankings)
        self.publish(round_, rankings[Tier.CENTRAL])
        staff = User.objects.get(username=STAFF_USERNAME)
        round_close(actor=staff, round_=round_)
