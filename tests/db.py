"""The database the suite runs on, for tests of what only PostgreSQL does
(its triggers, row locks across connections, trigram search): CI runs the
suite on SQLite and again on PostgreSQL."""

import pytest
from django.conf import settings

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]

on_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs PostgreSQL (CI's second run)"
)
"""Skip the test (or the module, in ``pytestmark``) unless on PostgreSQL."""
