"""A synthetic national world (``manage.py generate_dataset``): producers over
every tambon, products of every category, one finished selection round scored
at every tier, and the registry it published — written in bulk, for load
tests and rehearsals at the scale of DESIGN.md §1.

Deterministic: everything comes from one ``random.Random(seed)`` consumed in a
fixed order, never from database ids, and times come from the round's year,
not the clock (only the committees' terms reach into the current fiscal year,
so that they are still sitting). The same seed, size and year give the same
rows on SQLite and PostgreSQL, ids and password salts aside;
``dataset_fingerprint`` hashes them.

The finished round is what the services leave behind — ``nomination_submit``,
``sheets_fill``, ``ranking_finalize``, ``ranking_approve``,
``nomination_award``, ``registry_publish`` — with the same rows, audit events
and numbers: the rankings are computed here with the means and tie-breaks of
``selection.selectors.ranking_rows`` (the tests check them against it). Left
out: notifications and email deliveries, photos, raw materials, per-type
quotas, returned or draft nominations and revoked registry entries.

The dataset owns its rows: users named ``ds-…``, the producers they
registered (with their products), and the round tagged ``[dataset]``;
``dataset_remove`` deletes exactly those.

``owned`` finds, removes, counts and fingerprints those rows; ``generate``
runs the builder, whose steps are mixins over ``builder``'s shared state:
``people``, ``producers``, ``ladder`` (the round scored and ranked in
memory, as ``plan``'s records), ``writing`` and ``publishing``, all writing
through ``bulk``. ``constants`` holds the sizes, shares and criteria.
"""

from devdata.dataset.constants import (
    OPC_PROVINCE_THRESHOLD,
    PRODUCERS_PER_PRODUCT,
    STAFF_USERNAME,
    TAG,
)
from devdata.dataset.generate import dataset_generate
from devdata.dataset.owned import (
    DatasetConflict,
    analyze,
    dataset_counts,
    dataset_fingerprint,
    dataset_present,
    dataset_producers,
    dataset_remove,
    dataset_rounds,
    dataset_users,
)

__all__ = [
    "OPC_PROVINCE_THRESHOLD",
    "PRODUCERS_PER_PRODUCT",
    "STAFF_USERNAME",
    "TAG",
    "DatasetConflict",
    "analyze",
    "dataset_counts",
    "dataset_fingerprint",
    "dataset_generate",
    "dataset_present",
    "dataset_producers",
    "dataset_remove",
    "dataset_rounds",
    "dataset_users",
]
