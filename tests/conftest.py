import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

PASSWORD = "correct horse 42"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rolled-back rows can repeat ids)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def geography(db):
    """The whole country from geothai: 77 provinces, 928 amphoes, 7,436 tambons."""
    call_command("load_geography", stdout=io.StringIO())


@pytest.fixture
def thai():
    with translation.override("th"):
        yield


@pytest.fixture
def english():
    with translation.override("en"):
        yield
