"""Central subcommittees (issue #10): a committee's kind, the product types a
subcommittee scores, and the rules that keep both consistent."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from committees.models import Committee, Kind, Role, Tier
from committees.resources import CommitteeWidget
from committees.selectors import central_routing, central_scorers_for
from committees.services import committee_create, committee_update
from communities.models import Amphoe
from products.models import Category
from tests.committees.factories import (
    TERM_START,
    central_committee,
    central_staff,
    member_of,
)

# Messages are asserted in English, the catalogue's source language.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _type(code: str) -> Category:
    return Category.objects.get(code=code)


def subcommittee(kind: str, *codes: str, actor=None) -> Committee:
    return committee_create(
        actor=actor or central_staff(),
        tier=Tier.CENTRAL,
        kind=kind,
        term_start=TERM_START,
        product_types=[_type(code) for code in codes],
    )


def test_a_central_committee_is_the_national_committee_by_default(db):
    national = central_committee()

    assert national.kind == Kind.MAIN
    assert not national.is_subcommittee
    with translation.override("en"):
        assert national.kind_label == "National committee"
        assert national.name == "National OTOP Committee"


def test_subcommittees_are_created_with_their_kind_and_product_types(central_staff):
    national = central_committee(actor=central_staff)
    production = subcommittee(Kind.PRODUCTION, "FOOD", "DRINK", actor=central_staff)
    marketing = subcommittee(Kind.MARKETING, "TEXTILE", actor=central_staff)

    assert production.is_subcommittee
    assert set(production.product_types.values_list("code", flat=True)) == {
        "FOOD",
        "DRINK",
    }
    with translation.override("en"):
        assert production.name == "OTOP Production Promotion Subcommittee"
        assert marketing.kind_label == "Marketing promotion subcommittee"
    assert {
        code: committee.pk
        for code, committee in (
            (Category.objects.get(pk=pk).code, c) for pk, c in central_routing().items()
        )
    } == {"FOOD": production.pk, "DRINK": production.pk, "TEXTILE": marketing.pk}
    assert central_scorers_for(_type("FOOD").pk).first() == production
    assert central_scorers_for(_type("HERBAL").pk).first() == national


def test_only_the_central_tier_has_subcommittees(geography, central_staff):
    with pytest.raises(ValidationError, match="Only the central tier"):
        committee_create(
            actor=central_staff,
            tier=Tier.AMPHOE,
            amphoe=Amphoe.objects.get(pk="5001"),
            kind=Kind.PRODUCTION,
            term_start=TERM_START,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(
            tier=Tier.PROVINCE,
            province_id="50",
            kind=Kind.MARKETING,
            term_start=TERM_START,
        )


def test_one_active_central_committee_per_kind(central_staff):
    central_committee(actor=central_staff)
    first = subcommittee(Kind.STANDARDS, actor=central_staff)

    with pytest.raises(ValidationError, match="already an active central committee"):
        central_committee(actor=central_staff)
    with pytest.raises(ValidationError, match="already an active central committee"):
        subcommittee(Kind.STANDARDS, actor=central_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(
            tier=Tier.CENTRAL, kind=Kind.STANDARDS, term_start=TERM_START
        )

    committee_update(actor=central_staff, committee=first, is_active=False)
    assert subcommittee(Kind.STANDARDS, actor=central_staff).is_active


def test_grading_subcommittees_are_many_one_per_product_type(central_staff):
    """The OTOP Product Champion grading splits the centre's work by product
    type: five grading subcommittees active at once, told apart by their
    types, each named after what it grades."""
    graders = {
        code: subcommittee(Kind.GRADING, code, actor=central_staff)
        for code in ("FOOD", "DRINK", "TEXTILE", "HOUSEHOLD", "HERBAL")
    }

    assert all(c.is_active and c.is_subcommittee for c in graders.values())
    assert {
        Category.objects.get(pk=pk).code: c.pk for pk, c in central_routing().items()
    } == {code: c.pk for code, c in graders.items()}
    assert graders["FOOD"].name_th == (
        "คณะอนุกรรมการพิจารณาคัดสรรผลิตภัณฑ์ หนึ่งตำบล หนึ่งผลิตภัณฑ์ ประเภทอาหาร"
    )
    with translation.override("en"):
        assert graders["HERBAL"].name == (
            "OTOP Product Grading Subcommittee: Non-food herbal products"
        )
    # Still one grader per type, and a grader grades something.
    with pytest.raises(ValidationError, match="already scored by"):
        subcommittee(Kind.GRADING, "FOOD", actor=central_staff)
    with pytest.raises(ValidationError, match="choose at least one"):
        subcommittee(Kind.GRADING, actor=central_staff)
    with pytest.raises(ValidationError, match="choose at least one"):
        committee_update(
            actor=central_staff, committee=graders["DRINK"], product_types=[]
        )
    assert Committee.objects.filter(kind=Kind.GRADING).count() == 5


def test_a_grading_subcommittees_names_follow_its_types_unless_typed(central_staff):
    food = subcommittee(Kind.GRADING, "FOOD", actor=central_staff)

    food = committee_update(
        actor=central_staff,
        committee=food,
        product_types=[_type("DRINK"), _type("FOOD")],
    )
    assert food.name_en == "OTOP Product Grading Subcommittee: Food, Drinks"
    committee_update(actor=central_staff, committee=food, name_en="Panel 1")
    food = committee_update(
        actor=central_staff, committee=food, product_types=[_type("FOOD")]
    )
    assert food.name_en == "Panel 1"


def test_product_types_are_top_level_and_only_for_subcommittees(central_staff):
    national = central_committee(actor=central_staff)

    with pytest.raises(ValidationError, match="not their sub-types"):
        subcommittee(Kind.PRODUCTION, "FOOD-SNACK", actor=central_staff)
    with pytest.raises(ValidationError, match="Only central subcommittees"):
        committee_update(
            actor=central_staff, committee=national, product_types=[_type("FOOD")]
        )
    assert not Committee.objects.filter(kind=Kind.PRODUCTION).exists()
    assert not national.product_types.exists()


def test_a_product_type_has_at_most_one_active_subcommittee(central_staff):
    production = subcommittee(Kind.PRODUCTION, "FOOD", actor=central_staff)

    with pytest.raises(ValidationError, match="already scored by"):
        subcommittee(Kind.MARKETING, "FOOD", "TEXTILE", actor=central_staff)
    marketing = subcommittee(Kind.MARKETING, "TEXTILE", actor=central_staff)
    with pytest.raises(ValidationError, match="already scored by"):
        committee_update(
            actor=central_staff,
            committee=marketing,
            product_types=[_type("TEXTILE"), _type("FOOD")],
        )

    # Once the production subcommittee stands down, marketing may take food;
    # the old one cannot come back while food is taken.
    committee_update(actor=central_staff, committee=production, is_active=False)
    committee_update(
        actor=central_staff, committee=marketing, product_types=[_type("FOOD")]
    )
    assert central_scorers_for(_type("FOOD").pk).first() == marketing
    with pytest.raises(ValidationError, match="already scored by"):
        committee_update(actor=central_staff, committee=production, is_active=True)


def test_the_membership_import_names_subcommittees_by_kind(central_staff):
    national = central_committee(actor=central_staff)
    production = subcommittee(Kind.PRODUCTION, "FOOD", actor=central_staff)
    widget = CommitteeWidget()

    assert widget.clean("central") == national
    assert widget.clean("central:production") == production
    assert widget.render(production) == "central:production"
    assert widget.render(national) == "central"
    drink = subcommittee(Kind.GRADING, "DRINK", actor=central_staff)
    herbal = subcommittee(Kind.GRADING, "HERBAL", actor=central_staff)
    assert widget.clean("central:grading:drink") == drink
    assert widget.clean("central:grading:HERBAL") == herbal
    assert widget.render(drink) == "central:grading:DRINK"
    with pytest.raises(ValueError, match="No active committee"):
        widget.clean("central:grading:TEXTILE")


def test_the_committee_pages_show_the_kind_and_the_types(client, db):
    production = subcommittee(Kind.PRODUCTION, "FOOD", "DRINK")
    member = member_of(production, Role.MEMBER, "food-member")
    client.force_login(member)

    with translation.override("en"):
        detail = client.get(f"/committees/{production.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        mine = client.get("/committees/", HTTP_ACCEPT_LANGUAGE="en")

    assert detail.status_code == mine.status_code == 200
    for page in (detail.text, mine.text):
        for code in ("FOOD", "DRINK"):
            assert _type(code).name_th in page or _type(code).name_en in page
        assert "HERBAL" not in page and _type("HERBAL").name_th not in page


def test_central_staff_create_a_subcommittee_in_the_admin(client, central_staff):
    client.force_login(central_staff)
    data = {
        "tier": Tier.CENTRAL,
        "kind": Kind.MARKETING,
        "product_types": [_type("TEXTILE").pk, _type("HOUSEHOLD").pk],
        "term_start": "2025-10-01",
    }

    response = client.post("/admin/committees/committee/add/", _with_inlines(data))

    assert response.status_code == 302, response.content[:2000]
    created = Committee.objects.get(kind=Kind.MARKETING)
    # The admin's history and message name the committee that was made.
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.get(object_id=str(created.pk)).object_repr == str(created)
    assert set(created.product_types.values_list("code", flat=True)) == {
        "TEXTILE",
        "HOUSEHOLD",
    }

    change = f"/admin/committees/committee/{created.pk}/change/"
    assert client.get(change).status_code == 200
    edited = client.post(
        change,
        _with_inlines(
            {
                "product_types": [_type("HERBAL").pk],
                "term_start": "2025-10-01",
                "is_active": "on",
            }
        ),
    )
    assert edited.status_code == 302
    assert list(created.product_types.values_list("code", flat=True)) == ["HERBAL"]


def test_the_admin_form_shows_a_taken_type_as_an_error(client, central_staff):
    subcommittee(Kind.PRODUCTION, "FOOD", actor=central_staff)
    client.force_login(central_staff)
    data = {
        "tier": Tier.CENTRAL,
        "kind": Kind.MARKETING,
        "product_types": [_type("FOOD").pk],
        "term_start": "2025-10-01",
    }

    response = client.post("/admin/committees/committee/add/", _with_inlines(data))

    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors
    assert not Committee.objects.filter(kind=Kind.MARKETING).exists()


def _with_inlines(data: dict) -> dict:
    """The management forms of the committee admin's (read-only) inlines."""
    for prefix in ("memberships", "membership_events"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_makes_existing_central_committees_national():
    executor = MigrationExecutor(connection)
    before = [("committees", "0001_initial")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldCommittee = old_apps.get_model("committees", "Committee")
    OldCommittee.objects.create(tier="central", term_start=dt.date(2025, 10, 1))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    (committee,) = Committee.objects.all()
    assert committee.kind == Kind.MAIN
    assert committee.kind_label
    assert not committee.product_types.exists()
