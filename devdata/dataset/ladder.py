"""The round opened, its nominees chosen, and every tier's scoring and
ranking worked out in memory (written by ``writing``)."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User
from core.buddhist_era import to_be
from core.tiers import next_tier
from devdata.dataset.builder import BuilderBase, _at
from devdata.dataset.constants import (
    CONFLICT_SHARE,
    CRITERIA,
    CRITERION_MAX,
    NOMINATED_SHARE,
    STAFF_USERNAME,
    TAG,
    WITHDRAWN_SHARE,
    State,
)
from devdata.dataset.plan import Board, Entry, PlannedRanking, Row, Sheet
from selection.models import Criterion, Preset, RankingEntry, Round, Tier, preset_steps
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
            year=self.year,
            title_th=f"การคัดสรรสุดยอดหนึ่งตำบล หนึ่งผลิตภัณฑ์ไทย ปี {to_be(self.year)}",
            title_en=f"OTOP Product Champion selection {self.year} {TAG}",
            tambon_deadline=dates["tambon_deadline"],
            amphoe_deadline=dates["amphoe_deadline"],
            province_deadline=dates["province_deadline"],
            central_deadline=dates["central_deadline"],
            steps=preset_steps(
                Preset.LADDER,
                tambon_quota=TAMBON_QUOTA,
                amphoe_advance=self.amphoe_advance,
                province_advance=self.province_advance,
            ),
        )
        Round.objects.filter(pk=round_.pk).update(created_at=_at(dates["opens"]))
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
            for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL)
            for order, (part, code, title_th, title_en) in enumerate(CRITERIA)
        )
        self.criteria = {
            tier: list(
                Criterion.objects.filter(round=round_, tier=tier)
                .order_by("order")
                .values_list("pk", flat=True)
            )
            for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL)
        }
        self.bands = sorted(
            round_.star_bands.values_list("min_score", "stars"), reverse=True
        )
        return round_open(actor=staff, round_=round_)

    def nominees(self) -> list[Entry]:
        """About NOMINATED_SHARE of the products, certified ones only, at
        most the tambon quota per tambon, submitted between the tambon forums
        (November) and the tambon deadline."""
        rng = self.rng
        quota = TAMBON_QUOTA
        eligible = [i for i, ok in enumerate(self.product_certified) if ok]
        rng.shuffle(eligible)
        wanted = round(self.n_products * NOMINATED_SHARE)
        chosen, per_tambon = [], defaultdict(int)
        for i in eligible:
            place = self.producer_place[self.product_producer[i]]
            if per_tambon[place.code] < quota:
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
        """Every committee scores its queue, finalizes and approves the
        ranking; the top of each goes up; the centre awards all its queue."""
        self.sheets: list[Sheet] = []
        # (member, producer index) → when the member declared the conflict.
        self.conflicts: dict[tuple[int, int], dt.datetime] = {}
        rankings = {}
        queue = [e for e in entries if e.state == State.PENDING]
        for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL):
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

    def rank(self, board: Board, tier: str, queue: list[Entry]) -> PlannedRanking:
        rng = self.rng
        first, last, finalized_from = (
            dt.date(self.year, month, day) for month, day in self.TIER_WINDOWS[tier]
        )
        for entry in queue:
            if board.ordinary and rng.random() < CONFLICT_SHARE:
                member = rng.choice(board.ordinary)
                producer = self.product_producer[entry.product]
                self.conflicts.setdefault((member, producer), _at(first))
        rows = []
        for entry in queue:
            producer = self.product_producer[entry.product]
            scorers = [m for m in board.members if (m, producer) not in self.conflicts]
            sheets = []
            for member in scorers:
                level = entry.quality + board.bias[member] + self.TIER_BIAS[tier]
                halves = bytes(
                    min(20, max(0, round(2 * (level / 10 + rng.gauss(0, 0.8)))))
                    for _criterion in CRITERIA
                )
                sheets.append(
                    Sheet(entry, tier, board, member, halves, self._moment(first, last))
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
                    expected=len(scorers),
                )
            )
        # As selection.selectors.ranking_rows.
        rows.sort(
            key=lambda r: (-r.mean_total, -r.mean_c, -r.mean_b, r.entry.submitted_at)
        )
        finalized = self._moment(finalized_from, finalized_from + dt.timedelta(days=3))
        approved = finalized + dt.timedelta(seconds=rng.randint(3600, 3 * 86400))
        advance = {
            Tier.AMPHOE: self.amphoe_advance,
            Tier.PROVINCE: self.province_advance,
        }.get(tier)
        for position, row in enumerate(rows, start=1):
            entry = row.entry
            goes = advance is None or position <= advance
            row.decision = (
                RankingEntry.Decision.FORWARD
                if goes
                else RankingEntry.Decision.NOT_SELECTED
            )
            if tier == Tier.CENTRAL:
                entry.state = State.AWARDED
                entry.final_score = row.mean_total
                entry.stars = self.stars_for(row.mean_total)
                entry.awarded_at = approved + dt.timedelta(
                    days=2, seconds=60 * position
                )
            elif goes:
                entry.tier = next_tier(tier)
                if tier == Tier.PROVINCE:
                    entry.provincial_score = row.mean_total
            else:
                entry.state = State.NOT_SELECTED
        return PlannedRanking(board, tier, rows, finalized, approved)

    def stars_for(self, score: Decimal) -> int:
        # As Round.stars_for: the highest band the score reaches.
        return next((stars for low, stars in self.bands if low <= score), 1)
