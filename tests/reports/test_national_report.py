"""The national report: every figure (the page's data and the XLSX read back)
equals a count made here independently, from the audit trail and the rows
themselves; central staff only; a constant number of queries."""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from committees.models import Tier as CommitteeTier
from communities.models import Producer, Province
from core.buddhist_era import format_date
from products.models import Certification, RawMaterial, Standard
from registry.models import RegistryEntry
from registry.services import registry_publish, registry_revoke
from reports.report import national_report
from selection.models import (
    Nomination,
    NominationEvent,
    ScoreSheet,
    TambonForum,
)
from selection.services import (
    nomination_award,
    nomination_create,
    nomination_return,
    nomination_withdraw,
)
from support.models import SupportAction, SupportPlan
from tests.accounts.factories import UserFactory, staff_with
from tests.selection.ladder import (
    TODAY,
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db
REPORT_QUERIES = 15


def same(points: int) -> dict:
    return {"A": points, "B": points, "C": points}


@pytest.fixture
def world(geography):
    """Two provinces: Chiang Mai (50) sends four nominations up, returns one,
    keeps a draft and a withdrawn draft; Chiang Rai (57) sends two up and
    withdraws one after submitting. Four reach the centre and get 5, 5, 4
    and 2 stars; two are published and one of them revoked."""
    round_ = make_round(amphoe_advance=2, province_advance=2)
    cm_district = make_board(CommitteeTier.AMPHOE, "5001")
    cm_province = make_board(CommitteeTier.PROVINCE, "50")
    cr_district = make_board(CommitteeTier.AMPHOE, "5701")
    cr_province = make_board(CommitteeTier.PROVINCE, "57")
    central = make_board(CommitteeTier.CENTRAL)
    cm_officer = make_officer("500101")
    cr_officer = make_officer("570101")

    cm = [
        submitted_nomination(cm_officer, round_, "500101", f"เชียงใหม่ {i}")
        for i in range(4)
    ]
    returned = submitted_nomination(cm_officer, round_, "500101", "ส่งคืน")
    nomination_return(
        actor=cm_district.secretary, nomination=returned, reason="ขาดเอกสาร"
    )
    nomination_create(
        actor=cm_officer,
        round_=round_,
        product=complete_product(cm_officer, "500101", "ร่าง"),
    )
    withdrawn_draft = nomination_create(
        actor=cm_officer,
        round_=round_,
        product=complete_product(cm_officer, "500101", "ร่างถอน"),
    )
    nomination_withdraw(actor=cm_officer, nomination=withdrawn_draft)

    cr = [
        submitted_nomination(cr_officer, round_, "570101", f"เชียงราย {i}")
        for i in range(2)
    ]
    cr_withdrawn = submitted_nomination(cr_officer, round_, "570101", "ถอนแล้ว")
    nomination_withdraw(actor=cr_officer, nomination=cr_withdrawn)

    for i, nomination in enumerate(cm):
        score_all(cm_district, [nomination], same(9 - i))
    rank_and_approve(cm_district, round_)  # cm[0], cm[1] go on; 2 not selected
    score_all(cr_district, cr, same(8))
    rank_and_approve(cr_district, round_)
    score_all(cm_province, cm[:2], same(9))
    rank_and_approve(cm_province, round_)
    score_all(cr_province, cr, same(8))
    rank_and_approve(cr_province, round_)
    for nomination, points in zip([*cm[:2], *cr], (10, 9, 8, 6), strict=True):
        score_all(central, [nomination], same(points))
    rank_and_approve(central, round_)
    for nomination in [*cm[:2], *cr]:
        nomination_award(actor=central.chair, nomination=nomination)

    registrar = staff_with("publish_entry", "registrar")
    registry_publish(actor=registrar, nomination=cm[0])
    revoked = registry_publish(actor=registrar, nomination=cr[0])
    registry_revoke(actor=registrar, entry=revoked, reason="ข้อมูลไม่ถูกต้อง")

    # Objective data: members, a single owner, raw materials, an expired
    # certificate, support actions.
    Producer.objects.filter(products__nominations=cm[0]).update(member_count=25)
    Producer.objects.filter(products__nominations=cr[0]).update(member_count=12)
    Producer.objects.filter(products__nominations=cm[3]).update(member_count=7)
    Producer.objects.filter(products__nominations=cr[1]).update(
        kind=Producer.Kind.SINGLE_OWNER
    )
    for nomination, local in ((cm[0], True), (cm[0], False), (cr[1], True)):
        RawMaterial.objects.create(
            product=nomination.product, name="ข้าวเหนียว", is_local=local
        )
    RawMaterial.objects.create(product=cm[2].product, name="นำเข้า", is_local=False)
    Certification.objects.filter(product=cm[3].product).update(
        issued_on=TODAY - dt.timedelta(days=400), expires_on=TODAY - dt.timedelta(1)
    )
    approved = SupportPlan.Status.APPROVED
    plan = SupportPlan.objects.create(
        round=round_, committee=cm_district.committee, status=approved
    )
    other = SupportPlan.objects.create(
        round=round_, committee=cr_province.committee, status=approved
    )
    # A plan its chair has not approved: not in the report to the cabinet.
    draft = SupportPlan.objects.create(round=round_, committee=cr_district.committee)
    for target, kind, budget, source, status in (
        (plan, "packaging", "15000.50", "district", "planned"),
        (plan, "packaging", "4999.50", "cdd", "done"),
        (plan, "training", "3000.00", "province", "cancelled"),
        (other, "training", "8000.00", "province", "in_progress"),
        (other, "standards", "1200.25", "cdd", "planned"),
        (draft, "packaging", "77777.00", "district", "planned"),
    ):
        SupportAction.objects.create(
            plan=target,
            nomination=cm[0] if target is plan else cr[0],
            kind=kind,
            description="สนับสนุน",
            agency="สำนักงานพัฒนาชุมชน",
            budget=Decimal(budget),
            source=source,
            fiscal_year=2570,
            quarter=1,
            status=status,
        )
    return round_


# Independent counts ----------------------------------------------------------------


def events_of(action: str, **filters) -> set[int]:
    return set(
        NominationEvent.objects.filter(action=action, **filters).values_list(
            "nomination_id", flat=True
        )
    )


def expected_by_province(round_) -> dict[str, dict]:
    """From the audit trail, not from the nominations' tier and state."""
    nominations = {n.pk: n for n in Nomination.objects.filter(round=round_)}
    submitted = events_of("submitted")
    from_districts = events_of("forwarded", from_tier="amphoe")
    from_provinces = events_of("forwarded", from_tier="province")
    rows = {
        code: {
            "nominated": 0,
            "districts": 0,
            "province": 0,
            "stars": Counter(),
            "published": 0,
        }
        for code in Province.objects.values_list("code", flat=True)
    }
    for pk, nomination in nominations.items():
        row = rows[nomination.province_code]
        row["nominated"] += pk in submitted
        row["districts"] += pk in from_districts
        row["province"] += pk in from_provinces
        if nomination.awarded_at is not None:
            row["stars"][nomination.stars] += 1
    for entry in RegistryEntry.objects.filter(round_year=round_.year):
        if entry.revoked_at is None:
            rows[entry.province_code]["published"] += 1
    return rows


def expected_objectives(round_) -> dict[str, int | Decimal]:
    submitted = events_of("submitted")
    nominated = [
        n
        for n in Nomination.objects.filter(round=round_).select_related(
            "product__producer"
        )
        if n.pk in submitted
    ]
    awarded = [n for n in nominated if n.awarded_at is not None]
    producers = {n.product.producer for n in nominated}
    winners = {n.product.producer for n in awarded}
    community = {p for p in producers if p.kind == "community"}

    def members(group):
        return sum(p.member_count or 0 for p in group)

    def local(n):
        return any(m.is_local for m in n.product.raw_materials.all())

    def certified(n):
        return any(c.is_valid_on(TODAY) for c in n.product.certifications.all())

    actions = SupportAction.objects.exclude(status="cancelled").filter(
        plan__status="approved"
    )
    packaging = [a for a in actions if a.kind == "packaging"]
    return {
        "producers": len(producers),
        "producer_members": members(producers),
        "producers_awarded": len(winners),
        "producer_members_awarded": members(winners),
        "community_producers": len(community),
        "community_members": members(community),
        "community_producers_awarded": len(community & winners),
        "products": len(nominated),
        "products_story": sum(bool(n.product.story) for n in nominated),
        "products_story_awarded": sum(bool(n.product.story) for n in awarded),
        "products_local": sum(local(n) for n in nominated),
        "products_local_awarded": sum(local(n) for n in awarded),
        "forums": TambonForum.objects.filter(round=round_).count(),
        "forum_attendees": sum(
            f.attendee_count for f in TambonForum.objects.filter(round=round_)
        ),
        "officers": len(
            {e.actor_id for e in NominationEvent.objects.filter(action="submitted")}
        ),
        "committee_members": len(
            {s.member_id for s in ScoreSheet.objects.filter(status="submitted")}
        ),
        "committees": len(
            {s.committee_id for s in ScoreSheet.objects.filter(status="submitted")}
        ),
        "score_sheets": ScoreSheet.objects.filter(status="submitted").count(),
        "training_actions": sum(a.kind == "training" for a in actions),
        "products_certified": sum(certified(n) for n in nominated),
        "products_certified_awarded": sum(certified(n) for n in awarded),
        "standard_TCPS": sum(certified(n) for n in nominated),
        "packaging_actions": len(packaging),
        "packaging_budget": sum((a.budget for a in packaging), Decimal(0)),
        "production_actions": 0,
    }


# The report's data -----------------------------------------------------------------


def test_province_rows_equal_independent_counts_for_all_77_provinces(world):
    report = national_report(world)
    expected = expected_by_province(world)

    assert len(report.provinces) == 77 == Province.objects.count()
    for row in report.provinces:
        want = expected[row.code]
        assert row.nominated == want["nominated"], row.code
        assert row.forwarded_by_districts == want["districts"], row.code
        assert row.forwarded_by_province == want["province"], row.code
        assert row.stars_list == [want["stars"][s] for s in (1, 2, 3, 4, 5)]
        assert row.published == want["published"], row.code
    total = report.province_total
    assert total.nominated == sum(w["nominated"] for w in expected.values()) == 8
    assert total.awarded == 4 and total.published == 1
    assert report.revoked == 1
    # Hand-counted, so the independent counts cannot drift with the world.
    assert (expected["50"]["nominated"], expected["50"]["districts"]) == (5, 2)
    assert (expected["57"]["nominated"], expected["57"]["districts"]) == (3, 2)
    assert expected["50"]["stars"] == Counter({5: 2})
    assert expected["57"]["stars"] == Counter({4: 1, 2: 1})
    assert (expected["50"]["published"], expected["57"]["published"]) == (1, 0)


def test_tier_rows_and_stars_equal_independent_counts(world):
    report = national_report(world)
    nominations = list(Nomination.objects.filter(round=world))
    submitted = events_of("submitted")
    from_districts = events_of("forwarded", from_tier="amphoe")
    from_provinces = events_of("forwarded", from_tier="province")
    not_selected = Counter(
        e.from_tier for e in NominationEvent.objects.filter(action="not_selected")
    )
    returned = events_of("returned")
    withdrawn = {
        e.nomination_id: e.from_tier
        for e in NominationEvent.objects.filter(action="withdrawn")
    }
    awarded = [n for n in nominations if n.awarded_at is not None]
    drafts = [n for n in nominations if n.state == "draft"]

    tiers = {row.tier: row for row in report.tiers}
    assert tiers["tambon"].entered == len(nominations)
    assert tiers["tambon"].forwarded == len(submitted)
    assert tiers["tambon"].returned_or_withdrawn == sum(
        1 for pk in withdrawn if pk not in submitted
    )
    assert tiers["tambon"].in_progress == len(drafts)
    assert tiers["amphoe"].entered == len(submitted)
    assert tiers["amphoe"].forwarded == len(from_districts)
    assert tiers["amphoe"].not_selected == not_selected["amphoe"]
    assert tiers["amphoe"].returned_or_withdrawn == len(returned) + sum(
        1 for pk in withdrawn if pk in submitted
    )
    assert tiers["province"].entered == len(from_districts)
    assert tiers["province"].forwarded == len(from_provinces)
    assert tiers["central"].entered == len(from_provinces)
    assert tiers["central"].forwarded == len(awarded)
    assert tiers["central"].in_progress == 0

    stars = Counter(n.stars for n in awarded)
    entries = list(RegistryEntry.objects.filter(round_year=world.year))
    for row in report.stars:
        assert row.awarded == stars[row.stars]
        assert row.published == sum(
            1 for e in entries if e.stars == row.stars and e.revoked_at is None
        )
        assert row.revoked == sum(
            1 for e in entries if e.stars == row.stars and e.revoked_at is not None
        )


def test_objective_figures_equal_independent_counts(world):
    report = national_report(world)
    expected = expected_objectives(world)

    figures = {f.key: f.value for o in report.objectives for f in o.figures}
    assert figures == expected
    assert [o.number for o in report.objectives] == [1, 2, 3, 4, 5]
    assert report.objectives[0].title_th == "สร้างงาน สร้างรายได้ให้แก่ชุมชน"
    # A few by hand, so the independent counts cannot drift with the code.
    assert expected["producers"] == 8 and expected["producer_members"] == 44
    assert expected["community_producers_awarded"] == 3
    assert expected["products_local"] == 2 and expected["products_certified"] == 7


def test_standards_are_named_in_the_reader_s_language(world):
    standard = Standard.objects.get(code="TCPS")

    def label() -> str:
        report = national_report(world)
        (figure,) = [
            f for o in report.objectives for f in o.figures if f.key == "standard_TCPS"
        ]
        return figure.label

    with translation.override("th"):
        assert label().endswith(standard.name_th)
    with translation.override("en"):
        assert label() == f"Nominated products certified: {standard.name_en}"


def test_budget_sections_equal_independent_sums(world):
    report = national_report(world)
    live = list(
        SupportAction.objects.exclude(status="cancelled").filter(
            plan__status="approved"
        )
    )

    sections = {s.by: s for s in report.budget}
    assert list(sections) == ["tier", "region", "province", "kind", "source"]
    for section in sections.values():
        assert sum(line.total for line in section.lines) == sum(a.budget for a in live)
        assert sum(line.actions for line in section.lines) == len(live)
    kinds = {line.key: line for line in sections["kind"].lines}
    assert kinds["packaging"].total == Decimal("20000.00")
    assert kinds["training"].total == Decimal("8000.00")
    assert kinds["training"].cancelled_total == Decimal("3000.00")
    assert report.budget_total.total == Decimal("29200.25")
    assert report.budget_total.actions == 4


def test_the_report_costs_a_constant_number_of_queries(
    world, django_assert_num_queries
):
    with django_assert_num_queries(REPORT_QUERIES):
        national_report(world)
    empty = make_round(year=world.year + 1, title_th="รอบใหม่")
    with django_assert_num_queries(REPORT_QUERIES):
        national_report(empty)


# The pages -------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff_with("manage_round", "central-reporter"))
    return client


def test_the_page_and_the_xlsx_show_the_same_independent_figures(staff_client, world):
    year_be = world.year + 543
    page = staff_client.get(f"/reports/{year_be}/")
    assert page.status_code == 200
    report = page.context["report"]
    expected = expected_by_province(world)
    assert {r.code: r.nominated for r in report.provinces} == {
        code: row["nominated"] for code, row in expected.items()
    }
    assert "สร้างความเข้มแข็งให้ชุมชน" in page.text
    assert 'data-province="50"' in page.text

    download = staff_client.get(f"/reports/{year_be}/national.xlsx")
    assert download.status_code == 200
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == [
        "Summary",
        "By tier",
        "By province",
        "Stars",
        "Objectives",
        "Budget",
    ]
    provinces = list(book["By province"].iter_rows(min_row=2, values_only=True))
    assert len(provinces) == 78  # 77 provinces and the country's total
    for (
        code,
        _name,
        _region,
        nominated,
        districts,
        province,
        awarded,
        *rest,
    ) in provinces[:-1]:
        stars, published = rest[:5], rest[5]
        want = expected[code]
        assert (nominated, districts, province, published) == (
            want["nominated"],
            want["districts"],
            want["province"],
            want["published"],
        ), code
        assert stars == [want["stars"][s] for s in (1, 2, 3, 4, 5)]
        assert awarded == sum(want["stars"].values())
    assert provinces[-1][3] == 8 and provinces[-1][6] == 4

    tiers = {
        row[0]: row[1:]
        for row in book["By tier"].iter_rows(min_row=2, values_only=True)
    }
    assert tiers["Tambon"] == (10, 8, 0, 1, 1)  # 10 made, 8 submitted, 1 draft
    assert tiers["District (amphoe)"] == (8, 4, 2, 2, 0)
    assert tiers["Central"] == (4, 4, 0, 0, 0)

    star_rows = list(book["Stars"].iter_rows(min_row=2, values_only=True))
    assert star_rows == [
        (5, 2, 1, 0),
        (4, 1, 0, 1),
        (3, 0, 0, 0),
        (2, 1, 0, 0),
        (1, 0, 0, 0),
    ]

    labels = {f.label: f.value for o in report.objectives for f in o.figures}
    objectives = expected_objectives(world)
    by_key = {f.label: f.key for o in report.objectives for f in o.figures}
    seen = 0
    for label, value in book["Objectives"].iter_rows(values_only=True):
        if label in labels:
            assert Decimal(str(value)) == Decimal(objectives[by_key[label]]), label
            seen += 1
    assert seen == len(labels)

    budget = list(book["Budget"].iter_rows(values_only=True))
    assert budget[-1][:3] == ("Total", 4, 29200.25)

    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Year"] == world.year  # English: C.E.; Thai shows B.E.


def test_the_xlsx_is_thai_with_buddhist_era_dates_and_no_formulas(client, world):
    world.title_th = '=HYPERLINK("http://evil")'
    world.save(update_fields=["title_th"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    client.force_login(staff_with("manage_round", "central-thai"))
    download = client.get(f"/reports/{world.year + 543}/national.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    values = [v for row in book.worksheets[0].iter_rows(values_only=True) for v in row]
    assert world.year + 543 in values
    deadline = format_date(world.central_deadline, language="th", joined=False)
    assert deadline in values and str(world.central_deadline.year + 543) in deadline
    assert '\'=HYPERLINK("http://evil")' in values
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in row)


def test_only_central_staff_see_the_report(client, world, central_staff):
    year_be = world.year + 543
    urls = ["/reports/", f"/reports/{year_be}/", f"/reports/{year_be}/national.xlsx"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    for outsider in (
        UserFactory(username="citizen"),
        UserFactory(username="staff-only", is_staff=True),
        make_officer("500102"),
        NominationEvent.objects.filter(action="ranking_approved")
        .first()
        .actor,  # a committee chair
    ):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 403, (outsider, url)
    assert "/reports/" not in client.get("/dashboard/").text  # the chair's
    for insider in (
        central_staff,
        staff_with("manage_round", "round-manager"),
        staff_with("view_committee", "committee-viewer"),
    ):
        client.force_login(insider)
        for url in urls:
            assert client.get(url).status_code == 200, (insider, url)
        assert client.get("/reports/2999/").status_code == 404
    assert f"/reports/{year_be}/" in client.get("/dashboard/").text
