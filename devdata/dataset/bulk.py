"""Writing in bulk: batches, historical times, plain INSERTs."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from devdata.dataset.constants import BATCH_SIZE


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def _historical_times(*model_classes):
    """Let bulk_create keep the times given: ``auto_now``/``auto_now_add``
    fields would otherwise stamp today on rows of a past round."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain INSERTs, no model instances, for the narrow tables written by
    the hundred thousand (scores, permission grants); the values are ints and
    decimals, stored as given."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(model._meta.get_field(c).column) for c in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    insert = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert + row, rows)
            return
        for batch in _chunks(rows, 1000):
            cursor.execute(
                insert + ", ".join([row] * len(batch)),
                [value for values in batch for value in values],
            )


def _bulk(model, objects: list, bar=None) -> list:
    """bulk_create in batches, advancing the progress bar."""
    with _historical_times(model):
        for batch in _chunks(objects):
            model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            if bar is not None:
                bar.update(len(batch))
    return objects
