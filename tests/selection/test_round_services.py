"""A round's reference data and its rules, held by the services in
selection.rounds whoever calls them: one round per year; criteria, star
bands and quotas change only while the round is a draft, only by central
staff, only into a set that keeps the rules, and all or nothing. The round
admin, which calls the same services, is tested in test_admin_rounds.py."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from core.workflow import InvalidTransition
from selection.models import Criterion, Round, StarBand, Tier, TypeQuota
from selection.rounds import (
    round_actions,
    round_close,
    round_copy,
    round_criteria_edit,
    round_plan_edit,
    round_star_bands_edit,
    round_type_quotas_edit,
    round_update,
)
from tests.accounts.factories import UserFactory
from tests.selection.ladder import central_staff, make_round
from tests.selection.round_reference import criterion, draft_round, food, reference

pytestmark = pytest.mark.django_db


# One round per year ----------------------------------------------------------------


def test_a_second_round_for_a_year_is_refused_with_the_year(english):
    first = draft_round(2030)

    with pytest.raises(ValidationError) as error:
        draft_round(2030, title_en="again")

    assert error.value.message_dict == {"year": ["A round for 2030 exists already."]}
    assert list(Round.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_year_is_told_in_buddhist_era_in_thai():
    draft_round(2030)

    with pytest.raises(ValidationError) as error:
        draft_round(2030)

    assert "2573" in error.value.message_dict["year"][0]


def test_a_round_is_not_copied_onto_a_year_that_has_one(english):
    source = make_round()
    taken = draft_round(source.year + 1)

    with pytest.raises(ValidationError) as error:
        round_copy(
            actor=central_staff(),
            source=source,
            year=source.year + 1,
            title_th="ซ้ำ",
        )

    assert error.value.message_dict == {
        "year": [f"A round for {source.year + 1} exists already."]
    }
    assert Round.objects.filter(year=source.year + 1).get() == taken
    assert not Criterion.objects.filter(round=taken).exists()
    assert StarBand.objects.filter(round=taken).count() == 5  # its own defaults
    assert not TypeQuota.objects.exists()


# Criteria, star bands and quotas -----------------------------------------------------


def band(round_: Round, stars: int) -> StarBand:
    return round_.star_bands.get(stars=stars)


def viewer():
    """Central staff who may look at rounds but not manage them."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_round"))
    return user


def test_a_draft_round_takes_additions_changes_and_removals_at_once():
    round_ = draft_round()
    a1, a2 = round_criteria_edit(
        actor=central_staff(), round_=round_, rows=[criterion("A1"), criterion("A2")]
    )

    added, changed = round_criteria_edit(
        actor=central_staff(),
        round_=round_,
        rows=[
            criterion("B1", part="B", category=food()),
            {"id": a1.pk, "max_points": Decimal("12.5"), "title_en": "Strength"},
        ],
        delete=[a2.pk],
    )

    assert changed.pk == a1.pk
    assert list(
        round_.criteria.order_by("code").values_list("code", "max_points", "title_en")
    ) == [("A1", Decimal("12.5"), "Strength"), ("B1", Decimal(10), "")]
    assert round_.criteria.get(code="B1") == added
    assert added.category == food()


def test_bands_and_quotas_are_set_on_a_draft_round():
    round_ = draft_round()

    round_star_bands_edit(
        actor=central_staff(),
        round_=round_,
        rows=[{"id": band(round_, 5).pk, "min_score": Decimal(95)}],
        delete=[band(round_, 1).pk],
    )
    round_type_quotas_edit(
        actor=central_staff(),
        round_=round_,
        rows=[{"tier": Tier.AMPHOE, "category": food(), "advance": 3}],
    )

    assert list(round_.star_bands.values_list("stars", "min_score")) == [
        (5, 95),
        (4, 80),
        (3, 70),
        (2, 50),
    ]
    assert round_.advance_for(Tier.AMPHOE, food()) == 3


def test_two_rows_may_trade_codes_in_one_edit():
    round_ = draft_round()
    a1, a2 = round_criteria_edit(
        actor=central_staff(), round_=round_, rows=[criterion("A1"), criterion("A2")]
    )

    round_criteria_edit(
        actor=central_staff(),
        round_=round_,
        rows=[{"id": a1.pk, "code": "A2"}, {"id": a2.pk, "code": "A1"}],
    )

    assert dict(round_.criteria.values_list("pk", "code")) == {
        a1.pk: "A2",
        a2.pk: "A1",
    }


EDITS = {
    "criteria": lambda actor, round_: round_criteria_edit(
        actor=actor,
        round_=round_,
        rows=[criterion("Z9")],
        delete=round_.criteria.values_list("pk", flat=True)[:1],
    ),
    "star bands": lambda actor, round_: round_star_bands_edit(
        actor=actor,
        round_=round_,
        rows=[{"id": band(round_, 5).pk, "min_score": Decimal(99)}],
        delete=[band(round_, 1).pk],
    ),
    "plan": lambda actor, round_: round_plan_edit(
        actor=actor,
        round_=round_,
        rows=[{"id": round_.plan.step(Tier.PROVINCE).pk, "quota": 1}],
    ),
    "eligibility": lambda actor, round_: round_update(
        actor=actor, round_=round_, require_registration=True
    ),
    "quotas": lambda actor, round_: round_type_quotas_edit(
        actor=actor,
        round_=round_,
        rows=[{"tier": Tier.AMPHOE, "category": food(), "advance": 1}],
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("status", ["open", "closed"])
def test_reference_data_is_frozen_once_the_round_opens(edit, status, english):
    round_ = make_round()  # open, with its criteria and the default bands
    if status == "closed":
        round_ = round_close(actor=central_staff(), round_=round_)
    before = reference(round_)

    with pytest.raises(InvalidTransition) as refusal:
        edit(central_staff(), round_)

    assert refusal.value.message == (
        "The plan, criteria, star bands and quotas of a round can be changed "
        "only while it is a draft: once it opens, nominations are on their way "
        "up its plan."
    )
    assert reference(round_) == before
    assert "edit_reference" not in round_actions(central_staff(), round_)


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("who", [viewer, UserFactory], ids=["viewer", "outsider"])
def test_only_round_managers_edit_reference_data(edit, who):
    round_ = draft_round()
    round_criteria_edit(actor=central_staff(), round_=round_, rows=[criterion()])
    before = reference(round_)
    actor = who()

    with pytest.raises(PermissionDenied):
        edit(actor, round_)

    assert reference(round_) == before
    assert round_actions(actor, round_) == []
    assert round_actions(central_staff(), round_) == ["edit_reference"]


def test_a_round_manager_without_superuser_rights_may_edit():
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="manage_round"))
    round_ = draft_round()

    round_criteria_edit(actor=manager, round_=round_, rows=[criterion()])

    assert round_.criteria.count() == 1


def refused(edit, round_: Round, **changes) -> dict[str, list[str]]:
    """The field-keyed errors of an edit that must change nothing."""
    before = reference(round_)
    with pytest.raises(ValidationError) as error:
        edit(actor=central_staff(), round_=round_, **changes)
    assert reference(round_) == before
    return error.value.message_dict


def test_more_stars_must_start_from_a_higher_score(english):
    round_ = draft_round()

    errors = refused(
        round_star_bands_edit,
        round_,
        rows=[{"id": band(round_, 4).pk, "min_score": Decimal(90)}],
    )

    assert errors == {
        "min_score": [
            "The 4-star band must start below the 5-star band, which starts at 90."
        ]
    }


def test_bands_are_checked_as_they_will_stand(english):
    """Lowering the five-star band below an untouched band is refused; moving
    both at once is not."""
    round_ = draft_round()

    errors = refused(
        round_star_bands_edit,
        round_,
        rows=[{"id": band(round_, 5).pk, "min_score": Decimal(75)}],
    )
    assert errors == {
        "min_score": [
            "The 4-star band must start below the 5-star band, which starts at 75."
        ]
    }

    round_star_bands_edit(
        actor=central_staff(),
        round_=round_,
        rows=[
            {"id": band(round_, 5).pk, "min_score": Decimal(75)},
            {"id": band(round_, 4).pk, "min_score": Decimal(72)},
        ],
    )
    assert round_.stars_for(Decimal(74)) == 4


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"stars": 6, "min_score": Decimal(99)}, "stars"),
        ({"stars": 0, "min_score": Decimal(0)}, "stars"),
        ({"stars": 5, "min_score": Decimal(101)}, "min_score"),
        ({"stars": 5, "min_score": Decimal(-1)}, "min_score"),
    ],
)
def test_bands_stay_between_one_and_five_stars_and_0_and_100(row, field, english):
    round_ = draft_round()

    errors = refused(
        round_star_bands_edit,
        round_,
        rows=[{"id": band(round_, 5).pk, **row}],
    )

    assert list(errors) == [field]
    assert errors[field][0].startswith("Row 1: Ensure this value is")


def test_a_number_of_stars_has_one_band(english):
    round_ = draft_round()

    errors = refused(
        round_star_bands_edit,
        round_,
        rows=[{"stars": 3, "min_score": Decimal(60)}],
    )

    assert errors == {"stars": ["There is more than one 3-star band."]}


def test_a_criterion_is_worth_more_than_nothing(english):
    round_ = draft_round()

    errors = refused(
        round_criteria_edit,
        round_,
        rows=[criterion("A1"), criterion("A2", max_points=Decimal(0))],
    )

    assert errors == {
        "max_points": ["Row 2: Ensure this value is greater than or equal to 0.01."]
    }


def test_a_code_appears_once_per_sheet(english):
    round_ = draft_round()
    round_criteria_edit(
        actor=central_staff(),
        round_=round_,
        rows=[
            criterion("A1"),
            criterion("A1", tier=Tier.PROVINCE),  # another sheet
            criterion("A1", category=food()),  # the food sheet
        ],
    )

    general = refused(round_criteria_edit, round_, rows=[criterion("A1")])
    typed = refused(
        round_criteria_edit, round_, rows=[criterion("A1", category=food())]
    )

    assert general == {
        "code": ["The code A1 appears twice in the District (amphoe) criteria."]
    }
    assert typed == {
        "code": ["The code A1 appears twice in the District (amphoe) criteria (Food)."]
    }


def test_a_required_field_left_out_is_named(english):
    round_ = draft_round()

    errors = refused(round_criteria_edit, round_, rows=[{"tier": Tier.AMPHOE}])

    assert set(errors) == {"part", "code", "title_th", "max_points"}


def test_a_quota_forwards_at_least_one_and_is_set_once_per_type(english):
    round_ = draft_round()
    round_type_quotas_edit(
        actor=central_staff(),
        round_=round_,
        rows=[{"tier": Tier.AMPHOE, "category": food(), "advance": 2}],
    )

    zero = refused(
        round_type_quotas_edit,
        round_,
        rows=[{"tier": Tier.PROVINCE, "category": food(), "advance": 0}],
    )
    twice = refused(
        round_type_quotas_edit,
        round_,
        rows=[{"tier": Tier.AMPHOE, "category": food(), "advance": 4}],
    )

    assert zero == {
        "advance": ["Row 1: Ensure this value is greater than or equal to 1."]
    }
    assert twice == {"category": ["The District (amphoe) quota for Food is set twice."]}


def test_rows_of_another_round_are_not_touched(english):
    mine, theirs = draft_round(2030), draft_round(2031)
    other = band(theirs, 5)
    before = reference(theirs)

    for changes in (
        {"rows": [{"id": other.pk, "min_score": Decimal(99)}]},
        {"delete": [other.pk]},
    ):
        errors = refused(round_star_bands_edit, mine, **changes)
        assert errors == {
            "id": ["A row to change or remove is not one of this round's rows."]
        }
    assert reference(theirs) == before


def test_an_edit_is_all_or_nothing(english):
    round_ = draft_round()

    refused(
        round_criteria_edit,
        round_,
        rows=[criterion("A1"), criterion("A2"), criterion("A1")],
    )

    assert not round_.criteria.exists()


def test_the_messages_are_in_thai_for_thai_users():
    round_ = draft_round()

    errors = refused(
        round_star_bands_edit,
        round_,
        rows=[{"id": band(round_, 4).pk, "min_score": Decimal(90)}],
    )

    (message,) = errors["min_score"]
    assert "ดาว" in message
    assert "90" in message
