"""The ladder in the admin: queues, score sheets, rankings, the audit trail
and rounds, driven through the pages as committee members use them."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Tier as CommitteeTier
from committees.services import conflict_declare
from communities.models import Tambon
from products.models import Category
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    Round,
    ScoreSheet,
    Tier,
    TypeQuota,
)
from selection.services import ranking_get
from tests.rows import changed_rows, row_counts
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    score,
    score_all,
    submitted_nomination,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """These tests read the admin's English wording (the Thai is tested elsewhere)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


QUEUE = "/admin/selection/queuenomination/"


def score_url(nomination):
    return f"{QUEUE}{nomination.pk}/score/"


RANKINGS = "/admin/selection/ranking/"


def ranking_url(ranking):
    return f"{RANKINGS}{ranking.pk}/change/"


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def district(geography):
    """Two amphoes of Chiang Mai, a district committee for the first, and a
    pending nomination in each."""
    round_ = make_round(tambon_quota=20, amphoe_advance=2)
    own, other = _two_tambons_in_two_amphoes()
    board = make_board(CommitteeTier.AMPHOE, own.amphoe_id)
    officer = make_officer(own.code)
    mine = submitted_nomination(officer, round_, own.code, "ข้าวแต๋นน้ำแตงโม")
    theirs = submitted_nomination(
        make_officer(other.code), round_, other.code, "แคบหมูไร้มัน"
    )
    return {
        "round": round_,
        "board": board,
        "officer": officer,
        "tambon": own,
        "mine": mine,
        "theirs": theirs,
    }


def _two_tambons_in_two_amphoes():
    first = Tambon.objects.filter(province_id="50").order_by("code").first()
    second = (
        Tambon.objects.filter(province_id="50")
        .exclude(amphoe_id=first.amphoe_id)
        .order_by("code")
        .first()
    )
    return first, second


def test_a_district_member_sees_only_their_amphoes_queue(client, district):
    board = district["board"]
    client.force_login(board.members[0])
    page = client.get(QUEUE)
    assert page.status_code == 200
    html = page.text
    assert "ข้าวแต๋นน้ำแตงโม" in html
    assert "แคบหมูไร้มัน" not in html
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
    assert "ข้าวแต๋นน้ำแตงโม" in client.get(QUEUE + "?scored=yes").text
    assert "ข้าวแต๋นน้ำแตงโม" not in client.get(QUEUE + "?scored=no").text


# Rankings -------------------------------------------------------------------------


@pytest.fixture
def ranked(district):
    """Three nominations in the district, every sheet in, distinct totals."""
    officer, tambon = district["officer"], district["tambon"]
    nominations = [
        district["mine"],
        submitted_nomination(officer, district["round"], tambon.code, "น้ำพริกหนุ่ม"),
        submitted_nomination(officer, district["round"], tambon.code, "ไส้อั่ว"),
    ]
    for nomination, points in zip(nominations, (9, 7, 8), strict=True):
        score_all(district["board"], [nomination], {"A": points, "B": 8, "C": 8})
    return {**district, "nominations": nominations}


def _my_ranking(client, user, round_) -> str:
    """The page the user's rankings list links to for their committee's
    ranking in ``round_``."""
    client.force_login(user)
    response = client.get(RANKINGS)
    assert response.status_code == 200
    cl = response.context["cl"]
    (ranking,) = [r for r in cl.result_list if r.round_id == round_.pk]
    url = cl.url_for_result(ranking)
    assert f'href="{url}"' in response.text
    return url


def _stored_ranking(round_) -> Ranking:
    return Ranking.objects.get(round=round_)


def _marked_to_go_forward(response):
    """Product → whether the ranking page marks its row as within the quota,
    in rank order; the page's rows (their ``ladder-within`` class) and its
    context must say the same."""
    lines = response.context["lines"]
    marked = {line.product: line.within_quota for line in lines}
    rows = re.findall(
        r'<tr class="row[12]( ladder-within)?[^"]*">\s*<td>\d+</td><td>([^<]*)</td>',
        response.text,
    )
    assert [(product, bool(within)) for within, product in rows] == list(marked.items())
    return marked


def test_opening_the_rankings_stores_no_ranking(client, ranked):
    """A member sees their committee's ranking for the open round, live, and
    may export and print it; none of it stores a row."""
    board, round_ = ranked["board"], ranked["round"]
    client.force_login(board.members[0])
    before = row_counts()

    listing = client.get(RANKINGS)
    assert changed_rows(before) == {}
    (row,) = listing.context["cl"].result_list
    page = client.get(listing.context["cl"].url_for_result(row))
    printed = client.get(page.context["urls"]["print"])
    exported = [client.get(url) for _fmt, url in page.context["urls"]["exports"]]

    assert changed_rows(before) == {}
    assert (row.pk, row.committee, row.round) == (None, board.committee, round_)
    assert row.status == Ranking.Status.OPEN
    assert '<td class="field-status">Open</td>' in listing.text
    assert [line.product for line in page.context["lines"]] == [
        "ข้าวแต๋นน้ำแตงโม",
        "ไส้อั่ว",
        "น้ำพริกหนุ่ม",
    ]
    assert printed.status_code == 200 and "ไส้อั่ว" in printed.text
    assert [r.status_code for r in exported] == [200, 200]


def test_the_first_move_on_the_ranking_page_stores_the_ranking(client, ranked):
    board, round_ = ranked["board"], ranked["round"]
    url = _my_ranking(client, board.members[0], round_)

    refused = client.post(url, {"do": "finalize"})  # only the secretary may

    assert refused.url == url
    assert any("secretary may finalize" in t for t in texts(refused))
    assert not Ranking.objects.exists()
    client.force_login(board.secretary)
    assert 'value="finalize"' in client.get(url).text
    finalized = client.post(url, {"do": "finalize"})
    ranking = Ranking.objects.get()
    assert (ranking.committee, ranking.round) == (board.committee, round_)
    assert ranking.status == Ranking.Status.FINALIZED
    assert finalized.url == ranking_url(ranking)
    assert client.get(url).url == ranking_url(ranking)  # stored: found by id
    listing = client.get(RANKINGS)
    assert list(listing.context["cl"].result_list) == [ranking]
    assert f'href="{ranking_url(ranking)}' in listing.text


def test_the_rankings_filters_apply_to_rankings_not_started(client, district):
    client.force_login(district["board"].chair)
    round_id = district["round"].pk

    def shown(query=""):
        response = client.get(f"{RANKINGS}{query}")
        assert response.status_code == 200
        return [(r.pk, r.round_id) for r in response.context["cl"].result_list]

    assert shown() == [(None, round_id)]
    assert shown("?status__exact=open") == [(None, round_id)]
    assert shown(f"?round__id__exact={round_id}&tier__exact=amphoe&o=1") == [
        (None, round_id)
    ]
    assert shown("?status__exact=finalized") == []
    assert shown("?tier__exact=province") == []
    assert shown(f"?round__id__exact={round_id + 1}") == []
    assert not Ranking.objects.exists()


def test_the_ranking_page_draws_the_quota_line_and_runs_the_flow(client, ranked):
    board = ranked["board"]
    url = _my_ranking(client, board.secretary, ranked["round"])
    response = client.get(url)
    page = response.text
    expected = {"ข้าวแต๋นน้ำแตงโม": True, "ไส้อั่ว": True, "น้ำพริกหนุ่ม": False}
    assert list(_marked_to_go_forward(response).items()) == list(expected.items())
    lines = response.context["lines"]
    assert [line.product for line in lines if line.quota_line_after] == ["ไส้อั่ว"]
    assert page.count("Quota line: the first 2 go forward") == 1
    assert page.index("ไส้อั่ว") < page.index("Quota line") < page.index("น้ำพริกหนุ่ม")
    assert 'value="finalize"' in page

    finalized = client.post(url, {"do": "finalize"})
    ranking = _stored_ranking(ranked["round"])
    assert finalized.url == ranking_url(ranking)
    assert ranking.status == Ranking.Status.FINALIZED
    assert 'value="approve"' not in client.get(ranking_url(ranking)).text

    response = client.post(ranking_url(ranking), {"do": "approve"})
    assert any("chair may approve" in t for t in texts(response))
    ranking.refresh_from_db()
    assert ranking.status == Ranking.Status.FINALIZED

    client.force_login(board.chair)
    assert 'value="approve"' in client.get(ranking_url(ranking)).text
    client.post(ranking_url(ranking), {"do": "approve"})
    ranking.refresh_from_db()
    assert ranking.status == Ranking.Status.APPROVED
    forwarded = Nomination.objects.filter(tier=Tier.PROVINCE, state="pending")
    assert {n.product.name_th for n in forwarded} == {"ข้าวแต๋นน้ำแตงโม", "ไส้อั่ว"}
    response = client.get(ranking_url(ranking))
    assert _marked_to_go_forward(response) == expected  # the same rows went
    page = response.text
    assert "<td>Ranking approved</td>" in page  # the ranking's history, labelled
    assert "<td>Ranking finalized</td>" in page
    assert "ranking_approved" not in page


def test_the_ranking_page_marks_the_rows_a_type_quota_lets_forward(client, district):
    """Food has its own quota of one; the other types share the round's two.
    The best food goes and the second does not, whatever the overall count;
    two of the three drinks go: the page marks exactly the rows that approval
    then forwards."""
    round_, board = district["round"], district["board"]
    officer, tambon = district["officer"], district["tambon"]
    TypeQuota.objects.create(
        round=round_,
        tier=Tier.AMPHOE,
        category=Category.objects.get(code="FOOD"),
        advance=1,
    )
    drinks = {"ชาใบหม่อน": "DRINK-TEA", "น้ำผลไม้": "DRINK-NONALC", "ชาตะไคร้": "DRINK-TEA"}
    nominations = [
        district["mine"],  # a food
        submitted_nomination(officer, round_, tambon.code, "น้ำพริกหนุ่ม"),
        *(
            submitted_nomination(officer, round_, tambon.code, name, category=code)
            for name, code in drinks.items()
        ),
    ]
    for nomination, points in zip(nominations, (9, 8, 7, 6, 5), strict=True):
        score_all(board, [nomination], {"A": points, "B": 8, "C": 8})
    expected = {  # in rank order
        "ข้าวแต๋นน้ำแตงโม": True,
        "น้ำพริกหนุ่ม": False,  # food's own quota is used
        "ชาใบหม่อน": True,
        "น้ำผลไม้": True,
        "ชาตะไคร้": False,  # the overall two are used
    }
    url = _my_ranking(client, board.secretary, round_)

    response = client.get(url)
    assert list(_marked_to_go_forward(response).items()) == list(expected.items())
    assert "Quota line" not in response.text  # no single line with type quotas
    client.post(url, {"do": "finalize"})
    ranking = _stored_ranking(round_)
    assert _marked_to_go_forward(client.get(ranking_url(ranking))) == expected
    client.force_login(board.chair)
    client.post(ranking_url(ranking), {"do": "approve"})
    ranking.refresh_from_db()
    assert ranking.status == Ranking.Status.APPROVED
    forwarded = Nomination.objects.filter(round=round_, tier=Tier.PROVINCE)
    assert {n.product.name_th for n in forwarded} == {
        name for name, goes in expected.items() if goes
    }
    assert _marked_to_go_forward(client.get(ranking_url(ranking))) == expected


def test_the_secretary_moves_an_entry_with_a_justification(client, ranked):
    board = ranked["board"]
    url = _my_ranking(client, board.secretary, ranked["round"])
    client.post(url, {"do": "finalize"})
    ranking = _stored_ranking(ranked["round"])
    last = ranking.entries.get(position=3)
    response = client.post(
        ranking_url(ranking), {"do": "move", "entry": last.pk, "position": 1}
    )
    assert any("Write why" in t for t in texts(response))
    client.post(
        ranking_url(ranking),
        {"do": "move", "entry": last.pk, "position": 1, "justification": "เหตุผล"},
    )
    last.refresh_from_db()
    assert (last.position, last.moved) == (1, True)


def test_the_chair_reopens_only_with_a_reason(client, ranked):
    board = ranked["board"]
    url = _my_ranking(client, board.secretary, ranked["round"])
    client.post(url, {"do": "finalize"})
    ranking = _stored_ranking(ranked["round"])
    client.force_login(board.chair)
    client.post(ranking_url(ranking), {"do": "reopen", "reason": ""})
    ranking.refresh_from_db()
    assert ranking.status == Ranking.Status.FINALIZED
    client.post(ranking_url(ranking), {"do": "reopen", "reason": "ทบทวน"})
    ranking.refresh_from_db()
    assert ranking.status == Ranking.Status.OPEN


def test_the_ranking_exports_as_csv_xlsx_and_print(client, ranked):
    board = ranked["board"]
    url = _my_ranking(client, board.members[0], ranked["round"])
    page = client.get(url)
    exports = dict(page.context["urls"]["exports"])
    assert f'href="{exports["csv"]}"' in page.text
    response = client.get(exports["csv"])
    assert response.status_code == 200
    rows = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4
    assert "ข้าวแต๋นน้ำแตงโม" in rows[1] and "84.00" in rows[1]
    xlsx = client.get(exports["xlsx"])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    printed = client.get(page.context["urls"]["print"]).text
    assert "css/ranking-print.css" in printed and "ไส้อั่ว" in printed
    assert f'href="{url}"' in printed  # back to the ranking
    stylesheet = Path(finders.find("css/ranking-print.css"))
    assert "@media print" in stylesheet.read_text(encoding="utf-8")


def test_another_committees_ranking_is_not_found(client, ranked, geography):
    other_tambon = Tambon.objects.get(pk=ranked["theirs"].tambon_code)
    other = make_board(CommitteeTier.AMPHOE, other_tambon.amphoe_id)
    not_started = _my_ranking(client, other.chair, ranked["round"])
    client.force_login(ranked["board"].chair)
    for url in (not_started, f"{not_started}export.csv", f"{not_started}print/"):
        assert client.get(url).status_code == 404, url
    assert client.post(not_started, {"do": "finalize"}).status_code == 404
    theirs = ranking_get(committee=other.committee, round_=ranked["round"])
    assert client.get(ranking_url(theirs)).status_code == 404
    assert client.get(f"{RANKINGS}{theirs.pk}/export.csv").status_code == 404


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


# Rounds -------------------------------------------------------------------------


def test_opening_a_round_with_bad_criteria_shows_the_problem(
    client, district, central_staff
):
    client.force_login(central_staff)
    draft = Round.objects.create(
        year=district["round"].year + 5,
        title_th="รอบทดลอง",
        tambon_deadline=district["round"].tambon_deadline,
        amphoe_deadline=district["round"].amphoe_deadline,
        province_deadline=district["round"].province_deadline,
        central_deadline=district["round"].central_deadline,
    )
    Criterion.objects.create(
        round=draft,
        tier=Tier.AMPHOE,
        part="A",
        code="A1",
        title_th="เกณฑ์",
        max_points=Decimal(60),
    )
    response = client.post(
        "/admin/selection/round/",
        {"action": "open_round", "_selected_action": [draft.pk]},
        follow=True,
    )
    page = response.text
    assert "add up to 60, not 100" in page or "60" in " ".join(texts(response))
    draft.refresh_from_db()
    assert draft.status == Round.Status.DRAFT


def test_copying_a_round_to_the_next_year(client, district, central_staff):
    client.force_login(central_staff)
    source = district["round"]
    client.post(
        "/admin/selection/round/",
        {"action": "copy_to_next_year", "_selected_action": [source.pk]},
    )
    copy = Round.objects.get(year=source.year + 1)
    assert copy.title_th == f"การคัดสรร OTOP ปี {source.year + 1 + 543}"
    assert copy.status == Round.Status.DRAFT
    assert copy.criteria.count() == source.criteria.count()


def test_creating_and_editing_a_round_goes_through_the_services(
    client, district, central_staff
):
    client.force_login(central_staff)
    source = district["round"]
    data = {
        "year": source.year + 2,
        "title_th": "การคัดสรรใหม่",
        "title_en": "",
        "tambon_deadline": source.tambon_deadline.isoformat(),
        "amphoe_deadline": source.amphoe_deadline.isoformat(),
        "province_deadline": source.province_deadline.isoformat(),
        "central_deadline": source.central_deadline.isoformat(),
        "tambon_quota": 5,
        "amphoe_advance": 5,
        "province_advance": 10,
        "quorum": "all",
        "quorum_minimum": 3,
    }
    response = client.post("/admin/selection/round/add/", data)
    assert response.status_code == 302, response.text[:2000]
    created = Round.objects.get(year=source.year + 2)
    assert created.star_bands.count() == 5  # round_create's default bands
    page = client.get(f"/admin/selection/round/{created.pk}/change/")
    assert page.status_code == 200
    assert "criteria-TOTAL_FORMS" in page.text


def test_members_cannot_reach_the_round_admin(client, district):
    client.force_login(district["board"].chair)
    assert client.get("/admin/selection/round/").status_code == 403


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


def test_the_ranking_page_costs_the_same_queries_for_3_or_9_nominations(client, ranked):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    board, officer, tambon = ranked["board"], ranked["officer"], ranked["tambon"]
    url = _my_ranking(client, board.chair, ranked["round"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(6):
        nomination = submitted_nomination(
            officer, ranked["round"], tambon.code, f"เพิ่ม {n}"
        )
        score_all(board, [nomination], {"A": 7, "B": 7, "C": 7})
    assert queries() == few


def test_the_score_page_links_to_the_nominations_history(client, district):
    board = district["board"]
    client.force_login(board.members[0])

    page = client.get(score_url(district["mine"])).text

    assert "/admin/selection/nominationevent/?q=" in page
