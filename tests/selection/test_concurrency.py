"""Races that must produce exactly one effect, on PostgreSQL with real
concurrent transactions (SQLite serialises writers and proves nothing here).

Each race releases its threads together with a barrier, after each has opened
its own database connection, and is repeated ``ROUNDS`` times."""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client

from committees.models import Tier as CommitteeTier
from communities.models import Tambon
from notifications.models import Notification
from products.models import Category
from registry.models import RegistryEntry, RegistryEvent
from registry.services import registry_publish
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    Ranking,
    ScoreSheet,
    TypeQuota,
)
from selection.services import (
    nomination_award,
    nomination_create,
    nomination_submit,
    ranking_approve,
    ranking_finalize,
    ranking_get,
    ranking_reopen,
    sheet_save,
)
from tests.db import on_postgresql
from tests.selection.ladder import (
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    record_forum,
    score_all,
    submitted_nomination,
)

pytestmark = [
    on_postgresql,
    # serialized_rollback restores the seeded categories and standards that a
    # transactional test flushes away.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 5


def race(*actions: Callable[[], object]) -> list[str]:
    """Run each action in its own thread, released at once; list outcomes:
    "ok" or the name of the exception raised, sorted."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action):
        try:
            connection.ensure_connection()  # connect first, then race
            barrier.wait()
            action()
            outcome = "ok"
        except Exception as error:  # an unexpected one fails the caller's assert
            outcome = type(error).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == len(actions), "a racing thread did not finish"
    return sorted(outcomes)


def first_tambons(count: int) -> list[str]:
    """The first tambon of each of ``count`` districts of Chiang Mai."""
    codes = []
    for tambon in Tambon.objects.filter(province_id="50").order_by("code"):
        if tambon.amphoe_id not in {code[:4] for code in codes}:
            codes.append(tambon.code)
    return codes[:count]


def submitted_events(nomination) -> int:
    return NominationEvent.objects.filter(
        nomination=nomination, action="submitted"
    ).count()


# (a) A double-click on submit ------------------------------------------------


def test_a_double_click_on_submit_submits_once(geography):
    round_ = make_round(tambon_quota=ROUNDS)
    board = make_board(CommitteeTier.AMPHOE, "5001")
    officer = make_officer("500101")
    record_forum(officer, round_, "500101")

    for i in range(ROUNDS):
        product = complete_product(officer, "500101", f"ข้าวแต๋น {i}")
        draft = nomination_create(actor=officer, round_=round_, product=product)

        outcomes = race(
            lambda d=draft: nomination_submit(actor=officer, nomination=d),
            lambda d=draft: nomination_submit(actor=officer, nomination=d),
        )

        assert outcomes == ["InvalidTransition", "ok"], f"race {i}"
        assert submitted_events(draft) == 1
        notes = Notification.objects.filter(
            event_type="nomination_submitted",
            event_key__startswith=f"nomination:{draft.pk}:",
        )
        assert sorted(notes.values_list("recipient__username", flat=True)) == sorted(
            u.username for u in board.scorers
        )


def test_a_double_click_on_the_submit_button_submits_once(geography):
    round_ = make_round(tambon_quota=ROUNDS)
    make_board(CommitteeTier.AMPHOE, "5001")
    officer = make_officer("500101")
    record_forum(officer, round_, "500101")
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(officer)

    for i in range(ROUNDS):
        product = complete_product(officer, "500101", f"แคบหมู {i}")
        draft = nomination_create(actor=officer, round_=round_, product=product)
        url = f"/officer/nominations/{draft.pk}/submit/"
        responses = []

        def click(browser, url=url, responses=responses):
            responses.append(browser.post(url))

        outcomes = race(*[lambda b=b: click(b) for b in browsers])

        assert outcomes == ["ok", "ok"], f"race {i}"
        assert [r.status_code for r in responses] == [302, 302]
        # Each browser's newest message is this click's (none were shown yet).
        levels = sorted(
            list(get_messages(r.wsgi_request))[-1].level_tag for r in responses
        )
        assert levels == ["error", "success"]
        assert submitted_events(draft) == 1


def test_the_tambon_quota_holds_when_two_submit_at_once(geography):
    round_ = make_round(tambon_quota=1)
    for i, tambon in enumerate(first_tambons(ROUNDS)):
        officer = make_officer(tambon)
        record_forum(officer, round_, tambon)
        drafts = [
            nomination_create(
                actor=officer,
                round_=round_,
                product=complete_product(officer, tambon, f"สินค้า {tambon} {n}"),
            )
            for n in range(2)
        ]

        outcomes = race(
            *[
                lambda d=d, o=officer: nomination_submit(actor=o, nomination=d)
                for d in drafts
            ]
        )

        assert outcomes == ["InvalidTransition", "ok"], f"race {i}"
        assert (
            Nomination.objects.filter(tambon_code=tambon, state="pending").count() == 1
        )


# (b) Two finalizations at once ---------------------------------------------------


def test_two_finalizations_at_once_finalize_once(geography):
    round_ = make_round()
    board = make_board(CommitteeTier.AMPHOE, "5001", members=0)
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", f"สินค้า {n}") for n in range(3)
    ]
    for n, nomination in enumerate(nominations):
        score_all(board, [nomination], {"A": 9 - n, "B": 8, "C": 8})
    ranking = ranking_get(committee=board.committee, round_=round_)

    for i in range(ROUNDS):
        outcomes = race(
            *[lambda: ranking_finalize(actor=board.secretary, ranking=ranking)] * 2
        )

        assert outcomes == ["InvalidTransition", "ok"], f"race {i}"
        ranking.refresh_from_db()
        assert ranking.status == Ranking.Status.FINALIZED
        assert list(ranking.entries.values_list("position", "nomination")) == [
            (n + 1, nomination.pk) for n, nomination in enumerate(nominations)
        ]
        finalized = NominationEvent.objects.filter(
            ranking=ranking, action="ranking_finalized"
        )
        assert finalized.count() == i + 1  # one more per race, not two
        assert (
            Notification.objects.filter(event_type="ranking_finalized").count() == i + 1
        )
        ranking_reopen(actor=board.chair, ranking=ranking, reason=f"ทดสอบครั้งที่ {i}")


def test_two_first_finalizations_store_one_ranking_finalized_once(geography):
    """Two pages showed a ranking nobody had moved (unsaved, as the rankings
    list does) and both secretaries' clicks arrive at once."""
    round_ = make_round()
    for i, tambon in enumerate(first_tambons(ROUNDS)):
        board = make_board(CommitteeTier.AMPHOE, tambon[:4], members=0)
        nomination = submitted_nomination(
            make_officer(tambon), round_, tambon, f"สินค้า {i}"
        )
        score_all(board, [nomination], {"A": 9, "B": 8, "C": 8})

        def finalize(board=board):
            unsaved = Ranking(round=round_, committee=board.committee, tier="amphoe")
            return ranking_finalize(actor=board.secretary, ranking=unsaved)

        outcomes = race(finalize, finalize)

        assert outcomes == ["InvalidTransition", "ok"], f"race {i}"
        ranking = Ranking.objects.get(committee=board.committee)
        assert ranking.status == Ranking.Status.FINALIZED
        assert list(ranking.entries.values_list("nomination", flat=True)) == [
            nomination.pk
        ]
        assert (
            NominationEvent.objects.filter(
                ranking=ranking, action="ranking_finalized"
            ).count()
            == 1
        )


def test_a_double_click_on_a_first_save_stores_one_sheet(geography):
    round_ = make_round(tambon_quota=ROUNDS)
    board = make_board(CommitteeTier.AMPHOE, "5001", members=0)
    officer = make_officer("500101")
    criteria = Criterion.objects.filter(round=round_, tier="amphoe")

    for i in range(ROUNDS):
        nomination = submitted_nomination(officer, round_, "500101", f"ขนม {i}")

        def save(nomination=nomination):
            return sheet_save(
                actor=board.chair,
                nomination=nomination,
                points={c.pk: Decimal(7) for c in criteria},
            )

        outcomes = race(save, save)

        assert outcomes == ["ok", "ok"], f"race {i}"
        sheet = ScoreSheet.objects.get(nomination=nomination)
        assert (sheet.member, sheet.total) == (board.chair, 70)
        assert sheet.scores.count() == len(criteria)


# (c) Approvals racing the quota -----------------------------------------------


def test_approvals_at_once_never_forward_more_than_the_quota(geography):
    """Each district forwards one food (food has its own quota) and two of
    the other types (the overall quota): each district's ranking (two foods,
    two drinks) is approved ten times at once."""
    round_ = make_round(amphoe_advance=2, tambon_quota=4)
    TypeQuota.objects.create(
        round=round_,
        tier="amphoe",
        category=Category.objects.get(code="FOOD"),
        advance=1,
    )
    for i, tambon in enumerate(first_tambons(ROUNDS)):
        board = make_board(CommitteeTier.AMPHOE, tambon[:4], members=0)
        officer = make_officer(tambon)
        nominations = [
            submitted_nomination(officer, round_, tambon, name, category=category)
            for name, category in (
                (f"น้ำพริก {i}", "FOOD-SNACK"),
                (f"ชาใบหม่อน {i}", "DRINK-TEA"),
                (f"ข้าวเกรียบ {i}", "FOOD-SNACK"),
                (f"น้ำผลไม้ {i}", "DRINK-NONALC"),
            )
        ]
        for n, nomination in enumerate(nominations):  # ranked in this order
            score_all(board, [nomination], {"A": 9 - n, "B": 8, "C": 8})
        ranking = ranking_finalize(
            actor=board.secretary,
            ranking=ranking_get(committee=board.committee, round_=round_),
        )

        outcomes = race(
            *[lambda r=ranking, b=board: ranking_approve(actor=b.chair, ranking=r)] * 10
        )

        assert outcomes == ["InvalidTransition"] * 9 + ["ok"], f"race {i}"
        forwarded = Nomination.objects.filter(tambon_code=tambon, tier="province")
        assert set(forwarded.values_list("pk", flat=True)) == {
            nominations[0].pk,  # the best food: food's own quota of one
            nominations[1].pk,  # both drinks: the overall quota of two
            nominations[3].pk,
        }
        assert NominationEvent.objects.filter(
            ranking=ranking, action="forwarded"
        ).count() == len(forwarded)
        assert (
            NominationEvent.objects.filter(
                ranking=ranking, action="ranking_approved"
            ).count()
            == 1
        )


# (d) Publications racing a registry number ----------------------------------


@pytest.fixture
def awarded_in_pairs(geography):
    """2 × ROUNDS awarded nominations of one province and round."""
    count = 2 * ROUNDS
    round_ = make_round(
        tambon_quota=count, amphoe_advance=count, province_advance=count
    )
    boards = [
        make_board(CommitteeTier.AMPHOE, "5001", members=0),
        make_board(CommitteeTier.PROVINCE, "50", members=0),
        make_board(CommitteeTier.CENTRAL, members=0),
    ]
    officer = make_officer("500101")
    nominations = [
        submitted_nomination(officer, round_, "500101", f"ผ้าทอ {n:02d}")
        for n in range(count)
    ]
    for board in boards:
        for n, nomination in enumerate(nominations):
            score_all(board, [nomination], {"A": 10, "B": 10 - n % 3, "C": 9})
        rank_and_approve(board, round_)
    for nomination in nominations:
        nomination_award(actor=boards[-1].chair, nomination=nomination)
    return nominations


def test_publications_at_once_get_distinct_consecutive_numbers_once(
    awarded_in_pairs, publisher
):
    def publish(nomination):
        return lambda: registry_publish(actor=publisher, nomination=nomination)

    for i in range(ROUNDS):
        one, other = awarded_in_pairs[2 * i], awarded_in_pairs[2 * i + 1]

        outcomes = race(publish(one), publish(other), publish(one))

        assert outcomes == ["InvalidTransition", "ok", "ok"], f"race {i}"
        numbers = sorted(
            RegistryEntry.objects.filter(nomination__in=[one, other]).values_list(
                "number", flat=True
            )
        )
        assert [n[-6:] for n in numbers] == [f"{2 * i + 1:06d}", f"{2 * i + 2:06d}"]
    assert RegistryEntry.objects.count() == 2 * ROUNDS
    assert RegistryEvent.objects.filter(action="published").count() == 2 * ROUNDS
