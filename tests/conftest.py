import io

import pytest
from django.core.management import call_command
from django.utils import translation

PASSWORD = "correct horse 42"


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
