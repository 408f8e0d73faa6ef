"""The ladder in the admin: rounds for central staff; queues, score sheets,
rankings and the audit trail for committee members. Thin: every write goes
through selection.services, every list is narrowed by selection.selectors."""

# Each module registers its models with the admin site on import.
from selection.admin.events import NominationEventAdmin
from selection.admin.queue import QueueNominationAdmin
from selection.admin.rankings import RankingAdmin
from selection.admin.rounds import RoundAdmin

__all__ = ["NominationEventAdmin", "QueueNominationAdmin", "RankingAdmin", "RoundAdmin"]
