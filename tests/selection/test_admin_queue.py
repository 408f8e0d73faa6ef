"""The ladder in the admin: a committee's queue and score sheets, and the
nominations' audit trail, driven through the pages as committee members use
them."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.services import conflict_declare
from selection.models import Criterion, Nomination, NominationEvent, ScoreSheet, Tier
from tests.pages import page_text
from tests.rows import changed_rows, row_counts
from tests.selection.admin_pages import QUEUE, build_district, score_url, texts
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    score,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """These tests read the admin's English wording (the Thai is tested elsewhere)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def district(geography):
    """Two amphoes of Chiang Mai, a district committee for the first, and a
    pending nomination in each (admin_pages.build_district)."""
    return build_district()


def test_a_district_member_sees_only_their_amphoes_queue(client, district):
    board = district["board"]
    client.force_login(board.members[0])
    page = client.get(QUEUE)
    assert page.status_code == 200
    text = page_text(page)
    assert "ข้าวแต๋นน้ำแตงโม" in text
    assert "แคบหมูไร้มัน" not in text
    assert client.get(score_url(district["theirs"])).status_code == 404
    assert client.get(f"{QUEUE}{district['theirs'].pk}/change/").status_code == 404
    assert client.get(score_url(district["mine"])).status_code == 200


def test_the_queue_is_hidden_from_people_outside_committees(client, district):
    client.force_login(district["officer"])
    assert client.get(QUEUE).status_code in (302, 403)


def test_members_see_the_ladder_in_the_admin_index_but_not_products(client, district):
    client.force_login(district["board"].members[0])
    index = client.get("/admin/").text
    assert "/admin/selection/queuenomination/" in index
    assert "/admin/selection/ranking/" in index
    assert "/admin/selection/round/" not in index
    assert "/admin/products/" not in index
    assert "/admin/communities/" not in index


def _points(nomination, per_part):
    return {
        f"c{c.pk}": str(per_part[c.part])
        for c in Criterion.objects.filter(
            round=nomination.round_id, tier=nomination.tier, category__isnull=True
        )
    }


def test_scoring_through_the_score_view_submits_the_sheet(client, district):
    member = district["board"].members[0]
    nomination = district["mine"]
    client.force_login(member)
    page = client.get(score_url(nomination))
    assert "A1" in page.text and "ข้าวแต๋นน้ำแตงโม" in page.text
    response = client.post(
        score_url(nomination),
        {
            **_points(nomination, {"A": 9, "B": 8, "C": 7}),
            "comment": "ดี",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(nomination=nomination, member=member)
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    assert sheet.total == Decimal(36 + 24 + 21)
    assert sheet.comment == "ดี"


def test_opening_the_score_page_stores_no_sheet_until_it_is_saved(client, district):
    member = district["board"].members[0]
    nomination = district["mine"]
    client.force_login(member)
    before = row_counts()

    page = client.get(score_url(nomination))

    assert page.status_code == 200 and "A1" in page.text
    assert changed_rows(before) == {}
    assert page.context["sheet"].pk is None
    points = _points(nomination, {"A": 5, "B": 5, "C": 5})
    partial = dict(list(points.items())[:3])
    saving = client.post(score_url(nomination), {**partial, "save": "1"})
    assert saving.status_code == 302
    sheet = ScoreSheet.objects.get(nomination=nomination, member=member)
    assert (sheet.status, sheet.total) == (ScoreSheet.Status.DRAFT, 15)
    saved = client.get(score_url(nomination))
    assert saved.context["sheet"] == sheet
    initial = saved.context["form"].initial
    assert {k: v for k, v in initial.items() if k != "comment"} == {
        k: Decimal(v) for k, v in partial.items()
    }
    assert ScoreSheet.objects.count() == 1


def test_a_draft_keeps_partial_points_and_submit_needs_them_all(client, district):
    member = district["board"].members[0]
    nomination = district["mine"]
    client.force_login(member)
    points = _points(nomination, {"A": 5, "B": 5, "C": 5})
    partial = dict(list(points.items())[:3])
    response = client.post(score_url(nomination), {**partial, "save": "1"})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(nomination=nomination, member=member)
    assert (sheet.status, sheet.total) == (ScoreSheet.Status.DRAFT, 15)
    response = client.post(score_url(nomination), {**partial, "submit": "1"})
    assert response.status_code == 200
    assert any("Score every criterion" in t for t in texts(response))
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT


def test_points_over_the_maximum_are_refused(client, district):
    member = district["board"].members[0]
    nomination = district["mine"]
    client.force_login(member)
    points = _points(nomination, {"A": 11, "B": 5, "C": 5})
    response = client.post(score_url(nomination), {**points, "submit": "1"})
    assert response.status_code == 200
    assert not ScoreSheet.objects.filter(status="submitted").exists()


def test_a_conflicted_member_cannot_open_the_score_view(client, district):
    member = district["board"].members[0]
    nomination = district["mine"]
    score(district["board"].chair, nomination, {"A": 9, "B": 9, "C": 9})
    conflict_declare(actor=member, producer=nomination.product.producer, reason="ญาติ")
    client.force_login(member)
    response = client.get(score_url(nomination))
    assert response.status_code == 302
    assert any("conflict of interest" in t for t in texts(response))
    assert not ScoreSheet.objects.filter(member=member).exists()
    queue = client.get(QUEUE).text
    assert "conflict of interest" in queue
    assert score_url(nomination) not in queue
    assert "81.00" not in queue  # the others' mean stays hidden


def test_the_secretary_can_return_a_nomination_with_a_reason(client, district):
    board = district["board"]
    nomination = district["mine"]
    client.force_login(board.members[0])
    assert "Return to the officer" not in client.get(score_url(nomination)).text
    client.force_login(board.secretary)
    assert "Return to the officer" in client.get(score_url(nomination)).text
    response = client.post(score_url(nomination), {"do": "return", "reason": " "})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.PENDING
    client.post(score_url(nomination), {"do": "return", "reason": "ภาพไม่ชัด"})
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == (Tier.TAMBON, "returned")


def _queue_queries(client, user) -> int:
    client.force_login(user)
    client.get(QUEUE)  # warm the session and content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_for_3_or_12_nominations(client, district):
    board, officer, tambon = district["board"], district["officer"], district["tambon"]
    for n in range(2):
        submitted_nomination(officer, district["round"], tambon.code, f"ขนม {n}")
    score(board.chair, district["mine"], {"A": 8, "B": 8, "C": 8})
    assert Nomination.objects.filter(amphoe_code=tambon.amphoe_id).count() == 3
    few = _queue_queries(client, board.members[0])
    for n in range(2, 11):
        submitted_nomination(officer, district["round"], tambon.code, f"ขนม {n}")
    assert Nomination.objects.filter(amphoe_code=tambon.amphoe_id).count() == 12
    many = _queue_queries(client, board.members[0])
    assert few == many


def test_the_queue_shows_my_total_mean_and_sheet_counts(client, district):
    board = district["board"]
    nomination = district["mine"]
    score(board.chair, nomination, {"A": 10, "B": 10, "C": 10})
    score(board.members[0], nomination, {"A": 8, "B": 8, "C": 8})
    client.force_login(board.members[0])
    html = client.get(QUEUE).text
    assert "80.00" in html  # my total
    assert "90.00" in html  # mean of 100 and 80
    assert "2 / 4" in html  # chair, secretary, two members score
    assert "ข้าวแต๋นน้ำแตงโม" in page_text(client.get(QUEUE + "?scored=yes"))
    assert "ข้าวแต๋นน้ำแตงโม" not in page_text(client.get(QUEUE + "?scored=no"))


def test_a_member_scores_several_products_at_once(client, geography):
    from selection.models import Criterion, ScoreSheet

    round_ = make_round(tambon_quota=10)
    board = make_board("amphoe", "5001")
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", f"สินค้า {i}") for i in range(3)
    ]
    criteria = list(Criterion.objects.filter(round=round_, tier="amphoe"))
    client.force_login(board.members[0])
    url = "/admin/selection/queuenomination/score-all/"

    page = client.get(url)
    filled = {f"n{n.pk}_c{c.pk}": "8" for n in nominations[:2] for c in criteria}
    bad = client.post(url, {**filled, f"n{nominations[2].pk}_c{criteria[0].pk}": "7"})
    good = client.post(url, filled)

    assert page.status_code == 200 and "สินค้า 2" in page.text
    assert bad.status_code == 200  # a half-filled row: nothing saved, told why
    assert good.status_code == 302
    sheets = ScoreSheet.objects.filter(member=board.members[0], status="submitted")
    assert sorted(sheets.values_list("total", flat=True)) == [80, 80]


def test_the_bulk_page_hides_conflicted_products(client, geography):
    from committees.services import conflict_declare

    round_ = make_round(tambon_quota=10)
    board = make_board("amphoe", "5001")
    officer = make_officer("500101")
    mine, theirs = (
        submitted_nomination(officer, round_, "500101", name)
        for name in ("สินค้าญาติ", "สินค้าอื่น")
    )
    conflict_declare(actor=board.chair, producer=mine.product.producer, reason="ญาติ")
    client.force_login(board.chair)

    page = client.get("/admin/selection/queuenomination/score-all/").text

    assert "สินค้าอื่น" in page and "สินค้าญาติ" not in page


def test_the_score_page_links_to_the_nominations_history(client, district):
    board = district["board"]
    client.force_login(board.members[0])

    page = client.get(score_url(district["mine"])).text

    assert "/admin/selection/nominationevent/?q=" in page


# The audit trail ----------------------------------------------------------------


def test_the_event_admin_is_read_only_and_exports_csv(client, district):
    client.force_login(district["board"].members[0])
    events = client.get("/admin/selection/nominationevent/")
    assert events.status_code == 200
    event = NominationEvent.objects.filter(nomination=district["mine"]).first()
    other = NominationEvent.objects.filter(nomination=district["theirs"]).first()
    base = "/admin/selection/nominationevent/"
    assert client.get(f"{base}add/").status_code == 403
    assert client.get(f"{base}{event.pk}/change/").status_code == 200
    response = client.post(f"{base}{event.pk}/change/", {"note": "แก้ไข"})
    assert response.status_code == 403
    assert client.get(f"{base}{event.pk}/delete/").status_code == 403
    assert client.get(f"{base}{other.pk}/change/").status_code == 404
    csv = client.get(f"{base}export.csv").content.decode("utf-8-sig")
    assert "ข้าวแต๋นน้ำแตงโม" in csv and "แคบหมูไร้มัน" not in csv
    event.refresh_from_db()
    assert event.note != "แก้ไข"
