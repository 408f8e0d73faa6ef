import re
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from committees.models import Tier as CommitteeTier
from registry.models import RegistryEntry, RegistryEvent
from registry.services import (
    publishable,
    registry_publish,
    registry_publish_all,
    registry_revoke,
)
from selection.services import InvalidTransition, nomination_award
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

NUMBER = re.compile(r"^OTOP-25\d\d-50-\d{6}$")


def publisher():
    user = UserFactory(username="registrar", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="publish_entry"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def awarded(geography):
    round_ = make_round(tambon_quota=3, amphoe_advance=3, province_advance=3)
    district = make_board(CommitteeTier.AMPHOE, "5001")
    province = make_board(CommitteeTier.PROVINCE, "50")
    central = make_board(CommitteeTier.CENTRAL)
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", name)
        for name in ("กาแฟดอยช้างคั่วกลาง", "ผ้าฝ้ายทอมือ", "ร่มบ่อสร้าง")
    ]
    for board in (district, province, central):
        for i, nomination in enumerate(nominations):
            score_all(board, [nomination], {"A": 10 - i, "B": 9, "C": 9})
        rank_and_approve(board, round_)
    for nomination in nominations:
        nomination_award(actor=central.chair, nomination=nomination)
    return nominations


@pytest.mark.django_db
def test_publishing_takes_a_snapshot_with_a_registry_number(awarded):
    entry = registry_publish(actor=publisher(), nomination=awarded[0])

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
def test_only_awarded_nominations_are_published_and_only_once(awarded, geography):
    registrar = publisher()
    registry_publish(actor=registrar, nomination=awarded[0])

    with pytest.raises(InvalidTransition):
        registry_publish(actor=registrar, nomination=awarded[0])
    pending = submitted_nomination(
        make_officer("500102"), awarded[0].round, "500102", "ยังไม่ได้รางวัล"
    )
    with pytest.raises(InvalidTransition):
        registry_publish(actor=registrar, nomination=pending)


@pytest.mark.django_db
def test_bulk_publication_follows_the_central_ranking(awarded):
    count = registry_publish_all(actor=publisher())

    numbers = list(
        RegistryEntry.objects.order_by("number").values_list("name_th", flat=True)
    )
    assert count == 3
    assert numbers == ["กาแฟดอยช้างคั่วกลาง", "ผ้าฝ้ายทอมือ", "ร่มบ่อสร้าง"]
    assert not publishable().exists()


@pytest.mark.django_db
def test_a_revoked_entry_keeps_its_number_and_leaves_the_lists(awarded):
    registrar = publisher()
    entry = registry_publish(actor=registrar, nomination=awarded[0])

    with pytest.raises(ValidationError):
        registry_revoke(actor=registrar, entry=entry, reason=" ")
    registry_revoke(actor=registrar, entry=entry, reason="ใบรับรองถูกเพิกถอน")
    second = registry_publish(actor=registrar, nomination=awarded[1])

    entry.refresh_from_db()
    assert entry.is_revoked and entry.revoke_reason == "ใบรับรองถูกเพิกถอน"
    assert list(RegistryEntry.objects.listed()) == [second]
    assert second.number.endswith("-000002")  # numbers are never reused


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (CI's second run)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_publications_get_distinct_numbers(awarded):
    registrar = publisher()
    barrier = threading.Barrier(len(awarded))
    errors = []

    def publish(nomination):
        try:
            barrier.wait()
            registry_publish(actor=registrar, nomination=nomination)
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
