"""Rules of the ranking that a broken line of code would otherwise slip past:
quorum at its edge, revoked members, deadlines at Bangkok's midnight, the
tambon quota, the forum, reopening, per-type quotas and a second seat."""

import datetime as dt
from decimal import Decimal

import pytest

from committees.models import Membership, Role
from committees.models import Tier as CommitteeTier
from committees.services import membership_grant, membership_revoke
from core.workflow import InvalidTransition
from products.models import Category
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    TypeQuota,
)
from selection.rounds import round_update
from selection.selectors import ranking_lines, ranking_rows
from selection.services import (
    nomination_create,
    nomination_submit,
    ranking_approve,
    ranking_finalize,
    ranking_get,
    ranking_move_entry,
    ranking_reopen,
    sheet_save,
)
from tests.clock import TODAY, bangkok
from tests.selection.ladder import (
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

NINE = {"A": 9, "B": 9, "C": 9}


# Quorum and revoked members ----------------------------------------------------------


@pytest.fixture
def district(officer, district_board):
    """An open round, the officer of 500101 and their district committee."""
    round_ = make_round(amphoe_advance=2, tambon_quota=10)
    return round_, district_board, officer


def test_quorum_of_all_members_refuses_one_sheet_short(district):
    round_, board, officer = district
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
    for member in board.scorers[:-1]:
        score(member, nomination, NINE)
    ranking = ranking_get(committee=board.committee, round_=round_)

    with pytest.raises(InvalidTransition, match="3/4"):
        ranking_finalize(actor=board.secretary, ranking=ranking)

    score(board.scorers[-1], nomination, NINE)
    assert ranking_finalize(actor=board.secretary, ranking=ranking).status == (
        Ranking.Status.FINALIZED
    )


def test_a_minimum_quorum_refuses_one_sheet_short_and_accepts_it_met(
    district, central_staff
):
    round_, board, officer = district
    round_update(actor=central_staff, round_=round_, quorum="minimum", quorum_minimum=3)
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
    score(board.chair, nomination, NINE)
    score(board.secretary, nomination, NINE)
    ranking = ranking_get(committee=board.committee, round_=round_)

    with pytest.raises(InvalidTransition, match="2/3"):
        ranking_finalize(actor=board.secretary, ranking=ranking)

    score(board.members[0], nomination, NINE)
    assert ranking_finalize(actor=board.secretary, ranking=ranking).status == (
        Ranking.Status.FINALIZED
    )


def test_a_revoked_members_sheet_no_longer_counts(district, central_staff):
    round_, board, officer = district
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
    leaving = board.members[1]
    for member in board.scorers:
        score(
            member, nomination, {"A": 1, "B": 1, "C": 1} if member == leaving else NINE
        )
    assert ranking_rows(board.committee, round_)[0].sheet_count == 4

    membership_revoke(
        actor=central_staff,
        membership=Membership.objects.get(user=leaving, committee=board.committee),
        note="ย้ายไปรับราชการที่อื่น",
    )

    (row,) = ranking_rows(board.committee, round_)
    assert row.sheet_count == 3
    assert row.expected == 3
    assert row.mean_total == Decimal("90.00")


def test_a_member_whose_term_ended_no_longer_counts_before_the_nightly_sweep(
    district, fixed_clock
):
    round_, board, officer = district
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
    leaving = board.members[1]
    for member in board.scorers:
        low = {"A": 1, "B": 1, "C": 1}
        score(member, nomination, low if member == leaving else NINE)

    # The term ended yesterday; memberships_expire has not run yet.
    Membership.objects.filter(user=leaving, committee=board.committee).update(
        term_end=TODAY - dt.timedelta(days=1)
    )

    (row,) = ranking_rows(board.committee, round_)
    assert (row.sheet_count, row.expected) == (3, 3)
    assert row.mean_total == Decimal("90.00")


# Deadlines at Bangkok's midnight -----------------------------------------------------


def test_the_deadline_day_is_open_until_midnight_in_bangkok(
    district, fixed_clock, english, central_staff
):
    round_, board, officer = district
    deadline = dt.date(2027, 1, 15)
    round_update(
        actor=central_staff,
        round_=round_,
        tambon_deadline=deadline - dt.timedelta(days=1),
        amphoe_deadline=deadline,
    )
    fixed_clock.move_to(bangkok(2027, 1, 14, 9, 0))
    nomination = submitted_nomination_late_ok(officer, round_)

    fixed_clock.move_to(bangkok(2027, 1, 15, 23, 59))  # the day itself: open
    assert score(board.chair, nomination, NINE).status == "submitted"

    # 00:00:30 on the 16th in Bangkok is still the 15th in UTC: closed.
    fixed_clock.move_to(bangkok(2027, 1, 16, 0, 0, 30))
    with pytest.raises(InvalidTransition, match="passed"):
        score(board.secretary, nomination, NINE)


def submitted_nomination_late_ok(officer, round_):
    return submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")


def test_the_tambon_deadline_closes_at_bangkok_midnight(
    district, fixed_clock, english, central_staff
):
    round_, board, officer = district
    round_update(
        actor=central_staff, round_=round_, tambon_deadline=dt.date(2027, 1, 15)
    )
    fixed_clock.move_to(bangkok(2027, 1, 15, 23, 59))
    submitted_nomination(officer, round_, "500101", "หนึ่ง")

    fixed_clock.move_to(bangkok(2027, 1, 16, 6, 0))  # 23:00 on the 15th in UTC
    with pytest.raises(InvalidTransition, match="passed"):
        submitted_nomination(officer, round_, "500101", "สอง")


# The tambon's own limits -------------------------------------------------------------


def test_the_tambon_quota_refuses_the_next_submission(geography, english):
    round_ = make_round(tambon_quota=1)
    officer = make_officer("500101")
    submitted_nomination(officer, round_, "500101", "หนึ่ง")
    product = complete_product(officer, "500101", "สอง")
    second = nomination_create(actor=officer, round_=round_, product=product)

    with pytest.raises(InvalidTransition, match="quota of 1"):
        nomination_submit(actor=officer, nomination=second)
    second.refresh_from_db()
    assert (second.tier, second.state) == ("tambon", "draft")


def test_submitting_without_a_recorded_forum_is_refused(geography, english):
    round_ = make_round()
    officer = make_officer("500101")
    product = complete_product(officer, "500101", "หนึ่ง")
    nomination = nomination_create(actor=officer, round_=round_, product=product)

    with pytest.raises(InvalidTransition, match="forum"):
        nomination_submit(actor=officer, nomination=nomination)
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("tambon", "draft")


# Reopening, quotas per type, a second seat -------------------------------------------


def test_reopening_clears_the_entries_and_records_why(district):
    round_, board, officer = district
    a = submitted_nomination(officer, round_, "500101", "หนึ่ง")
    b = submitted_nomination(officer, round_, "500101", "สอง")
    score_all(board, [a, b], NINE)
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )
    ranking_move_entry(
        actor=board.secretary,
        entry=ranking.entries.get(position=2),
        position=1,
        justification="ตลาดต้องการมาก",
    )

    ranking_reopen(actor=board.chair, ranking=ranking, reason="คะแนนกรอกผิด")

    ranking.refresh_from_db()
    assert ranking.status == Ranking.Status.OPEN
    assert not ranking.entries.exists()
    event = NominationEvent.objects.get(ranking=ranking, action="ranking_reopened")
    assert (event.actor, event.note) == (board.chair, "คะแนนกรอกผิด")
    assert (event.from_state, event.to_state) == ("finalized", "open")


def test_the_quota_line_marks_exactly_what_approval_forwards(district):
    """Two drinks with a type quota of 1 and three foods under the overall
    quota of 2: the page's marks and the approval's decisions agree."""
    round_, board, officer = district
    drinks = Category.objects.get(code="DRINK")
    TypeQuota.objects.create(round=round_, tier="amphoe", category=drinks, advance=1)
    points = {
        "ชาใบหม่อน": (10, 10, 10),
        "น้ำพริกหนุ่ม": (9, 9, 9),
        "กาแฟดอย": (9, 9, 8),
        "แคบหมู": (8, 8, 8),
        "ข้าวแต๋น": (7, 7, 7),
    }
    kinds = {"ชาใบหม่อน": "DRINK-TEA", "กาแฟดอย": "DRINK-NONALC"}
    for name, (a, b, c) in points.items():
        nomination = submitted_nomination(
            officer, round_, "500101", name, category=kinds.get(name, "FOOD-SNACK")
        )
        score_all(board, [nomination], {"A": a, "B": b, "C": c})
    ranking = ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )
    marked = {line.product for line in ranking_lines(ranking) if line.within_quota}

    ranking_approve(actor=board.chair, ranking=ranking)

    forwarded = {
        str(n.product) for n in Nomination.objects.filter(round=round_, tier="province")
    }
    assert forwarded == {"ชาใบหม่อน", "น้ำพริกหนุ่ม", "แคบหมู"}
    assert marked == forwarded


def test_a_district_sheet_is_fixed_once_the_district_approved(geography, central_staff):
    """A person on the district and the provincial committee keeps scoring at
    the province, but their district sheet no longer changes."""
    round_ = make_round(amphoe_advance=1, tambon_quota=10)
    district = make_board(CommitteeTier.AMPHOE, "5001")
    province = make_board(CommitteeTier.PROVINCE, "50")
    both = district.members[0]
    membership_grant(
        actor=central_staff, user=both, committee=province.committee, role=Role.MEMBER
    )
    officer = make_officer("500101")
    nomination = submitted_nomination(officer, round_, "500101", "น้ำพริกหนุ่ม")
    score_all(district, [nomination], NINE)
    district_sheet = nomination.sheets.get(member=both, tier="amphoe")
    rank_and_approve(district, round_)

    nomination.refresh_from_db()
    province_sheet = sheet_save(
        actor=both,
        nomination=nomination,
        points={
            c.pk: Decimal(1)
            for c in Criterion.objects.filter(round=round_, tier="province")
        },
        submit=True,
    )

    assert province_sheet.tier == "province" and province_sheet != district_sheet
    district_sheet.refresh_from_db()
    assert sorted(s.points for s in district_sheet.scores.all()) == [Decimal(9)] * 10
    assert district_sheet.total == 90
