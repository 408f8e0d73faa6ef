"""Scoring is the ladder's hot path (about 100,000 sheets in a national
round): its query count is fixed here so it cannot creep up unnoticed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Tier as CommitteeTier
from selection.models import Criterion
from selection.services import sheet_for, sheet_save
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


def test_opening_and_submitting_a_sheet_stays_within_its_query_budget(geography):
    round_ = make_round()
    board = make_board(CommitteeTier.AMPHOE, "5001")
    nomination = submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    points = {c.pk: 8 for c in Criterion.objects.filter(round=round_, tier="amphoe")}

    with CaptureQueriesContext(connection) as opening:
        sheet_for(actor=board.chair, nomination=nomination)
    with CaptureQueriesContext(connection) as saving:
        sheet_save(actor=board.chair, nomination=nomination, points=points, submit=True)

    statements = [q["sql"] for q in opening.captured_queries + saving.captured_queries]
    work = [sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE"))]
    # The page's read (2: the checks, the sheet) and the save (7); opening
    # took 4 when it locked the nomination and stored a blank sheet.
    # Each also reads the round's plan (does this tier score?): 3 + 8.
    assert len(work) <= 11, "\n".join(work)


def test_saving_a_new_sheet_takes_eight_statements(geography):
    round_ = make_round()
    board = make_board(CommitteeTier.AMPHOE, "5001")
    nomination = submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    points = {c.pk: 8 for c in Criterion.objects.filter(round=round_, tier="amphoe")}

    with CaptureQueriesContext(connection) as filling:
        sheet = sheet_save(
            actor=board.chair, nomination=nomination, points=points, submit=True
        )

    work = [
        q["sql"]
        for q in filling.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(work) <= 8, "\n".join(work)
    assert sheet.status == "submitted" and sheet.total == 80
    assert sheet.scores.count() == 10


def test_saving_keeps_every_check(geography):
    from django.core.exceptions import PermissionDenied

    from committees.services import conflict_declare

    round_ = make_round()
    board = make_board(CommitteeTier.AMPHOE, "5001")
    nomination = submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    points = {c.pk: 8 for c in Criterion.objects.filter(round=round_, tier="amphoe")}
    conflict_declare(
        actor=board.members[0], producer=nomination.product.producer, reason="ญาติ"
    )

    for outsider in (board.observer, board.members[0]):
        with pytest.raises(PermissionDenied):
            sheet_save(actor=outsider, nomination=nomination, points=points)
        with pytest.raises(PermissionDenied):
            sheet_for(actor=outsider, nomination=nomination)
    sheet_save(actor=board.chair, nomination=nomination, points=points)
    again = sheet_save(
        actor=board.chair, nomination=nomination, points=points, submit=True
    )

    assert again.status == "submitted"
    assert nomination.sheets.count() == 1


@pytest.fixture
def meeting(geography):
    """A district committee with ten nominations waiting in its queue."""
    round_ = make_round(tambon_quota=20)
    board = make_board(CommitteeTier.AMPHOE, "5001")
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", f"สินค้า {i}") for i in range(10)
    ]
    criteria = list(Criterion.objects.filter(round=round_, tier="amphoe"))
    return round_, board, nominations, criteria


def _points(criteria, value):
    from decimal import Decimal

    return {c.pk: Decimal(value) for c in criteria}


def test_a_member_scores_a_whole_queue_at_once_like_sheet_by_sheet(meeting):
    from selection.models import NominationEvent
    from selection.selectors import ranking_rows
    from selection.services import sheets_fill

    round_, board, nominations, criteria = meeting
    for member in board.scorers:
        sheets_fill(
            actor=member,
            committee=board.committee,
            entries={
                n.pk: _points(criteria, 5 + i % 5) for i, n in enumerate(nominations)
            },
        )

    rows = ranking_rows(board.committee, round_)
    assert [r.sheet_count for r in rows] == [4] * 10
    assert rows[0].mean_total == 90  # 9 points × 10 criteria
    assert NominationEvent.objects.filter(action="sheet_submitted").count() == 40


def test_a_whole_queue_costs_the_same_queries_as_a_few(meeting):
    from selection.services import sheets_fill

    round_, board, nominations, criteria = meeting

    def fill(member, batch):
        with CaptureQueriesContext(connection) as captured:
            sheets_fill(
                actor=member,
                committee=board.committee,
                entries={n.pk: _points(criteria, 7) for n in batch},
            )
        return len(captured.captured_queries)

    assert fill(board.chair, nominations[:2]) == fill(board.secretary, nominations)


def test_a_batch_with_a_conflict_saves_nothing(meeting):
    from django.core.exceptions import PermissionDenied

    from committees.services import conflict_declare
    from selection.models import ScoreSheet
    from selection.services import sheets_fill

    round_, board, nominations, criteria = meeting
    conflict_declare(
        actor=board.chair, producer=nominations[3].product.producer, reason="ญาติ"
    )

    with pytest.raises(PermissionDenied):
        sheets_fill(
            actor=board.chair,
            committee=board.committee,
            entries={n.pk: _points(criteria, 7) for n in nominations},
        )
    assert not ScoreSheet.objects.exists()


def test_a_batch_with_bad_points_names_the_product_and_saves_nothing(meeting):
    from django.core.exceptions import ValidationError

    from selection.models import ScoreSheet
    from selection.services import sheets_fill

    round_, board, nominations, criteria = meeting
    entries = {n.pk: _points(criteria, 7) for n in nominations}
    entries[nominations[2].pk][criteria[0].pk] = 11

    with pytest.raises(ValidationError) as error:
        sheets_fill(actor=board.members[0], committee=board.committee, entries=entries)
    assert "สินค้า 2" in str(error.value)
    assert not ScoreSheet.objects.exists()


def test_a_batch_refuses_another_committees_nomination(meeting):
    from core.workflow import InvalidTransition
    from selection.services import sheets_fill

    round_, board, nominations, criteria = meeting
    other = make_board(CommitteeTier.AMPHOE, "5002")

    with pytest.raises(InvalidTransition):
        sheets_fill(
            actor=other.chair,
            committee=other.committee,
            entries={nominations[0].pk: _points(criteria, 7)},
        )
