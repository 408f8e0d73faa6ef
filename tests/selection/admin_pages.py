"""The ladder's admin pages as the admin tests (tests/selection/test_admin_*.py)
drive them: their addresses, the messages a response carries, and the district
they work in."""

from django.contrib.messages import get_messages

from committees.models import Tier as CommitteeTier
from communities.models import Tambon
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    submitted_nomination,
)

QUEUE = "/admin/selection/queuenomination/"


def score_url(nomination):
    return f"{QUEUE}{nomination.pk}/score/"


RANKINGS = "/admin/selection/ranking/"


def ranking_url(ranking):
    return f"{RANKINGS}{ranking.pk}/change/"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def build_district() -> dict:
    """Two amphoes of Chiang Mai, a district committee for the first, and a
    pending nomination in each."""
    round_ = make_round(tambon_quota=20, amphoe_advance=2)
    own, other = _two_tambons_in_two_amphoes()
    board = make_board(CommitteeTier.AMPHOE, own.amphoe_id)
    officer = make_officer(own.code)
    mine = submitted_nomination(officer, round_, own.code, "ข้าวแต๋นน้ำแตงโม")
    theirs = submitted_nomination(
        make_officer(other.code), round_, other.code, "แคบหมูไร้มัน"
    )
    return {
        "round": round_,
        "board": board,
        "officer": officer,
        "tambon": own,
        "mine": mine,
        "theirs": theirs,
    }


def _two_tambons_in_two_amphoes():
    first = Tambon.objects.filter(province_id="50").order_by("code").first()
    second = (
        Tambon.objects.filter(province_id="50")
        .exclude(amphoe_id=first.amphoe_id)
        .order_by("code")
        .first()
    )
    return first, second
