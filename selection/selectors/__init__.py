"""Reads of the ladder shared by the services, the admin pages and the
exports: committee queues as one annotated query, the ranked rows the score
sheets make, and rankings as rows for a table or a file.

By job: ``queues`` (the committee of a nomination, the queues, what a member
sees), ``scoring`` (a sheet's criteria, the ranked rows), ``rankings`` (the
ranking pages). Nothing here writes, and nothing here imports the services.
"""

from selection.selectors.queues import (
    CENTRAL_STAFF_PERMISSIONS,
    annotate_queue,
    committee_for,
    events_visible_to,
    is_central_staff,
    member_committees,
    nomination_queue_for,
    queue_for,
    queue_scope,
    ranking_queue_for,
    scoring_committee_for,
)
from selection.selectors.rankings import (
    AwardPreview,
    BandCount,
    RankingLine,
    award_preview,
    lower_tier_results,
    ranking_events,
    ranking_lines,
    ranking_of,
    ranking_page,
    ranking_quota,
    rankings_not_started,
    rankings_visible_to,
)
from selection.selectors.scoring import (
    RankedRow,
    criteria_for,
    mean_scores,
    ranked_keys,
    ranking_key,
    ranking_rows,
    scoring_members,
    with_nominations,
)

__all__ = [
    "CENTRAL_STAFF_PERMISSIONS",
    "AwardPreview",
    "BandCount",
    "RankedRow",
    "RankingLine",
    "annotate_queue",
    "award_preview",
    "committee_for",
    "criteria_for",
    "events_visible_to",
    "is_central_staff",
    "lower_tier_results",
    "mean_scores",
    "member_committees",
    "nomination_queue_for",
    "queue_for",
    "queue_scope",
    "ranked_keys",
    "ranking_events",
    "ranking_key",
    "ranking_lines",
    "ranking_of",
    "ranking_page",
    "ranking_queue_for",
    "ranking_quota",
    "ranking_rows",
    "rankings_not_started",
    "rankings_visible_to",
    "scoring_committee_for",
    "scoring_members",
    "with_nominations",
]
