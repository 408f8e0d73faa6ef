"""``manage.py generate_dataset``: the same world for the same seed, every
denormalised code and snapshot in agreement with its source, and a finished
round that the app's own reading code (``ranking_rows``, the registry pages)
reads back as stored."""

import io
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import User
from committees.models import Committee
from communities.models import Amphoe, Producer, Province, Tambon
from core.buddhist_era import fiscal_year, to_be
from devdata.dataset import (
    PRODUCERS_PER_PRODUCT,
    dataset_fingerprint,
    dataset_producers,
    dataset_rounds,
)
from products.models import Category, Certification, Product
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
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
from selection.selectors import ranking_rows, scoring_members
from tests.otop.stars import STAR_BANDS, expected_stars

PRODUCTS = 2000
AMPHOE_ADVANCE = 1  # small quotas, so that they bite at 2,000 products
PROVINCE_ADVANCE = 2
State = Nomination.State
Decision = RankingEntry.Decision
pytestmark = pytest.mark.django_db


def generate(*extra: str, seed: int = 7) -> str:
    """Run the command as a user would; the fingerprint it prints."""
    out = io.StringIO()
    call_command(
        "generate_dataset",
        "--products",
        str(PRODUCTS),
        "--seed",
        str(seed),
        "--amphoe-advance",
        str(AMPHOE_ADVANCE),
        "--province-advance",
        str(PROVINCE_ADVANCE),
        *extra,
        stdout=out,
        stderr=io.StringIO(),
        verbosity=0,
    )
    return re.search(r"fingerprint ([0-9a-f]{64})", out.getvalue()).group(1)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One dataset for the module, on a database without the geography (the
    command loads it): built in an outer transaction rolled back when the
    module is done; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        fingerprint = generate()
        yield fingerprint
        transaction.set_rollback(True)


def nominations():
    return Nomination.objects.filter(round__in=dataset_rounds())


def the_round():
    return dataset_rounds().get()


# Determinism and safety ---------------------------------------------------------


def test_the_printed_fingerprint_is_the_datas(world):
    assert dataset_fingerprint() == world


def test_same_seed_gives_the_same_world_again(world):
    someone = User.objects.create(username="admin", is_superuser=True)

    assert generate("--reset") == world
    assert dataset_fingerprint() == world
    assert User.objects.filter(pk=someone.pk).exists()  # only the dataset's rows go


def test_another_seed_gives_another_world(world):
    assert generate("--reset", seed=8) != world


def test_a_second_run_without_reset_is_refused(world):
    with pytest.raises(CommandError, match="--reset"):
        generate()

    assert dataset_fingerprint() == world


def test_other_ladder_data_is_never_mixed_in_and_reset_changes_nothing(world):
    Producer.objects.create(
        kind=Producer.Kind.SME, name_th="บริษัท ของจริง จำกัด", tambon_id="100101"
    )

    with pytest.raises(CommandError, match="producers"):
        generate("--reset")

    assert dataset_fingerprint() == world  # the removal was rolled back too


def test_an_unfinished_fiscal_year_is_refused(world):
    current = to_be(fiscal_year(timezone.localdate()))

    with pytest.raises(CommandError, match="finished"):
        generate("--reset", "--year", str(current))


# The country --------------------------------------------------------------------


def test_producers_and_products_spread_over_the_country(world):
    producers = dataset_producers()
    products = Product.objects.filter(producer__in=producers)

    assert Tambon.objects.count() == 7436  # loaded by the command
    assert producers.count() == round(PRODUCTS * PRODUCERS_PER_PRODUCT)
    assert products.count() == PRODUCTS
    assert not producers.filter(products__isnull=True).exists()
    # Fewer producers than tambons: one per tambon, every district reached.
    assert producers.values("tambon").distinct().count() == producers.count()
    assert (
        producers.values("tambon__amphoe").distinct().count() == Amphoe.objects.count()
    )
    assert (
        producers.values("tambon__province").distinct().count()
        == Province.objects.count()
    )
    assert set(producers.values_list("kind", flat=True)) == set(Producer.Kind.values)
    leaves = Category.objects.filter(parent__isnull=False, is_active=True)
    assert set(products.values_list("category", flat=True)) == set(
        leaves.values_list("pk", flat=True)
    )


def test_names_are_thai_words_run_together_with_english_beside(world):
    products = Product.objects.filter(producer__in=dataset_producers())

    assert not products.filter(name_th="").exists()
    assert all(
        re.search("[ก-๙]", name) for name in products.values_list("name_th", flat=True)
    )
    assert all(name.isascii() for name in products.values_list("name_en", flat=True))
    assert products.exclude(name_en="").count() > PRODUCTS / 2
    # A well-known place such as ดอย… in a realistic share of the names.
    assert 0.005 < products.filter(name_th__contains="ดอย").count() / PRODUCTS < 0.15
    assert not products.filter(story="").exists()


# The round ----------------------------------------------------------------------


def test_about_a_sixth_of_the_products_are_nominated_within_the_tambon_quota(world):
    round_ = the_round()

    assert round_.status == round_.Status.CLOSED
    assert round_.year == fiscal_year(timezone.localdate()) - 1
    assert nominations().count() == round(PRODUCTS * 0.16)
    per_tambon = nominations().values("tambon_code").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_tambon) <= round_.plan.tambon_quota
    for nomination in nominations().select_related("forum", "product"):
        assert nomination.forum.tambon_id == nomination.tambon_code
        assert nomination.forum.held_on < nomination.submitted_at.date()
        assert nomination.submitted_at.date() <= round_.tambon_deadline
        assert nomination.created_at < nomination.submitted_at
        valid = Certification.objects.filter(product=nomination.product).valid_on(
            timezone.localdate(nomination.submitted_at)
        )
        assert valid.exists()
    assert TambonForum.objects.filter(round=round_).count() == len(per_tambon)


def test_every_nomination_carries_its_products_area_and_type(world):
    for nomination in nominations().select_related(
        "product__producer__tambon", "product__category"
    ):
        tambon = nomination.product.producer.tambon
        assert nomination.tambon_code == tambon.code
        assert nomination.amphoe_code == tambon.amphoe_id
        assert nomination.province_code == tambon.province_id
        assert nomination.category_id == nomination.product.category.parent_id


def test_every_scoring_member_scored_every_nomination_without_a_conflict(world):
    sheets = ScoreSheet.objects.filter(nomination__in=nominations())
    sums = {
        row["sheet"]: row["points"]
        for row in Score.objects.filter(sheet__in=sheets)
        .values("sheet")
        .annotate(points=Sum("points"), n=Count("pk"))
    }

    assert sheets.exists()
    assert not sheets.exclude(status=ScoreSheet.Status.SUBMITTED).exists()
    for sheet in sheets:
        assert (
            sums[sheet.pk] == sheet.total == sheet.part_a + sheet.part_b + sheet.part_c
        )
    # Each ranking entry counts exactly the sheets of its tier.
    per_tier = Counter(sheets.values_list("nomination_id", "tier"))
    for entry in RankingEntry.objects.filter(ranking__round=the_round()).select_related(
        "ranking"
    ):
        assert per_tier[(entry.nomination_id, entry.ranking.tier)] == entry.sheet_count
        assert entry.sheet_count == entry.expected_sheets >= 3


def test_stored_rankings_agree_with_ranking_rows(world):
    """The independent check: put each ranking's nominations back in its
    committee's queue (in a savepoint) and rank them with the app's code."""
    round_ = the_round()
    rankings = Ranking.objects.filter(round=round_).select_related("committee")

    assert rankings.count() > 100
    for ranking in rankings:
        stored = [
            (e.nomination_id, e.mean_total, e.mean_a, e.mean_b, e.mean_c, e.sheet_count)
            for e in ranking.entries.order_by("position")
        ]
        with transaction.atomic():
            Nomination.objects.filter(pk__in=[row[0] for row in stored]).update(
                tier=ranking.tier, state=State.PENDING
            )
            rows = ranking_rows(ranking.committee, round_)
            transaction.set_rollback(True)
        assert [
            (r.nomination.pk, r.mean_total, r.mean_a, r.mean_b, r.mean_c, r.sheet_count)
            for r in rows
        ] == stored, ranking.committee
        assert [r.expected for r in rows] == list(
            ranking.entries.order_by("position").values_list(
                "expected_sheets", flat=True
            )
        )


def test_every_committee_has_a_chair_a_secretary_and_members(world):
    committees = Committee.objects.filter(memberships__user__username__startswith="ds-")

    assert (
        committees.distinct().count()
        == Amphoe.objects.count() + Province.objects.count() + 1
    )
    for committee in committees.distinct().filter(tier="province"):
        roles = sorted(committee.memberships.values_list("role", flat=True))
        assert roles[:1] == ["chair"] and roles[-1] == "secretary"
        assert 4 <= len(scoring_members(committee)) <= 5


def test_advance_quotas_hold_and_decisions_match_the_nominations(world):
    round_ = the_round()
    advance = {Tier.AMPHOE: AMPHOE_ADVANCE, Tier.PROVINCE: PROVINCE_ADVANCE}
    provincial = {}
    forwarded = defaultdict(int)
    for ranking in Ranking.objects.filter(round=round_).prefetch_related(
        "entries__nomination"
    ):
        assert ranking.status == Ranking.Status.APPROVED
        assert ranking.finalized_by_id != ranking.approved_by_id
        entries = sorted(ranking.entries.all(), key=lambda e: e.position)
        assert [e.position for e in entries] == list(range(1, len(entries) + 1))
        for entry in entries:
            nomination = entry.nomination
            if ranking.tier == Tier.CENTRAL:
                assert entry.decision == Decision.FORWARD
                assert nomination.state == State.AWARDED
                assert nomination.final_score == entry.mean_total
                assert nomination.stars == expected_stars(entry.mean_total)
                continue
            goes = entry.position <= advance[ranking.tier]
            assert entry.decision == (
                Decision.FORWARD if goes else Decision.NOT_SELECTED
            )
            if goes:
                forwarded[ranking.tier] += 1
                assert nomination.tier != ranking.tier
                if ranking.tier == Tier.PROVINCE:
                    provincial[nomination.pk] = entry.mean_total
            else:
                assert (nomination.tier, nomination.state) == (
                    ranking.tier,
                    State.NOT_SELECTED,
                )
    tiers = Counter(
        nominations().exclude(state=State.WITHDRAWN).values_list("tier", flat=True)
    )
    assert forwarded[Tier.AMPHOE] == tiers[Tier.PROVINCE] + tiers[Tier.CENTRAL]
    assert forwarded[Tier.PROVINCE] == tiers[Tier.CENTRAL]
    reached_province = tiers[Tier.PROVINCE] + tiers[Tier.CENTRAL]
    assert 0 < tiers[Tier.CENTRAL] < reached_province < sum(tiers.values())
    awarded = nominations().filter(state=State.AWARDED)
    assert awarded.count() == tiers[Tier.CENTRAL]
    assert {n.pk: n.provincial_score for n in awarded} == provincial
    assert (
        not nominations()
        .filter(state=State.WITHDRAWN)
        .filter(ranking_entries__isnull=False)
        .exists()
    )


def test_the_round_carries_the_star_bands_and_awards_stars_from_them(world):
    round_ = the_round()
    awarded = nominations().filter(state=State.AWARDED)

    assert sorted(round_.star_bands.values_list("stars", "min_score")) == sorted(
        STAR_BANDS
    )
    assert awarded.exists()
    stars = Counter()
    for nomination in awarded:
        assert nomination.stars == expected_stars(nomination.final_score), (
            nomination.final_score
        )
        stars[nomination.stars] += 1
    assert len(stars) >= 3, stars  # several bands reached, so they are told apart


def test_the_audit_trail_tells_each_nominations_story(world):
    events = NominationEvent.objects.filter(nomination__in=nominations())
    actions = Counter(events.values_list("action", flat=True))
    total = nominations().count()

    assert actions["created"] == actions["submitted"] == total
    assert actions["withdrawn"] == nominations().filter(state=State.WITHDRAWN).count()
    assert (
        actions["sheet_submitted"]
        == ScoreSheet.objects.filter(nomination__in=nominations()).count()
    )
    assert actions["awarded"] == nominations().filter(state=State.AWARDED).count()
    decided = RankingEntry.objects.filter(ranking__round=the_round()).exclude(
        ranking__tier=Tier.CENTRAL
    )
    assert actions["forwarded"] + actions["not_selected"] == decided.count()
    rankings = Ranking.objects.filter(round=the_round()).count()
    ranking_events = Counter(
        NominationEvent.objects.filter(
            ranking__round=the_round(), nomination__isnull=True
        ).values_list("action", flat=True)
    )
    assert ranking_events == {
        "ranking_finalized": rankings,
        "ranking_approved": rankings,
    }


# The registry -------------------------------------------------------------------


def test_registry_entries_snapshot_the_awarded_nominations(world):
    round_ = the_round()
    entries = RegistryEntry.objects.filter(nomination__round=round_).select_related(
        "nomination__product__producer__tambon__amphoe",
        "nomination__product__producer__tambon__province",
        "nomination__product__category__parent",
    )
    awarded = nominations().filter(state=State.AWARDED)

    assert entries.count() == awarded.count() > 0
    numbers = defaultdict(list)
    for entry in entries:
        nomination = entry.nomination
        product = nomination.product
        producer, tambon = product.producer, product.producer.tambon
        assert entry.product_id == product.pk
        assert (entry.name_th, entry.name_en) == (product.name_th, product.name_en)
        assert entry.producer_name_th == producer.name_th
        assert (entry.tambon_code, entry.amphoe_code, entry.province_code) == (
            tambon.code,
            tambon.amphoe_id,
            tambon.province_id,
        )
        assert (entry.tambon_th, entry.amphoe_th, entry.province_th) == (
            tambon.name_th,
            tambon.amphoe.name_th,
            tambon.province.name_th,
        )
        assert entry.region_code == tambon.province.region_id
        assert entry.category_code == product.category.code
        assert entry.type_code == product.category.parent.code
        assert (entry.stars, entry.final_score) == (
            nomination.stars,
            nomination.final_score,
        )
        assert len(entry.certificates) == product.certifications.count()
        match = re.fullmatch(
            rf"OTOP-{to_be(round_.year)}-(\d\d)-(\d{{6}})", entry.number
        )
        assert match and match[1] == tambon.province_id
        numbers[match[1]].append(int(match[2]))
    for province, sequence in numbers.items():
        assert sorted(sequence) == list(range(1, len(sequence) + 1))
        counter = RegistryCounter.objects.get(
            year_be=to_be(round_.year), province_code=province
        )
        assert counter.last == len(sequence)
    assert RegistryEvent.objects.filter(
        entry__in=entries, action="published"
    ).count() == (entries.count())


def test_registry_pages_and_api_serve_the_dataset(world, client):
    entry = RegistryEntry.objects.order_by("number").first()
    found = {"q": entry.name_th, "province": entry.province_code}

    page = client.get("/registry/", found)
    assert page.status_code == 200
    assert entry.number in page.text
    assert client.get(f"/registry/{entry.number}/").status_code == 200
    api = client.get("/api/registry/", found)
    assert api.status_code == 200
    assert entry.number in {e["number"] for e in api.json()["results"]}
    assert client.get(f"/api/registry/{entry.number}/").json()["stars"] == entry.stars
    export = client.get("/registry/export.csv", found)
    assert export.status_code == 200
    assert entry.number in b"".join(export.streaming_content).decode()
