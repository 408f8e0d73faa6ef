"""Describing the demo world: the step each nomination is at, a summary,
the login table."""

from django.utils import timezone

from accounts.models import User
from committees.models import Committee, Kind
from committees.models import Tier as CommitteeTier
from communities.models import Producer
from core.buddhist_era import fiscal_year, to_be
from devdata.demo.data import DEMO_PASSWORD, LOGINS, USERNAMES
from devdata.demo.status import demo_rounds
from products.models import Product
from registry.models import RegistryEntry
from selection.models import Nomination, Ranking, Round, Tier
from selection.selectors import committee_for, ranking_rows

STAGES = (
    "draft",
    "submitted",
    "returned",
    "scored",
    "ranked",
    "forwarded",
    "not selected",
    "withdrawn",
    "awarded",
    "published",
)
State = Nomination.State


def stage_counts(round_: Round) -> dict[str, int]:
    """How many of the round's nominations are at each step, in the words of
    the demo: submitted (waiting for the district's sheets), scored (every
    sheet in), ranked (finalized, waiting for the chair), forwarded (waiting
    at the province or the centre), awarded, published …"""
    rankings = dict(
        Ranking.objects.filter(round=round_).values_list("committee", "status")
    )
    complete = set()  # every sheet in, at a tier that scores
    scoring = [t for t in round_.plan.committee_tiers if round_.plan.scores(t)]
    for committee in Committee.objects.filter(
        is_active=True,
        tier__in=[t for t in scoring if t != CommitteeTier.CENTRAL],
        kind=Kind.MAIN,
    ):
        complete |= {
            row.nomination.pk
            for row in ranking_rows(committee, round_)
            if row.expected and row.sheet_count >= row.expected
        }
    counts = dict.fromkeys(STAGES, 0)
    for nomination in round_.nominations.select_related("registry_entry"):
        counts[_stage(nomination, rankings, complete)] += 1
    return {stage: n for stage, n in counts.items() if n}


def _stage(nomination: Nomination, rankings: dict, complete: set) -> str:
    simple = {
        State.DRAFT: "draft",
        State.RETURNED: "returned",
        State.WITHDRAWN: "withdrawn",
        State.NOT_SELECTED: "not selected",
    }
    if nomination.state in simple:
        return simple[nomination.state]
    if nomination.state == State.AWARDED:
        published = hasattr(nomination, "registry_entry")
        return "published" if published else "awarded"
    committee = committee_for(nomination)
    if rankings.get(getattr(committee, "pk", None)) == Ranking.Status.FINALIZED:
        return "ranked"
    if nomination.pk in complete:
        return "scored"
    return "submitted" if nomination.tier == Tier.AMPHOE else "forwarded"


def summary() -> list[str]:
    """Lines describing the demo world as it is in the database now."""
    lines = []
    for round_ in demo_rounds().order_by("-year"):
        counts = stage_counts(round_)
        total = sum(counts.values())
        steps = ", ".join(f"{stage} {n}" for stage, n in counts.items())
        lines.append(
            f"Round B.E. {to_be(round_.year)} ({round_.status}): "
            f"{total} nominations: {steps}"
        )
    if not demo_rounds().filter(year=fiscal_year(timezone.localdate())).exists():
        lines.append(
            "This demo world was built in an earlier fiscal year; "
            "rebuild it with: manage.py seed_demo --reset"
        )
    users = User.objects.filter(username__in=USERNAMES)
    producers = Producer.objects.filter(created_by__in=users)
    lines.append(
        f"{Product.objects.filter(producer__in=producers).count()} products of "
        f"{producers.count()} producers in "
        f"{producers.values('tambon').distinct().count()} tambons; "
        f"{RegistryEntry.objects.filter(nomination__round__in=demo_rounds()).count()} "
        "registry entries; "
        f"{users.count()} demo logins"
    )
    return lines


def login_table() -> str:
    """The demo logins as a text table (from the data: no database needed)."""
    header = ("username", "password", "role", "area")
    rows = [(x.username, DEMO_PASSWORD, x.role, x.area) for x in LOGINS]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    for login, row in zip(LOGINS, rows, strict=True):
        out.append(line(row))
        out.append(f"    try: {login.try_this}")
    return "\n".join(out)
