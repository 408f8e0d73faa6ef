"""A round's reference data and its rules, held by the services in
selection.rounds whoever calls them: one round per year; criteria, star
bands and quotas change only while the round is a draft, only by central
staff, only into a set that keeps the rules, and all or nothing."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from selection.models import Criterion, Round, StarBand, TypeQuota
from selection.rounds import round_copy, round_create
from tests.selection.ladder import FAR, central_staff, make_round

pytestmark = pytest.mark.django_db


def draft_round(year: int = 2030, **fields) -> Round:
    return round_create(
        actor=central_staff(),
        year=year,
        title_th=f"การคัดสรร OTOP ปี {year + 543}",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
        **fields,
    )


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


# The admin -------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    """Central staff in the admin, reading its English wording."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(central_staff())
    return client


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


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
