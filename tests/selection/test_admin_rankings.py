"""The ladder in the admin: a committee's ranking, its quota line, its flow
from open to approved, and its exports, driven through the pages as committee
members use them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from committees.models import Tier as CommitteeTier
from communities.models import Tambon
from core.buddhist_era import format_datetime
from products.models import Category
from selection.models import Nomination, Ranking, Tier, TypeQuota
from selection.services import ranking_get
from tests.rows import changed_rows, row_counts
from tests.selection.admin_pages import RANKINGS, build_district, ranking_url, texts
from tests.selection.ladder import (
    make_board,
    make_round,
    score_all,
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
        r'<tr class="row[12]( ladder-within)?[^"]*">\s*<td>\d+</td><td>(.*?)</td>',
        response.text,
    )
    shown = [(re.sub("<[^>]+>", "", cell), bool(within)) for within, cell in rows]
    assert shown == list(marked.items())
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


def test_the_rankings_list_reads_in_thai_with_be_times(client, ranked):
    """Finalized and approved times in B.E., the round filter titled in Thai;
    the ranking page's table scrolls on its own on a phone."""
    board = ranked["board"]
    make_round(year=ranked["round"].year + 1)  # two rounds: the filter shows
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    url = _my_ranking(client, board.secretary, ranked["round"])
    client.post(url, {"do": "finalize"})
    ranking = _stored_ranking(ranked["round"])

    response = client.get(RANKINGS)
    listing = response.text
    page = client.get(ranking_url(ranking)).text

    finalized = format_datetime(ranking.finalized_at)
    assert str(ranking.finalized_at.year + 543) in finalized
    assert f'<td class="field-finalized">{finalized}</td>' in listing
    assert '<td class="field-approved">-</td>' in listing
    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == ["สถานะ", "ระดับ", "รอบการคัดสรร"]
    assert '<div class="results ladder-scroll">' in page


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
    text = re.sub("<[^>]+>", "", page)  # names are marked up word by word
    assert text.index("ไส้อั่ว") < text.index("Quota line") < text.index("น้ำพริกหนุ่ม")
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
