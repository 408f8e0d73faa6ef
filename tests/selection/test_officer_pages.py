"""The officer's selection pages: forum, nominate, submit, withdraw, resubmit,
the status page's scores, and the tambon scoping of every URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selection.models import Nomination, NominationEvent, TambonForum
from selection.services import (
    nomination_create,
    nomination_return,
    ranking_approve,
    ranking_finalize,
    ranking_get,
)
from tests.products.factories import png_upload
from tests.selection.ladder import (
    TODAY,
    complete_product,
    make_officer,
    make_round,
    record_forum,
    score_all,
    submitted_nomination,
)

TAMBON, OTHER_TAMBON = "500101", "500102"  # both in amphoe 5001 (Chiang Mai)

# The officer (tests/roles.py) serves TAMBON; the stranger serves OTHER_TAMBON.
pytestmark = [pytest.mark.django_db, pytest.mark.officer_tambon(TAMBON)]
LIST = "/officer/nominations/"


@pytest.fixture
def round_(geography):
    return make_round()


@pytest.fixture
def stranger(round_):
    """The officer of another tambon of the same amphoe."""
    return make_officer(OTHER_TAMBON)


def detail(nomination) -> str:
    return reverse("selection:nomination_detail", args=[nomination.pk])


def forum_data(**overrides):
    return {
        "held_on": TODAY.strftime("%d/%m/") + str(TODAY.year + 543),
        "attendee_count": "37",
        "resolution": "ที่ประชุมมีมติเสนอผลิตภัณฑ์ของตำบล",
        **overrides,
    }


def test_the_officer_records_the_forum_nominates_and_submits(client, officer, round_):
    client.force_login(officer)
    product = complete_product(officer, TAMBON, "น้ำพริกหนุ่ม")

    assert client.get(LIST).status_code == 200
    forum_url = reverse("selection:forum_edit", args=[TAMBON])
    assert client.get(forum_url).status_code == 200
    minutes = SimpleUploadedFile(
        "minutes.pdf", b"%PDF-1.4\n1 0 obj\n", content_type="application/pdf"
    )
    response = client.post(forum_url, {**forum_data(), "minutes": minutes})
    assert response.status_code == 302
    forum = TambonForum.objects.get(round=round_, tambon_id=TAMBON)
    assert forum.held_on == TODAY
    assert forum.attendee_count == 37
    assert forum.minutes.name.endswith(".pdf")

    new_url = f"{reverse('selection:nomination_new')}?product={product.pk}"
    page = client.get(new_url)
    assert page.status_code == 200
    assert 'id="nominate-button"' in page.content.decode()
    response = client.post(new_url, {"product": product.pk})
    nomination = Nomination.objects.get(round=round_, product=product)
    assert response.status_code == 302
    assert response["Location"] == detail(nomination)
    assert (nomination.tier, nomination.state) == ("tambon", "draft")

    page = client.get(detail(nomination)).content.decode()
    assert 'id="submit-form"' in page
    assert reverse("selection:nomination_submit", args=[nomination.pk]) in page

    response = client.post(reverse("selection:nomination_submit", args=[nomination.pk]))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("amphoe", "pending")
    assert nomination.forum == forum

    page = client.get(detail(nomination)).content.decode()
    assert "event-created" in page
    assert "event-submitted" in page
    assert officer.display_name in page
    assert 'id="submit-form"' not in page
    assert 'id="withdraw-form"' in page

    listing = client.get(LIST).content.decode()
    assert detail(nomination) in listing

    # Once nominated, the product's "nominate" link leads to the status page.
    response = client.get(new_url)
    assert response.status_code == 302
    assert response["Location"] == detail(nomination)


def test_the_forum_can_be_corrected(client, officer, round_):
    record_forum(officer, round_, TAMBON)
    client.force_login(officer)
    url = reverse("selection:forum_edit", args=[TAMBON])
    assert 'id="forum-recorded"' in client.get(url).content.decode()
    response = client.post(url, forum_data(attendee_count="55"))
    assert response.status_code == 302
    assert TambonForum.objects.get(round=round_, tambon_id=TAMBON).attendee_count == 55
    assert TambonForum.objects.count() == 1


@pytest.mark.usefixtures("round_")  # an open round
def test_a_bad_minutes_file_is_a_form_error_and_nothing_is_saved(client, officer):
    client.force_login(officer)
    fake = SimpleUploadedFile(
        "minutes.pdf", b"just some text, not a PDF", content_type="application/pdf"
    )
    response = client.post(
        reverse("selection:forum_edit", args=[TAMBON]),
        {**forum_data(), "minutes": fake},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"]
    assert not TambonForum.objects.exists()


@pytest.mark.usefixtures("round_")  # an open round
def test_a_forum_with_no_attendees_is_refused(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("selection:forum_edit", args=[TAMBON]), forum_data(attendee_count="0")
    )
    assert response.status_code == 200
    assert "attendee_count" in response.context["form"].errors
    assert not TambonForum.objects.exists()


@pytest.mark.usefixtures("round_")  # an open round
def test_an_incomplete_product_is_refused_with_what_it_lacks(client, officer):
    product = complete_product(officer, TAMBON, "ข้าวแต๋น")
    product.certifications.all().delete()
    client.force_login(officer)
    url = f"{reverse('selection:nomination_new')}?product={product.pk}"
    page = client.get(url).content.decode()
    assert 'id="nominate-button"' not in page
    response = client.post(url, {"product": product.pk})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors
    assert not Nomination.objects.exists()


def test_the_nominate_menu_lists_only_complete_products_not_yet_nominated(
    client, officer, round_
):
    ready = complete_product(officer, TAMBON, "ไข่เค็ม")
    done = complete_product(officer, TAMBON, "กล้วยตาก")
    nomination_create(actor=officer, round_=round_, product=done)
    lacking = complete_product(officer, TAMBON, "ผ้าทอ")
    lacking.images.all().delete()
    client.force_login(officer)
    response = client.get(reverse("selection:nomination_new"))
    assert response.status_code == 200
    assert [p.pk for p in response.context["form"].eligible] == [ready.pk]


def test_withdraw(client, officer, round_):
    nomination = submitted_nomination(officer, round_, TAMBON, "ผ้าฝ้าย")
    client.force_login(officer)
    response = client.post(
        reverse("selection:nomination_withdraw", args=[nomination.pk]),
        {"note": "ผู้ผลิตขอถอน"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == "withdrawn"
    event = NominationEvent.objects.get(nomination=nomination, action="withdrawn")
    assert event.note == "ผู้ผลิตขอถอน"
    assert event.actor == officer
    page = client.get(detail(nomination)).content.decode()
    assert 'id="withdraw-form"' not in page
    assert "event-withdrawn" in page


def test_a_refused_move_is_a_message_not_a_crash(client, officer, round_):
    nomination = submitted_nomination(officer, round_, TAMBON, "ผ้าฝ้าย")
    client.force_login(officer)
    response = client.post(
        reverse("selection:nomination_submit", args=[nomination.pk]), follow=True
    )
    assert response.status_code == 200
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels == ["error"]
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("amphoe", "pending")


def test_a_returned_nomination_shows_the_reason_and_can_be_resubmitted(
    client, officer, round_, district_secretary
):
    nomination = submitted_nomination(officer, round_, TAMBON, "แคบหมู")
    nomination_return(
        actor=district_secretary, nomination=nomination, reason="ภาพถ่ายไม่ชัดเจน"
    )
    client.force_login(officer)
    page = client.get(detail(nomination)).content.decode()
    assert 'id="return-reason"' in page
    assert "ภาพถ่ายไม่ชัดเจน" in page
    assert 'id="resubmit-form"' in page
    assert "event-returned" in page

    url = reverse("selection:nomination_resubmit", args=[nomination.pk])
    response = client.post(url, {"response": "  "}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("tambon", "returned")

    response = client.post(url, {"response": "ถ่ายภาพใหม่แล้ว"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("amphoe", "pending")
    assert nomination.response == "ถ่ายภาพใหม่แล้ว"
    assert NominationEvent.objects.filter(
        nomination=nomination, action="resubmitted"
    ).exists()


def test_lower_tier_scores_appear_only_once_the_district_ranking_is_approved(
    client, officer, round_, district_board
):
    nomination = submitted_nomination(officer, round_, TAMBON, "หมูยอ")
    other = submitted_nomination(officer, round_, TAMBON, "แหนม")
    # Part A 4 × 9, part B 3 × 8, part C 3 × 7: a mean total of 81.
    score_all(district_board, [nomination, other], {"A": 9, "B": 8, "C": 7})
    client.force_login(officer)

    page = client.get(detail(nomination)).content.decode()
    assert 'id="scores-amphoe"' not in page
    assert "81.00" not in page

    ranking = ranking_finalize(
        actor=district_board.secretary,
        ranking=ranking_get(committee=district_board.committee, round_=round_),
    )
    page = client.get(detail(nomination)).content.decode()
    assert 'id="scores-amphoe"' in page
    assert "81.00" not in page
    assert "36.00" not in page

    ranking_approve(actor=district_board.chair, ranking=ranking)
    response = client.get(detail(nomination))
    page = response.content.decode()
    assert 'id="scores-amphoe"' in page
    assert "81.00" in page
    assert "36.00" in page  # part A
    (row,) = response.context["scores"]
    assert row["published"]
    assert row["entry"].mean_total == 81


def test_another_tambons_officer_gets_404_everywhere(client, officer, stranger, round_):
    nomination = submitted_nomination(officer, round_, TAMBON, "ข้าวซอย")
    client.force_login(stranger)
    assert client.get(detail(nomination)).status_code == 404
    assert client.get(reverse("selection:forum_edit", args=[TAMBON])).status_code == 404
    assert (
        client.post(
            reverse("selection:forum_edit", args=[TAMBON]), forum_data()
        ).status_code
        == 404
    )
    for name in ("nomination_submit", "nomination_resubmit", "nomination_withdraw"):
        url = reverse(f"selection:{name}", args=[nomination.pk])
        assert client.post(url, {"response": "x", "note": "x"}).status_code == 404
    assert (
        client.get(
            f"{reverse('selection:nomination_new')}?product={nomination.product_id}"
        ).status_code
        == 404
    )
    assert detail(nomination) not in client.get(LIST).content.decode()
    nomination.refresh_from_db()
    assert (nomination.tier, nomination.state) == ("amphoe", "pending")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", LIST),
        ("get", "/officer/nominations/new/"),
        ("get", f"/officer/nominations/forum/{TAMBON}/"),
        ("get", "/officer/nominations/1/"),
        ("post", "/officer/nominations/1/submit/"),
        ("post", "/officer/nominations/1/resubmit/"),
        ("post", "/officer/nominations/1/withdraw/"),
    ],
)
def test_anonymous_users_are_sent_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_query_count_does_not_grow_with_nominations(client, officer, round_):
    record_forum(officer, round_, TAMBON)
    client.force_login(officer)

    def add(count, start):
        for n in range(start, start + count):
            product = complete_product(officer, TAMBON, f"สินค้า {n}")
            nomination_create(actor=officer, round_=round_, product=product)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured), len(response.context["page"].object_list)

    add(1, 0)
    submitted_nomination(officer, round_, TAMBON, "ส่งแล้ว 1")
    two, shown = queries()
    assert shown == 2
    add(3, 10)
    submitted_nomination(officer, round_, TAMBON, "ส่งแล้ว 2")
    six, shown = queries()
    assert shown == 6
    assert six == two


def test_the_list_filters_by_state_and_explains_an_empty_round(client, officer, round_):
    client.force_login(officer)
    page = client.get(LIST).content.decode()
    assert 'id="empty-state"' in page
    assert reverse("selection:forum_edit", args=[TAMBON]) in page

    draft = nomination_create(
        actor=officer,
        round_=round_,
        product=complete_product(officer, TAMBON, "ร่าง"),
    )
    sent = submitted_nomination(officer, round_, TAMBON, "ส่งแล้ว")
    page = client.get(LIST, {"state": "pending"}).content.decode()
    assert detail(sent) in page
    assert detail(draft) not in page


def test_dashboard_and_product_page_link_to_the_selection(client, officer, round_):
    product = complete_product(officer, TAMBON, "ชาใบหม่อน")
    client.force_login(officer)
    dashboard = client.get(reverse("officer_dashboard")).content.decode()
    assert LIST in dashboard
    page = client.get(
        reverse("products:product_detail", args=[product.pk])
    ).content.decode()
    assert f"{reverse('selection:nomination_new')}?product={product.pk}" in page

    nomination = nomination_create(actor=officer, round_=round_, product=product)
    page = client.get(
        reverse("products:product_detail", args=[product.pk])
    ).content.decode()
    assert detail(nomination) in page


def test_a_photo_is_accepted_as_minutes(client, officer, round_):
    client.force_login(officer)
    response = client.post(
        reverse("selection:forum_edit", args=[TAMBON]),
        {**forum_data(), "minutes": png_upload("minutes.png")},
    )
    assert response.status_code == 302
    assert TambonForum.objects.get().minutes.name.endswith(".png")
