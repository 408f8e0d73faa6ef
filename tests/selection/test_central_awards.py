"""Award all at national scale (issue #19 point 4): a preview by star band, a
confirmation page, and the award itself in batches, the same as one by one."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications.models import Delivery, Notification
from selection.models import Nomination, NominationEvent, Ranking
from selection.selectors import award_preview
from selection.services import nomination_award, ranking_award_all
from tests.selection.admin_pages import ranking_url, texts
from tests.selection.central_world import (
    add_nominations,
    approve_ranking,
    awarded_trail,
    build_centre,
)
from tests.selection.ladder import make_officer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def award_url(ranking):
    return f"/admin/selection/ranking/{ranking.pk}/award/"


@pytest.fixture
def centre(geography):
    return build_centre()


def _stars_one_by_one(ranking) -> dict[int, int]:
    stars: dict[int, int] = {}
    for entry in ranking.entries.all():
        n = ranking.round.stars_for(entry.mean_total)
        stars[n] = stars.get(n, 0) + 1
    return stars


def test_the_preview_counts_each_band_as_the_award_will(centre):
    add_nominations(centre, 60)
    ranking = approve_ranking(centre)

    preview = award_preview(ranking)

    counted = {band.stars: band.count for band in preview.bands if band.count}
    assert counted == _stars_one_by_one(ranking)
    assert preview.total == 60 and preview.unscored == 0
    assert [band.stars for band in preview.bands] == [5, 4, 3, 2, 1]
    ranking_award_all(actor=centre.national.chair, ranking=ranking)
    awarded = Nomination.objects.filter(state="awarded").values_list("stars", flat=1)
    assert {s: list(awarded).count(s) for s in set(awarded)} == counted
    assert award_preview(ranking).total == 0


def test_award_all_leaves_what_awarding_one_by_one_leaves(centre):
    officer = make_officer(centre.tambons[0].code)
    nominations = add_nominations(centre, 24)
    for nomination in nominations[:6]:  # some producers have an email address
        nomination.product.producer.email = f"p{nomination.pk}@example.com"
        nomination.product.producer.save()
    ranking = approve_ranking(centre)
    chair = centre.national.chair

    def trail():
        notes = sorted(
            Notification.objects.filter(event_type="nomination_awarded").values_list(
                "recipient_id", "event_key", "context", "link"
            ),
            key=repr,
        )
        mail = sorted(
            Delivery.objects.filter(event_type="nomination_awarded").values_list(
                "recipient_id", "address", "event_key", "context", "link"
            ),
            key=repr,
        )
        return [*awarded_trail(centre.round), notes, mail]

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        assert ranking_award_all(actor=chair, ranking=ranking) == 24
        all_at_once = trail()
        raise Undo
    assert not NominationEvent.objects.filter(action="awarded").exists()
    for nomination in Nomination.objects.filter(pk__in=[n.pk for n in nominations]):
        nomination_award(actor=chair, nomination=nomination)

    assert trail() == all_at_once
    assert all_at_once[2] and any(row[0] == officer.pk for row in all_at_once[2])
    assert len(all_at_once[3]) >= 6


def test_award_all_takes_a_bounded_number_of_queries(centre):
    add_nominations(centre, 2000)
    ranking = approve_ranking(centre)
    make_officer(centre.tambons[0].code)

    with CaptureQueriesContext(connection) as awarding:
        assert ranking_award_all(actor=centre.national.chair, ranking=ranking) == 2000

    # Batches of 1,000 updates and events, of 500 notifications: about 40.
    assert len(awarding.captured_queries) <= 60
    assert Nomination.objects.filter(state="awarded").count() == 2000


def test_award_all_refuses_a_ranking_with_an_unscored_entry(centre):
    add_nominations(centre, 5)
    ranking = approve_ranking(centre)
    ranking.entries.filter(position=3).update(sheet_count=0)

    assert award_preview(ranking).unscored == 1
    from core.workflow import InvalidTransition

    with pytest.raises(InvalidTransition, match="No score sheet counts"):
        ranking_award_all(actor=centre.national.chair, ranking=ranking)
    assert not Nomination.objects.filter(state="awarded").exists()


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.status_code == 200
    return len(page.captured_queries), response


def test_the_award_preview_and_ranking_pages_cost_the_same_at_2000(centre, client):
    add_nominations(centre, 100)
    ranking = approve_ranking(centre)
    client.force_login(centre.national.chair)
    small = [
        _queries(client, url)[0] for url in (award_url(ranking), ranking_url(ranking))
    ]

    add_nominations(centre, 1900)
    approve_ranking(centre)
    large = [
        _queries(client, url)[0] for url in (award_url(ranking), ranking_url(ranking))
    ]

    assert small == large
    page = client.get(award_url(ranking)).content.decode()
    assert page.count('<th scope="row">') == 5  # a row per band
    assert award_preview(ranking).total == 2000


def test_looking_at_the_confirmation_awards_nothing_and_its_post_awards(centre, client):
    add_nominations(centre, 10)
    ranking = approve_ranking(centre)
    client.force_login(centre.national.chair)

    page = client.get(award_url(ranking))
    assert page.status_code == 200
    assert 'class="ladder-button-warning"' in page.content.decode()
    assert not Nomination.objects.filter(state="awarded").exists()
    assert not NominationEvent.objects.filter(action="awarded").exists()

    # The ranking page links to the confirmation; it awards nothing itself.
    ranking_page = client.get(ranking_url(ranking)).content.decode()
    assert award_url(ranking) in ranking_page
    assert client.post(ranking_url(ranking), {"do": "award_all"}).status_code == 404
    assert not Nomination.objects.filter(state="awarded").exists()

    done = client.post(award_url(ranking))
    assert done.status_code == 302 and done["Location"] == ranking_url(ranking)
    assert len(texts(done)) == 1 and "10" in texts(done)[0]
    assert Nomination.objects.filter(state="awarded").count() == 10


def test_only_the_chair_may_open_the_confirmation(centre, client):
    add_nominations(centre, 3)
    ranking = approve_ranking(centre)
    for user in (centre.national.secretary, centre.production_member):
        client.force_login(user)
        response = client.get(award_url(ranking))
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"] == ranking_url(ranking)
        client.post(award_url(ranking))
    assert not Nomination.objects.filter(state="awarded").exists()
    assert Ranking.objects.get(pk=ranking.pk).status == "approved"


def test_the_ranking_page_shows_one_page_of_entries(centre, client):
    add_nominations(centre, 250)
    ranking = approve_ranking(centre)
    client.force_login(centre.national.chair)

    first = client.get(ranking_url(ranking))
    third = client.get(ranking_url(ranking), {"p": "3"})
    junk = client.get(ranking_url(ranking), {"p": "abc"})
    assert client.get(ranking_url(ranking), {"p": "\x00"}).status_code in (200, 400)

    assert [line.position for line in first.context["lines"]] == list(range(1, 101))
    assert [line.position for line in third.context["lines"]] == list(range(201, 251))
    assert junk.status_code == 200 and junk.context["page"].number == 1
    assert first.context["page"].paginator.count == 250
