"""A round's plan: which tiers of the one tier table take part, what each
does and how nominations go up from it.

A round has one ``PlanStep`` per tier that takes part, in the tier table's
order (``core.tiers``). The tambon's step says whether a community forum
must be recorded and how many nominations a tambon may submit; each
committee tier's step says what its committee does (check and forward, score
and rank, score and grade), which parts of the score sheet it scores and its
advance rule (a top-N quota, a score threshold, or every nomination that
passes). The centre always takes part: its approved list leads to stars.

Two presets ship (``PRESETS``): the seed's ladder and the OTOP Product
Champion grading as the Community Development Department runs it.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext as gettext
from django.utils.translation import gettext_lazy as _

from core.tiers import ORDER, Tier


class Part(models.TextChoices):
    """The three parts of the OTOP Product Champion score sheet."""

    A = "A", _("Part A (ก): community strength and production")
    B = "B", _("Part B (ข): marketing and the product's story")
    C = "C", _("Part C (ค): product quality")


class Preset(models.TextChoices):
    LADDER = "ladder", _("Ladder: every tier scores, ranks and forwards its top N")
    OPC = (
        "opc",
        _(
            "OTOP Product Champion grading: district checks, province scores parts A "
            "and B against a threshold, the centre grades every entrant"
        ),
    )
    CUSTOM = "custom", _("Custom plan")


class StepAction(models.TextChoices):
    SUBMIT = "submit", _("Submit (the tambon's officer)")
    CHECK = "check", _("Check and forward (no scores)")
    RANK = "rank", _("Score and rank")
    GRADE = "grade", _("Score and grade")


class Advance(models.TextChoices):
    QUOTA = "quota", _("Top N (quota)")
    THRESHOLD = "threshold", _("Score at or above a threshold")
    ALL = "all", _("All that pass")


SCORING_ACTIONS = (StepAction.RANK, StepAction.GRADE)


class PlanStep(models.Model):
    """What one tier does in one round."""

    round = models.ForeignKey(
        "selection.Round", on_delete=models.CASCADE, related_name="steps"
    )
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    action = models.CharField(_("what it does"), max_length=8, choices=StepAction)
    forum_required = models.BooleanField(
        _("tambon forum required"),
        default=False,
        help_text=_(
            "For the tambon's step: a community forum record before submitting."
        ),
    )
    parts = models.CharField(
        _("parts scored"),
        max_length=3,
        blank=True,
        help_text=_("The parts of the score sheet this tier scores, e.g. ABC or AB."),
    )
    advance = models.CharField(_("advance rule"), max_length=9, choices=Advance)
    quota = models.PositiveSmallIntegerField(
        _("quota (N)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    threshold = models.DecimalField(
        _("threshold score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("step of the round's plan")
        verbose_name_plural = _("the round's plan")
        constraints = [
            models.UniqueConstraint(fields=["round", "tier"], name="one_step_per_tier"),
            models.CheckConstraint(
                condition=~models.Q(advance="quota") | models.Q(quota__isnull=False),
                name="step_quota_needs_n",
            ),
            models.CheckConstraint(
                condition=~models.Q(advance="threshold")
                | models.Q(threshold__isnull=False),
                name="step_threshold_needs_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.get_action_display()}"

    @property
    def scores(self) -> bool:
        return self.action in SCORING_ACTIONS

    @property
    def part_list(self) -> list[str]:
        return [p for p in Part.values if p in self.parts]

    def advancing(self, rows, type_quotas: dict[int, int] | None = None) -> list[bool]:
        """Which of ``rows`` (in rank order, each with ``.nomination`` and
        ``.mean_total``) go up under this step's rule. A quota forwards the
        top N overall, or the top N of a product type that has its own quota
        (``type_quotas``: category id → N); a threshold forwards every row
        scoring at or above it; "all" forwards every row."""
        if self.advance == Advance.ALL:
            return [True] * len(rows)
        if self.advance == Advance.THRESHOLD:
            return [
                row.mean_total is not None and row.mean_total >= self.threshold
                for row in rows
            ]
        type_quotas = type_quotas or {}
        taken: dict[int, int] = {}
        overall = 0
        marks = []
        for row in rows:
            category = row.nomination.category_id
            if category in type_quotas:
                marks.append(taken.get(category, 0) < type_quotas[category])
                taken[category] = taken.get(category, 0) + 1
            else:
                marks.append(overall < self.quota)
                overall += 1
        return marks

    def rule_text(self) -> str:
        """The advance rule in a sentence for pages and the audit trail."""
        if self.advance == Advance.QUOTA:
            return _("the top %(n)s") % {"n": self.quota}
        if self.advance == Advance.THRESHOLD:
            score = self.threshold
            whole = score == score.to_integral_value()
            return _("every nomination scoring %(score)s or more") % {
                "score": int(score) if whole else score.normalize()
            }
        return _("every nomination that passes")


# Who a tambon's submission goes to, by the plan's first committee tier.
ENTRY_COMMITTEE = {
    Tier.AMPHOE: _("the district committee"),
    Tier.PROVINCE: _("the provincial committee"),
    Tier.CENTRAL: _("the national committee"),
}


@dataclass(frozen=True)
class Plan:
    """A round's steps in the tier table's order, with the questions the
    services ask of them."""

    steps: tuple[PlanStep, ...]

    @cached_property
    def by_tier(self) -> dict[str, PlanStep]:
        return {step.tier: step for step in self.steps}

    @property
    def tiers(self) -> list[str]:
        return [step.tier for step in self.steps]

    def takes_part(self, tier: str) -> bool:
        return tier in self.by_tier

    def step(self, tier: str) -> PlanStep | None:
        return self.by_tier.get(tier)

    @property
    def committee_tiers(self) -> list[str]:
        return [t for t in self.tiers if t != Tier.TAMBON]

    @property
    def entry_tier(self) -> str:
        """Where a tambon's submission goes: the first committee tier."""
        return self.committee_tiers[0]

    @property
    def entry_committee(self):
        """The committee a submission goes to, as a sentence names it."""
        return ENTRY_COMMITTEE[self.entry_tier]

    @property
    def award_tier(self) -> str:
        return self.committee_tiers[-1]

    def next_tier(self, tier: str) -> str | None:
        """The tier that takes what ``tier`` forwards (None at the top)."""
        later = [t for t in self.committee_tiers if ORDER[t] > ORDER[tier]]
        return later[0] if later else None

    @property
    def forum_required(self) -> bool:
        tambon = self.step(Tier.TAMBON)
        return tambon is not None and tambon.forum_required

    @property
    def tambon_quota(self) -> int | None:
        """How many nominations a tambon may submit (None: no limit)."""
        tambon = self.step(Tier.TAMBON)
        if tambon is None or tambon.advance != Advance.QUOTA:
            return None
        return tambon.quota

    def scores(self, tier: str) -> bool:
        step = self.step(tier)
        return step is not None and step.scores


def plan_of(round_) -> Plan:
    """The round's plan (read once per round object)."""
    cached = getattr(round_, "_plan", None)
    if cached is None:
        steps = sorted(
            round_.steps.all(), key=lambda step: ORDER.get(step.tier, len(ORDER))
        )
        cached = round_._plan = Plan(tuple(steps))
    return cached


def _step(tier, action, advance, *, quota=None, threshold=None, parts="", forum=False):
    return {
        "tier": tier,
        "action": action,
        "advance": advance,
        "quota": quota,
        "threshold": None if threshold is None else Decimal(threshold),
        "parts": parts,
        "forum_required": forum,
    }


def preset_steps(
    preset: str,
    *,
    tambon_quota: int = 5,
    amphoe_advance: int = 5,
    province_advance: int = 10,
    province_threshold: int | Decimal = 60,
) -> list[dict]:
    """The plan rows of a preset, as ``round_plan_edit`` takes them."""
    cut = province_threshold
    tambon, amphoe, province, central = (
        Tier.TAMBON,
        Tier.AMPHOE,
        Tier.PROVINCE,
        Tier.CENTRAL,
    )
    if preset == Preset.LADDER:
        return [
            _step(tambon, "submit", "quota", quota=tambon_quota, forum=True),
            _step(amphoe, "rank", "quota", quota=amphoe_advance, parts="ABC"),
            _step(province, "rank", "quota", quota=province_advance, parts="ABC"),
            _step(central, "rank", "all", parts="ABC"),
        ]
    if preset == Preset.OPC:
        return [
            _step(tambon, "submit", "all"),
            _step(amphoe, "check", "all"),
            _step(province, "grade", "threshold", parts="AB", threshold=cut),
            _step(central, "grade", "all", parts="ABC"),
        ]  # fmt: skip
    raise ValueError(f"no preset {preset!r}")


def plan_problems(steps: Sequence[PlanStep]) -> list[tuple[int, str, str]]:
    """A plan the services can run: one step per tier; the tambon submits
    and the centre, last, leads to stars; a check forwards all it passes,
    with no scores; a scoring tier scores at least one part; a grading tier
    forwards by score, never by position; a forum only at the tambon."""
    problems = [
        (index, "tier", gettext("The %(tier)s appears twice in the plan.")
         % {"tier": step.get_tier_display()})
        for index, step in enumerate(steps)
        if step.tier in [s.tier for s in steps[:index]]
    ]  # fmt: skip
    tiers = {step.tier for step in steps}
    for tier in (Tier.TAMBON, Tier.CENTRAL):
        if tier not in tiers:
            problems.append(
                (0, "tier", gettext("Every plan has the %(tier)s step.")
                 % {"tier": Tier(tier).label})
            )  # fmt: skip
    if len(tiers) < 2:
        problems.append(
            (0, "tier", gettext("A plan needs at least one committee tier."))
        )
    for index, step in enumerate(steps):
        for field, broken, message in _step_rules(step):
            if broken:
                problems.append(
                    (index, field, message % {"tier": step.get_tier_display()})
                )
    return problems


def _step_rules(step: PlanStep):
    tambon = step.tier == Tier.TAMBON
    yield (
        "action",
        tambon != (step.action == StepAction.SUBMIT),
        gettext("Only the tambon submits; the %(tier)s checks, ranks or grades."),
    )
    yield (
        "advance",
        tambon and step.advance == Advance.THRESHOLD,
        gettext(
            "The tambon submits up to a number of nominations, or all: no threshold."
        ),
    )
    yield (
        "advance",
        step.tier == Tier.CENTRAL and step.advance != Advance.ALL,
        gettext(
            "The centre awards stars to every nomination it approves: its rule is all."
        ),
    )
    yield (
        "advance",
        step.action == StepAction.CHECK and step.advance != Advance.ALL,
        gettext("The %(tier)s only checks: it forwards every nomination that passes."),
    )
    yield (
        "advance",
        step.action == StepAction.GRADE and step.advance == Advance.QUOTA,
        gettext(
            "The %(tier)s grades: it forwards by score (a threshold) or all, "
            "not the top N."
        ),
    )
    yield (
        "parts",
        step.scores != bool(step.parts),
        gettext(
            "The %(tier)s scores at least one part; a tier that does not score, none."
        ),
    )
    yield (
        "parts",
        bool(set(step.parts) - set(Part.values))
        or len(set(step.parts)) != len(step.parts),
        gettext("Parts are written as letters A, B and C, each once."),
    )
    yield (
        "quota",
        step.advance == Advance.QUOTA and not step.quota,
        gettext("Give the %(tier)s's quota (N)."),
    )
    yield (
        "threshold",
        step.advance == Advance.THRESHOLD and step.threshold is None,
        gettext("Give the %(tier)s's threshold score."),
    )
    yield (
        "forum_required",
        step.forum_required and not tambon,
        gettext("Only the tambon's step can require a forum."),
    )


def check_plan(steps: Sequence[PlanStep]) -> None:
    """Refuse a plan with problems, every message by its field."""
    errors: dict[str, list[str]] = defaultdict(list)
    for _index, field, message in plan_problems(steps):
        errors[field].append(message)
    if errors:
        raise ValidationError(dict(errors))
