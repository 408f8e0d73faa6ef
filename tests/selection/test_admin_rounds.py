"""Rounds in the admin: central staff open, copy, create and edit them (the
criteria, star bands and quotas through the services in selection.rounds),
and committee members cannot reach them."""

from decimal import Decimal

import pytest
from django.conf import settings

from selection.models import Criterion, Round, Tier
from selection.rounds import round_create, round_criteria_edit
from tests.selection.admin_forms import change_form_data
from tests.selection.admin_pages import build_district, texts
from tests.selection.ladder import central_staff, make_round
from tests.selection.round_reference import criterion, draft_round, food, reference

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


# Rounds -------------------------------------------------------------------------


def test_opening_a_round_with_bad_criteria_shows_the_problem(
    client, district, central_staff
):
    client.force_login(central_staff)
    draft = round_create(
        actor=central_staff,
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
        "preset": "opc",
        "quorum": "all",
        "quorum_minimum": 3,
    }
    response = client.post("/admin/selection/round/add/", data)
    assert response.status_code == 302, response.text[:2000]
    created = Round.objects.get(year=source.year + 2)
    assert created.star_bands.count() == 5  # round_create's default bands
    assert [(s.tier, s.action, s.advance) for s in created.plan.steps] == [
        ("tambon", "submit", "all"),
        ("amphoe", "check", "all"),
        ("province", "grade", "threshold"),
        ("central", "grade", "all"),
    ]  # the preset chosen on the add page
    page = client.get(f"/admin/selection/round/{created.pk}/change/")
    assert page.status_code == 200
    assert "criteria-TOTAL_FORMS" in page.text
    assert "steps-TOTAL_FORMS" in page.text


def test_members_cannot_reach_the_round_admin(client, district):
    client.force_login(district["board"].chair)
    assert client.get("/admin/selection/round/").status_code == 403


# Reference data on the change page --------------------------------------------


@pytest.fixture
def admin_client(client):
    """Central staff in the admin, reading its English wording."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(central_staff())
    return client


def test_the_admin_copy_to_a_taken_year_says_so_and_adds_nothing(admin_client):
    source = make_round()
    taken = draft_round(source.year + 1)

    response = admin_client.post(
        "/admin/selection/round/",
        {"action": "copy_to_next_year", "_selected_action": [source.pk]},
    )

    assert response.status_code == 302
    assert texts(response) == [f"A round for {source.year + 1} exists already."]
    assert Round.objects.filter(year=source.year + 1).get() == taken


def change_url(round_: Round) -> str:
    return f"/admin/selection/round/{round_.pk}/change/"


def row_index(data: dict, prefix: str, field: str, value) -> int:
    """The index of the inline row showing ``value`` in ``field``."""
    (index,) = [
        int(key.split("-")[1])
        for key, shown in data.items()
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and shown == value
    ]
    return index


def add_row(data: dict, prefix: str, **fields) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})


def edited_page(admin_client, round_: Round) -> dict:
    """The change page's POST with an edit in every inline: a criterion
    added, the five-star band raised to 95, the one-star band removed, a
    food quota added, and the English title changed."""
    data = change_form_data(admin_client.get(change_url(round_)))
    add_row(
        data,
        "criteria",
        tier="amphoe",
        part="B",
        code="B9",
        title_th="การตลาด",
        max_points="15",
        order="2",
    )
    data[f"star_bands-{row_index(data, 'star_bands', 'stars', 5)}-min_score"] = "95"
    data[f"star_bands-{row_index(data, 'star_bands', 'stars', 1)}-DELETE"] = "on"
    add_row(data, "type_quotas", tier="amphoe", category=food().pk, advance="2")
    data["title_en"] = "Edited"
    return data


def test_the_admin_saves_a_draft_rounds_rows_through_the_services(admin_client):
    round_ = draft_round()
    round_criteria_edit(actor=central_staff(), round_=round_, rows=[criterion("A1")])

    response = admin_client.post(change_url(round_), edited_page(admin_client, round_))

    assert response.status_code == 302, response.text[:3000]
    assert sorted(round_.criteria.values_list("code", flat=True)) == ["A1", "B9"]
    assert list(round_.star_bands.values_list("stars", "min_score")) == [
        (5, 95),
        (4, 80),
        (3, 70),
        (2, 50),
    ]
    assert round_.advance_for(Tier.AMPHOE, food()) == 2
    round_.refresh_from_db()
    assert round_.title_en == "Edited"


def test_the_admin_shows_a_band_out_of_order_beside_its_row(admin_client):
    round_ = draft_round()
    before = reference(round_)
    data = change_form_data(admin_client.get(change_url(round_)))
    data[f"star_bands-{row_index(data, 'star_bands', 'stars', 3)}-min_score"] = "85"

    response = admin_client.post(change_url(round_), data)

    assert response.status_code == 200
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "star_bands"
    )
    assert [form.errors for form in formset.forms if form.errors] == [
        {
            "min_score": [
                "The 3-star band must start below the 4-star band, which starts at 80."
            ]
        }
    ]
    assert reference(round_) == before


def test_the_admin_refuses_a_code_twice_on_a_sheet_instead_of_failing(admin_client):
    round_ = draft_round()
    before = reference(round_)
    data = change_form_data(admin_client.get(change_url(round_)))
    for title in ("ความเข้มแข็ง", "การผลิต"):
        add_row(
            data,
            "criteria",
            tier="amphoe",
            part="A",
            code="A1",
            title_th=title,
            max_points="10",
            order="0",
        )

    response = admin_client.post(change_url(round_), data)

    assert response.status_code == 200
    assert "The code A1 appears twice in the District (amphoe) criteria." in (
        response.text
    )
    assert reference(round_) == before


def test_an_open_rounds_rows_do_not_change_from_a_crafted_post(admin_client):
    round_ = make_round()
    before = reference(round_)
    data = edited_page(admin_client, round_)
    data["criteria-0-max_points"] = "55"
    data["criteria-1-DELETE"] = "on"

    response = admin_client.post(change_url(round_), data)

    assert response.status_code in (200, 302)
    assert reference(round_) == before


def test_an_open_round_is_refused_by_the_service_even_if_the_page_offered_edits(
    admin_client, monkeypatch
):
    """A page drawn while the round was a draft, posted after it opened: the
    service refuses, the message says why, and nothing of the save is kept."""
    round_ = make_round()
    before = reference(round_)
    monkeypatch.setattr(
        "selection.admin.rounds.round_actions", lambda user, round_: ["edit_reference"]
    )

    response = admin_client.post(change_url(round_), edited_page(admin_client, round_))

    assert response.status_code == 302
    assert response.url == change_url(round_)
    assert texts(response) == [
        "The plan, criteria, star bands and quotas of a round can be changed "
        "only while it is a draft: once it opens, nominations are on their way "
        "up its plan."
    ]
    assert reference(round_) == before
    round_.refresh_from_db()
    assert round_.title_en == ""


def test_a_round_is_typed_and_shown_in_buddhist_era_in_thai(client, district):
    """In Thai the round's year and deadlines read and are typed in B.E.;
    they are stored in C.E."""
    client.force_login(central_staff())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    source = district["round"]
    page = client.get(f"/admin/selection/round/{source.pk}/change/")
    assert f'value="{source.year + 543}"' in page.text
    deadline = source.tambon_deadline
    be_date = f"{deadline.day:02d}/{deadline.month:02d}/{deadline.year + 543}"
    assert f'value="{be_date}"' in page.text
    assert "ค.ศ." not in page.text

    year = source.year + 3
    response = client.post(
        "/admin/selection/round/add/",
        {
            "year": year + 543,
            "title_th": "การคัดสรรปีหน้า",
            "title_en": "",
            "tambon_deadline": f"31/01/{year + 543}",
            "amphoe_deadline": f"28/02/{year + 543}",
            "province_deadline": f"31/03/{year + 543}",
            "central_deadline": f"30/04/{year + 543}",
            "preset": "ladder",
            "quorum": "all",
            "quorum_minimum": 3,
        },
    )
    assert response.status_code == 302, response.text[:2000]
    created = Round.objects.get(year=year)
    assert created.tambon_deadline.isoformat() == f"{year}-01-31"
    assert created.central_deadline.isoformat() == f"{year}-04-30"


def test_who_may_enter_is_read_only_once_the_round_opens(admin_client):
    round_ = make_round()
    page = admin_client.get(change_url(round_)).text
    assert 'name="require_registration"' not in page
    assert 'name="cutoff_date"' not in page
    draft = draft_round(round_.year + 1)
    page = admin_client.get(change_url(draft)).text
    assert 'name="require_registration"' in page
