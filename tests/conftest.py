import io

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests import clock

# Fixtures every test module shares, defined once: the portal's roles (officer,
# committee chairs, central staff, publisher, …) and the awarded and published
# nominations of the registry tests.
pytest_plugins = ["tests.roles", "tests.registry.fixtures"]

# Tests whose clock must be the real one: Chromium and the Celery worker run
# in other processes, which the fixed clock cannot reach.
REAL_CLOCK_MARKERS = ("e2e", "broker", "real_clock")


@pytest.fixture(autouse=True)
def fixed_clock(request):
    """Every test runs at tests.clock.NOW (Bangkok), ticking from there."""
    if any(request.node.get_closest_marker(m) for m in REAL_CLOCK_MARKERS):
        yield None
        return
    with time_machine.travel(clock.NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language (Thai), whatever
    the previous test's requests activated in this thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
