"""``manage.py generate_dataset --preset opc``: an OTOP Product Champion round
played as its plan says — no forums and no tambon quota, the district checks
and forwards without score sheets, the province scores parts A and B and
forwards every nomination at or above the threshold, the centre grades all
three parts in the subcommittee given each product type and awards everyone
stars — and read back by the app's own code (``ranking_rows``)."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from committees.models import Committee, Kind
from committees.selectors import central_routing
from devdata.dataset import dataset_fingerprint, dataset_rounds
from devdata.dataset.constants import OPC_NOMINATED_SHARE
from products.models import Category, Certification
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    Preset,
    Ranking,
    RankingEntry,
    Score,
    ScoreSheet,
    TambonForum,
    Tier,
)
from selection.selectors import ranking_rows
from tests.otop.stars import expected_stars

PRODUCTS = 2000
THRESHOLD = 40  # of the 70 points of parts A and B
State = Nomination.State
Decision = RankingEntry.Decision

pytestmark = pytest.mark.django_db


def generate(*extra: str, seed: int = 7, preset: str = "opc") -> str:
    out = io.StringIO()
    call_command(
        "generate_dataset",
        "--products",
        str(PRODUCTS),
        "--seed",
        str(seed),
        "--preset",
        preset,
        "--province-threshold",
        str(THRESHOLD),
        *extra,
        stdout=out,
        stderr=io.StringIO(),
        verbosity=0,
    )
    return re.search(r"fingerprint ([0-9a-f]{64})", out.getvalue()).group(1)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One OPC dataset for the module, rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        fingerprint = generate()
        yield fingerprint
        transaction.set_rollback(True)


def the_round():
    return dataset_rounds().get()


def nominations():
    return Nomination.objects.filter(round__in=dataset_rounds())


def entries_at(tier: str):
    return RankingEntry.objects.filter(
        ranking__round=the_round(), ranking__tier=tier
    ).select_related("nomination", "ranking")


def test_same_seed_gives_the_same_opc_world_and_the_ladder_another(world):
    assert dataset_fingerprint() == world
    assert generate("--reset") == world
    assert generate("--reset", preset="ladder") != world


def test_the_round_runs_the_opc_plan_with_its_criteria(world):
    round_ = the_round()
    plan = round_.plan

    assert round_.preset == Preset.OPC
    assert plan.tiers == ["tambon", "amphoe", "province", "central"]
    assert not plan.forum_required and plan.tambon_quota is None
    assert not plan.scores(Tier.AMPHOE)
    assert plan.step(Tier.PROVINCE).threshold == THRESHOLD
    parts = {
        tier: "".join(
            sorted(
                set(
                    Criterion.objects.filter(round=round_, tier=tier).values_list(
                        "part", flat=True
                    )
                )
            )
        )
        for tier in (Tier.AMPHOE, Tier.PROVINCE, Tier.CENTRAL)
    }
    assert parts == {Tier.AMPHOE: "", Tier.PROVINCE: "AB", Tier.CENTRAL: "ABC"}


def test_every_certified_entrant_goes_in_without_forum_or_quota(world):
    assert nominations().count() == round(PRODUCTS * OPC_NOMINATED_SHARE)
    assert not TambonForum.objects.filter(round=the_round()).exists()
    assert not nominations().filter(forum__isnull=False).exists()
    for nomination in nominations().select_related("product"):
        assert Certification.objects.filter(product=nomination.product).exists()


def test_the_district_checks_and_forwards_everyone_without_sheets(world):
    assert not ScoreSheet.objects.filter(
        nomination__in=nominations(), tier=Tier.AMPHOE
    ).exists()
    entries = list(entries_at(Tier.AMPHOE))
    assert entries
    assert {(e.decision, e.sheet_count, e.mean_total) for e in entries} == {
        (Decision.FORWARD, 0, 0)
    }
    assert not nominations().filter(tier=Tier.AMPHOE, state=State.NOT_SELECTED).exists()
    notes = set(
        NominationEvent.objects.filter(
            ranking__tier=Tier.AMPHOE, action="forwarded"
        ).values_list("note", flat=True)
    )
    assert len(notes) == 1 and "" not in notes  # "Passed the check"


def test_the_province_scores_parts_a_and_b_only(world):
    sheets = ScoreSheet.objects.filter(nomination__in=nominations(), tier=Tier.PROVINCE)

    assert sheets.exists()
    assert not sheets.exclude(part_c=0).exists()
    assert set(
        Score.objects.filter(sheet__in=sheets).values_list("criterion__part", flat=True)
    ) == {"A", "B"}
    assert max(sheets.values_list("total", flat=True)) <= 70


def test_the_threshold_decides_at_the_province_equal_included(world):
    forwarded = not_selected = 0
    for entry in entries_at(Tier.PROVINCE):
        nomination = entry.nomination
        if entry.mean_total >= THRESHOLD:
            forwarded += 1
            assert entry.decision == Decision.FORWARD
            assert nomination.tier == Tier.CENTRAL
            assert nomination.provincial_score == entry.mean_total
        else:
            not_selected += 1
            assert entry.decision == Decision.NOT_SELECTED
            assert (nomination.tier, nomination.state) == (
                Tier.PROVINCE,
                State.NOT_SELECTED,
            )
    assert forwarded and not_selected  # the threshold bites both ways here


def test_the_centre_grades_by_type_in_subcommittees_and_stars_everyone(world):
    routing = central_routing()
    national = Committee.objects.get(tier="central", kind=Kind.MAIN)
    at_centre = nominations().filter(tier=Tier.CENTRAL)

    # Five grading subcommittees, one per product type: the national
    # committee grades none itself, it finalizes and awards.
    graders = {c.pk: c for c in routing.values()}
    assert len(graders) == 5
    assert {c.kind for c in graders.values()} == {Kind.GRADING}
    assert set(routing) == set(
        Category.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    )
    assert at_centre.exists()
    assert not at_centre.exclude(state=State.AWARDED).exists()
    for sheet in ScoreSheet.objects.filter(
        nomination__in=at_centre, tier=Tier.CENTRAL
    ).select_related("nomination"):
        assert (
            sheet.committee_id == routing.get(sheet.nomination.category_id, national).pk
        )
    (ranking,) = Ranking.objects.filter(round=the_round(), tier=Tier.CENTRAL)
    assert ranking.committee_id == national.pk
    for entry in entries_at(Tier.CENTRAL):
        nomination = entry.nomination
        assert entry.sheet_count > 0
        assert nomination.final_score == entry.mean_total
        assert nomination.stars == expected_stars(entry.mean_total)
    awarded = Counter(
        NominationEvent.objects.filter(
            nomination__in=at_centre, action="awarded"
        ).values_list("nomination", flat=True)
    )
    assert set(awarded.values()) == {1} and len(awarded) == at_centre.count()


def test_stored_rankings_agree_with_ranking_rows(world):
    """Put each ranking's nominations back in its committee's queue (in a
    savepoint) and rank them with the app's code."""
    round_ = the_round()
    rankings = Ranking.objects.filter(round=round_).select_related("committee")
    sample = [
        *rankings.filter(tier=Tier.AMPHOE).order_by("committee__amphoe_id")[:20],
        *rankings.filter(tier=Tier.PROVINCE),
        *rankings.filter(tier=Tier.CENTRAL),
    ]
    for ranking in sample:
        stored = list(
            ranking.entries.order_by("position").values_list(
                "nomination_id",
                "mean_total",
                "mean_a",
                "mean_b",
                "mean_c",
                "sheet_count",
                "expected_sheets",
            )
        )
        with transaction.atomic():
            Nomination.objects.filter(pk__in=[row[0] for row in stored]).update(
                tier=ranking.tier, state=State.PENDING
            )
            rows = ranking_rows(ranking.committee, round_)
            transaction.set_rollback(True)
        assert [
            (
                r.nomination.pk,
                r.mean_total,
                r.mean_a,
                r.mean_b,
                r.mean_c,
                r.sheet_count,
                r.expected,
            )
            for r in rows
        ] == stored, ranking.committee


def test_the_tiers_add_up(world):
    tiers = Counter(
        nominations().exclude(state=State.WITHDRAWN).values_list("tier", flat=True)
    )
    assert tiers[Tier.AMPHOE] == 0  # the district forwards everyone
    assert entries_at(Tier.AMPHOE).count() == sum(tiers.values())
    assert entries_at(Tier.PROVINCE).count() == sum(tiers.values())
    assert entries_at(Tier.CENTRAL).count() == tiers[Tier.CENTRAL]
