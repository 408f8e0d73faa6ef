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
    board_above           the factory of the boards: board_above(tier) (a ladder Board)
    district_board        the committee of the officer's amphoe
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

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from communities.models import Tambon
from core.tiers import BY_CODE, CommitteeTier
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
def board_above(officer_tambon, central_staff) -> Callable[[str], Board]:
    """The board factory: ``board_above(tier)`` is the committee of that
    committee tier whose area holds the officer's tambon (core.tiers says
    which area), appointed on first use and the same board after."""
    boards: dict[str, Board] = {}

    def board(tier: str) -> Board:
        if tier not in boards:
            area = BY_CODE[tier].committee_area  # "amphoe_id", …; None: national
            code = getattr(officer_tambon, area) if area else ""
            boards[tier] = make_board(tier, code)
        return boards[tier]

    return board


# The boards and their seats, named ``<level>_board`` and ``<level>_<seat>``:
# the level's board (below), its chair, its secretary, its first member.
LEVELS = {
    "district": CommitteeTier.AMPHOE,  # the committee of the officer's amphoe
    "provincial": CommitteeTier.PROVINCE,  # … of the officer's province
    "central": CommitteeTier.CENTRAL,  # the national committee
}


def _board(request, board_above) -> Board:
    return board_above(LEVELS[request.fixturename.removesuffix("_board")])


def _seat(request):
    level, seat = request.fixturename.rsplit("_", 1)
    board = request.getfixturevalue(f"{level}_board")
    return board.members[0] if seat == "member" else getattr(board, seat)


district_board = pytest.fixture(_board, name="district_board")
district_chair = pytest.fixture(_seat, name="district_chair")
district_secretary = pytest.fixture(_seat, name="district_secretary")
district_member = pytest.fixture(_seat, name="district_member")
provincial_board = pytest.fixture(_board, name="provincial_board")
provincial_chair = pytest.fixture(_seat, name="provincial_chair")
provincial_secretary = pytest.fixture(_seat, name="provincial_secretary")
provincial_member = pytest.fixture(_seat, name="provincial_member")
central_board = pytest.fixture(_board, name="central_board")
central_chair = pytest.fixture(_seat, name="central_chair")
central_secretary = pytest.fixture(_seat, name="central_secretary")
central_member = pytest.fixture(_seat, name="central_member")
