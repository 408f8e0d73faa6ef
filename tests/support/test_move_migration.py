"""Support plans moved from ``selection`` to ``support`` without losing a row
(issue #18 §3): rows written by the models as they were before the move are
all there after it, through the new app's models, with the same ids; the
content types are relabelled in place, so permissions, guardian's object
permissions and the admin's log still point at them; and on PostgreSQL the
plan's trail is still append-only (its table, and so its trigger, stayed)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState
from guardian.core import ObjectPermissionChecker

from accounts.models import User
from support.models import SupportAction, SupportPlan, SupportPlanEvent

MOVED = ("supportplan", "supportaction", "supportplanevent")
# The last state with the models in selection: support 0001 (and selection
# 0010, which depends on it) unapplied.
BEFORE = [("support", None)]


def _migrate(targets) -> ProjectState:
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state


def _old_world(apps) -> dict:
    """Two committees' plans (one approved), three actions and their trail,
    written with the historical models of selection; and, pointing at the
    plan's content type, a guardian object permission and an admin log entry."""
    get = apps.get_model
    region = get("communities", "Region").objects.create(
        code="north", name_th="ภาคเหนือ", name_en="North"
    )
    province = get("communities", "Province").objects.create(
        code="50", name_th="เชียงใหม่", name_en="Chiang Mai", region=region
    )
    amphoe = get("communities", "Amphoe").objects.create(
        code="5001", name_th="เมืองเชียงใหม่", name_en="Mueang", province=province
    )
    tambon = get("communities", "Tambon").objects.create(
        code="500101",
        name_th="ศรีภูมิ",
        name_en="Si Phum",
        amphoe=amphoe,
        province=province,
    )
    producer = get("communities", "Producer").objects.create(
        kind="community", name_th="กลุ่มทอผ้า", tambon=tambon
    )
    category = get("products", "Category").objects.create(
        code="MOVE-TEST", name_th="ทดสอบ", name_en="Test"
    )
    product = get("products", "Product").objects.create(
        producer=producer, category=category, name_th="ผ้าฝ้ายทอมือ"
    )
    user = get("accounts", "User").objects.create(username="secretary", password="!")
    committees = [
        get("committees", "Committee").objects.create(
            tier="amphoe", amphoe=amphoe, term_start=dt.date(2025, 10, 1)
        ),
        get("committees", "Committee").objects.create(
            tier="province", province=province, term_start=dt.date(2025, 10, 1)
        ),
    ]
    round_ = get("selection", "Round").objects.create(
        year=2026,
        title_th="รอบทดสอบ",
        tambon_deadline=dt.date(2026, 1, 31),
        amphoe_deadline=dt.date(2026, 2, 28),
        province_deadline=dt.date(2026, 3, 31),
        central_deadline=dt.date(2026, 4, 30),
    )
    nomination = get("selection", "Nomination").objects.create(
        round=round_,
        product=product,
        category=category,
        tambon_code="500101",
        amphoe_code="5001",
        province_code="50",
    )
    Plan = get("selection", "SupportPlan")
    Action = get("selection", "SupportAction")
    Event = get("selection", "SupportPlanEvent")
    draft = Plan.objects.create(
        round=round_, committee=committees[0], last_edited_by=user
    )
    approved = Plan.objects.create(
        round=round_,
        committee=committees[1],
        status="approved",
        approved_by=user,
        approved_at=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),
    )
    actions = [
        Action.objects.create(
            plan=plan,
            nomination=nomination,
            kind=kind,
            description=f"{kind} สำหรับผ้าฝ้าย",
            agency="สำนักงานพัฒนาชุมชนจังหวัด",
            budget=Decimal(budget),
            source=source,
            fiscal_year=2570,
            quarter=quarter,
            status=status,
        )
        for plan, kind, budget, source, quarter, status in (
            (draft, "packaging", "12500.50", "district", 1, "planned"),
            (approved, "training", "30000.00", "province", 2, "done"),
            (approved, "marketing", "4999.99", "cdd", 3, "cancelled"),
        )
    ]
    events = [
        Event.objects.create(plan=plan, item=item, action=action, actor=user, note=n)
        for plan, item, action, n in (
            (draft, actions[0].pk, "added", "บรรจุภัณฑ์"),
            (approved, actions[1].pk, "added", "อบรม"),
            (approved, None, "approved", "2 actions, 34,999.99 baht"),
            (approved, actions[1].pk, "progress", "Planned → Done"),
        )
    ]
    ContentTypeModel = get("contenttypes", "ContentType")
    plan_type = ContentTypeModel.objects.get(app_label="selection", model="supportplan")
    permission = get("auth", "Permission").objects.get(
        content_type=plan_type, codename="change_supportplan"
    )
    get("guardian", "UserObjectPermission").objects.create(
        user=user,
        permission=permission,
        content_type=plan_type,
        object_pk=str(approved.pk),
    )
    get("admin", "LogEntry").objects.create(
        user=user,
        content_type=plan_type,
        object_id=str(approved.pk),
        object_repr="plan",
        action_flag=2,
        action_time=dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),
    )
    return {
        "types": {
            model: ContentTypeModel.objects.get(app_label="selection", model=model).pk
            for model in MOVED
        },
        "plans": [draft.pk, approved.pk],
        "actions": [a.pk for a in actions],
        "events": [e.pk for e in events],
        "user": user.pk,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_support_plans_move_to_their_app_with_every_row():
    try:
        old = _old_world(_migrate(BEFORE).apps)
        _migrate(None)

        # Every row, under the same id, through the new models.
        assert sorted(SupportPlan.objects.values_list("pk", flat=True)) == old["plans"]
        assert sorted(SupportAction.objects.values_list("pk", flat=True)) == sorted(
            old["actions"]
        )
        assert sorted(SupportPlanEvent.objects.values_list("pk", flat=True)) == sorted(
            old["events"]
        )
        draft, approved = SupportPlan.objects.order_by("pk")
        assert (draft.status, draft.last_edited_by_id) == ("draft", old["user"])
        assert approved.is_approved and approved.approved_by_id == old["user"]
        assert approved.committee.tier == "province"
        assert approved.round.year == 2026
        action = SupportAction.objects.get(pk=old["actions"][0])
        assert (action.plan_id, action.budget, action.quarter) == (
            draft.pk,
            Decimal("12500.50"),
            1,
        )
        assert str(action.nomination.product) == "ผ้าฝ้ายทอมือ"
        assert list(approved.actions.values_list("status", flat=True)) == [
            "done",
            "cancelled",
        ]
        assert list(approved.events.values_list("action", "note")) == [
            ("added", "อบรม"),
            ("approved", "2 actions, 34,999.99 baht"),
            ("progress", "Planned → Done"),
        ]

        # The same content type rows, relabelled; what points at them follows.
        for model in MOVED:
            moved = ContentType.objects.get(pk=old["types"][model])
            assert (moved.app_label, moved.model) == ("support", model)
        assert not ContentType.objects.filter(
            app_label="selection", model__in=MOVED
        ).exists()
        assert (
            ContentType.objects.get_for_model(SupportPlan).pk
            == (old["types"]["supportplan"])
        )
        user = User.objects.get(pk=old["user"])
        assert ObjectPermissionChecker(user).has_perm(
            "support.change_supportplan", approved
        )
        assert not ObjectPermissionChecker(user).has_perm(
            "support.change_supportplan", draft
        )
        assert LogEntry.objects.get().get_edited_object() == approved

        # New rows follow on from the old ones (the tables' sequences moved too).
        added = SupportAction.objects.create(
            plan=draft,
            nomination=action.nomination,
            kind="other",
            description="เพิ่มหลังย้าย",
            agency="อำเภอ",
            budget=Decimal("1.00"),
            source="local",
            fiscal_year=2570,
            quarter=4,
        )
        assert added.pk > max(old["actions"])

        if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
            event = old["events"][0]
            with (
                pytest.raises(IntegrityError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(
                    "UPDATE selection_supportplanevent SET note = 'x' WHERE id = %s",
                    [event],
                )
            assert SupportPlanEvent.objects.get(pk=event).note == "บรรจุภัณฑ์"
    finally:
        _migrate(None)  # the suite goes on at the latest migrations


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_migrates_back_too():
    """Reversible: back before the move, the content types are selection's
    again; forward again, support's (the rows themselves never move)."""
    types = {
        model: ContentType.objects.get(app_label="support", model=model).pk
        for model in MOVED
    }
    try:
        apps = _migrate(BEFORE).apps
        Old = apps.get_model("contenttypes", "ContentType")
        assert {
            model: Old.objects.get(app_label="selection", model=model).pk
            for model in MOVED
        } == types
    finally:
        _migrate(None)
    assert {
        model: ContentType.objects.get(app_label="support", model=model).pk
        for model in MOVED
    } == types
