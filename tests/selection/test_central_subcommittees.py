"""At the central tier a nomination's score sheets come from the subcommittee
given its product type (issue #10); the national committee scores the types
no subcommittee has, and ranks, approves and awards every nomination."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from committees.models import Committee, Kind, Role
from committees.models import Tier as CommitteeTier
from committees.services import (
    committee_create,
    committee_update,
    conflict_declare,
    membership_grant,
)
from core.workflow import InvalidTransition
from products.models import Category
from selection.models import Criterion, Nomination, Ranking, ScoreSheet, Tier
from selection.selectors import (
    nomination_queue_for,
    queue_for,
    ranking_rows,
    scoring_committee_for,
)
from selection.services import (
    available_actions,
    nomination_award,
    ranking_approve,
    ranking_finalize,
    ranking_get,
    sheet_for,
    sheet_save,
    sheets_fill,
)
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    TODAY,
    central_staff,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score,
    score_all,
    submitted_nomination,
)

# Messages are asserted in English, the catalogue's source language.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def make_subcommittee(kind: str, *type_codes: str, members: int = 1):
    """A central subcommittee given ``type_codes``, with a chair, a secretary
    and ``members`` members (scorers, in that order)."""
    staff = central_staff()
    committee = committee_create(
        actor=staff,
        tier=CommitteeTier.CENTRAL,
        kind=kind,
        term_start=TODAY - dt.timedelta(days=30),
        product_types=Category.objects.filter(code__in=type_codes),
    )
    roles = [Role.CHAIR, Role.SECRETARY] + [Role.MEMBER] * members
    scorers = []
    for i, role in enumerate(roles):
        user = UserFactory(username=f"{kind}-{i}")
        membership_grant(actor=staff, user=user, committee=committee, role=role)
        scorers.append(user)
    return committee, scorers


@pytest.fixture
def centre(geography):
    """A food and a textile nomination that climbed to the centre through the
    district and provincial committees, and the national committee."""
    round_ = make_round(amphoe_advance=2, province_advance=2)
    district = make_board(CommitteeTier.AMPHOE, "5001")
    province = make_board(CommitteeTier.PROVINCE, "50")
    officer = make_officer("500101")
    food = submitted_nomination(officer, round_, "500101", "ข้าวแต๋น")
    textile = submitted_nomination(
        officer, round_, "500101", "ผ้าซิ่นตีนจก", category="TEXTILE-SILK"
    )
    for board in (district, province):
        score_all(board, [food, textile], {"A": 8, "B": 8, "C": 8})
        rank_and_approve(board, round_)
    food.refresh_from_db()
    textile.refresh_from_db()
    assert (
        (food.tier, food.state)
        == (textile.tier, textile.state)
        == (
            Tier.CENTRAL,
            "pending",
        )
    )
    assert (food.category.code, textile.category.code) == ("FOOD", "TEXTILE")
    national = make_board(CommitteeTier.CENTRAL)
    return {"round": round_, "food": food, "textile": textile, "national": national}


@pytest.fixture
def subcommittees(centre):
    """Production promotion scores food (3 scorers), marketing promotion
    textiles (4 scorers)."""
    production, food_scorers = make_subcommittee(Kind.PRODUCTION, "FOOD", members=1)
    marketing, textile_scorers = make_subcommittee(Kind.MARKETING, "TEXTILE", members=2)
    return {
        **centre,
        "production": production,
        "food_scorers": food_scorers,
        "marketing": marketing,
        "textile_scorers": textile_scorers,
    }


def _points(nomination, value: int) -> dict[int, Decimal]:
    return {
        c.pk: Decimal(value)
        for c in Criterion.objects.filter(
            round=nomination.round_id, tier=Tier.CENTRAL, category__isnull=True
        )
    }


def test_each_subcommittee_scores_its_own_product_type(subcommittees):
    food, textile = subcommittees["food"], subcommittees["textile"]
    food_member = subcommittees["food_scorers"][2]
    textile_member = subcommittees["textile_scorers"][2]

    food_sheet = sheet_for(actor=food_member, nomination=food)
    textile_sheet = sheet_for(actor=textile_member, nomination=textile)

    assert food_sheet.committee == subcommittees["production"]
    assert textile_sheet.committee == subcommittees["marketing"]
    assert scoring_committee_for(food) == subcommittees["production"]
    assert scoring_committee_for(textile) == subcommittees["marketing"]
    assert "score" in available_actions(food_member, food)
    assert "score" not in available_actions(food_member, textile)


def test_a_member_of_another_subcommittee_cannot_score(subcommittees):
    food, textile = subcommittees["food"], subcommittees["textile"]
    food_member = subcommittees["food_scorers"][2]
    textile_member = subcommittees["textile_scorers"][2]

    with pytest.raises(PermissionDenied, match="scored by"):
        sheet_for(actor=food_member, nomination=textile)
    with pytest.raises(PermissionDenied, match="scored by"):
        sheet_save(actor=textile_member, nomination=food, points=_points(food, 9))
    with pytest.raises(PermissionDenied, match="another central committee"):
        sheets_fill(
            actor=food_member,
            committee=subcommittees["production"],
            entries={textile.pk: _points(textile, 9)},
        )
    assert not ScoreSheet.objects.filter(tier=Tier.CENTRAL).exists()


def test_the_national_committee_cannot_score_a_type_a_subcommittee_has(
    subcommittees,
):
    national = subcommittees["national"]

    for person in national.scorers:
        with pytest.raises(PermissionDenied, match="scored by"):
            sheet_for(actor=person, nomination=subcommittees["food"])
    assert not ScoreSheet.objects.filter(tier=Tier.CENTRAL).exists()


def test_the_national_committee_scores_the_types_no_subcommittee_has(centre):
    production, food_scorers = make_subcommittee(Kind.PRODUCTION, "FOOD")
    national = centre["national"]

    sheet = sheet_for(actor=national.chair, nomination=centre["textile"])

    assert sheet.committee == national.committee
    with pytest.raises(PermissionDenied):
        sheet_for(actor=food_scorers[0], nomination=centre["textile"])
    assert list(queue_for(production, centre["round"])) == [centre["food"]]
    assert list(queue_for(national.committee, centre["round"])) == [centre["textile"]]


def test_a_subcommittee_members_queue_shows_only_its_types(subcommittees, client):
    food, textile = subcommittees["food"], subcommittees["textile"]
    food_member = subcommittees["food_scorers"][2]
    national_member = subcommittees["national"].members[0]
    score(subcommittees["food_scorers"][0], food, {"A": 9, "B": 9, "C": 9})

    mine = {n.pk: n for n in nomination_queue_for(user=food_member)}
    national = {n.pk: n for n in nomination_queue_for(user=national_member)}

    assert set(mine) == {food.pk}
    assert (mine[food.pk].sheets_submitted, mine[food.pk].sheets_expected) == (1, 3)
    assert set(national) == {food.pk, textile.pk}  # it ranks them all
    assert national[textile.pk].sheets_expected == 4  # the marketing panel
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(food_member)
    page = client.get("/admin/selection/queuenomination/")
    assert page.status_code == 200
    assert "ข้าวแต๋น" in page.text and "ผ้าซิ่นตีนจก" not in page.text
    assert "1 / 3" in page.text


def test_the_central_ranking_gathers_each_types_sheets_and_expected_count(
    subcommittees,
):
    food, textile = subcommittees["food"], subcommittees["textile"]
    food_scorers = subcommittees["food_scorers"]
    conflict_declare(
        actor=food_scorers[2], producer=food.product.producer, reason="ญาติ"
    )
    score(food_scorers[0], food, {"A": 10, "B": 10, "C": 10})  # 100
    score(food_scorers[1], food, {"A": 8, "B": 8, "C": 8})  # 80
    for member in subcommittees["textile_scorers"][:3]:
        score(member, textile, {"A": 7, "B": 7, "C": 7})  # 70

    rows = {
        r.nomination.pk: r
        for r in ranking_rows(
            subcommittees["national"].committee, subcommittees["round"]
        )
    }

    assert (rows[food.pk].sheet_count, rows[food.pk].expected) == (2, 2)
    assert rows[food.pk].mean_total == Decimal("90.00")
    assert (rows[textile.pk].sheet_count, rows[textile.pk].expected) == (3, 4)
    assert rows[textile.pk].mean_total == Decimal("70.00")


def test_the_national_committee_ranks_approves_and_awards_end_to_end(subcommittees):
    round_ = subcommittees["round"]
    food, textile = subcommittees["food"], subcommittees["textile"]
    national = subcommittees["national"]
    for member in subcommittees["food_scorers"]:
        score(member, food, {"A": 9, "B": 9, "C": 9})  # 90 → 5 stars
    for member in subcommittees["textile_scorers"]:
        score(member, textile, {"A": 8, "B": 7, "C": 8})  # 77 → 3 stars

    sub_ranking = ranking_get(committee=subcommittees["production"], round_=round_)
    with pytest.raises(PermissionDenied, match="national committee ranks"):
        ranking_finalize(actor=subcommittees["food_scorers"][1], ranking=sub_ranking)
    ranking = ranking_get(committee=national.committee, round_=round_)
    ranking = ranking_finalize(actor=national.secretary, ranking=ranking)
    assert [
        (e.nomination_id, e.sheet_count, e.expected_sheets)
        for e in (ranking.entries.order_by("position"))
    ] == [(food.pk, 3, 3), (textile.pk, 4, 4)]
    ranking = ranking_approve(actor=national.chair, ranking=ranking)
    assert ranking.status == Ranking.Status.APPROVED
    with pytest.raises(PermissionDenied):
        nomination_award(actor=subcommittees["food_scorers"][0], nomination=food)
    for nomination in (food, textile):
        nomination_award(actor=national.chair, nomination=nomination)

    food.refresh_from_db()
    textile.refresh_from_db()
    assert (food.state, food.final_score, food.stars) == ("awarded", 90, 5)
    assert (textile.state, textile.final_score, textile.stars) == ("awarded", 77, 3)
    assert set(
        ScoreSheet.objects.filter(tier=Tier.CENTRAL).values_list(
            "committee__kind", flat=True
        )
    ) == {Kind.PRODUCTION, Kind.MARKETING}


def test_scoring_stops_once_the_national_ranking_is_finalized(subcommittees):
    round_ = subcommittees["round"]
    food, textile = subcommittees["food"], subcommittees["textile"]
    national = subcommittees["national"]
    for member in subcommittees["food_scorers"]:
        score(member, food, {"A": 9, "B": 9, "C": 9})
    for member in subcommittees["textile_scorers"]:
        score(member, textile, {"A": 8, "B": 8, "C": 8})
    ranking_finalize(
        actor=national.secretary,
        ranking=ranking_get(committee=national.committee, round_=round_),
    )

    assert "score" not in available_actions(subcommittees["food_scorers"][2], food)


def test_without_subcommittees_the_national_committee_scores_everything(
    centre, central_staff
):
    round_, national = centre["round"], centre["national"]
    food, textile = centre["food"], centre["textile"]
    production, food_scorers = make_subcommittee(Kind.PRODUCTION, "FOOD")
    committee_update(actor=central_staff, committee=production, is_active=False)

    score_all(national, [food, textile], {"A": 9, "B": 9, "C": 9})
    rows = ranking_rows(national.committee, round_)

    assert [(r.sheet_count, r.expected) for r in rows] == [(4, 4), (4, 4)]
    assert set(queue_for(national.committee, round_)) == {food, textile}
    assert set(
        ScoreSheet.objects.filter(tier=Tier.CENTRAL).values_list("committee", flat=True)
    ) == {national.committee.pk}
    rank_and_approve(national, round_)
    for nomination in (food, textile):
        nomination_award(actor=national.chair, nomination=nomination)
    assert set(Nomination.objects.values_list("state", flat=True)) == {"awarded"}
    assert (
        Committee.objects.filter(tier=CommitteeTier.CENTRAL, is_active=True).count()
        == 1
    )


def test_a_type_nobody_can_score_stops_the_central_ranking(centre, central_staff):
    """A subcommittee given food but with no one on it: the national
    committee may not score food, and the ranking cannot be finalized (and so
    nothing awarded) with food unscored."""
    committee_create(
        actor=central_staff,
        tier=CommitteeTier.CENTRAL,
        kind=Kind.PRODUCTION,
        term_start=TODAY - dt.timedelta(days=30),
        product_types=Category.objects.filter(code="FOOD"),
    )
    national = centre["national"]
    for member in national.scorers:
        score(member, centre["textile"], {"A": 8, "B": 8, "C": 8})
        with pytest.raises(PermissionDenied):
            sheet_for(actor=member, nomination=centre["food"])

    ranking = ranking_get(committee=national.committee, round_=centre["round"])
    with pytest.raises(InvalidTransition, match="no member can score it"):
        ranking_finalize(actor=national.secretary, ranking=ranking)
    assert ranking_get(committee=national.committee, round_=centre["round"]).status == (
        Ranking.Status.OPEN
    )
