"""The ladder written in bulk: forums, nominations, conflicts, score
sheets, rankings and the audit trail in time order."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from committees.models import ConflictDeclaration
from devdata.dataset.builder import BuilderBase, _at
from devdata.dataset.bulk import _bulk, _chunks, _insert_rows
from devdata.dataset.constants import AWARD_NOTE, State
from devdata.dataset.plan import Entry, Event, PlannedRanking
from selection.models import (
    Nomination,
    NominationEvent,
    Ranking,
    RankingEntry,
    Score,
    ScoreSheet,
    TambonForum,
    Tier,
)


class LadderWriter(BuilderBase):
    """Writing the ladder."""

    def write_ladder(self, round_, entries, rankings) -> None:
        self.forums_and_nominations(round_, entries)
        _bulk(
            ConflictDeclaration,
            [
                ConflictDeclaration(
                    user_id=member,
                    producer_id=self.producer_pks[producer],
                    reason="เป็นญาติกับประธานกลุ่มผู้ผลิต",
                    declared_at=declared,
                )
                for (member, producer), declared in self.conflicts.items()
            ],
        )
        self.write_sheets()
        self.write_rankings(round_, rankings)

    def forums_and_nominations(self, round_, entries: list[Entry]) -> None:
        rng = self.rng
        by_tambon: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_tambon[entry.place.code].append(entry)
        forums = {}
        for code, chosen in by_tambon.items() if self.plan.forum_required else ():
            place = chosen[0].place
            held = dt.date(self.year - 1, 11, rng.randint(1, 30))
            names = " ".join(self.product_name[e.product] for e in chosen)
            forums[code] = TambonForum(
                round=round_,
                tambon_id=code,
                held_on=held,
                attendee_count=rng.randint(25, 180),
                resolution=f"ที่ประชุมประชาคมตำบล{place.name_th}มีมติคัดเลือก {names} "
                "เป็นผลิตภัณฑ์ OTOP ของตำบล",
                recorded_by_id=self.officers[place.amphoe],
                recorded_at=_at(held + dt.timedelta(days=1), rng.randint(0, 8 * 3600)),
            )
        _bulk(TambonForum, list(forums.values()))
        bar = self._bar("nominations", len(entries), "nominations")
        nominations = []
        for entry in entries:
            leaf = self.product_leaf[entry.product]
            nominations.append(
                Nomination(
                    round=round_,
                    product_id=self.product_pks[entry.product],
                    tier=entry.tier,
                    state=entry.state,
                    tambon_code=entry.place.code,
                    amphoe_code=entry.place.amphoe,
                    province_code=entry.place.province,
                    category_id=leaf.parent_id,
                    forum=forums.get(entry.place.code),
                    created_by_id=self.officers[entry.place.amphoe],
                    created_at=entry.created_at,
                    submitted_at=entry.submitted_at,
                    provincial_score=entry.provincial_score,
                    final_score=entry.final_score,
                    stars=entry.stars,
                    awarded_at=entry.awarded_at,
                )
            )
        _bulk(Nomination, nominations, bar)
        bar.close()
        for entry, nomination in zip(entries, nominations, strict=True):
            entry.pk = nomination.pk
            officer = self.officers[entry.place.amphoe]
            self.events.append(
                Event(
                    entry.created_at,
                    officer,
                    "created",
                    entry,
                    after=(Tier.TAMBON, State.DRAFT),
                )
            )
            self.events.append(
                Event(
                    entry.submitted_at,
                    officer,
                    "submitted",
                    entry,
                    before=(Tier.TAMBON, State.DRAFT),
                    after=(Tier.AMPHOE, State.PENDING),
                )
            )
            if entry.withdrawn_at is not None:
                self.events.append(
                    Event(
                        entry.withdrawn_at,
                        officer,
                        "withdrawn",
                        entry,
                        before=(Tier.AMPHOE, State.PENDING),
                        after=(Tier.AMPHOE, State.WITHDRAWN),
                    )
                )

    def write_sheets(self) -> None:
        field = Score._meta.get_field("points")
        points = [field.get_db_prep_save(Decimal(h) / 2, connection) for h in range(21)]
        bar = self._bar("score sheets", len(self.sheets), "sheets")
        for batch in _chunks(self.sheets):
            rows = [
                ScoreSheet(
                    nomination_id=s.entry.pk,
                    tier=s.tier,
                    committee_id=s.board.pk,
                    member_id=s.member,
                    status=ScoreSheet.Status.SUBMITTED,
                    total=s.total,
                    part_a=s.part("A"),
                    part_b=s.part("B"),
                    part_c=s.part("C"),
                    submitted_at=s.submitted_at,
                    updated_at=s.submitted_at,
                )
                for s in batch
            ]
            _bulk(ScoreSheet, rows)
            _insert_rows(
                Score,
                ("sheet", "criterion", "points"),
                [
                    (row.pk, criterion, points[half])
                    for s, row in zip(batch, rows, strict=True)
                    for criterion, half in zip(
                        self.criteria[s.tier], s.halves, strict=True
                    )
                ],
            )
            for s, row in zip(batch, rows, strict=True):
                self.events.append(
                    Event(
                        s.submitted_at,
                        s.member,
                        "sheet_submitted",
                        s.entry,
                        before=(s.tier, State.PENDING),
                        after=(s.tier, State.PENDING),
                        note=_("Total %(total)s") % {"total": row.total},
                    )
                )
            bar.update(len(batch))
        bar.close()
        del self.sheets

    def write_rankings(self, round_, rankings) -> None:
        planned = [r for tier in rankings.values() for r in tier]
        _bulk(
            Ranking,
            rows := [
                Ranking(
                    round=round_,
                    committee_id=r.board.pk,
                    tier=r.tier,
                    status=Ranking.Status.APPROVED,
                    finalized_by_id=r.board.secretary,
                    finalized_at=r.finalized_at,
                    approved_by_id=r.board.chair,
                    approved_at=r.approved_at,
                )
                for r in planned
            ],
        )
        for ranking, row in zip(planned, rows, strict=True):
            ranking.pk = row.pk
        _bulk(
            RankingEntry,
            [
                RankingEntry(
                    ranking_id=r.pk,
                    nomination_id=row.entry.pk,
                    position=position,
                    mean_total=row.mean_total,
                    mean_a=row.mean_a,
                    mean_b=row.mean_b,
                    mean_c=row.mean_c,
                    sheet_count=row.sheet_count,
                    expected_sheets=row.expected,
                    decision=row.decision,
                )
                for r in planned
                for position, row in enumerate(r.rows, start=1)
            ],
        )
        for r in planned:
            self._ranking_events(r)
        self.write_events()

    def _ranking_events(self, r: PlannedRanking) -> None:
        self.events.append(
            Event(
                r.finalized_at,
                r.board.secretary,
                "ranking_finalized",
                ranking=r,
                before=("", Ranking.Status.OPEN),
                after=("", Ranking.Status.FINALIZED),
                note=_("%(n)s nominations ranked") % {"n": len(r.rows)},
            )
        )
        above = self.plan.next_tier(r.tier)
        scores = self.plan.scores(r.tier)
        for position, row in enumerate(r.rows, start=1):
            if above is None:
                continue
            forwarded = row.decision == RankingEntry.Decision.FORWARD
            # As services.advance: a checking tier's note says it passed.
            note = (
                _("Position %(position)s, mean %(mean)s")
                % {"position": position, "mean": row.mean_total}
                if scores
                else _("Passed the check")
                if forwarded
                else ""
            )
            self.events.append(
                Event(
                    r.approved_at,
                    r.board.chair,
                    "forwarded" if forwarded else "not_selected",
                    row.entry,
                    ranking=r,
                    before=(r.tier, State.PENDING),
                    after=(above, State.PENDING)
                    if forwarded
                    else (r.tier, State.NOT_SELECTED),
                    note=note,
                )
            )
        self.events.append(
            Event(
                r.approved_at,
                r.board.chair,
                "ranking_approved",
                ranking=r,
                before=("", Ranking.Status.FINALIZED),
                after=("", Ranking.Status.APPROVED),
            )
        )
        if above is None:
            for row in r.rows:
                entry = row.entry
                self.events.append(
                    Event(
                        entry.awarded_at,
                        r.board.chair,
                        "awarded",
                        entry,
                        before=(Tier.CENTRAL, State.PENDING),
                        after=(Tier.CENTRAL, State.AWARDED),
                        note=_(AWARD_NOTE)
                        % {
                            "stars": entry.stars,
                            "score": entry.final_score,
                            "provincial": entry.provincial_score,
                        },
                    )
                )

    def write_events(self) -> None:
        """The audit trail in time order, as the services would have appended it."""
        self.events.sort(key=lambda e: e.at)
        bar = self._bar("ladder events", len(self.events), "events")
        for batch in _chunks(self.events):
            _bulk(
                NominationEvent,
                [
                    NominationEvent(
                        nomination_id=e.entry.pk if e.entry else None,
                        ranking_id=e.ranking.pk if e.ranking else None,
                        actor_id=e.actor,
                        action=e.action,
                        from_tier=e.before[0],
                        from_state=e.before[1],
                        to_tier=e.after[0],
                        to_state=e.after[1],
                        note=e.note,
                        at=e.at,
                    )
                    for e in batch
                ],
            )
            bar.update(len(batch))
        bar.close()
        self.events = []
