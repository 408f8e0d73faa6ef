"""The registry: every award published as ``registry_publish_all`` would."""

import datetime as dt
from collections import defaultdict

from accounts.models import User
from core.buddhist_era import to_be
from devdata.dataset.builder import BuilderBase, _at
from devdata.dataset.bulk import _bulk
from devdata.dataset.constants import STAFF_USERNAME
from devdata.dataset.plan import PlannedRanking
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
from registry.services import entry_snapshot
from selection.models import Nomination, Round


class RegistryPublisher(BuilderBase):
    """The registry."""

    def publish(self, round_: Round, central: list[PlannedRanking]) -> None:
        """Every award published in central ranking order, as
        registry_publish_all does: numbered per province, snapshot of the
        product, producer and place at publication."""
        staff = User.objects.get(username=STAFF_USERNAME)
        order = [row.entry.pk for ranking in central for row in ranking.rows]
        nominations = Nomination.objects.select_related(
            "round",
            "product__producer__tambon__amphoe",
            "product__producer__tambon__province",
            "product__category__parent",
        ).prefetch_related("product__certifications__standard")
        found = {n.pk: n for n in nominations.filter(pk__in=order)}
        year_be = to_be(round_.year)
        counters: dict[str, int] = defaultdict(int)
        published = _at(self.round_dates["published"], 2 * 3600)
        bar = self._bar("registry", len(order), "entries")
        entries = []
        for i, pk in enumerate(order):
            nomination = found[pk]
            product = nomination.product
            tambon = product.producer.tambon
            counters[tambon.province_id] += 1
            certificates = sorted(
                product.certifications.all(), key=lambda c: c.standard.order
            )
            entries.append(
                RegistryEntry(
                    **entry_snapshot(nomination, certificates),
                    number=f"OTOP-{year_be}-{tambon.province_id}-"
                    f"{counters[tambon.province_id]:06d}",
                    published_at=published + dt.timedelta(seconds=20 * i),
                    published_by=staff,
                )
            )
        _bulk(RegistryEntry, entries, bar)
        bar.close()
        _bulk(
            RegistryEvent,
            [
                RegistryEvent(
                    entry=e, action="published", actor=staff, at=e.published_at
                )
                for e in entries
            ],
        )
        RegistryCounter.objects.bulk_create(
            RegistryCounter(year_be=year_be, province_code=code, last=last)
            for code, last in sorted(counters.items())
        )
