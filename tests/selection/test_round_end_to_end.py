"""A whole round through the services: 3 provinces × 2 amphoe × 3 tambon,
nominations travel from the tambons to the centre and get their stars."""

import pytest

from committees.models import Tier as CommitteeTier
from communities.models import Amphoe, Tambon
from selection.models import Nomination, NominationEvent, Tier
from selection.selectors import queue_for
from selection.services import nomination_award
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

PROVINCES = ("50", "57", "34")  # Chiang Mai, Chiang Rai, Ubon Ratchathani


def test_a_round_from_tambons_to_stars(geography):
    round_ = make_round(amphoe_advance=2, province_advance=2, tambon_quota=2)
    districts, provinces = [], []
    for province in PROVINCES:
        provinces.append(make_board(CommitteeTier.PROVINCE, province))
        for amphoe in Amphoe.objects.filter(province_id=province).order_by("code")[:2]:
            board = make_board(CommitteeTier.AMPHOE, amphoe.code)
            for tambon in Tambon.objects.filter(amphoe=amphoe).order_by("code")[:3]:
                officer = make_officer(tambon.code)
                for n in range(2):
                    submitted_nomination(
                        officer, round_, tambon.code, f"ผลิตภัณฑ์ {tambon.code}-{n}"
                    )
            districts.append(board)
    central = make_board(CommitteeTier.CENTRAL)
    assert Nomination.objects.filter(tier=Tier.AMPHOE).count() == 36

    for board in districts:
        queue = list(queue_for(board.committee, round_).order_by("pk"))
        for j, nomination in enumerate(queue):
            score_all(board, [nomination], {"A": 9, "B": 8 - j % 3, "C": 7 + j % 2})
        rank_and_approve(board, round_)
    assert Nomination.objects.filter(tier=Tier.PROVINCE).count() == 12
    assert Nomination.objects.filter(state="not_selected").count() == 24

    for board in provinces:
        queue = list(queue_for(board.committee, round_))
        score_all(board, queue, {"A": 10, "B": 9, "C": 9})
        rank_and_approve(board, round_)
    at_centre = list(queue_for(central.committee, round_))
    assert len(at_centre) == 6
    assert all(n.provincial_score is not None for n in at_centre)

    score_all(central, at_centre, {"A": 9, "B": 9, "C": 9})
    rank_and_approve(central, round_)
    for nomination in at_centre:
        nomination_award(actor=central.chair, nomination=nomination)

    awarded = Nomination.objects.filter(state="awarded")
    assert awarded.count() == 6
    assert set(awarded.values_list("stars", flat=True)) == {5}  # 90 points
    assert set(awarded.values_list("final_score", flat=True)) == {90}
    for nomination in awarded:
        actions = list(
            NominationEvent.objects.filter(nomination=nomination)
            .exclude(action="sheet_submitted")
            .values_list("action", flat=True)
        )
        assert actions == ["created", "submitted", "forwarded", "forwarded", "awarded"]
