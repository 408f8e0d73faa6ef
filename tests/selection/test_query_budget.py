"""Scoring is the ladder's hot path (about 100,000 sheets in a national
round): its query count is fixed here so it cannot creep up unnoticed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Tier as CommitteeTier
from selection.models import Criterion
from selection.services import sheet_open, sheet_save
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
        sheet = sheet_open(actor=board.chair, nomination=nomination)
    with CaptureQueriesContext(connection) as saving:
        sheet_save(actor=board.chair, sheet=sheet, points=points, submit=True)

    statements = [q["sql"] for q in opening.captured_queries + saving.captured_queries]
    work = [sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(work) <= 12, "\n".join(work)


def test_filling_a_sheet_in_one_step_takes_eight_statements(geography):
    from selection.services import sheet_fill

    round_ = make_round()
    board = make_board(CommitteeTier.AMPHOE, "5001")
    nomination = submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    points = {c.pk: 8 for c in Criterion.objects.filter(round=round_, tier="amphoe")}

    with CaptureQueriesContext(connection) as filling:
        sheet = sheet_fill(actor=board.chair, nomination=nomination, points=points)

    work = [
        q["sql"]
        for q in filling.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(work) <= 8, "\n".join(work)
    assert sheet.status == "submitted" and sheet.total == 80
    assert sheet.scores.count() == 10


def test_filling_in_one_step_keeps_every_check(geography):
    from django.core.exceptions import PermissionDenied

    from committees.services import conflict_declare
    from selection.services import sheet_fill

    round_ = make_round()
    board = make_board(CommitteeTier.AMPHOE, "5001")
    nomination = submitted_nomination(make_officer("500101"), round_, "500101", "หนึ่ง")
    points = {c.pk: 8 for c in Criterion.objects.filter(round=round_, tier="amphoe")}
    conflict_declare(
        actor=board.members[0], producer=nomination.product.producer, reason="ญาติ"
    )

    for outsider in (board.observer, board.members[0]):
        with pytest.raises(PermissionDenied):
            sheet_fill(actor=outsider, nomination=nomination, points=points)
    sheet_fill(actor=board.chair, nomination=nomination, points=points, submit=False)
    again = sheet_fill(actor=board.chair, nomination=nomination, points=points)

    assert again.status == "submitted"
    assert nomination.sheets.count() == 1
