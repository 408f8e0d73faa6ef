"""Spreadsheet imports of producers and products (DESIGN.md §8).

An import is all-or-nothing: every row is checked first and every problem is
reported with its spreadsheet row number (the header is row 1), column and
reason; only a file without problems is written, in one transaction, with bulk
inserts and updates so tens of thousands of rows take seconds. Lookups are made
once per import (sets and dicts keyed by natural keys), never once per row.

Natural keys: a producer by its registration number when given, else by
(tambon code, Thai name); a product by (producer, Thai name); categories and
standards by code. Re-importing a file updates rows instead of duplicating them.

``reading`` turns the upload into text cells, ``cells`` parses one cell,
``sheet`` walks the rows and holds what both imports share (``report`` is
what they return, ``columns`` the sheets' columns); ``producers`` and
``products`` are the two imports. The background jobs are ``products.jobs``.
"""

from products.imports.cells import CellError, parse_count, parse_date, parse_decimal
from products.imports.columns import (
    PRODUCER_EXAMPLE,
    PRODUCER_REQUIRED_COLUMNS,
    PRODUCT_COLUMNS,
    PRODUCT_EXAMPLE,
    PRODUCT_REQUIRED_COLUMNS,
)
from products.imports.producers import PRODUCER_IMPORT_COLUMNS, producers_import
from products.imports.products import products_import
from products.imports.reading import load_dataset
from products.imports.report import NEW, UPDATE, ImportReport, RowError

__all__ = [
    "NEW",
    "PRODUCER_EXAMPLE",
    "PRODUCER_IMPORT_COLUMNS",
    "PRODUCER_REQUIRED_COLUMNS",
    "PRODUCT_COLUMNS",
    "PRODUCT_EXAMPLE",
    "PRODUCT_REQUIRED_COLUMNS",
    "UPDATE",
    "CellError",
    "ImportReport",
    "RowError",
    "load_dataset",
    "parse_count",
    "parse_date",
    "parse_decimal",
    "producers_import",
    "products_import",
]
