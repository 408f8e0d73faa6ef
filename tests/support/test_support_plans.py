"""Support plans (issue #10, point 1): who edits and approves, the two-person
rule, read-only after approval, the audit trail, and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm

from committees.models import Tier as CommitteeTier
from core.workflow import InvalidTransition
from selection.models import RankingEntry
from selection.services import ranking_get
from support.models import SupportAction, SupportPlan, SupportPlanEvent
from support.services import (
    support_action_add,
    support_action_delete,
    support_action_progress,
    support_action_update,
    support_plan_actions,
    support_plan_approve,
    support_plan_get,
    support_plan_reopen,
)
from tests.accounts.factories import UserFactory
from tests.db import on_postgresql
from tests.selection.ladder import make_board, make_officer, submitted_nomination
from tests.support.plans import action_fields, ranked_round

# Messages are asserted in English, the catalogue's source language.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Event = SupportPlanEvent.Action


@pytest.fixture
def world(geography):
    board = make_board(CommitteeTier.AMPHOE, "5001", members=1)
    officer = make_officer("500101")
    round_, ranked = ranked_round(board, officer, "500101")
    plan = support_plan_get(committee=board.committee, round_=round_)
    return {
        "round": round_,
        "board": board,
        "officer": officer,
        "ranked": ranked,
        "plan": plan,
    }


def fields(world, nomination=None, **overrides):
    nomination = nomination or world["ranked"][0]
    return action_fields(world["round"], nomination, **overrides)


def add(world, actor=None, **overrides):
    actor = actor or world["board"].secretary
    return support_action_add(
        actor=actor, plan=world["plan"], **fields(world, **overrides)
    )


def events(plan):
    return list(
        SupportPlanEvent.objects.filter(plan=plan).values_list("action", "actor")
    )


# Editing ---------------


def test_the_secretary_adds_an_action_and_the_trail_records_it(world):
    secretary = world["board"].secretary

    action = add(world)

    assert action.budget == Decimal("15000.50")
    assert action.status == SupportAction.Status.PLANNED
    plan = SupportPlan.objects.get(pk=world["plan"].pk)
    assert plan.last_edited_by == secretary
    assert events(plan) == [(Event.ADDED, secretary.pk)]


@pytest.mark.parametrize("who", ["chair", "member", "observer", "outsider"])
def test_only_the_secretary_edits_the_plan(world, who):
    board = world["board"]
    actor = {
        "chair": board.chair,
        "member": board.members[0],
        "observer": board.observer,
        "outsider": UserFactory(),
    }[who]

    with pytest.raises(PermissionDenied):
        add(world, actor=actor)

    assert not SupportAction.objects.exists()
    assert not SupportPlanEvent.objects.exists()


def test_the_secretary_of_another_committee_cannot_edit(world):
    other = make_board(CommitteeTier.AMPHOE, "5002", members=0)

    with pytest.raises(PermissionDenied):
        add(world, actor=other.secretary)


def test_an_action_is_only_for_a_nomination_the_committee_ranked(world):
    # Waiting in the next district (nothing joins a finalized ranking).
    unranked = submitted_nomination(
        make_officer("500203"), world["round"], "500203", "ชา"
    )

    with pytest.raises(ValidationError) as error:
        add(world, nomination=unranked)

    assert "nomination" in error.value.message_dict
    assert not SupportAction.objects.exists()


def test_forwarded_and_not_forwarded_nominations_both_count_as_ranked(world):
    ranked = RankingEntry.objects.filter(ranking__committee=world["board"].committee)
    assert ranked.count() == 2
    for nomination in world["ranked"]:
        add(world, nomination=nomination)
    assert SupportAction.objects.count() == 2


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"budget": Decimal("-1.00")}, "budget"),
        ({"quarter": 5}, "quarter"),
        ({"kind": "bribes"}, "kind"),
        ({"source": "lottery"}, "source"),
        ({"fiscal_year": 2400}, "fiscal_year"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        add(world, **overrides)

    assert field in error.value.message_dict
    assert not SupportAction.objects.exists()


def test_the_database_refuses_a_negative_budget(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportAction.objects.create(plan=world["plan"], **fields(world, budget=-5))


def test_fiscal_year_follows_the_rounds_year(world):
    be = world["round"].year + 543
    add(world, fiscal_year=be - 1)
    add(world, fiscal_year=be + 2)
    with pytest.raises(ValidationError):
        add(world, fiscal_year=be + 3)
    with pytest.raises(ValidationError):
        add(world, fiscal_year=be - 2)


def test_update_and_delete_are_recorded_with_what_changed(world):
    secretary = world["board"].secretary
    action = add(world)

    support_action_update(actor=secretary, action=action, budget=Decimal("20000.00"))
    support_action_delete(actor=secretary, action=action)

    assert not SupportAction.objects.exists()
    trail = list(SupportPlanEvent.objects.filter(plan=world["plan"]))
    assert [e.action for e in trail] == [Event.ADDED, Event.UPDATED, Event.DELETED]
    assert "budget (baht): 15,000.50 → 20,000.00" in trail[1].note
    assert {e.item for e in trail} == {action.pk}


def test_a_central_committee_keeps_no_plan(world):
    central = make_board(CommitteeTier.CENTRAL, members=0)
    with pytest.raises(ValidationError):
        support_plan_get(committee=central.committee, round_=world["round"])


# Approval: the chair, never the last editor ---------------


def test_the_chair_approves_the_plan(world):
    board = world["board"]
    add(world)

    plan = support_plan_approve(actor=board.chair, plan=world["plan"])

    assert plan.status == SupportPlan.Status.APPROVED
    assert plan.approved_by == board.chair
    assert plan.approved_at is not None
    assert events(plan)[-1] == (Event.APPROVED, board.chair.pk)


@pytest.mark.parametrize("who", ["secretary", "member", "observer"])
def test_only_the_chair_approves(world, who):
    add(world)
    actor = {
        "secretary": world["board"].secretary,
        "member": world["board"].members[0],
        "observer": world["board"].observer,
    }[who]

    with pytest.raises(PermissionDenied):
        support_plan_approve(actor=actor, plan=world["plan"])

    assert SupportPlan.objects.get().status == SupportPlan.Status.DRAFT


def test_the_last_editor_cannot_approve_even_as_chair(world):
    chair = world["board"].chair
    assign_perm("committees.finalize_ranking", chair, world["board"].committee)
    add(world, actor=chair)

    with pytest.raises(PermissionDenied, match="last edited"):
        support_plan_approve(actor=chair, plan=world["plan"])
    fresh = SupportPlan.objects.get(pk=world["plan"].pk)
    assert "approve" not in support_plan_actions(chair, fresh)

    # Once the secretary edits last, the chair may approve.
    support_action_update(
        actor=world["board"].secretary,
        action=SupportAction.objects.get(),
        agency="สำนักงานพัฒนาชุมชนจังหวัด",
    )
    plan = support_plan_approve(actor=chair, plan=world["plan"])
    assert plan.status == SupportPlan.Status.APPROVED


def test_an_empty_plan_is_not_approved(world):
    with pytest.raises(InvalidTransition):
        support_plan_approve(actor=world["board"].chair, plan=world["plan"])


def test_an_approved_plan_is_read_only_except_progress(world):
    board = world["board"]
    action = add(world)
    support_plan_approve(actor=board.chair, plan=world["plan"])

    with pytest.raises(InvalidTransition):
        add(world)
    with pytest.raises(InvalidTransition):
        support_action_update(actor=board.secretary, action=action, budget=1)
    with pytest.raises(InvalidTransition):
        support_action_delete(actor=board.secretary, action=action)
    with pytest.raises(InvalidTransition):
        support_plan_approve(actor=board.chair, plan=world["plan"])
    action.refresh_from_db()
    assert action.budget == Decimal("15000.50")

    support_action_progress(
        actor=board.secretary, action=action, status="done", outcome="ยอดขายเพิ่ม 20%"
    )
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "ยอดขายเพิ่ม 20%")
    assert events(world["plan"])[-1] == (Event.PROGRESS, board.secretary.pk)


def test_progress_is_the_secretarys_and_only_on_an_approved_plan(world):
    board = world["board"]
    action = add(world)
    with pytest.raises(InvalidTransition):
        support_action_progress(actor=board.secretary, action=action, status="done")

    support_plan_approve(actor=board.chair, plan=world["plan"])
    for outsider in (board.chair, board.members[0], UserFactory()):
        with pytest.raises(PermissionDenied):
            support_action_progress(actor=outsider, action=action, status="done")
    with pytest.raises(ValidationError):
        support_action_progress(actor=board.secretary, action=action, status="lost")
    action.refresh_from_db()
    assert action.status == SupportAction.Status.PLANNED


def test_the_chair_reopens_with_a_reason_and_editing_resumes(world):
    board = world["board"]
    action = add(world)
    support_plan_approve(actor=board.chair, plan=world["plan"])

    with pytest.raises(PermissionDenied):
        support_plan_reopen(actor=board.secretary, plan=world["plan"], reason="x")
    with pytest.raises(ValidationError):
        support_plan_reopen(actor=board.chair, plan=world["plan"], reason="  ")
    plan = support_plan_reopen(
        actor=board.chair, plan=world["plan"], reason="งบประมาณถูกปรับลด"
    )

    assert plan.status == SupportPlan.Status.DRAFT
    assert plan.approved_by is None
    support_action_update(actor=board.secretary, action=action, budget=Decimal(9000))
    assert [a for a, _ in events(plan)] == [
        Event.ADDED,
        Event.APPROVED,
        Event.REOPENED,
        Event.UPDATED,
    ]


def test_the_plan_trail_is_append_only(world):
    add(world)
    event = SupportPlanEvent.objects.get()

    with pytest.raises(ValidationError):
        SupportPlanEvent.objects.update(note="rewritten")
    with pytest.raises(ValidationError):
        SupportPlanEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@on_postgresql
def test_raw_sql_cannot_change_the_plan_trail(world):
    """The table kept its name when the model moved to this app, and with it
    the trigger selection's migration 0007 put on it."""
    add(world)
    event = SupportPlanEvent.objects.get()

    def raw(sql: str, *params) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE selection_supportplanevent SET note = 'x' WHERE id = %s", event.pk)
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM selection_supportplanevent")
    with transaction.atomic():
        assert SupportPlanEvent.objects.filter(pk=event.pk).purge() == 1


# Pages ---------------


def plan_admin_url(world):
    ranking = ranking_get(committee=world["board"].committee, round_=world["round"])
    return reverse("admin:selection_ranking_plan", args=[ranking.pk])


def test_the_secretary_adds_through_the_admin_page_and_the_chair_approves(
    world, client
):
    board = world["board"]
    url = plan_admin_url(world)
    board.secretary.is_staff = True
    board.secretary.save()
    board.chair.is_staff = True
    board.chair.save()
    client.force_login(board.secretary)
    data = {**fields(world), "do": "add", "status": "planned", "outcome": ""}
    data["nomination"] = world["ranked"][1].pk

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    assert response.status_code == 302
    action = SupportAction.objects.get()
    assert action.nomination == world["ranked"][1]
    ranking_page = client.get(
        reverse(
            "admin:selection_ranking_change",
            args=[action.plan.committee.rankings.get().pk],
        )
    )
    assert url in ranking_page.content.decode()

    client.force_login(board.chair)
    client.post(url, {"do": "approve"})
    assert SupportPlan.objects.get().status == SupportPlan.Status.APPROVED


def test_the_ranking_page_shows_the_plan_through_supports_template_tag(world, client):
    """selection's ranking page knows nothing of plans: support's template
    tag puts the summary there (status, budget, actions, the plan's link)."""
    add(world)
    board = world["board"]
    board.secretary.is_staff = True
    board.secretary.save()
    client.force_login(board.secretary)
    ranking = ranking_get(committee=board.committee, round_=world["round"])

    page = client.get(reverse("admin:selection_ranking_change", args=[ranking.pk]))

    html = page.content.decode()
    assert 'id="support-plan"' in html
    assert plan_admin_url(world) in html
    assert "15,000.50" in html
    assert str(world["ranked"][0].product) in html
    # On a phone the tables scroll on their own rather than the page sideways.
    plan_page = client.get(plan_admin_url(world)).content.decode()
    assert '<div class="ladder-scroll"><table>' in html
    assert '<div class="results ladder-scroll">' in plan_page
    assert "css/admin.css" in plan_page  # where .ladder-scroll is


def test_a_chair_post_to_add_changes_nothing(world, client):
    board = world["board"]
    board.chair.is_staff = True
    board.chair.save()
    client.force_login(board.chair)

    client.post(plan_admin_url(world), {**fields(world), "do": "add"})

    assert not SupportAction.objects.exists()
    assert SupportPlan.objects.get() == world["plan"]  # still the one, empty


def test_an_invalid_first_action_leaves_no_empty_plan(world, client):
    world["plan"].delete()  # the page has not been used yet
    board = world["board"]
    board.secretary.is_staff = True
    board.secretary.save()
    client.force_login(board.secretary)
    data = {**fields(world), "do": "add", "budget": "-5", "status": "planned"}
    data["nomination"] = world["ranked"][0].pk

    response = client.post(plan_admin_url(world), data, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not SupportPlan.objects.exists()


def test_outsiders_get_404_on_the_plan_pages(world, client):
    add(world)
    url = plan_admin_url(world)
    print_url = reverse(
        "support:plan", args=[world["round"].year + 543, world["board"].committee.pk]
    )
    outsider = UserFactory(is_staff=True)
    other = make_board(CommitteeTier.AMPHOE, "5002", members=0)
    other.secretary.is_staff = True
    other.secretary.save()

    for user in (outsider, other.secretary):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"do": "approve"}).status_code in (403, 404)
        assert client.get(print_url).status_code == 404
    assert SupportPlan.objects.get().status == SupportPlan.Status.DRAFT

    client.force_login(world["board"].observer)
    response = client.get(print_url)
    assert response.status_code == 200
    assert "15,000.50" in response.content.decode()


def test_an_action_id_from_another_plan_in_the_form_body_is_not_found(world, client):
    """The plan page takes the action's id from the form body: it is looked
    up in the page's own plan, so another committee's action is a 404."""
    theirs = add(world)
    other = make_board(CommitteeTier.AMPHOE, "5002", members=0)
    other.secretary.is_staff = True
    other.secretary.save()
    own_ranking = ranking_get(committee=other.committee, round_=world["round"])
    own_url = reverse("admin:selection_ranking_plan", args=[own_ranking.pk])
    client.force_login(other.secretary)
    assert client.get(own_url).status_code == 200

    for do, extra in [
        ("update", {**fields(world, budget=Decimal("1")), "status": "planned"}),
        ("progress", {"status": "done", "outcome": "probe"}),
        ("delete", {}),
    ]:
        response = client.post(own_url, {**extra, "do": do, "action": theirs.pk})
        assert response.status_code == 404, do

    kept = SupportAction.objects.get(pk=theirs.pk)
    assert (kept.budget, kept.status) == (theirs.budget, theirs.status)


def test_looking_at_a_plan_creates_nothing(world, client):
    board = world["board"]
    board.chair.is_staff = True
    board.chair.save()
    SupportPlan.objects.all().delete()
    client.force_login(board.chair)

    page = client.get(plan_admin_url(world))

    assert page.status_code == 200
    assert not SupportPlan.objects.exists()
    url = plan_admin_url(world)
    assert (
        client.get(
            url.replace("/ranking/", "/ranking/x").replace("/plan/", "x/plan/")
        ).status_code
        == 404
    )


def test_the_admin_page_offers_each_role_its_own_steps(world, client):
    board = world["board"]
    action = add(world)
    url = plan_admin_url(world)
    for user in (board.secretary, board.chair):
        user.is_staff = True
        user.save()

    client.force_login(board.secretary)
    page = client.get(url, {"edit": action.pk}).content.decode()
    assert 'value="update"' in page and 'value="approve"' not in page
    client.force_login(board.chair)
    page = client.get(url).content.decode()
    assert 'value="approve"' in page and 'value="add"' not in page

    client.post(url, {"do": "approve"})
    client.force_login(board.secretary)
    page = client.get(url).content.decode()
    assert 'value="progress"' in page and 'value="add"' not in page
    client.post(
        url,
        {"do": "progress", "action": action.pk, "status": "in_progress", "outcome": ""},
    )
    action.refresh_from_db()
    assert action.status == SupportAction.Status.IN_PROGRESS
