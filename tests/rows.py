"""Row counts of every table, to show that a page only read (issue #18: no
row is created by a GET)."""

from django.apps import apps


def row_counts() -> dict[str, int]:
    """Model label → number of rows, for every model (many-to-many tables
    included)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def changed_rows(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose row count differs from ``before``: label → (before, now)."""
    now = row_counts()
    return {
        label: (count, now[label])
        for label, count in before.items()
        if now[label] != count
    }
