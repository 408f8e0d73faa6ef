"""A round's plan (issue #19 §1): the two presets played end to end through
the services, a custom plan that skips the province, each checked tier by
tier against what its plan says; the advance rules at their boundaries; the
plan's own rules; and a plan fixed once the round opens."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from committees.models import Tier as CommitteeTier
from communities.models import Amphoe, Tambon
from core.workflow import InvalidTransition
from selection.models import (
    Nomination,
    PlanStep,
    Preset,
    Round,
    Tier,
    plan_problems,
    preset_steps,
)
from selection.rounds import round_create, round_plan_edit
from selection.selectors import queue_for
from selection.services import (
    available_actions,
    nomination_create,
    nomination_submit,
    ranking_actions,
    ranking_award_all,
    ranking_get,
    sheet_save,
)
from tests.clock import TODAY
from tests.selection.ladder import (
    FAR,
    central_staff,
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db

PROVINCE = "50"  # Chiang Mai


def states() -> dict[str, tuple[str, str]]:
    return {
        n.product.name_th: (n.tier, n.state)
        for n in Nomination.objects.select_related("product")
    }


def district_world(round_, per_tambon=3, tambons=2):
    """One district of Chiang Mai with its board, officers and nominations
    submitted without a forum where the plan does not ask for one."""
    amphoe = Amphoe.objects.filter(province_id=PROVINCE).order_by("code").first()
    board = make_board(CommitteeTier.AMPHOE, amphoe.code)
    names = []
    for tambon in Tambon.objects.filter(amphoe=amphoe).order_by("code")[:tambons]:
        officer = make_officer(tambon.code)
        for n in range(per_tambon):
            name = f"ผลิตภัณฑ์ {tambon.code}-{n}"
            if round_.plan.forum_required:
                submitted_nomination(officer, round_, tambon.code, name)
            else:
                product = complete_product(officer, tambon.code, name)
                nomination = nomination_create(
                    actor=officer, round_=round_, product=product
                )
                nomination_submit(actor=officer, nomination=nomination)
            names.append(name)
    return board, names


# The OTOP Product Champion grading --------------------------------------------------


def test_an_opc_round_checks_grades_by_threshold_and_stars_everyone(geography, english):
    round_ = make_round(preset=Preset.OPC, province_threshold=60)
    # No forum, no tambon quota: five from one tambon all go in.
    district, names = district_world(round_, per_tambon=5, tambons=1)
    province = make_board(CommitteeTier.PROVINCE, PROVINCE)
    central = make_board(CommitteeTier.CENTRAL)
    assert set(states().values()) == {("amphoe", "pending")}
    assert not round_.forums.exists()

    # The district checks and forwards: no scores, every one passes.
    first = Nomination.objects.filter(tier=Tier.AMPHOE).first()
    assert "score" not in available_actions(district.chair, first)
    with pytest.raises(InvalidTransition, match="gives no scores"):
        sheet_save(actor=district.chair, nomination=first, points={}, submit=True)
    rank_and_approve(district, round_)
    assert set(states().values()) == {("province", "pending")}

    # The province scores parts A and B only (70 points here) and forwards
    # every one at or above 60: 6+6+... per part × 10 criteria.
    queue = list(queue_for(province.committee, round_).order_by("product__name_th"))
    # Sheets of 4 part-A and 3 part-B criteria, 10 points each (70 in all).
    for nomination, (a, b) in zip(
        queue, ((2, 2), (4, 4), (7, 7), (9, 8), (9, 10)), strict=True
    ):
        score_all(province, [nomination], {"A": a, "B": b})  # 14 28 49 60 66
    ranking = rank_and_approve(province, round_)
    assert "move" not in ranking_actions(province.secretary, ranking)
    after = states()
    assert after[queue[3].product.name_th] == ("central", "pending")  # = threshold
    assert after[queue[4].product.name_th] == ("central", "pending")
    assert [after[n.product.name_th] for n in queue[:3]] == [
        ("province", "not_selected")
    ] * 3
    at_centre = Nomination.objects.filter(tier=Tier.CENTRAL).order_by("pk")
    assert [n.provincial_score for n in at_centre] == [Decimal(60), Decimal(66)]

    # The centre grades all three parts and stars everyone it approves.
    score_all(central, list(at_centre), {"A": 9, "B": 8, "C": 7})  # 36+24+21 = 81
    ranking = rank_and_approve(central, round_)
    assert ranking_award_all(actor=central.chair, ranking=ranking) == 2
    assert set(
        Nomination.objects.filter(state="awarded").values_list("stars", flat=True)
    ) == {4}


def test_the_threshold_is_inclusive_and_below_it_is_not_selected(geography):
    round_ = make_round(preset=Preset.OPC, province_threshold=50)
    district, _names = district_world(round_, per_tambon=2, tambons=1)
    province = make_board(CommitteeTier.PROVINCE, PROVINCE)
    rank_and_approve(district, round_)
    low, high = queue_for(province.committee, round_).order_by("pk")
    score_all(province, [low], {"A": 7, "B": 7})  # 49
    score_all(province, [high], {"A": 5, "B": 10})  # 50
    rank_and_approve(province, round_)
    assert Nomination.objects.get(pk=high.pk).tier == Tier.CENTRAL
    low = Nomination.objects.get(pk=low.pk)
    assert (low.tier, low.state) == (Tier.PROVINCE, "not_selected")


# The ladder, unchanged ---------------------------------------------------------------


def test_the_ladder_still_needs_a_forum_and_keeps_the_tambon_quota(geography, english):
    round_ = make_round(preset=Preset.LADDER, tambon_quota=1)
    tambon = Tambon.objects.filter(province_id=PROVINCE).order_by("code").first()
    officer = make_officer(tambon.code)
    product = complete_product(officer, tambon.code, "ไม่มีเวที")
    nomination = nomination_create(actor=officer, round_=round_, product=product)
    with pytest.raises(InvalidTransition, match="Record the tambon forum first"):
        nomination_submit(actor=officer, nomination=nomination)
    submitted_nomination(officer, round_, tambon.code, "มีเวทีแล้ว")
    with pytest.raises(InvalidTransition, match="quota of 1"):
        nomination_submit(actor=officer, nomination=nomination)


def test_a_ladder_district_forwards_its_top_n(geography):
    round_ = make_round(preset=Preset.LADDER, amphoe_advance=2, tambon_quota=5)
    district, _names = district_world(round_, per_tambon=2, tambons=2)
    queue = list(queue_for(district.committee, round_).order_by("pk"))
    for points, nomination in zip((9, 8, 7, 6), queue, strict=True):
        score_all(district, [nomination], {"A": points, "B": points, "C": points})
    rank_and_approve(district, round_)
    assert [Nomination.objects.get(pk=n.pk).tier for n in queue] == [
        "province",
        "province",
        "amphoe",
        "amphoe",
    ]


# A custom plan: the province skipped ------------------------------------------------


def test_a_plan_without_the_province_goes_from_district_to_centre(geography):
    steps = [
        s
        for s in preset_steps(Preset.LADDER, amphoe_advance=1)
        if s["tier"] != "province"
    ]
    round_ = make_round(steps=steps)
    assert round_.plan.tiers == ["tambon", "amphoe", "central"]
    district, _names = district_world(round_, per_tambon=1, tambons=2)
    central = make_board(CommitteeTier.CENTRAL)
    first, second = queue_for(district.committee, round_).order_by("pk")
    score_all(district, [first], {"A": 9, "B": 9, "C": 9})
    score_all(district, [second], {"A": 5, "B": 5, "C": 5})
    rank_and_approve(district, round_)
    first, second = (Nomination.objects.get(pk=n.pk) for n in (first, second))
    assert (first.tier, first.state) == ("central", "pending")
    assert first.provincial_score is None  # no province in this plan
    assert (second.tier, second.state) == ("amphoe", "not_selected")
    assert list(queue_for(central.committee, round_)) == [first]
    score_all(central, [first], {"A": 10, "B": 9, "C": 9})
    ranking = rank_and_approve(central, round_)
    ranking_award_all(actor=central.chair, ranking=ranking)
    assert Nomination.objects.get(pk=first.pk).stars == 5


# The plan's own rules ----------------------------------------------------------------


def _row(**changes):
    return {**preset_steps(Preset.LADDER)[1], **changes}


BROKEN = {
    "no centre": (
        lambda rows: rows[:3],
        "Every plan has the Central step.",
    ),
    "no tambon": (lambda rows: rows[1:], "Every plan has the Tambon step."),
    "a check that ranks by quota": (
        lambda rows: [
            rows[0],
            _row(action="check", parts="", advance="quota"),
            *rows[2:],
        ],
        "only checks: it forwards every nomination that passes.",
    ),
    "grading by position": (
        lambda rows: [rows[0], _row(action="grade", advance="quota"), *rows[2:]],
        "grades: it forwards by score (a threshold) or all, not the top N.",
    ),
    "a scoring tier with no parts": (
        lambda rows: [rows[0], _row(parts=""), *rows[2:]],
        "scores at least one part",
    ),
    "a threshold without a score": (
        lambda rows: [rows[0], _row(advance="threshold", threshold=None), *rows[2:]],
        "threshold score",
    ),
    "a forum at the district": (
        lambda rows: [rows[0], _row(forum_required=True), *rows[2:]],
        "Only the tambon's step can require a forum.",
    ),
    "a district that submits": (
        lambda rows: [rows[0], _row(action="submit", parts=""), *rows[2:]],
        "Only the tambon submits",
    ),
    "the centre forwarding its top N": (
        lambda rows: [*rows[:3], {**rows[3], "advance": "quota", "quota": 3}],
        "its rule is all.",
    ),
    "a tier twice": (
        lambda rows: [*rows, rows[1]],
        "appears twice in the plan.",
    ),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_plan_that_cannot_run_is_refused_with_its_reason(broken, english):
    change, message = broken
    rows = change(preset_steps(Preset.LADDER))
    with pytest.raises(ValidationError) as refusal:
        round_create(
            actor=central_staff(),
            steps=rows,
            year=TODAY.year + 7,
            title_th="แผนเสีย",
            tambon_deadline=FAR,
            amphoe_deadline=FAR,
            province_deadline=FAR,
            central_deadline=FAR,
        )
    assert message in " ".join(refusal.value.messages)
    assert not Round.objects.filter(year=TODAY.year + 7).exists()


def test_each_preset_is_a_plan_that_runs():
    for preset in (Preset.LADDER, Preset.OPC):
        assert plan_problems([PlanStep(**row) for row in preset_steps(preset)]) == []


def test_a_draft_plan_is_edited_and_becomes_custom(english):
    round_ = round_create(
        actor=central_staff(),
        year=TODAY.year + 3,
        title_th="ร่าง",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
    )
    assert round_.preset == Preset.LADDER
    province = round_.plan.step(Tier.PROVINCE)
    round_plan_edit(actor=central_staff(), round_=round_, delete=[province.pk])
    round_ = Round.objects.get(pk=round_.pk)
    assert (round_.preset, round_.plan.tiers) == (
        "custom",
        ["tambon", "amphoe", "central"],
    )
    with pytest.raises(ValidationError, match="Every plan has the Central step"):
        round_plan_edit(
            actor=central_staff(),
            round_=round_,
            delete=[round_.plan.step(Tier.CENTRAL).pk],
        )
    assert Round.objects.get(pk=round_.pk).plan.tiers == ["tambon", "amphoe", "central"]


def test_a_tier_outside_the_plan_has_no_queue_to_send_to(geography):
    steps = [
        s
        for s in preset_steps(Preset.LADDER, amphoe_advance=1)
        if s["tier"] != "province"
    ]
    round_ = make_round(steps=steps)
    assert round_.plan.next_tier(Tier.AMPHOE) == Tier.CENTRAL
    assert round_.plan.next_tier(Tier.CENTRAL) is None
    assert round_.plan.entry_tier == Tier.AMPHOE
    ranking = ranking_get(
        committee=make_board(CommitteeTier.AMPHOE, "5001").committee, round_=round_
    )
    assert ranking.round.plan.step(Tier.PROVINCE) is None


def test_the_status_page_shows_the_road_of_this_rounds_plan(geography, client):
    round_ = make_round(preset=Preset.OPC)
    tambon = Tambon.objects.filter(province_id=PROVINCE).order_by("code").first()
    officer = make_officer(tambon.code)
    product = complete_product(officer, tambon.code, "น้ำพริกเผา")
    nomination = nomination_create(actor=officer, round_=round_, product=product)
    nomination_submit(actor=officer, nomination=nomination)
    client.force_login(officer)
    client.cookies["django_language"] = "en"

    page = client.get(f"/officer/nominations/{nomination.pk}/").text

    route = page.split('id="route"', 1)[1].split("</ol>", 1)[0]
    assert route.count("<li") == 4
    assert "Check and forward (no scores)" in route
    assert "(parts A, B)" in route
    assert "every nomination scoring 60 or more" in route
    current = route.split('aria-current="step"', 1)[1].split("</li>", 1)[0]
    assert "District" in current and "here now" in current


def test_the_officer_is_told_the_committee_the_plan_submits_to(geography, client):
    """A plan without districts sends a tambon's nomination straight to its
    provincial committee: the page and its message say so."""
    steps = [s for s in preset_steps(Preset.OPC) if s["tier"] != "amphoe"]
    round_ = make_round(steps=steps)
    tambon = Tambon.objects.filter(province_id=PROVINCE).order_by("code").first()
    officer = make_officer(tambon.code)
    product = complete_product(officer, tambon.code, "น้ำพริกเผา")
    nomination = nomination_create(actor=officer, round_=round_, product=product)
    client.force_login(officer)
    client.cookies["django_language"] = "en"

    page = client.get(f"/officer/nominations/{nomination.pk}/").text
    assert "Submit to the provincial committee" in page
    assert "district committee" not in page

    response = client.post(f"/officer/nominations/{nomination.pk}/submit/", follow=True)
    assert "Submitted to the provincial committee." in response.text
    nomination.refresh_from_db()
    assert nomination.tier == Tier.PROVINCE
