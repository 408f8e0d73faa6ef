"""Loading the administrative geography from ``geothai``."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from communities.models import (
    Amphoe,
    Province,
    Region,
    Tambon,
)
from communities.regions import REGIONS, region_code_for_province


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # In the database but no longer in the source: kept (rows may be referenced
    # by producers and nominations), reported so staff can look into them.
    missing_from_source: list[str] = field(default_factory=list)


@dataclass
class GeographyLoadResult:
    regions: LoadCounts
    provinces: LoadCounts
    amphoes: LoadCounts
    tambons: LoadCounts

    def by_level(self) -> dict[str, LoadCounts]:
        return {
            "regions": self.regions,
            "provinces": self.provinces,
            "amphoes": self.amphoes,
            "tambons": self.tambons,
        }


@transaction.atomic
def geography_load(*, source: Any = None) -> GeographyLoadResult:
    """Bring regions, provinces, amphoes and tambons in line with ``source``.

    ``source`` is the ``geothai`` module by default (anything with its
    ``provinces()``, ``districts(code)`` and ``subdistricts(code)`` will do).
    Idempotent: a second run with the same data writes nothing; names and
    postal codes changed upstream are updated in place; nothing is deleted.
    """
    if source is None:
        import geothai as source

    provinces = list(source.provinces())
    amphoes = [a for p in provinces for a in source.districts(p.code)]
    tambons = [t for a in amphoes for t in source.subdistricts(a.code)]

    return GeographyLoadResult(
        regions=_sync(
            Region,
            (
                {
                    "code": region.code,
                    "name_th": region.name_th,
                    "name_en": region.name_en,
                    "order": order,
                }
                for order, region in enumerate(REGIONS, start=1)
            ),
        ),
        provinces=_sync(
            Province,
            (
                {
                    "code": p.code,
                    "name_th": p.name_th,
                    "name_en": p.name_en,
                    "region_id": region_code_for_province(p.code),
                }
                for p in provinces
            ),
        ),
        amphoes=_sync(
            Amphoe,
            (
                {
                    "code": a.code,
                    "name_th": a.name_th,
                    "name_en": a.name_en,
                    "province_id": a.province_code,
                }
                for a in amphoes
            ),
        ),
        tambons=_sync(
            Tambon,
            (
                {
                    "code": t.code,
                    "name_th": t.name_th,
                    "name_en": t.name_en,
                    "amphoe_id": t.district_code,
                    "province_id": t.province_code,
                    "postal_codes": ",".join(t.postal_codes),
                }
                for t in tambons
            ),
        ),
    )


def _sync(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    batch_size: int = 1000,
) -> LoadCounts:
    """Insert new rows and update changed ones, keyed by primary key ``code``."""
    counts = LoadCounts()
    existing = {obj.pk: obj for obj in model.objects.all()}
    seen: set[str] = set()
    to_create, to_update = [], []
    changed_fields: set[str] = set()
    for row in rows:
        code = row["code"]
        seen.add(code)
        current = existing.get(code)
        if current is None:
            to_create.append(model(**row))
            continue
        diff = _differences(current, row)
        if diff:
            for name in diff:
                setattr(current, name, row[name])
            changed_fields.update(diff)
            to_update.append(current)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    counts.missing_from_source = sorted(set(existing) - seen)
    return counts


def _differences(obj: models.Model, row: dict[str, Any]) -> list[str]:
    return [
        name
        for name, value in row.items()
        if name != "code" and getattr(obj, name) != value
    ]
