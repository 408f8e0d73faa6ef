"""The ladder: rounds, their criteria, nominations, score sheets, rankings,
and the append-only audit trail (DESIGN.md §3).

By job: ``rounds`` (a round, its quotas, star bands and criteria),
``nominations`` (the forum and the nominations), ``scoring`` (score sheets),
``rankings``, ``events`` (the audit trail) and ``documents`` (a round's PDFs;
support plans are the support app's). Imported here in that order, the order Django
registers the models in; ``from selection.models import X`` finds them all,
and the migrations find ``_round_document_path`` and ``RoundDocumentField``
here.
"""

from core.tiers import COMMITTEE_TIERS, Tier

# isort: off
# In the order the models stood in one file: Django registers them as they
# are imported, and that order is the order of related objects (the delete
# page's list, the deletion collector) and of fresh content types.
from selection.models.plans import (
    SCORING_ACTIONS,
    Advance,
    Plan,
    PlanStep,
    Preset,
    StepAction,
    check_plan,
    plan_problems,
    preset_steps,
)
from selection.models.rounds import (
    DEFAULT_STAR_BANDS,
    Criterion,
    Part,
    Round,
    StarBand,
    TypeQuota,
    stars_from_bands,
)
from selection.models.nominations import Nomination, QueueNomination, TambonForum
from selection.models.scoring import Score, ScoreSheet
from selection.models.rankings import Ranking, RankingEntry
from selection.models.events import EventAction, NominationEvent
from selection.models.documents import (
    RoundDocument,
    RoundDocumentField,
    RoundDocumentFile,
    _round_document_path,
)
# isort: on

__all__ = [
    "COMMITTEE_TIERS",
    "DEFAULT_STAR_BANDS",
    "SCORING_ACTIONS",
    "Advance",
    "Criterion",
    "EventAction",
    "Nomination",
    "NominationEvent",
    "Part",
    "Plan",
    "PlanStep",
    "Preset",
    "QueueNomination",
    "Ranking",
    "RankingEntry",
    "Round",
    "RoundDocument",
    "RoundDocumentField",
    "RoundDocumentFile",
    "Score",
    "ScoreSheet",
    "StarBand",
    "StepAction",
    "TambonForum",
    "Tier",
    "TypeQuota",
    "_round_document_path",
    "check_plan",
    "plan_problems",
    "preset_steps",
    "stars_from_bands",
]
