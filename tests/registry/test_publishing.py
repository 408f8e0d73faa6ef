import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from communities.models import Tambon
from core.workflow import InvalidTransition
from registry.models import RegistryEntry, RegistryEvent
from registry.services import (
    publishable,
    registry_publish,
    registry_publish_all,
    registry_publish_many,
    registry_revoke,
)
from selection.models import Ranking, Tier
from selection.services import nomination_award
from tests.accounts.factories import UserFactory
from tests.db import on_postgresql
from tests.registry.factories import AWARDED_NAMES, ranked_at_the_centre
from tests.selection.ladder import make_officer, submitted_nomination

NUMBER = re.compile(r"^OTOP-25\d\d-50-\d{6}$")


@pytest.mark.django_db
def test_publishing_takes_a_snapshot_with_a_registry_number(awarded, publisher):
    entry = registry_publish(actor=publisher, nomination=awarded[0])

    assert NUMBER.match(entry.number), entry.number
    assert entry.number.endswith("-000001")
    assert entry.name_th == "กาแฟดอยช้างคั่วกลาง"
    assert entry.stars == 5 and entry.province_th == "เชียงใหม่"
    assert entry.certificates[0]["standard"] == "TCPS"
    assert entry.photo.startswith("registry/")
    assert RegistryEvent.objects.get(entry=entry).action == "published"


@pytest.mark.django_db
def test_only_central_staff_with_the_right_publish(awarded):
    with pytest.raises(PermissionDenied):
        registry_publish(actor=UserFactory(), nomination=awarded[0])
    assert not RegistryEntry.objects.exists()


@pytest.mark.django_db
def test_only_awarded_nominations_are_published_and_only_once(geography, publisher):
    nominations, board = ranked_at_the_centre([*AWARDED_NAMES, "ข้าวแต๋นน้ำแตงโม"])
    *winners, unawarded = nominations
    for nomination in winners:
        nomination_award(actor=board.chair, nomination=nomination)
    unawarded.refresh_from_db()
    # At the centre, scored and ranked, the ranking approved: only the award
    # is missing.
    assert (unawarded.tier, unawarded.state) == (Tier.CENTRAL, "pending")
    central = Ranking.objects.get(committee=board.committee)
    assert central.status == Ranking.Status.APPROVED
    assert central.entries.get(nomination=unawarded).sheet_count > 0
    elsewhere = (
        Tambon.objects.filter(province_id="50")
        .exclude(amphoe_id="5001")
        .order_by("code")
        .first()
    )
    at_the_district = submitted_nomination(
        make_officer(elsewhere.code), unawarded.round, elsewhere.code, "ยังไม่ได้รางวัล"
    )

    assert list(publishable()) == winners
    registry_publish(actor=publisher, nomination=winners[0])
    with pytest.raises(InvalidTransition):
        registry_publish(actor=publisher, nomination=winners[0])
    for refused in (unawarded, at_the_district):
        with pytest.raises(InvalidTransition):
            registry_publish(actor=publisher, nomination=refused)
        with pytest.raises(InvalidTransition):
            registry_publish_many(actor=publisher, nominations=[refused])
    assert list(publishable()) == winners[1:]
    assert registry_publish_all(actor=publisher) == 2
    assert not publishable().exists()
    published = RegistryEntry.objects.values_list("nomination", flat=True)
    assert sorted(published) == sorted(n.pk for n in winners)
    assert RegistryEvent.objects.filter(action="published").count() == 3


@pytest.mark.django_db
def test_bulk_publication_follows_the_central_ranking(awarded, publisher):
    count = registry_publish_all(actor=publisher)

    numbers = list(
        RegistryEntry.objects.order_by("number").values_list("name_th", flat=True)
    )
    assert count == 3
    assert numbers == ["กาแฟดอยช้างคั่วกลาง", "ผ้าฝ้ายทอมือ", "ร่มบ่อสร้าง"]
    assert not publishable().exists()


@pytest.mark.django_db
def test_a_revoked_entry_keeps_its_number_and_leaves_the_lists(awarded, publisher):
    entry = registry_publish(actor=publisher, nomination=awarded[0])

    with pytest.raises(ValidationError):
        registry_revoke(actor=publisher, entry=entry, reason=" ")
    registry_revoke(actor=publisher, entry=entry, reason="ใบรับรองถูกเพิกถอน")
    second = registry_publish(actor=publisher, nomination=awarded[1])

    entry.refresh_from_db()
    assert entry.is_revoked and entry.revoke_reason == "ใบรับรองถูกเพิกถอน"
    assert list(RegistryEntry.objects.listed()) == [second]
    assert second.number.endswith("-000002")  # numbers are never reused


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_publications_get_distinct_numbers(awarded, publisher):
    barrier = threading.Barrier(len(awarded))
    errors = []

    def publish(nomination):
        try:
            barrier.wait()
            registry_publish(actor=publisher, nomination=nomination)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(n,)) for n in awarded]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    numbers = sorted(RegistryEntry.objects.values_list("number", flat=True))
    assert errors == []
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
