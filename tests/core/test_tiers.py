"""The one tier table (core.tiers): every enum and lookup of tiers is read
from it, so adding a tier is a row there."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from committees.models import Committee
from committees.models import Tier as CommitteeTierOnModel
from communities.models import Tambon
from core import tiers
from selection.models import Nomination, Ranking, Round, ScoreSheet
from selection.models import Tier as TierOnModel


def test_the_enums_are_the_table():
    assert TierOnModel is tiers.Tier and CommitteeTierOnModel is tiers.CommitteeTier
    assert list(tiers.Tier.values) == ["tambon", "amphoe", "province", "central"]
    assert list(tiers.CommitteeTier.values) == ["amphoe", "province", "central"]
    assert tuple(tiers.CommitteeTier.values) == tiers.COMMITTEE_TIERS
    assert tiers.NEXT_TIER == {"amphoe": "province", "province": "central"}
    assert [tiers.next_tier(t) for t in tiers.Tier.values] == [
        "amphoe",
        "province",
        "central",
        None,
    ]


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Nomination, "tier", tiers.Tier.values),
        (Committee, "tier", tiers.CommitteeTier.values),
        (Ranking, "tier", tiers.CommitteeTier.values),
        (ScoreSheet, "tier", tiers.CommitteeTier.values),
    ],
)
def test_model_choices_come_from_the_table(model, field, values):
    assert [value for value, _label in model._meta.get_field(field).choices] == list(
        values
    )


def test_a_round_has_a_deadline_for_every_tier():
    for tier in tiers.TIERS:
        assert Round._meta.get_field(f"{tier.code}_deadline")


def test_each_committee_tier_names_its_area_on_the_nomination():
    nomination = Nomination(
        tambon_code="500101", amphoe_code="5001", province_code="50"
    )
    assert tiers.committee_area("tambon", nomination) is None
    assert tiers.committee_area("amphoe", nomination) == {"amphoe_id": "5001"}
    assert tiers.committee_area("province", nomination) == {"province_id": "50"}
    assert tiers.committee_area("central", nomination) == {}
    assert tiers.committee_area("nowhere", nomination) is None
    for tier in tiers.TIERS:
        if tier.area:
            assert Nomination._meta.get_field(tier.area)
        if tier.committee_area:
            assert Committee._meta.get_field(tier.committee_area.removesuffix("_id"))


def test_labels_are_translated(settings):
    from django.utils import translation

    with translation.override("th"):
        assert str(tiers.Tier.AMPHOE.label) == "อำเภอ"
    with translation.override("en"):
        assert str(tiers.Tier.AMPHOE.label) == "District (amphoe)"


def test_the_area_fields_each_tier_is_keyed_by_exist():
    """Permission scoping and the dashboard find a tier's area on a
    nomination and on a tambon by these names."""
    assert tiers.nomination_areas() == {
        "amphoe": "amphoe_code",
        "province": "province_code",
    }
    assert tiers.tambon_areas("tambon__") == {
        "amphoe": "tambon__amphoe_id",
        "province": "tambon__province_id",
    }
    assert tiers.NATIONAL_TIERS == ("central",)
    for field in tiers.nomination_areas().values():
        assert Nomination._meta.get_field(field)
    for field in tiers.tambon_areas().values():
        assert Tambon._meta.get_field(field.removesuffix("_id"))


@pytest.mark.django_db
@pytest.mark.parametrize("tier", tiers.COMMITTEE_TIERS)
def test_a_committee_has_its_tiers_area_and_no_other(tier):
    """The committee's constraints are made from the table: its tier's area
    field and only that one (none for the national committee)."""
    codes = {"amphoe_id": "5001", "province_id": "50"}
    own = tiers.BY_CODE[tier].committee_area
    committee = Committee(
        tier=tier, term_start=dt.date(2026, 1, 1), **({own: codes[own]} if own else {})
    )
    committee.validate_constraints()
    assert committee.area_code == codes.get(own, "")
    for other, code in codes.items():
        if other == own:
            continue
        stray = Committee(tier=tier, term_start=dt.date(2026, 1, 1), **{other: code})
        if own:
            setattr(stray, own, codes[own])
        with pytest.raises(ValidationError):
            stray.validate_constraints()


def test_the_ladders_named_tiers_are_read_from_the_table():
    """Entry, award and the area tiers are positions in the table, not names:
    a tier added to the table moves them, with no search through the code."""
    assert tiers.ENTRY_TIER == "amphoe"  # the first tier with a committee
    assert tiers.AWARD_TIER == "central"  # the last
    assert tiers.AREA_TIERS == ("amphoe", "province")
    assert tiers.NATIONAL_TIERS == ("central",)
    assert set(tiers.NEXT_TIER) == {"amphoe", "province"}


def test_a_committees_nominations_are_those_of_its_area():
    district = Committee(tier="amphoe", amphoe_id="5001")
    province = Committee(tier="province", province_id="50")
    assert tiers.nomination_area("amphoe", district) == {"amphoe_code": "5001"}
    assert tiers.nomination_area("province", province) == {"province_code": "50"}
    assert tiers.nomination_area("central", Committee(tier="central")) == {}
