"""Rounds that existed before plans migrate to the ladder unchanged (issue
#19 §1): each gets the ladder's four steps with its own quotas, and every
nomination keeps its tier and state."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from selection.models import Nomination, Round

BEFORE = [("selection", "0010_support_plans_move_to_support")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state


def _old_rounds(apps) -> dict:
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
        code="PLAN-TEST", name_th="ทดสอบ", name_en="Test"
    )
    Round = get("selection", "Round")
    rounds = {}
    for year, quotas in ((2025, (5, 5, 10)), (2026, (3, 2, 4))):
        rounds[year] = Round.objects.create(
            year=year,
            title_th=f"รอบ {year + 543}",
            tambon_deadline=dt.date(year, 1, 31),
            amphoe_deadline=dt.date(year, 2, 28),
            province_deadline=dt.date(year, 3, 31),
            central_deadline=dt.date(year, 4, 30),
            status="open" if year == 2026 else "closed",
            tambon_quota=quotas[0],
            amphoe_advance=quotas[1],
            province_advance=quotas[2],
        )
    states = {}
    places = [
        ("tambon", "draft"),
        ("amphoe", "pending"),
        ("province", "not_selected"),
        ("tambon", "returned"),
        ("central", "awarded"),
    ]
    for i, (tier, state) in enumerate(places):
        product = get("products", "Product").objects.create(
            producer=producer, category=category, name_th=f"ผ้า {i}"
        )
        nomination = get("selection", "Nomination").objects.create(
            round=rounds[2026],
            product=product,
            category=category,
            tier=tier,
            state=state,
            tambon_code="500101",
            amphoe_code="5001",
            province_code="50",
        )
        states[nomination.pk] = (tier, state)
    return {"rounds": {y: r.pk for y, r in rounds.items()}, "states": states}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_rounds_migrate_to_the_ladder_with_their_own_quotas():
    try:
        old = _old_rounds(_migrate(BEFORE).apps)
        _migrate(None)

        for year, (tambon, amphoe, province) in ((2025, (5, 5, 10)), (2026, (3, 2, 4))):
            round_ = Round.objects.get(pk=old["rounds"][year])
            assert round_.preset == "ladder"
            assert [
                (s.tier, s.action, s.advance, s.quota, s.parts, s.forum_required)
                for s in round_.plan.steps
            ] == [
                ("tambon", "submit", "quota", tambon, "", True),
                ("amphoe", "rank", "quota", amphoe, "ABC", False),
                ("province", "rank", "quota", province, "ABC", False),
                ("central", "rank", "all", None, "ABC", False),
            ]
            assert round_.plan.tambon_quota == tambon
            assert not round_.require_registration
        assert {n.pk: (n.tier, n.state) for n in Nomination.objects.all()} == old[
            "states"
        ]
    finally:
        _migrate(None)
