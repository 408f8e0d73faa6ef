"""The people of the portal, as fixtures: a test names the roles it acts as.

Loaded by tests/conftest.py (``pytest_plugins``), so every test module can ask
for them and none defines its own (tests/test_layout.py checks). Each role is
made by the builders the rest of the suite uses (tests/accounts/factories.py,
tests/selection/ladder.py, tests/products/factories.py), so a fixture and a
builder call in the same test are the same user. Officers are assigned and
committee members appointed by central staff through the project's services.

    anonymous             someone who has not signed in
    central_staff         the superuser at the centre (rounds, committees, officers)
    publisher             staff holding registry.publish_entry and nothing else
    officer_tambon        the tambon the officer serves: 500101 unless marked
    officer               the community development officer of officer_tambon
    importing_officer     an officer of 100101 who imports in English (REG-1)
    district_board        the committee of the officer's amphoe (a ladder Board)
    district_chair, district_secretary, district_member
    provincial_board      the committee of the officer's province
    provincial_chair, provincial_secretary, provincial_member
    central_board         the national committee
    central_chair, central_secretary, central_member

The officer serves Si Phum, Mueang Chiang Mai (tambon 500101), so the district
board is amphoe 5001's and the provincial board Chiang Mai's (50). A module or
test whose officer serves elsewhere says so, and the boards follow:

    pytestmark = pytest.mark.officer_tambon("100101")
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from committees.models import Tier as CommitteeTier
from communities.models import Tambon
from tests.accounts import factories as accounts
from tests.products import factories as products
from tests.selection.ladder import Board, make_board, make_officer

OFFICER_TAMBON = "500101"  # Si Phum, Mueang Chiang Mai


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "officer_tambon(code): the tambon the officer fixture serves "
        f"(tests/roles.py; {OFFICER_TAMBON} unless marked)",
    )


@pytest.fixture
def anonymous() -> AnonymousUser:
    """Someone who has not signed in."""
    return AnonymousUser()


@pytest.fixture
def central_staff(db):
    """The superuser at the centre who opens rounds, appoints committees and
    assigns officers (accounts.factories.central_staff)."""
    return accounts.central_staff()


@pytest.fixture
def publisher(db):
    """Central staff who publish to the national registry: staff with
    registry.publish_entry and no other permission (username "registrar")."""
    return accounts.staff_with("publish_entry", "registrar")


# The tambon ------------------------------------------------------------------


@pytest.fixture
def officer_tambon(request, geography) -> Tambon:
    """The tambon the ``officer`` serves: 500101, or the ``officer_tambon``
    marker's code."""
    marker = request.node.get_closest_marker("officer_tambon")
    return Tambon.objects.get(pk=marker.args[0] if marker else OFFICER_TAMBON)


@pytest.fixture
def officer(officer_tambon, central_staff):
    """The officer of ``officer_tambon`` (username ``officer-<code>``),
    assigned by central staff (ladder.make_officer)."""
    return make_officer(officer_tambon.code)


@pytest.fixture
def importing_officer(geography, central_staff):
    """An officer of tambon 100101 who reads English, with the community group
    the import files name (registration number REG-1)."""
    return products.importing_officer(central_staff)


# Committees: the boards above the officer's tambon ---------------------------
# Each board (ladder.make_board) has a chair, a secretary, two members and an
# observer, appointed by central staff.


@pytest.fixture
def district_board(officer_tambon, central_staff) -> Board:
    """The district (amphoe) committee of the officer's amphoe."""
    return make_board(CommitteeTier.AMPHOE, officer_tambon.amphoe_id)


@pytest.fixture
def district_chair(district_board):
    return district_board.chair


@pytest.fixture
def district_secretary(district_board):
    return district_board.secretary


@pytest.fixture
def district_member(district_board):
    return district_board.members[0]


@pytest.fixture
def provincial_board(officer_tambon, central_staff) -> Board:
    """The provincial committee of the officer's province."""
    return make_board(CommitteeTier.PROVINCE, officer_tambon.province_id)


@pytest.fixture
def provincial_chair(provincial_board):
    return provincial_board.chair


@pytest.fixture
def provincial_secretary(provincial_board):
    return provincial_board.secretary


@pytest.fixture
def provincial_member(provincial_board):
    return provincial_board.members[0]


@pytest.fixture
def central_board(central_staff) -> Board:
    """The national committee (the main central committee)."""
    return make_board(CommitteeTier.CENTRAL)


@pytest.fixture
def central_chair(central_board):
    return central_board.chair


@pytest.fixture
def central_secretary(central_board):
    return central_board.secretary


@pytest.fixture
def central_member(central_board):
    return central_board.members[0]
