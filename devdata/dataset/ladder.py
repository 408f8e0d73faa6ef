"""The round opened, its nominees chosen, and every tier's scoring and
ranking worked out in memory (written by ``writing``)."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User
from core.buddhist_era import to_be
from devdata.dataset.builder import BuilderBase, _at
from devdata.dataset.constants import (
    CONFLICT_SHARE,
    CRITERIA,
    CRITERION_MAX,
    NOMINATED_SHARE,
    OPC_NOMINATED_SHARE,
    STAFF_USERNAME,
    TAG,
    WITHDRAWN_SHARE,
    State,
)
from devdata.dataset.plan import Board, Entry, PlannedRanking, Row, Sheet
from selection.models import (
    Advance,
    Criterion,
    Preset,
    RankingEntry,
    Round,
    Tier,
    preset_steps,
)
from selection.rounds import round_create, round_open


def _q(value: Decimal) -> Decimal:
    # As selection.selectors.scoring._q: the ranking's means, to the hundredth.
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


TAMBON_QUOTA = 5  # the ladder preset's nominations per tambon


class LadderBuilder(BuilderBase):
    # The round ---------------------------------------------------------------------

    def open_round(self) -> Round:
        staff = User.objects.get(username=STAFF_USERNAME)
        dates = self.round_dates
        round_ = round_create(
            actor=staff,
            preset=self.preset,
            year=self.year,
            title_th=f"การคัดสรรสุดยอดหนึ่งตำบล หนึ่งผลิตภัณฑ์ไทย ปี {to_be(self.year)}",
            title_en=f"OTOP Product Champion selection {self.year} {TAG}",
            tambon_deadline=dates["tambon_deadline"],
            amphoe_deadline=dates["amphoe_deadline"],
            province_deadline=dates["province_deadline"],
            central_deadline=dates["central_deadline"],
            steps=preset_steps(
                self.preset,
                tambon_quota=TAMBON_QUOTA,
                amphoe_advance=self.amphoe_advance,
                province_advance=self.province_advance,
                province_threshold=self.province_threshold,
            ),
        )
        Round.objects.filter(pk=round_.pk).update(created_at=_at(dates["opens"]))
        self.plan = round_.plan
        # Each scoring tier's criteria: those of the parts its step scores.
        scoring = [t for t in self.plan.committee_tiers if self.plan.scores(t)]
        Criterion.objects.bulk_create(
            Criterion(
                round=round_,
                tier=tier,
                part=part,
                code=code,
                title_th=title_th,
                title_en=title_en,
                max_points=CRITERION_MAX,
                order=order,
            )
            for tier in scoring
            for order, (part, code, title_th, title_en) in enumerate(CRITERIA)
            if part in self.plan.step(tier).parts
        )
        self.criteria = {
            tier: list(
                Criterion.objects.filter(round=round_, tier=tier)
                .order_by("order")
                .values_list("pk", flat=True)
            )
            for tier in scoring
        }
        self.bands = sorted(
            round_.star_bands.values_list("min_score", "stars"), reverse=True
        )
        return round_open(actor=staff, round_=round_)

    def nominees(self) -> list[Entry]:
        """About NOMINATED_SHARE of the products (OPC_NOMINATED_SHARE in an
        OPC round), certified ones only, at most the plan's tambon quota per
        tambon, submitted between the tambon forums (November) and the tambon
        deadline."""
        rng = self.rng
        quota = self.plan.tambon_quota
        eligible = [i for i, ok in enumerate(self.product_certified) if ok]
        rng.shuffle(eligible)
        share = OPC_NOMINATED_SHARE if self.preset == Preset.OPC else NOMINATED_SHARE
        wanted = round(self.n_products * share)
        chosen, per_tambon = [], defaultdict(int)
        for i in eligible:
            place = self.producer_place[self.product_producer[i]]
            if quota is None or per_tambon[place.code] < quota:
                per_tambon[place.code] += 1
                chosen.append(i)
                if len(chosen) == wanted:
                    break
        chosen.sort()
        dates = self.round_dates
        first = _at(dt.date(self.year - 1, 12, 1))
        window = int((_at(dates["tambon_deadline"], 9 * 3600) - first).total_seconds())
        # Distinct submission times: the ranking's last tie-break never needs ids.
        offsets = rng.sample(range(window), len(chosen))
        entries = []
        for i, offset in zip(chosen, offsets, strict=True):
            submitted = first + dt.timedelta(seconds=offset)
            entry = Entry(
                product=i,
                place=self.producer_place[self.product_producer[i]],
                created_at=submitted
                - dt.timedelta(seconds=rng.randint(600, 7 * 86400)),
                submitted_at=submitted,
                quality=min(98.0, max(30.0, rng.gauss(68, 9))),
            )
            if rng.random() < WITHDRAWN_SHARE:
                entry.state = State.WITHDRAWN
                entry.withdrawn_at = submitted + dt.timedelta(
                    seconds=rng.randint(3600, 14 * 86400)
                )
            entries.append(entry)
        return entries

    # Scoring and ranking, tier by tier (in memory) ---------------------------------

    TIER_WINDOWS = {  # (first sheet, last sheet, finalized from) as (month, day)
        Tier.AMPHOE: ((2, 1), (3, 15), (3, 18)),
        Tier.PROVINCE: ((4, 1), (5, 15), (5, 18)),
        Tier.CENTRAL: ((6, 1), (7, 5), (7, 8)),
    }
    TIER_BIAS = {Tier.AMPHOE: 0.0, Tier.PROVINCE: -1.5, Tier.CENTRAL: -3.0}  # stricter

    def climb(self, entries: list[Entry]) -> dict[str, list[PlannedRanking]]:
        """Every committee scores its queue (or, where the plan has it only
        check, scores nothing), finalizes and approves the ranking; what the
        plan's advance rule picks goes up; the centre awards all its queue."""
        self.sheets: list[Sheet] = []
        # (member, producer index) → when the member declared the conflict.
        self.conflicts: dict[tuple[int, int], dt.datetime] = {}
        rankings = {}
        queue = [e for e in entries if e.state == State.PENDING]
        for tier in self.plan.committee_tiers:
            by_area: dict[str, list[Entry]] = defaultdict(list)
            for entry in queue:
                area = {
                    Tier.AMPHOE: entry.place.amphoe,
                    Tier.PROVINCE: entry.place.province,
                }.get(tier, "")
                by_area[area].append(entry)
            bar = self._bar(f"scoring at {tier} tier", len(queue), "nominations")
            rankings[tier] = []
            for area in sorted(by_area):
                board = self.boards[f"{tier}:{area}"]
                rankings[tier].append(self.rank(board, tier, by_area[area]))
                bar.update(len(by_area[area]))
            bar.close()
            queue = [
                row.entry
                for ranking in rankings[tier]
                for row in ranking.rows
                if row.decision == RankingEntry.Decision.FORWARD
            ]
        return rankings

    @property
    def panels(self) -> dict[str, Board]:
        return {b.type_code: b for b in self.boards.values() if b.type_code}

    def rank(self, board: Board, tier: str, queue: list[Entry]) -> PlannedRanking:
        rng = self.rng
        step = self.plan.step(tier)
        first, last, finalized_from = (
            dt.date(self.year, month, day) for month, day in self.TIER_WINDOWS[tier]
        )
        panels = self.panels if tier == Tier.CENTRAL else {}
        panel_of = [
            panels.get(self.product_leaf[e.product].parent.code, board) for e in queue
        ]
        if step.scores:
            for entry, panel in zip(queue, panel_of, strict=True):
                if panel.ordinary and rng.random() < CONFLICT_SHARE:
                    member = rng.choice(panel.ordinary)
                    producer = self.product_producer[entry.product]
                    self.conflicts.setdefault((member, producer), _at(first))
        criteria = [c for c in CRITERIA if c[0] in step.parts]
        rows = []
        for entry, panel in zip(queue, panel_of, strict=True):
            producer = self.product_producer[entry.product]
            scorers = [m for m in panel.members if (m, producer) not in self.conflicts]
            sheets = []
            for member in scorers if step.scores else ():
                level = entry.quality + panel.bias[member] + self.TIER_BIAS[tier]
                halves = bytes(
                    min(20, max(0, round(2 * (level / 10 + rng.gauss(0, 0.8)))))
                    for _criterion in criteria
                )
                sheets.append(
                    Sheet(entry, tier, panel, member, halves, self._moment(first, last))
                )
            self.sheets += sheets
            n = len(sheets) or 1
            rows.append(
                Row(
                    entry=entry,
                    mean_total=_q(sum((s.total for s in sheets), Decimal(0)) / n),
                    mean_a=_q(sum((s.part("A") for s in sheets), Decimal(0)) / n),
                    mean_b=_q(sum((s.part("B") for s in sheets), Decimal(0)) / n),
                    mean_c=_q(sum((s.part("C") for s in sheets), Decimal(0)) / n),
                    sheet_count=len(sheets),
                    expected=len(scorers) if step.scores else 0,
                )
            )
        # As selection.selectors.ranking_rows.
        rows.sort(
            key=lambda r: (-r.mean_total, -r.mean_c, -r.mean_b, r.entry.submitted_at)
        )
        finalized = self._moment(finalized_from, finalized_from + dt.timedelta(days=3))
        approved = finalized + dt.timedelta(seconds=rng.randint(3600, 3 * 86400))
        above = self.plan.next_tier(tier)
        # As PlanStep.advancing (no per-type quotas here): a quota by position,
        # a threshold (inclusive) by the mean, or all; the award tier takes
        # all it approves.
        if above is None:
            goes_up = [True] * len(rows)
        elif step.advance == Advance.QUOTA:
            goes_up = [position <= step.quota for position in range(1, len(rows) + 1)]
        else:
            goes_up = step.advancing(rows)
        for position, (row, goes) in enumerate(zip(rows, goes_up, strict=True), 1):
            entry = row.entry
            row.decision = (
                RankingEntry.Decision.FORWARD
                if goes
                else RankingEntry.Decision.NOT_SELECTED
            )
            if above is None:
                entry.state = State.AWARDED
                entry.final_score = row.mean_total
                entry.stars = self.stars_for(row.mean_total)
                entry.awarded_at = approved + dt.timedelta(
                    days=2, seconds=60 * position
                )
            elif goes:
                entry.tier = above
                if tier == Tier.PROVINCE and step.scores:
                    entry.provincial_score = row.mean_total
            else:
                entry.state = State.NOT_SELECTED
        return PlannedRanking(board, tier, rows, finalized, approved)

    def stars_for(self, score: Decimal) -> int:
        # As Round.stars_for: the highest band the score reaches.
        return next((stars for low, stars in self.bands if low <= score), 1)
