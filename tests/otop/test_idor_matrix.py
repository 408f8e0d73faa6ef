"""The IDOR matrix (issue #11): every URL pattern that takes an id or a code,
tried by every role on an object outside the role's area.

The patterns come from walking the URL resolver (the portal, the admin with
every registered model, the API), so a new URL joins the matrix by itself: it
needs a case in tests/otop/idor_cases.py (how to reach an object outsiders
must not see) or an allowlist entry with its reason, or
``test_every_id_bearing_pattern_is_covered_or_allowlisted`` fails naming it.

Refused means 403 or 404, or the login page for a user who may not be there
at all (anonymous; not staff, in the admin). A 405 to one method is no answer
about the object, so the other method must then be refused. Anything else (a
200, a redirect elsewhere, a 400) fails, naming the pattern, role and method.
"""

import io
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import resolve, reverse

from tests.otop import idor_cases as idor
from tests.otop import idor_world
from tests.selection.ladder import central_staff

PATTERNS = {pattern.route: pattern for pattern in idor.id_bearing_patterns()}
CASES = idor.all_cases()
ALLOWED = {route: entry for route in PATTERNS if (entry := idor.allowed_for(route))}
COVERED = [route for route in PATTERNS if route in CASES and route not in ALLOWED]
MATRIX = [
    (route, role)
    for route in COVERED
    for role in idor_world.ROLES
    if role not in CASES[route].exempt
]
EXEMPT = [(route, role) for route in COVERED for role in CASES[route].exempt]
PUBLIC = [
    (route, role)
    for route, entry in ALLOWED.items()
    if entry.probe is not None
    for role in idor_world.ROLES
]


def _id(pair) -> str:
    route, role = pair
    return f"{route} as {role}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at
    its end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_geography", stdout=io.StringIO())
        yield idor_world.build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(world):
    """One client per role, logged in once (the sessions live as long as the
    world does)."""
    clients = {}
    for role, user in world.users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    return clients


def _url(route: str, kwargs: dict) -> str:
    pattern = PATTERNS[route]
    url = reverse(pattern.name, kwargs=kwargs)
    assert resolve(url).route == route, f"{url} does not reach {route}"
    return url


def _login_pages() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse("admin:login")}


def _verdict(response, user, url: str) -> str:
    """Refused, not allowed (405), or what the outsider was answered."""
    status = response.status_code
    if status in (403, 404):
        return "refused"
    if status == 405:
        return "not allowed"
    location = response.get("Location", "")
    may_not_be_here = user is None or (url.startswith("/admin/") and not user.is_staff)
    login = status in (301, 302) and urlsplit(location).path in _login_pages()
    if login and may_not_be_here:
        return "refused"
    return f"answered {status} {location}".strip()


def test_every_id_bearing_pattern_is_covered_or_allowlisted(capsys):
    neither = sorted(route for route in PATTERNS if route not in [*COVERED, *ALLOWED])
    both = sorted(route for route in CASES if route in ALLOWED)
    stale = sorted(route for route in CASES if route not in PATTERNS)
    unnamed = sorted(route for route in COVERED if not PATTERNS[route].name)
    with capsys.disabled():
        print(
            f"\nIDOR matrix: {len(PATTERNS)} id-bearing URL patterns found, "
            f"{len(COVERED)} covered by a case, {len(ALLOWED)} allowlisted "
            f"({sum(1 for e in ALLOWED.values() if e.probe)} public with a 404 "
            f"probe); {len(MATRIX)} role × pattern checks over {len(idor_world.ROLES)} "
            f"roles, {len(EXEMPT)} exempt by design, {len(PUBLIC)} public probes"
        )
    assert not neither, "URL patterns with neither an IDOR case nor an allowlist " + (
        "entry (add one to tests/otop/idor_cases.py):\n" + "\n".join(neither)
    )
    assert not both, f"patterns both covered and allowlisted: {both}"
    assert not stale, f"cases for patterns that no longer exist: {stale}"
    assert not unnamed, f"covered patterns that cannot be reversed: {unnamed}"
    assert len(COVERED) + len(ALLOWED) == len(PATTERNS)  # 100 % accounted for


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), MATRIX, ids=map(_id, MATRIX))
def test_outsiders_are_refused(clients, world, route, role):
    case, client, user = CASES[route], clients[role], world.users[role]
    failures = []
    for kwargs in case.kwargs(world):
        url = _url(route, kwargs)
        verdicts = {"GET": _verdict(client.get(url), user, url)}
        if case.post is not None or verdicts["GET"] == "not allowed":
            response = client.post(url, case.post or idor.DEFAULT_POST)
            verdicts["POST"] = _verdict(response, user, url)
        failures += [
            f"{method} {url}: {verdict}"
            for method, verdict in verdicts.items()
            if verdict.startswith("answered")
        ]
        if set(verdicts.values()) == {"not allowed"}:
            failures.append(f"{url}: 405 to every method")
    assert not failures, f"{role} reached an object outside its area:\n" + "\n".join(
        failures
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), PUBLIC, ids=map(_id, PUBLIC))
def test_public_pages_show_only_what_is_public(clients, world, route, role):
    entry, client = ALLOWED[route], clients[role]
    for kwargs in entry.probe(world):
        url = _url(route, kwargs)
        assert client.get(url).status_code == 404, url
    for kwargs in entry.public(world) if entry.public else []:
        url = _url(route, kwargs)
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [role for role in idor_world.ROLES if role != "anonymous"]
)
def test_every_role_reaches_its_own_area(clients, world, role):
    """The refusals above come from the object checks, not from broken users."""
    page = world.own_pages[role]
    assert clients[role].get(page).status_code == 200, page


ALIASES = [route for route, entry in ALLOWED.items() if "pre-1.9 alias" in entry.reason]


@pytest.mark.django_db
def test_admin_aliases_redirect_to_the_change_page_whatever_the_id(clients):
    """The allowlisted ``admin/<app>/<model>/<id>/`` aliases answer the same
    for an object that exists and for one that does not: nothing leaks."""
    assert ALIASES
    for route in ALIASES:
        url = "/" + route.replace("<path:object_id>", "999999999")
        response = clients["staff-no-perms"].get(url)
        assert response.status_code == 302, url
        assert response["Location"].endswith("/999999999/change/"), url


# Junk ids ---------------------------------------------------------------------------
# Every parameter of every pattern above (the admin's, the API's, string ids such
# as registry numbers) tried with junk by users with rights: GET and HEAD are a
# 400 or a 404 (or the refusal of a user without the right), never a 500.

JUNK = [
    pytest.param(
        route,
        marks=pytest.mark.xfail(reason=idor.JUNK_DEFECTS[route], strict=True),
    )
    if route in idor.JUNK_DEFECTS
    else route
    for route in PATTERNS
]


@pytest.fixture(scope="module")
def junk_clients(world):
    """Clients that answer a server error as its 500, not by raising it."""
    users = {**world.users, "central-staff": central_staff()}
    clients = {}
    for role in idor.JUNK_ROLES:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(users[role])
    return clients


def _junk_verdict(response, url: str, also: set[int]) -> str | None:
    """None when the junk was refused; else what it was answered."""
    status = response.status_code
    if status in (400, 403, 404) or status in also:
        return None
    location = response.get("Location", "")
    if status in (301, 302):
        where = unquote(urlsplit(location).path)
        url = unquote(url)
        if where in _login_pages():
            return None  # a user who may not be there at all
        if where == reverse("admin:index"):
            return None  # the admin's "does not exist" for a model of its own
        if where in (f"{url}/", f"{url}change/"):
            return None  # APPEND_SLASH, or the admin's alias: tried as such
    return f"answered {status} {location}".strip()


@pytest.mark.django_db
@pytest.mark.parametrize("route", JUNK)
def test_junk_ids_are_a_400_or_404_never_a_500(junk_clients, world, route):
    also = idor.JUNK_ANSWERS.get(route, (set(), ""))[0]
    failures = []
    for url in idor.junk_urls(route, world):
        for role, client in junk_clients.items():
            get, head = client.get(url), client.head(url)
            if get.status_code == 405:  # no GET here, so no HEAD: try a POST
                answers = {
                    "HEAD": None if head.status_code == 405 else "not a 405",
                    "POST": _junk_verdict(
                        client.post(url, idor.DEFAULT_POST), url, also
                    ),
                }
            else:
                answers = {
                    "GET": _junk_verdict(get, url, also),
                    "HEAD": _junk_verdict(head, url, also),
                }
            failures += [
                f"{method} {url} as {role}: {answer}"
                for method, answer in answers.items()
                if answer
            ]
    assert not failures, "junk ids not refused:\n" + "\n".join(failures)


# Ids outside the path -------------------------------------------------------------
# The matrix above walks ids in paths. These are the views that read an object id
# from the query string or the form body (found with ``grep -n "request.(GET|POST)
# .get" */*.py``); each must look the id up within what the user may see. The
# support plan page's action id is tested in tests/support/test_support_plans.py.


def _target_names(world) -> list[str]:
    pending = world.objects["pending"]
    return [pending.product.name_th, pending.product.producer.name_th]


@pytest.mark.django_db
def test_a_foreign_producer_in_the_query_string_shows_nothing(clients, world):
    client = clients["officer-other-tambon"]
    producer = world.objects["producer"].pk

    listing = client.get(reverse("products:product_list"), {"producer": producer})
    assert listing.status_code == 200
    assert list(listing.context["page"]) == []

    form = client.get(reverse("products:product_create"), {"producer": producer})
    assert form.status_code == 200
    page = form.content.decode()
    assert not any(name in page for name in _target_names(world))


@pytest.mark.django_db
def test_a_foreign_product_in_the_query_string_is_not_found(clients, world):
    for role in ("officer-other-tambon", "officer-other-tambon-staff"):
        response = clients[role].get(
            reverse("selection:nomination_new"),
            {"product": world.objects["product"].pk},
        )
        assert response.status_code == 404, role


@pytest.mark.django_db
def test_a_foreign_committee_in_the_query_string_scores_one_s_own(clients, world):
    committee, pending = world.objects["waiting_committee"], world.objects["pending"]
    member = world.users["district-member-other"]
    url = reverse("admin:selection_queuenomination_score_all")
    client = clients["district-member-other"]

    page = client.get(url, {"committee": committee.pk})
    assert page.status_code == 200
    assert page.context["committee"] != committee
    assert not any(name in page.content.decode() for name in _target_names(world))

    criteria = pending.round.criteria.filter(tier=committee.tier)
    body = {f"n{pending.pk}_c{criterion.pk}": "9" for criterion in criteria}
    client.post(url, {"committee": committee.pk, **body})
    assert not pending.sheets.filter(member=member).exists()


@pytest.mark.django_db
def test_a_foreign_ranking_entry_in_the_form_body_moves_nothing(clients, world):
    # Looked up within the page's ranking; ranking_move_entry checks again.
    entry = world.objects["district_ranking"].entries.get()
    client = clients["district-secretary-other"]

    response = client.post(
        world.own_pages["district-secretary-other"],
        {"do": "move", "entry": entry.pk, "position": 5, "justification": "probe"},
        follow=True,
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    moved = type(entry).objects.get(pk=entry.pk)
    assert (moved.position, moved.ranking_id) == (entry.position, entry.ranking_id)


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["abc", "1.5", "²", "123456789012345678901234567890"])
def test_a_junk_ranking_entry_in_the_form_body_is_a_message(clients, world, junk):
    response = clients["district-secretary-other"].post(
        world.own_pages["district-secretary-other"],
        {"do": "move", "entry": junk, "position": 1, "justification": "junk"},
        follow=True,
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
