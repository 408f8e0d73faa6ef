"""The IDOR matrix's world and cases (tests/otop/test_idor_matrix.py).

The world: a tambon, district and province (Chiang Rai: 570101 / 5701 / 57)
where one officer, two committees and the centre took a product all the way
to the registry, and left more behind (a draft nomination, an import,
notifications; a nomination pending in a second district, 570202 / 5702, whose
ranking is still open, and a conflict declared there). Every role of the matrix is
legitimately somewhere else: Chiang Mai (500101 / 5001 / 50), or the central
committee, whose area is the whole country but whose rights stop at its own
tier (a case lists the roles it exempts by design, with the reason).

A *case* says, for one id-bearing URL pattern, which URL kwargs reach an
object of that world. The *allowlist* names the patterns whose parameter is
not an object a role may lack a right to, each with its reason; public pages
carry a *probe*: kwargs of something not public, which must be a 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from core.buddhist_era import to_be
from tests.otop.idor_world import (
    TARGET_TAMBON,
    World,
)

# What a POST carries: enough for the view's own action to go ahead (a reason,
# an answer, a delete confirmation) if the object check were missing.
DEFAULT_POST = {
    "post": "yes",
    "reason": "IDOR probe",
    "response": "IDOR probe",
    "note": "IDOR probe",
    "justification": "IDOR probe",
}


# Walking the URL resolver --------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route spells it
    name: str  # "namespace:name", or "" for an unnamed pattern
    params: tuple[str, ...]


def _join(route1: str, route2: str) -> str:
    """Django's URLResolver._join_route: a nested regex loses its caret."""
    if not route1:
        return route2
    return route1 + route2.removeprefix("^")


def _walk(patterns, prefix: str, namespace: str, params: tuple[str, ...]):
    for pattern in patterns:
        route = _join(prefix, str(pattern.pattern))
        groups = (*params, *pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = _qualified(namespace, pattern.namespace) or namespace
            yield from _walk(pattern.url_patterns, route, inner, groups)
        elif isinstance(pattern, URLPattern) and groups:
            name = _qualified(namespace, pattern.name)
            yield Pattern(route=route, name=name, params=groups)


def _qualified(namespace: str, name: str | None) -> str:
    if not name:
        return ""
    return f"{namespace}:{name}" if namespace else name


def id_bearing_patterns() -> list[Pattern]:
    """Every URL pattern with a converter or a named group, includes and the
    admin and the API included."""
    found: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver().url_patterns, "", "", ()):
        found.setdefault(pattern.route, pattern)  # the first one wins, as in resolve
    return list(found.values())


# Cases ---------------------------------------------------------------------------


Kwargs = Callable[[World], list[dict]]


def _pk(key: str, name: str = "pk") -> Kwargs:
    return lambda world: [{name: world.objects[key].pk}]


def _pks(*keys: str, name: str = "pk") -> Kwargs:
    return lambda world: [{name: world.objects[key].pk} for key in keys]


@dataclass(frozen=True)
class Case:
    """``post``: what to POST, for views that act on a POST; ``None`` for
    views that answer every method alike (a GET is the check), though a GET
    answered 405 is always followed by a POST of ``DEFAULT_POST``."""

    kwargs: Kwargs  # URL kwargs of objects outside every role's area
    post: dict | None = None
    exempt: dict[str, str] = field(default_factory=dict)  # role → why it may see


def _on_site(world: World) -> list[dict]:
    return [
        {
            "content_type_id": ContentType.objects.get_for_model(obj).pk,
            "object_id": obj.pk,
        }
        for obj in (world.objects[k] for k in ("product", "entry", "officer"))
    ]


def _year(world: World, key: str = "round") -> int:
    return to_be(world.objects[key].year)


def _rankings(extra: dict | None = None) -> Kwargs:
    def kwargs(world: World) -> list[dict]:
        return [
            {"object_id": world.objects[key].pk, **(extra or {})}
            for key in ("district_ranking", "province_ranking")
        ]

    return kwargs


def _rankings_by_committee(extra: dict | None = None) -> Kwargs:
    """A committee's ranking by round and committee: stored (the district's
    and the province's) or not started (the waiting district's)."""

    def kwargs(world: World) -> list[dict]:
        return [
            {
                "round_id": world.objects["round"].pk,
                "committee_id": world.objects[key].pk,
                **(extra or {}),
            }
            for key in ("district_committee", "waiting_committee", "province_committee")
        ]

    return kwargs


RANKING_OF = (
    "admin/selection/ranking/round/<int:round_id>/committee/<int:committee_id>/"
)

# The portal's own pages and the admin's custom pages, by route.
CASES: dict[str, Case] = {
    "officer/producers/<int:pk>/edit/": Case(_pk("producer"), post=DEFAULT_POST),
    "officer/producers/<int:pk>/registration/<slug:move>/": Case(
        lambda world: [
            {"pk": world.objects["producer"].pk, "move": move}
            for move in ("apply", "approve", "renew", "mark_renewal_due", "cancel")
        ],
        post={**DEFAULT_POST, "number": "IDOR-1", "applied_on": "01/12/2569"},
    ),
    "officer/imports/<int:pk>/": Case(_pk("import_job")),
    "officer/imports/<int:pk>/confirm/": Case(_pk("import_job")),
    "officer/imports/<int:pk>/cancel/": Case(_pk("import_job")),
    "officer/products/<int:pk>/": Case(_pk("product")),
    "officer/products/<int:pk>/edit/": Case(_pk("product"), post=DEFAULT_POST),
    "officer/nominations/forum/<str:tambon_code>/": Case(
        lambda world: [{"tambon_code": TARGET_TAMBON}], post=DEFAULT_POST
    ),
    "officer/nominations/<int:pk>/": Case(_pks("draft", "pending", "awarded")),
    "officer/nominations/<int:pk>/submit/": Case(_pk("draft")),
    "officer/nominations/<int:pk>/resubmit/": Case(_pk("pending")),
    "officer/nominations/<int:pk>/withdraw/": Case(_pks("draft", "pending")),
    "committees/<int:pk>/": Case(_pks("district_committee", "province_committee")),
    "inbox/<int:pk>/open/": Case(_pk("notification")),
    "admin/r/<path:content_type_id>/<path:object_id>/": Case(_on_site),
    "admin/accounts/user/<id>/password/": Case(
        _pk("officer", name="id"),
        post={"password1": "IDOR probe 42!", "password2": "IDOR probe 42!"},
    ),
    "admin/selection/queuenomination/<path:object_id>/score/": Case(
        _pk("pending", name="object_id"), post=DEFAULT_POST
    ),
    "admin/selection/ranking/<path:object_id>/export.<str:fmt>": Case(
        _rankings({"fmt": "csv"})
    ),
    "admin/selection/ranking/<path:object_id>/print/": Case(_rankings()),
    "admin/selection/ranking/<path:object_id>/award/": Case(
        _rankings(), post=DEFAULT_POST
    ),
    RANKING_OF: Case(_rankings_by_committee(), post={**DEFAULT_POST, "do": "finalize"}),
    f"{RANKING_OF}export.<str:fmt>": Case(_rankings_by_committee({"fmt": "csv"})),
    f"{RANKING_OF}print/": Case(_rankings_by_committee()),
    "admin/registry/registryentry/<path:object_id>/revoke/": Case(
        _pk("entry", name="object_id"), post=DEFAULT_POST
    ),
    # Support plans (#10).
    "plans/<int:year>/<int:committee_id>/": Case(
        lambda world: [
            {"year": _year(world), "committee_id": world.objects[key].pk}
            for key in ("district_committee", "province_committee")
        ],
        exempt={
            "central-member": "members of a central committee see every plan "
            "(support.budget.budget_committees_visible_to)",
        },
    ),
    "admin/selection/ranking/<path:object_id>/plan/": Case(
        _rankings(), post=DEFAULT_POST
    ),
    # The national report: central staff only (#10).
    "reports/<int:year>/": Case(lambda world: [{"year": _year(world)}]),
    "reports/<int:year>/national.xlsx": Case(lambda world: [{"year": _year(world)}]),
}

# Every registered admin model: the object its change, delete and history
# pages are tried on. A model missing here leaves its pages uncovered.
ADMIN_OBJECTS: dict[str, tuple[str, ...]] = {
    "auth.group": ("group",),
    "accounts.user": ("officer",),
    "communities.region": ("region",),
    "communities.province": ("province",),
    "communities.amphoe": ("amphoe",),
    "communities.tambon": ("tambon",),
    "communities.officerassignment": ("assignment",),
    "communities.producer": ("producer",),
    "communities.producerregistration": ("registration",),
    "products.category": ("category",),
    "products.standard": ("standard",),
    "products.product": ("product",),
    "products.importjob": ("import_job",),
    "products.productevent": ("product_event",),
    "committees.committee": ("district_committee", "province_committee"),
    "committees.membership": ("membership",),
    "committees.conflictdeclaration": ("conflict",),
    "selection.round": ("round",),
    "selection.queuenomination": ("pending",),
    "selection.ranking": ("district_ranking", "province_ranking"),
    "selection.nominationevent": ("event",),
    "notifications.delivery": ("delivery",),
    "notifications.notification": ("notification",),
    "registry.registryentry": ("entry",),
    "axes.accessattempt": ("axes.accessattempt",),
    "axes.accesslog": ("axes.accesslog",),
    "axes.accessfailurelog": ("axes.accessfailurelog",),
}
# The history page answers a POST as a GET.
ADMIN_PAGES = {"change": DEFAULT_POST, "delete": DEFAULT_POST, "history": None}
# Where the default POST would be harmless whatever the check: say what to do.
ADMIN_POST = {
    "selection.ranking": {**DEFAULT_POST, "do": "finalize"},
}
# A central committee member's area is the whole country: the audit trail's
# selector (events_visible_to) shows them every event, by design.
ADMIN_EXEMPT = {
    "selection.nominationevent": {
        "central-member": "the central committee's area is the whole country "
        "(selection.selectors.events_visible_to)",
    },
}


def _admin_kwargs(label: str) -> Kwargs:
    def kwargs(world: World) -> list[dict]:
        return [{"object_id": world.objects[key].pk} for key in ADMIN_OBJECTS[label]]

    return kwargs


def admin_cases() -> dict[str, Case]:
    cases = {}
    for model in admin.site._registry:
        opts = model._meta
        if opts.label_lower not in ADMIN_OBJECTS:
            continue
        for page, post in ADMIN_PAGES.items():
            route = f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/{page}/"
            if post is not None:
                post = ADMIN_POST.get(opts.label_lower, post)
            # Seeing is not deleting: the delete page is checked for every role.
            exempt = {} if page == "delete" else ADMIN_EXEMPT.get(opts.label_lower, {})
            cases[route] = Case(
                _admin_kwargs(opts.label_lower), post=post, exempt=exempt
            )
    return cases


def all_cases() -> dict[str, Case]:
    return {**admin_cases(), **CASES}


# The allowlist -------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    route: str  # a regular expression over the route
    reason: str
    probe: Kwargs | None = None  # kwargs of something not public: a 404 for all
    public: Kwargs | None = None  # kwargs of something public: a 200 for all

    def matches(self, route: str) -> bool:
        return re.fullmatch(self.route, route) is not None


UNKNOWN_NUMBER = "OTOP-2500-99-999999"  # never issued (the year is before OTOP)


def _unknown_number(world: World) -> list[dict]:
    return [{"number": UNKNOWN_NUMBER}, {"number": "not-a-number"}]


def _entry_number(world: World) -> list[dict]:
    return [{"number": world.objects["entry"].number}]


ALLOWLIST: tuple[Allowed, ...] = (
    Allowed(
        re.escape("accounts/reset/<uidb64>/<token>/"),
        "password-reset link: the signed token is the credential (Django's own check)",
    ),
    Allowed(
        re.escape(r"^officer/producers/export\.(?P<fmt>csv|xlsx)$"),
        "file format only; the rows are the user's own tambons' producers",
    ),
    Allowed(
        re.escape(r"officer/products/export\.(?P<fmt>csv|xlsx)$"),
        "file format only; the rows are the user's own tambons' products",
    ),
    Allowed(
        re.escape(r"officer/imports/template/(?P<kind>producers|products)\.csv$"),
        "an empty import template (producers or products), no data",
    ),
    Allowed(
        re.escape("dashboard/<slug:chart>.csv"),
        "a chart name from a fixed list; figures scoped to the user's own areas",
    ),
    Allowed(
        re.escape(r"registry/export\.(?P<fmt>csv|xlsx)$"),
        "file format only; the public registry's listed entries",
    ),
    Allowed(
        re.escape("registry/<str:number>/"),
        "the public registry: an entry's page is open to anyone",
        probe=_unknown_number,
        public=_entry_number,
    ),
    Allowed(
        re.escape("registry/<str:number>/certificate/"),
        "the public registry: an entry's printable certificate is open to anyone",
        probe=_unknown_number,
        public=_entry_number,
    ),
    Allowed(
        re.escape("api/registry/<number>/"),
        "the public registry API: anonymous and read-only by design",
        probe=_unknown_number,
        public=_entry_number,
    ),
    Allowed(
        re.escape(r"plans/budget/export\.(?P<fmt>csv|xlsx)$"),
        "file format only; the rows are the plans of the user's own committees",
    ),
    Allowed(
        re.escape("rounds/<int:year>/"),
        "the public round page (criteria, bands, deadlines); drafts are private",
        probe=lambda world: [{"year": _year(world, "draft_round")}, {"year": 2400}],
        public=lambda world: [{"year": _year(world)}],
    ),
    Allowed(
        re.escape("rounds/<int:year>/documents/<int:pk>/"),
        "a public round's policy documents; a draft round's stay private",
        probe=lambda world: [
            {
                "year": _year(world, "draft_round"),
                "pk": world.objects["draft_document"].pk,
            },
            {"year": _year(world), "pk": world.objects["draft_document"].pk},
        ],
        public=lambda world: [
            {"year": _year(world), "pk": world.objects["document"].pk}
        ],
    ),
    Allowed(
        r"admin/\^?\(\?P<app_label>.*\)/\$",
        "an admin app's index: lists only the models the user may see",
    ),
    Allowed(
        re.escape("admin/(?P<url>.*)$"),
        "the admin's catch-all: a 404 or a slash redirect, no object",
    ),
    Allowed(
        r"admin/[a-z_]+/[a-z_]+/<path:object_id>/",
        "Django's pre-1.9 alias: redirects to <id>/change/ without reading the "
        "database; that change page is in the matrix",
    ),
)


def allowed_for(route: str) -> Allowed | None:
    return next((entry for entry in ALLOWLIST if entry.matches(route)), None)


# Junk ids ------------------------------------------------------------------------
# Every parameter of every id-bearing pattern (string ids such as registry
# numbers too) gets each of these, as percent-encoded in the URL ("%00" is a
# NUL), from users with rights in general: the answer is a 400 or a 404, or the
# refusal of a user without the right (403, the login page), never a 500.

# "²" passes str.isdigit() but not int(). (Thai "๕" is not junk: Django reads
# it as 5, the same object under the same checks.)
JUNK_IDS = ("abc", "1.5", "-1", "123456789012345678901234567890", "%00", "²")
JUNK_ROLES = (
    "central-staff",  # a superuser: every admin page
    "central-member",
    "district-member-other",
    "officer-other-tambon-staff",  # an officer who may enter the admin
)

# Other answers that are right for junk, by route, with the reason.
JUNK_ANSWERS: dict[str, tuple[set[int], str]] = {
    "accounts/reset/<uidb64>/<token>/": (
        {200},
        "Django's PasswordResetConfirmView answers a bad link with its own "
        "'invalid link' page",
    ),
}

# Junk answered wrongly by code outside tests/otop: the route's junk test is
# an expected failure (strict, so that it fails once fixed: drop the entry).
JUNK_DEFECTS: dict[str, str] = {}

_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()\\]|\\.)*)\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")


def junk_urls(route: str, world: World) -> list[str]:
    """The route's URLs with one parameter junk at a time, the others as in
    the route's case or allowlist entry (else a plausible value)."""
    known = _known_kwargs(route, world)
    defaults = {m["name"]: m["body"].split("|")[0] for m in _GROUP.finditer(route)}
    params = [m["name"] for m in (*_GROUP.finditer(route), *_CONVERTER.finditer(route))]
    urls = []
    for param in params:
        for junk in JUNK_IDS:
            values = {
                name: quote(str(known.get(name, defaults.get(name, "1"))), safe="")
                for name in params
            }
            values[param] = junk
            urls.append(_fill(route, values))
    return urls


def _known_kwargs(route: str, world: World) -> dict:
    case = all_cases().get(route)
    if case is not None:
        return case.kwargs(world)[0]
    entry = allowed_for(route)
    for kwargs in (entry.public, entry.probe) if entry else ():
        if kwargs is not None:
            return kwargs(world)[0]
    return {}


def _fill(route: str, values: dict[str, str]) -> str:
    url = _GROUP.sub(lambda m: values[m["name"]], route)
    url = _CONVERTER.sub(lambda m: values[m["name"]], url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".")
