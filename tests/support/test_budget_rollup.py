"""The support budget roll-up (issue #10, point 2): the arithmetic equals an
independent sum, at every tier; Decimal, never float; who sees which
committees; one query per roll-up whatever the size; the page and exports."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from committees.models import Role
from selection.models import Nomination
from support.budget import (
    BY,
    BudgetLine,
    budget_committees_visible_to,
    budget_rollup,
    budget_total,
)
from support.models import SupportAction, SupportPlan
from tests.accounts.factories import UserFactory
from tests.committees.factories import (
    amphoe_committee,
    central_committee,
    member_of,
    province_committee,
)
from tests.products.factories import ProductFactory
from tests.selection.ladder import central_staff, make_round

pytestmark = pytest.mark.django_db

KINDS = ("packaging", "standards", "marketing", "production", "training", "ecommerce")
SOURCES = ("district", "province", "cdd", "local", "other")
STATUSES = ("planned", "in_progress", "done", "cancelled")
# area code → (province code, region code)
DISTRICTS = {
    "5001": ("50", "north"),
    "5002": ("50", "north"),
    "5101": ("51", "north"),
    "3001": ("30", "northeast"),
    "9001": ("90", "south"),
}
PROVINCES = {"50": "north", "30": "northeast", "90": "south"}
MORE_DISTRICTS = {"5003": ("50", "north"), "3002": ("30", "northeast")}
MORE_PROVINCES = {"51": "north", "20": "east"}


class World:
    def __init__(self):
        self.staff = central_staff()
        self.round = make_round()
        self.committees = {}
        self.rows = []  # what the test itself remembers, to sum independently
        self.counter = 0

    def committee(self, tier, code):
        if tier == "amphoe":
            committee = amphoe_committee(code, actor=self.staff)
        else:
            committee = province_committee(code, actor=self.staff)
        self.committees[(tier, code)] = committee
        return committee

    def plan(self, committee, province, region, count):
        plan = SupportPlan.objects.create(round=self.round, committee=committee)
        product = ProductFactory()
        nomination = Nomination.objects.create(
            round=self.round,
            product=product,
            tier="province",
            state="pending",
            tambon_code=product.producer.tambon_id,
            amphoe_code=product.producer.tambon_id[:4],
            province_code=product.producer.tambon_id[:2],
            category=product.category,
        )
        actions = []
        for _ in range(count):
            self.counter += 1
            n = self.counter
            # Awkward amounts: cents that float sums get wrong (0.10 + 0.20 …).
            budget = (
                Decimal(n * 1234) + Decimal(n % 10) / 10 + Decimal("0.01") * (n % 7)
            )
            row = {
                "committee": str(committee.pk),
                "province": province,
                "region": region,
                "kind": KINDS[n % len(KINDS)],
                "source": SOURCES[n % len(SOURCES)],
                "tier": committee.tier,
                "status": STATUSES[n % len(STATUSES)],
                "budget": budget,
            }
            self.rows.append(row)
            actions.append(
                SupportAction(
                    plan=plan,
                    nomination=nomination,
                    kind=row["kind"],
                    description=f"action {n}",
                    agency="พช.",
                    budget=budget,
                    source=row["source"],
                    fiscal_year=self.round.year + 544,
                    quarter=1 + n % 4,
                    status=row["status"],
                )
            )
        SupportAction.objects.bulk_create(actions)
        return plan

    def grow(self, districts, provinces, per_plan):
        for code, (province, region) in districts.items():
            self.plan(self.committee("amphoe", code), province, region, per_plan)
        for code, region in provinces.items():
            self.plan(self.committee("province", code), code, region, per_plan)

    def expected(self, by, committees=None):
        """Totals computed here, in Python Decimal, from what was created."""
        wanted = None if committees is None else {str(c.pk) for c in committees}
        live, live_n = defaultdict(Decimal), defaultdict(int)
        gone, gone_n = defaultdict(Decimal), defaultdict(int)
        for row in self.rows:
            if wanted is not None and row["committee"] not in wanted:
                continue
            key = row[by]
            if row["status"] == "cancelled":
                gone[key] += row["budget"]
                gone_n[key] += 1
            else:
                live[key] += row["budget"]
                live_n[key] += 1
        keys = set(live) | set(gone)
        return {k: (live[k], live_n[k], gone[k], gone_n[k]) for k in keys}


@pytest.fixture
def world(geography):
    world = World()
    world.grow(DISTRICTS, PROVINCES, per_plan=6)
    return world


def as_dict(lines: list[BudgetLine]):
    return {
        line.key: (
            line.total,
            line.actions,
            line.cancelled_total,
            line.cancelled_actions,
        )
        for line in lines
    }


@pytest.mark.parametrize("by", BY)
def test_every_rollup_equals_an_independent_sum(world, by):
    lines = budget_rollup(world.round, by)

    assert as_dict(lines) == world.expected(by)
    for line in lines:
        assert type(line.total) is Decimal
        assert type(line.cancelled_total) is Decimal
        assert line.total.as_tuple().exponent == -2
        assert line.label


@pytest.mark.parametrize("by", BY)
def test_the_lines_add_up_to_the_total_and_cancelled_is_apart(world, by):
    lines = budget_rollup(world.round, by)
    total = budget_total(world.round)

    live = [r["budget"] for r in world.rows if r["status"] != "cancelled"]
    gone = [r["budget"] for r in world.rows if r["status"] == "cancelled"]
    assert total.total == sum(live, Decimal(0)) == sum(line.total for line in lines)
    assert total.cancelled_total == sum(gone, Decimal(0))
    assert total.actions == len(live)
    assert total.cancelled_actions == len(gone) > 0
    assert type(total.total) is Decimal


def test_the_rollup_spans_both_tiers_and_every_region(world):
    assert set(as_dict(budget_rollup(world.round, "tier"))) == {"amphoe", "province"}
    assert set(as_dict(budget_rollup(world.round, "region"))) == {
        "north",
        "northeast",
        "south",
    }
    # A province's line holds its provincial committee's and its districts' plans.
    chiang_mai = as_dict(budget_rollup(world.round, "province"))["50"]
    expected = sum(
        (
            r["budget"]
            for r in world.rows
            if r["province"] == "50" and r["status"] != "cancelled"
        ),
        Decimal(0),
    )
    assert chiang_mai[0] == expected


def test_other_rounds_do_not_count(world):
    other = make_round(year=world.round.year - 1)
    assert budget_rollup(other, "committee") == []
    assert budget_total(other).total == Decimal("0.00")


def test_labels_name_the_groups(world, english):
    kinds = {line.key: line.label for line in budget_rollup(world.round, "kind")}
    regions = {line.key: line.label for line in budget_rollup(world.round, "region")}
    committees = {
        line.key: line.label for line in budget_rollup(world.round, "committee")
    }
    assert kinds["packaging"] == "Packaging and design"
    assert regions["north"] == "Northern"
    district = world.committees[("amphoe", "5001")]
    assert committees[str(district.pk)] == district.name


# Who sees what ---------------


def test_a_provincial_member_sees_their_province_and_its_districts(world):
    member = member_of(world.committees[("province", "50")], Role.MEMBER, "cm-member")

    visible = set(budget_committees_visible_to(member))

    assert visible == {
        world.committees[("province", "50")],
        world.committees[("amphoe", "5001")],
        world.committees[("amphoe", "5002")],
    }
    lines = budget_rollup(world.round, "source", committees=visible)
    assert as_dict(lines) == world.expected("source", visible)


def test_a_district_member_sees_only_their_own(world):
    district = world.committees[("amphoe", "3001")]
    secretary = member_of(district, Role.SECRETARY, "korat-secretary")

    visible = budget_committees_visible_to(secretary)

    assert list(visible) == [district]
    assert as_dict(budget_rollup(world.round, "kind", committees=visible)) == (
        world.expected("kind", [district])
    )


def test_central_staff_and_central_members_see_all(world):
    everyone = {c.pk for c in world.committees.values()}
    central_member = member_of(
        central_committee(actor=world.staff), Role.MEMBER, "central-member"
    )
    for user in (world.staff, central_member):
        visible = {c.pk for c in budget_committees_visible_to(user)}
        assert visible == everyone


def test_an_outsider_sees_nothing(world):
    outsider = UserFactory()
    visible = budget_committees_visible_to(outsider)
    assert list(visible) == []
    assert budget_rollup(world.round, "committee", committees=visible) == []
    assert budget_total(world.round, committees=visible).total == Decimal("0.00")


# One query each, whatever the size ---------------


def test_one_query_per_rollup_whatever_the_size(world, django_assert_num_queries):
    member = member_of(world.committees[("province", "50")], Role.CHAIR, "cm-chair")
    visible = budget_committees_visible_to(member)
    member.has_perm("committees.view_committee")  # warm the permission cache

    def measure():
        for by in BY:
            with django_assert_num_queries(1):
                budget_rollup(world.round, by)
            with django_assert_num_queries(1):
                budget_rollup(world.round, by, committees=visible)
        with django_assert_num_queries(1):
            budget_total(world.round, committees=visible)

    measure()
    small = len(budget_rollup(world.round, "committee"))
    world.grow(MORE_DISTRICTS, MORE_PROVINCES, per_plan=15)
    assert len(budget_rollup(world.round, "committee")) > small
    measure()
    assert as_dict(budget_rollup(world.round, "region")) == world.expected("region")


# The page and its exports ---------------


def test_the_page_shows_the_visible_totals(world, client):
    member = member_of(world.committees[("province", "50")], Role.MEMBER, "cm-member")
    client.force_login(member)
    visible = list(budget_committees_visible_to(member))

    response = client.get(reverse("support:budget"), {"by": "committee"})

    assert response.status_code == 200
    keys = {line.key for line in response.context["lines"]}
    assert keys == {str(c.pk) for c in visible}
    assert response.context["total"] == budget_total(world.round, committees=visible)


def test_bad_choices_are_refused(world, client):
    client.force_login(world.staff)
    assert client.get(reverse("support:budget"), {"by": "colour"}).status_code == 400
    assert client.get(reverse("support:budget"), {"round": "25x9"}).status_code == 400
    assert client.get(reverse("support:budget"), {"round": "2400"}).status_code == 404


def test_the_page_needs_a_login(client):
    response = client.get(reverse("support:budget"))
    assert response.status_code == 302


def test_csv_export_holds_the_lines_and_the_total(world, client):
    client.force_login(world.staff)
    url = reverse("support:budget_export", args=["csv"])

    response = client.get(url, {"by": "region"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    body = {row[0]: Decimal(row[2]) for row in rows[1:]}
    expected = world.expected("region")
    assert body == {
        **{key: value[0] for key, value in expected.items()},
        "total": budget_total(world.round).total,
    }


def approve_plans_of(world, *keys) -> list:
    committees = [world.committees[key] for key in keys]
    SupportPlan.objects.filter(committee__in=committees).update(status="approved")
    return committees


def test_the_page_and_exports_can_count_approved_plans_only(world, client):
    approved = approve_plans_of(world, ("province", "50"), ("amphoe", "9001"))
    client.force_login(world.staff)

    everything = client.get(reverse("support:budget"), {"by": "region"})
    assert as_dict(everything.context["lines"]) == world.expected("region")
    assert "นับรวมแผนฉบับร่างด้วย" in everything.content.decode()

    page = client.get(reverse("support:budget"), {"by": "region", "plans": "approved"})
    assert as_dict(page.context["lines"]) == world.expected("region", approved)
    assert page.context["total"].total == sum(
        value[0] for value in world.expected("region", approved).values()
    )
    html = page.content.decode()
    assert "นับเฉพาะแผนที่ประธานอนุมัติแล้ว" in html
    assert "by=region&amp;plans=approved" in html  # the downloads follow

    export = client.get(
        reverse("support:budget_export", args=["csv"]),
        {"by": "region", "plans": "approved"},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert {row[0]: Decimal(row[2]) for row in rows[1:-1]} == {
        key: value[0] for key, value in world.expected("region", approved).items()
    }
    assert "approved" in export["Content-Disposition"]

    assert client.get(reverse("support:budget"), {"plans": "some"}).status_code == 400


def test_with_no_approved_plan_the_page_says_so(world, client):
    client.force_login(world.staff)
    page = client.get(reverse("support:budget"), {"plans": "approved"})
    assert page.context["lines"] == []
    assert "ยังไม่มีแผนสนับสนุนที่อนุมัติแล้ว" in page.content.decode()


def test_xlsx_export_for_a_district_member_holds_only_their_plan(world, client):
    district = world.committees[("amphoe", "9001")]
    client.force_login(member_of(district, Role.MEMBER, "songkhla-member"))

    response = client.get(
        reverse("support:budget_export", args=["xlsx"]), {"by": "committee"}
    )

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response))).active
    keys = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert keys == [str(district.pk), "total"]


def test_committee_and_dashboard_pages_link_to_the_budget(world, client):
    province = world.committees[("province", "50")]
    client.force_login(member_of(province, Role.MEMBER, "cm-member"))
    page = client.get(reverse("committees:committee_detail", args=[province.pk]))
    assert reverse("support:budget") in page.content.decode()

    client.force_login(world.staff)
    page = client.get(reverse("dashboard:index"))
    assert page.status_code == 200
    assert reverse("support:budget") in page.content.decode()
