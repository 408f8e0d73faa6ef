"""The inbox tells unread from read (issue #20 item 6): an unread item is
bold on a marked row with a visible "ใหม่/New" badge and, for screen readers,
"Unread:"; a read one has neither."""

import re

import pytest
from django.utils import timezone

from notifications.models import EventType, Notification
from notifications.services import notify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEM = re.compile(r'<li class="inbox-item (read|unread)">(.*?)</li>', re.S)


@pytest.fixture
def reader():
    user = UserFactory()
    for product in ("แคบหมู", "ผ้าไหม"):
        notify(
            event_type=EventType.NOMINATION_RETURNED,
            event_key=f"returned:{product}",
            recipients=[user],
            context={"product": product, "reason": "ภาพไม่ชัด"},
        )
    Notification.objects.filter(context__product="ผ้าไหม").update(read_at=timezone.now())
    return user


def items(client) -> dict[str, str]:
    page = client.get("/inbox/").content.decode()
    return {
        ("แคบหมู" if "แคบหมู" in body else "ผ้าไหม"): (state, body)
        for state, body in ITEM.findall(page)
    }


def test_unread_items_are_marked_and_read_ones_are_not(client, reader):
    client.force_login(reader)

    found = items(client)

    state, body = found["แคบหมู"]
    assert state == "unread"
    assert '<span class="badge badge-new" aria-hidden="true">ใหม่</span>' in body
    assert '<span class="visually-hidden">ยังไม่อ่าน:</span>' in body
    state, body = found["ผ้าไหม"]
    assert state == "read"
    assert "badge-new" not in body and "visually-hidden" not in body


def test_the_badge_in_english(client, reader):
    client.force_login(reader)
    client.cookies["django_language"] = "en"

    state, body = items(client)["แคบหมู"]

    assert '<span class="badge badge-new" aria-hidden="true">New</span>' in body
    assert "Unread:" in body


def test_opening_an_item_marks_it_read(client, reader):
    client.force_login(reader)
    unread = Notification.objects.get(context__product="แคบหมู")

    client.post(f"/inbox/{unread.pk}/open/")

    assert items(client)["แคบหมู"][0] == "read"


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_inbox_answers_get_and_head(client, reader, method):
    client.force_login(reader)

    assert getattr(client, method)("/inbox/").status_code == 200
