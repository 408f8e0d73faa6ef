"""The demo's two rounds played through the services: last year's to the
end, this year's open with each amphoe at another step."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User
from committees.services import conflict_declare
from communities.services import registration_apply, registration_approve
from core.buddhist_era import to_be
from devdata.demo.build import WorldBuilder, _digits
from devdata.demo.data import (
    AMPHOES,
    APPROVED,
    CONFLICT,
    CRITERIA,
    CURRENT_PHASE,
    FINALIZED,
    OPC_STANDARDS,
    OPC_THRESHOLD,
    PRODUCTS,
    PROVINCES,
    RETURN_REASON,
    ROUND_TITLE_EN,
    ROUND_TITLE_TH,
    SUPPORT_ACTIONS,
    SUPPORT_PROVINCE,
    WITHDRAW_NOTE,
    DemoProduct,
)
from products.models import Standard
from registry.services import publishable, registry_publish_many
from selection.models import (
    Criterion,
    Nomination,
    Preset,
    Ranking,
    Round,
    preset_steps,
)
from selection.rounds import (
    round_close,
    round_create,
    round_criteria_edit,
    round_open,
    round_update,
)
from selection.selectors import queue_for
from selection.services import (
    forum_record,
    nomination_create,
    nomination_return,
    nomination_submit,
    nomination_withdraw,
    ranking_approve,
    ranking_award_all,
    ranking_finalize,
    ranking_get,
    sheets_fill,
)
from support.models import SupportAction, SupportPlan
from support.services import (
    ranked_nominations,
    support_action_add,
    support_action_progress,
    support_plan_approve,
    support_plan_get,
)

# Each member's sheet total departs from the product's mean by one of these,
# rotated over the members, so the committee's mean is the product's exactly.
OFFSETS = {
    1: (Decimal(0),),
    2: (Decimal("-0.5"), Decimal("0.5")),
    3: (Decimal(-1), Decimal(0), Decimal(1)),
    4: (Decimal("-1.5"), Decimal("-0.5"), Decimal("0.5"), Decimal("1.5")),
}
HALF = Decimal("0.5")


DEADLINES = ("tambon_deadline", "amphoe_deadline", "province_deadline")
DEADLINES += ("central_deadline",)


def planned_deadlines(fy: int) -> dict[str, dt.date]:
    """The usual deadlines of fiscal year ``fy`` (it starts on 1 October of
    the year before): tambons in January, then every two months."""
    days = (dt.date(fy, 1, 31), dt.date(fy, 3, 31), dt.date(fy, 5, 31))
    return dict(zip(DEADLINES, (*days, dt.date(fy, 7, 31)), strict=True))


def future_deadlines(fy: int, today: dt.date) -> dict[str, dt.date]:
    """The planned deadlines, each moved to a month past today (and past the
    one before) when it would otherwise be gone or near: the open round
    stays usable whenever in the fiscal year the demo is built."""
    deadlines, floor = {}, today + dt.timedelta(days=30)
    for name, day in planned_deadlines(fy).items():
        deadlines[name] = max(day, floor)
        floor = deadlines[name] + dt.timedelta(days=30)
    return deadlines


def sheet_points(criteria: list[Criterion], total: Decimal, rng: random.Random):
    """Points per criterion in half points, near ``total``'s share of each
    criterion's maximum and adding up to ``total`` exactly."""
    if not 0 <= total <= sum(c.max_points for c in criteria):
        raise ValueError(f"No sheet adds up to {total}.")
    points = {}
    for criterion in criteria:
        share = criterion.max_points * total / 100
        wobble = Decimal(rng.randint(-3, 3)) * HALF / 2
        value = ((share + wobble) * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2
        points[criterion.pk] = min(max(value, Decimal(0)), criterion.max_points)
    missing = total - sum(points.values())
    step = HALF if missing > 0 else -HALF
    while missing:
        for criterion in criteria:
            value = points[criterion.pk] + step
            if missing and Decimal(0) <= value <= criterion.max_points:
                points[criterion.pk] = value
                missing -= step
    return points


class RoundsBuilder(WorldBuilder):
    """Last year's round and this year's, on the world ``WorldBuilder`` made."""

    def open_round(self, year: int, **fields) -> Round:
        """A round of ``year`` with the demo's criteria for the parts each
        scoring tier of its plan scores, opened."""
        round_ = round_create(
            actor=self.staff,
            year=year,
            title_th=ROUND_TITLE_TH.format(be=to_be(year)),
            title_en=ROUND_TITLE_EN.format(ce=year),
            **future_deadlines(self.fy, self.today),
            **fields,
        )
        round_criteria_edit(  # as the admin's inline does
            actor=self.staff,
            round_=round_,
            rows=[
                {
                    "tier": step.tier,
                    "part": part,
                    "code": code,
                    "title_th": title_th,
                    "title_en": title_en,
                    "max_points": Decimal(points),
                    "order": order,
                }
                for step in round_.plan.steps
                if step.scores
                for order, (part, code, points, title_th, title_en) in enumerate(
                    CRITERIA
                )
                if part in step.parts
            ],
        )
        return round_open(actor=self.staff, round_=round_)

    def forums(self, round_: Round, demos: list[DemoProduct], held_on) -> None:
        by_tambon: dict[str, list[str]] = {}
        for demo in demos:
            tambon = self.products[demo.key].producer.tambon_id
            by_tambon.setdefault(tambon, []).append(demo.name_th)
        for i, (code, names) in enumerate(sorted(by_tambon.items())):
            tambon = self.tambons[code]
            forum_record(
                actor=self.officer_of(code),
                round_=round_,
                tambon=tambon,
                held_on=held_on(i),
                attendee_count=40 + int(_digits(code, 2)),
                resolution=(
                    f"ที่ประชุมประชาคมตำบล{tambon.name_th}มีมติคัดเลือก "
                    f"{' '.join(names)} เป็นผลิตภัณฑ์เด่นของตำบล "
                    f"เข้าร่วมการคัดสรรฯ ปี {to_be(round_.year)}"
                ),
            )

    def nominate(self, round_: Round, demo: DemoProduct, submit=True) -> Nomination:
        officer = self.officer_of(self.products[demo.key].producer.tambon_id)
        nomination = nomination_create(
            actor=officer, round_=round_, product=self.products[demo.key]
        )
        if submit:
            nomination = nomination_submit(actor=officer, nomination=nomination)
        return nomination

    def score(
        self,
        key: str,
        round_: Round,
        tier_index: int,
        scorers=None,
        limit=None,
        submit=True,
    ) -> None:
        """Members of committee ``key`` score its queue: each sheet near the
        product's mean at this tier, the members' offsets cancelling out."""
        committee = self.committees[key]
        board = self.boards[key]
        queue = list(queue_for(committee, round_).order_by("pk"))
        criteria = list(Criterion.objects.filter(round=round_, tier=committee.tier))
        # A sheet of fewer parts than all three is out of less than 100.
        scale = sum(c.max_points for c in criteria) / 100
        offsets = OFFSETS[len(board)]
        phase = "previous" if round_.year < self.fy else "current"
        for seat, member in enumerate(board):
            if scorers is not None and member.username not in scorers:
                continue
            conflicted = set(
                member.conflict_declarations.values_list("producer", flat=True)
            )
            entries = {}
            for nomination in queue:
                demo = self.demo_of[nomination.product_id]
                if self.products[demo.key].producer_id in conflicted:
                    continue
                mean = demo.previous[tier_index] if phase == "previous" else demo.score
                offset = offsets[(seat + self.index[demo.key]) % len(offsets)]
                rng = random.Random(f"{phase}|{demo.key}|{key}|{member.username}")  # noqa: S311 (made-up scores)
                total = (Decimal(mean + offset) * scale * 2).quantize(1) / 2
                entries[nomination.pk] = sheet_points(criteria, total, rng)
            if limit is not None:
                entries = dict(list(entries.items())[:limit])
            if entries:
                sheets_fill(
                    actor=member, committee=committee, entries=entries, submit=submit
                )

    def rank(self, key: str, round_: Round, approve: bool = True) -> Ranking:
        ranking = ranking_get(committee=self.committees[key], round_=round_)
        ranking = ranking_finalize(
            actor=self.seat_or_central(key, "secretary"), ranking=ranking
        )
        if approve:
            ranking = ranking_approve(
                actor=self.seat_or_central(key, "chair"), ranking=ranking
            )
        return ranking

    def seat_or_central(self, key: str, role: str) -> User:
        if key == "central":
            return self.users[f"central-{role}"]
        return self.seat(key, role)

    def previous_round(self) -> Round:
        """Last fiscal year's round, played to the end: ranked at every tier,
        awarded, all but the last of the central ranking published, closed."""
        fy = self.fy - 1
        round_ = self.open_round(
            fy, steps=preset_steps(Preset.LADDER, amphoe_advance=3, province_advance=4)
        )
        demos = [d for d in PRODUCTS if d.previous]
        self.forums(
            round_, demos, lambda i: dt.date(fy - 1, 12, 1) + dt.timedelta(days=2 * i)
        )
        for demo in demos:
            self.nominate(round_, demo)
        tiers = ([a.code for a in AMPHOES], list(PROVINCES), ["central"])
        for tier_index, keys in enumerate(tiers):
            for key in keys:
                self.score(key, round_, tier_index)
                self.rank(key, round_)
        self.support_plan(SUPPORT_PROVINCE, round_)
        central = ranking_get(committee=self.committees["central"], round_=round_)
        ranking_award_all(actor=self.users["central-chair"], ranking=central)
        awarded = list(publishable(round_.year))
        registry_publish_many(actor=self.staff, nominations=awarded[:-1])
        round_ = round_update(actor=self.staff, round_=round_, **planned_deadlines(fy))
        return round_close(actor=self.staff, round_=round_)

    def register(self, producer_keys) -> None:
        """The producers' OTOP registrations, applied for at the district and
        approved by central staff, valid two years."""
        for key in sorted(producer_keys):
            producer = self.producers[key]
            registration = registration_apply(
                actor=self.officer_of(producer.tambon_id),
                producer=producer,
                applied_on=dt.date(self.fy - 2, 11, 1),
            )
            registration_approve(actor=self.staff, registration=registration)

    def support_plan(self, key: str, round_: Round) -> SupportPlan:
        """The committee's support plan for what it ranked: written by the
        secretary, approved by the chair, the first action reported done."""
        plan = support_plan_get(committee=self.committees[key], round_=round_)
        secretary, chair = self.seat(key, "secretary"), self.seat(key, "chair")
        ranked = list(
            ranked_nominations(plan).order_by("ranking_entries__position", "pk")
        )
        actions = []
        for i, row in enumerate(SUPPORT_ACTIONS):
            kind, description, agency, budget, source, quarter, status, outcome = row
            actions.append(
                (
                    support_action_add(
                        actor=secretary,
                        plan=plan,
                        nomination=ranked[i % len(ranked)],
                        kind=kind,
                        description=description,
                        agency=agency,
                        budget=Decimal(budget),
                        source=source,
                        fiscal_year=to_be(round_.year + 1),
                        quarter=quarter,
                    ),
                    status,
                    outcome,
                )
            )
        plan = support_plan_approve(actor=chair, plan=plan)
        for action, status, outcome in actions:
            if status != SupportAction.Status.PLANNED:
                support_action_progress(
                    actor=secretary, action=action, status=status, outcome=outcome
                )
        return plan

    def current_round(self, previous: Round) -> Round:
        """This fiscal year's round, run as the OTOP Product Champion grading:
        registered producers only, a certificate of a main standard on the
        cut-off date; districts check and forward, the province grades parts
        A and B against a threshold, the centre grades everyone. Open, each
        amphoe at a different step (CURRENT_PHASE)."""
        deadlines = future_deadlines(self.fy, self.today)
        round_ = self.open_round(
            self.fy,
            preset=Preset.OPC,
            steps=preset_steps(Preset.OPC, province_threshold=OPC_THRESHOLD),
            cutoff_date=deadlines["tambon_deadline"],
            require_registration=True,
            eligible_standards=Standard.objects.filter(code__in=OPC_STANDARDS),
        )
        demos = [d for d in PRODUCTS if d.current]
        self.register({demo.producer for demo in demos})
        start = dt.date(self.fy - 1, 10, 20)
        self.forums(
            round_, demos, lambda i: min(self.today, start + dt.timedelta(days=i))
        )
        for demo in demos:
            nomination = self.nominate(round_, demo, submit=demo.current != "draft")
            if demo.current == "withdraw":
                nomination_withdraw(
                    actor=self.officer_of(nomination.tambon_code),
                    nomination=nomination,
                    note=WITHDRAW_NOTE,
                )
            elif demo.current == "return":
                nomination_return(
                    actor=self.seat(nomination.amphoe_code, "secretary"),
                    nomination=nomination,
                    reason=RETURN_REASON,
                )
        username, producer_key, reason = CONFLICT
        conflict_declare(
            actor=self.users[username],
            producer=self.producers[producer_key],
            reason=reason,
        )
        for amphoe in AMPHOES:
            # The districts check and forward: no sheets. 4701 and 4704 have
            # not finished checking; 5015 has, awaiting its chair; 5013's
            # chair has approved and its products wait at the province.
            phase = CURRENT_PHASE[amphoe.code]
            if phase in (APPROVED, FINALIZED):
                self.rank(amphoe.code, round_, approve=phase == APPROVED)
        # The province has begun grading parts A and B: every member has
        # scored the first product that arrived, the secretary all of them.
        self.score("50", round_, 1, limit=1)
        self.score("50", round_, 1, scorers={"province-50-secretary"})
        return round_
