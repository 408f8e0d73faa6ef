import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from committees.services import conflict_declare
from core.workflow import InvalidTransition
from products.models import Category
from selection.models import Nomination, NominationEvent, Ranking, TypeQuota
from selection.rounds import round_update
from selection.selectors import ranking_rows
from selection.services import (
    ranking_approve,
    ranking_finalize,
    ranking_get,
    ranking_move_entry,
    ranking_reopen,
)
from tests.selection.ladder import (
    make_round,
    score,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(officer, district_board):
    """An open round, the officer of 500101 and their district committee."""
    round_ = make_round(amphoe_advance=2, tambon_quota=10)
    return round_, district_board, officer


def nominate(district, *names, **kwargs):
    round_, board, officer = district
    return [submitted_nomination(officer, round_, "500101", n, **kwargs) for n in names]


def names(rows):
    return [str(r.nomination.product) for r in rows]


def test_the_score_is_the_mean_of_submitted_sheets(district):
    round_, board, _ = district
    (nomination,) = nominate(district, "น้ำพริกหนุ่ม")
    chair, secretary, member_a, member_b = board.scorers
    score(chair, nomination, {"A": 10, "B": 10, "C": 10})  # 100
    score(secretary, nomination, {"A": 8, "B": 8, "C": 8})  # 80
    score(member_a, nomination, {"A": 5, "B": 5, "C": 5}, submit=False)  # a draft

    (row,) = ranking_rows(board.committee, round_)

    assert row.mean_total == Decimal("90.00")
    assert row.sheet_count == 2
    assert row.expected == 4


def test_a_conflicted_members_sheet_does_not_count(district):
    round_, board, _ = district
    (nomination,) = nominate(district, "น้ำพริกหนุ่ม")
    chair, secretary, *_ = board.scorers
    score(chair, nomination, {"A": 10, "B": 10, "C": 10})
    score(secretary, nomination, {"A": 5, "B": 5, "C": 5})
    conflict_declare(
        actor=secretary, producer=nomination.product.producer, reason="เป็นญาติ"
    )

    (row,) = ranking_rows(board.committee, round_)

    assert row.mean_total == Decimal("100.00")
    assert row.expected == 3


def test_ties_go_to_part_c_then_the_earlier_submission(district):
    round_, board, _ = district
    early, quality_1, quality_2, late = nominate(
        district, "ส่งก่อน", "คุณภาพดี 1", "คุณภาพดี 2", "ส่งหลัง"
    )
    # All total 80 (A 4 criteria, B 3, C 3, each 0–10 points).
    for nomination in (early, late):
        score_all(board, [nomination], {"A": 8, "B": 8, "C": 8})  # C 24
    for nomination in (quality_1, quality_2):
        score_all(board, [nomination], {"A": 5, "B": 10, "C": 10})  # C 30

    rows = ranking_rows(board.committee, round_)

    assert [r.mean_total for r in rows] == [Decimal("80.00")] * 4
    assert names(rows) == ["คุณภาพดี 1", "คุณภาพดี 2", "ส่งก่อน", "ส่งหลัง"]


def test_part_b_breaks_a_tie_on_part_c(district):
    round_, board, _ = district
    story, plain = nominate(district, "เรื่องเล่าดี", "ธรรมดา")
    score_all(board, [plain], {"A": 8, "B": 7, "C": 9})  # 32 + 21 + 27 = 80
    score_all(board, [story], {"A": 7, "B": 8, "C": 9})  # 28 + 24 + 27 = 79
    score_all(board, [plain], {"A": 7, "B": 8, "C": 9})  # resubmitted: now 79

    rows = ranking_rows(board.committee, round_)

    assert [r.mean_total for r in rows] == [Decimal("79.00")] * 2
    assert names(rows) == ["เรื่องเล่าดี", "ธรรมดา"]  # same C; equal B → earlier


def test_quorum_all_members_before_finalizing(district, central_staff):
    round_, board, _ = district
    (nomination,) = nominate(district, "น้ำพริกหนุ่ม")
    score(board.chair, nomination, {"A": 9, "B": 9, "C": 9})
    ranking = ranking_get(committee=board.committee, round_=round_)

    with pytest.raises(InvalidTransition, match="1/4"):
        ranking_finalize(actor=board.secretary, ranking=ranking)

    round_update(actor=central_staff, round_=round_, quorum="minimum", quorum_minimum=1)
    assert (
        ranking_finalize(actor=board.secretary, ranking=ranking).status == "finalized"
    )


def test_the_first_move_on_a_ranking_stores_it_and_a_refused_one_stores_none(
    district,
):
    """Pages show a ranking nobody has moved unsaved (selectors.ranking_of);
    the moves accept it and store its row in their own transaction."""
    round_, board, _ = district
    (nomination,) = nominate(district, "น้ำพริกหนุ่ม")
    score_all(board, [nomination], {"A": 9, "B": 9, "C": 9})
    unsaved = Ranking(round=round_, committee=board.committee, tier="amphoe")

    with pytest.raises(PermissionDenied):
        ranking_finalize(actor=board.members[0], ranking=unsaved)
    with pytest.raises(InvalidTransition):
        ranking_approve(actor=board.chair, ranking=unsaved)
    with pytest.raises(InvalidTransition):
        ranking_reopen(actor=board.chair, ranking=unsaved, reason="ทบทวน")
    assert not Ranking.objects.exists()

    finalized = ranking_finalize(actor=board.secretary, ranking=unsaved)

    assert Ranking.objects.get() == finalized
    assert (finalized.committee, finalized.round) == (board.committee, round_)
    assert finalized.status == Ranking.Status.FINALIZED
    assert finalized.entries.get().nomination == nomination
    again = Ranking(round=round_, committee=board.committee, tier="amphoe")
    with pytest.raises(InvalidTransition):  # a second page shown it unsaved
        ranking_finalize(actor=board.secretary, ranking=again)
    assert Ranking.objects.count() == 1


def test_approval_forwards_the_quota_and_marks_the_rest(district):
    round_, board, _ = district
    nominations = nominate(district, "หนึ่ง", "สอง", "สาม")
    for points, nomination in zip((9, 8, 7), nominations, strict=True):
        score_all(board, [nomination], {"A": points, "B": points, "C": points})
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )

    ranking_approve(actor=board.chair, ranking=ranking)

    states = dict(Nomination.objects.values_list("product__name_th", "state"))
    tiers = dict(Nomination.objects.values_list("product__name_th", "tier"))
    assert states == {"หนึ่ง": "pending", "สอง": "pending", "สาม": "not_selected"}
    assert tiers["หนึ่ง"] == tiers["สอง"] == "province"
    assert list(ranking.entries.values_list("decision", flat=True)) == [
        "forward",
        "forward",
        "not_selected",
    ]


def test_per_type_quotas(district):
    round_, board, _ = district
    TypeQuota.objects.create(
        round=round_,
        tier="amphoe",
        category=Category.objects.get(code="DRINK"),
        advance=1,
    )
    snacks = nominate(district, "ขนม 1", "ขนม 2", "ขนม 3")
    drinks = nominate(district, "น้ำ 1", "น้ำ 2", category="DRINK-TEA")
    for nomination in [*snacks, *drinks]:
        score_all(board, [nomination], {"A": 8, "B": 8, "C": 8})
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )

    ranking_approve(actor=board.chair, ranking=ranking)

    forwarded = Nomination.objects.filter(tier="province")
    assert forwarded.filter(category__code="DRINK").count() == 1
    assert forwarded.filter(category__code="FOOD").count() == 2  # the round's default


def test_the_finalizer_cannot_approve(district, thai):
    round_, board, _ = district
    (nomination,) = nominate(district, "หนึ่ง")
    score_all(board, [nomination], {"A": 9, "B": 9, "C": 9})
    # Make the secretary also hold approve_ranking, as a chair would.
    from guardian.shortcuts import assign_perm

    assign_perm("committees.approve_ranking", board.secretary, board.committee)
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )

    with pytest.raises(PermissionDenied, match="ไม่สามารถเป็นผู้อนุมัติ"):
        ranking_approve(actor=board.secretary, ranking=ranking)
    assert Ranking.objects.get(pk=ranking.pk).status == "finalized"


def test_a_move_needs_a_justification_and_is_recorded(district):
    round_, board, _ = district
    top, low = nominate(district, "หนึ่ง", "สอง")
    score_all(board, [top], {"A": 9, "B": 9, "C": 9})
    score_all(board, [low], {"A": 7, "B": 7, "C": 7})
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )
    entry = ranking.entries.get(nomination=low)

    with pytest.raises(ValidationError):
        ranking_move_entry(
            actor=board.secretary, entry=entry, position=1, justification=""
        )
    with pytest.raises(PermissionDenied):
        ranking_move_entry(
            actor=board.members[0], entry=entry, position=1, justification="x"
        )
    ranking_move_entry(
        actor=board.secretary,
        entry=entry,
        position=1,
        justification="ผลตรวจคุณภาพล่าสุดดีกว่า",
    )

    assert list(ranking.entries.values_list("nomination", flat=True)) == [
        low.pk,
        top.pk,
    ]
    moved = ranking.entries.get(nomination=low)
    assert moved.moved and moved.justification == "ผลตรวจคุณภาพล่าสุดดีกว่า"
    assert NominationEvent.objects.filter(action="entry_moved", nomination=low).exists()


def test_reopening_needs_a_reason_and_the_chair(district):
    round_, board, _ = district
    (nomination,) = nominate(district, "หนึ่ง")
    score_all(board, [nomination], {"A": 9, "B": 9, "C": 9})
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )

    with pytest.raises(PermissionDenied):
        ranking_reopen(actor=board.secretary, ranking=ranking, reason="x")
    with pytest.raises(ValidationError):
        ranking_reopen(actor=board.chair, ranking=ranking, reason=" ")
    ranking_reopen(actor=board.chair, ranking=ranking, reason="คะแนนกรอกผิด")

    ranking.refresh_from_db()
    assert ranking.status == "open" and not ranking.entries.exists()


def test_scoring_stops_once_the_ranking_is_finalized(district):
    round_, board, _ = district
    (nomination,) = nominate(district, "หนึ่ง")
    score_all(board, [nomination], {"A": 9, "B": 9, "C": 9})
    ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )

    with pytest.raises(InvalidTransition):
        score(board.chair, nomination, {"A": 1, "B": 1, "C": 1})


def test_points_beyond_a_criterions_maximum_are_refused(district):
    round_, board, _ = district
    (nomination,) = nominate(district, "หนึ่ง")

    with pytest.raises(ValidationError):
        score(board.chair, nomination, {"A": 11, "B": 5, "C": 5})


# Deadlines ---------------------------------------------------------------------


def test_after_the_deadline_actions_are_refused_until_it_is_extended(
    district, thai, central_staff
):
    round_, board, officer = district
    (nomination,) = nominate(district, "หนึ่ง")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    round_update(
        actor=central_staff,
        round_=round_,
        tambon_deadline=yesterday - dt.timedelta(days=1),
        amphoe_deadline=yesterday,
    )

    with pytest.raises(InvalidTransition, match="เลยกำหนดส่ง"):
        score(board.chair, nomination, {"A": 9, "B": 9, "C": 9})

    round_update(
        actor=central_staff,
        round_=round_,
        amphoe_deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    assert (
        score(board.chair, nomination, {"A": 9, "B": 9, "C": 9}).status == "submitted"
    )


def test_submissions_close_at_the_tambon_deadline(district, thai, central_staff):
    round_, board, officer = district
    round_update(
        actor=central_staff,
        round_=round_,
        tambon_deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(InvalidTransition, match="เลยกำหนดส่ง"):
        nominate(district, "หนึ่ง")
