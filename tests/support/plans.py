"""Builders for support-plan tests (a plain helper module, not a test module:
test modules import from here): a district's finalized ranking to plan for,
and the fields of a valid support action."""

from decimal import Decimal

from selection.models import Nomination, Round
from selection.services import ranking_finalize, ranking_get
from tests.selection.ladder import Board, make_round, score_all, submitted_nomination

PRODUCTS = ("น้ำพริกหนุ่ม", "ผ้าฝ้ายทอมือ")


def ranked_round(board: Board, officer, tambon_code: str) -> tuple[Round, list]:
    """A round in which ``board`` scored two of the officer's products and its
    secretary finalized the ranking: the nominations a plan may support."""
    round_ = make_round(amphoe_advance=1, tambon_quota=10)
    ranked = [
        submitted_nomination(officer, round_, tambon_code, name) for name in PRODUCTS
    ]
    score_all(board, ranked, {"A": 8, "B": 8, "C": 8})
    ranking_finalize(
        actor=board.secretary,
        ranking=ranking_get(committee=board.committee, round_=round_),
    )
    return round_, ranked


def action_fields(round_: Round, nomination: Nomination, **overrides) -> dict:
    """A valid support action for ``nomination`` (a ranked one), 15,000.50
    baht in the fiscal year after the round's."""
    return {
        "nomination": nomination,
        "kind": "packaging",
        "description": "ออกแบบบรรจุภัณฑ์ใหม่",
        "agency": "สำนักงานพัฒนาชุมชนอำเภอ",
        "budget": Decimal("15000.50"),
        "source": "cdd",
        "fiscal_year": round_.year + 543 + 1,
        "quarter": 2,
        **overrides,
    }
