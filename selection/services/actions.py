"""What a user may do now: each move's check, declared once, in two tables.
The services run a check as their guard; the pages ask the same tables, so
the buttons a page shows are exactly the moves that succeed."""

from accounts.models import User
from committees.permissions import can
from core.workflow import Checks
from selection.models import Nomination, Ranking
from selection.services.awards import _check_award, _check_award_all
from selection.services.nominations import (
    _check_resubmit,
    _check_return,
    _check_submit,
    _check_withdraw,
)
from selection.services.rankings import (
    _check_approve,
    _check_finalize,
    _check_reopen,
    _positions_count,
)
from selection.services.scoring import _check_score

NOMINATION_CHECKS = Checks(
    {
        "submit": _check_submit,
        "resubmit": _check_resubmit,
        "withdraw": _check_withdraw,
        "score": _check_score,
        "return": _check_return,
        "award": _check_award,
    }
)


RANKING_CHECKS = Checks(
    {
        "finalize": _check_finalize,
        "reopen": _check_reopen,
        "approve": _check_approve,
        "award_all": _check_award_all,
    }
)


def available_actions(user: User, nomination: Nomination) -> list[str]:
    """The moves ``user`` can make on ``nomination`` now: the same checks the
    services run, so a button shown is a move that will be accepted."""
    return NOMINATION_CHECKS.passing(user, nomination)


def ranking_actions(user: User, ranking: Ranking) -> list[str]:
    actions = RANKING_CHECKS.passing(user, ranking)
    if (
        ranking.status == Ranking.Status.FINALIZED
        and _positions_count(ranking)
        and can(user, "move_ranking_entry", ranking.committee)
    ):
        actions.append("move")
    return actions
