"""The registry tests' nominations, shared by every module that needs them
(loaded by tests/conftest.py through ``pytest_plugins``)."""

import pytest

from registry.models import RegistryEntry
from registry.services import registry_publish_all
from selection.services import nomination_award
from tests.registry.factories import AWARDED_NAMES, ranked_at_the_centre


@pytest.fixture
def awarded(geography):
    """Three nominations of tambon 500101, taken up the ladder and awarded by
    the central chair, best first: coffee, cotton, umbrella (AWARDED_NAMES)."""
    nominations, central = ranked_at_the_centre(AWARDED_NAMES)
    for nomination in nominations:
        nomination_award(actor=central.chair, nomination=nomination)
    return nominations


@pytest.fixture
def published(awarded, publisher):
    """The ``awarded`` three, published to the registry by the publisher."""
    registry_publish_all(actor=publisher)
    return RegistryEntry.objects.all()
