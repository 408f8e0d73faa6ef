"""Every move on the ladder (DESIGN.md §3), each following the kernel's one
recipe (``core.workflow``):

    lock the row → check the state → check the actor's right → write →
    append a NominationEvent → register side effects with on_commit.

Each move's check is declared once, in ``NOMINATION_CHECKS`` or
``RANKING_CHECKS``; the services run it as their guard and
``available_actions`` / ``ranking_actions`` ask the same tables, so the
buttons a page shows are exactly the moves that succeed.

By job: ``nominations`` (the forum, the officer's moves, a committee's
return), ``scoring`` (score sheets), ``rankings`` (finalize, move, reopen,
approve), ``awards`` (central stars), ``actions`` (the check tables), and
``steps``, the pieces they share. Reads live in ``selection.selectors``.
"""

from selection.services.actions import (
    NOMINATION_CHECKS,
    RANKING_CHECKS,
    available_actions,
    ranking_actions,
)
from selection.services.awards import nomination_award, ranking_award_all
from selection.services.nominations import (
    forum_record,
    nomination_create,
    nomination_resubmit,
    nomination_return,
    nomination_submit,
    nomination_withdraw,
)
from selection.services.rankings import (
    ranking_approve,
    ranking_finalize,
    ranking_get,
    ranking_move_entry,
    ranking_reopen,
)
from selection.services.scoring import sheet_for, sheet_save, sheets_fill

__all__ = [
    "NOMINATION_CHECKS",
    "RANKING_CHECKS",
    "available_actions",
    "forum_record",
    "nomination_award",
    "nomination_create",
    "nomination_resubmit",
    "nomination_return",
    "nomination_submit",
    "nomination_withdraw",
    "ranking_actions",
    "ranking_approve",
    "ranking_award_all",
    "ranking_finalize",
    "ranking_get",
    "ranking_move_entry",
    "ranking_reopen",
    "sheet_for",
    "sheet_save",
    "sheets_fill",
]
