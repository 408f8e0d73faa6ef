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
    assert len(work) <= 14, "\n".join(work)
