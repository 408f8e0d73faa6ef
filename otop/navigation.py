"""Who the signed-in user is to the portal, for the menu and for the page
they land on after logging in: the menu shows only what the user can do
(each item is the check its pages make), and login takes each role to its
own work page."""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Exists, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from committees.permissions import committees_for
from communities.selectors import tambons_managed_by
from selection.selectors import CENTRAL_STAFF_PERMISSIONS


@dataclass(frozen=True)
class Roles:
    officer: bool = False  # assigned to a tambon: /officer/
    member: bool = False  # sits on a committee now: /committees/
    central: bool = False  # central staff: every committee, the national report
    staff: bool = False  # may open the admin

    @property
    def committee_work(self) -> bool:
        """The dashboard and the support plans: central staff and members."""
        return self.central or self.member


def roles_of(user: User) -> Roles:
    """One query for the whole menu."""
    if not (user.is_authenticated and user.is_active):
        return Roles()
    checks = {"member": Exists(committees_for(user, "view_committee"))}
    # A superuser may open every tambon, which does not make an officer.
    if not user.is_superuser:
        checks["officer"] = Exists(tambons_managed_by(user))
        checks["central"] = Exists(_global_permissions(user, CENTRAL_STAFF_PERMISSIONS))
    flags = User.objects.filter(pk=user.pk).values(**checks).first() or {}
    return Roles(
        officer=bool(flags.get("officer")),
        member=bool(flags.get("member")),
        central=user.is_superuser or bool(flags.get("central")),
        staff=user.is_staff,
    )


def _global_permissions(user: User, perms) -> QuerySet[Permission]:
    """``user``'s global permissions among ``perms`` ("app.codename"), their
    own or their groups', as Django's ModelBackend reads them for has_perm
    (selection.selectors.is_central_staff), in a subquery."""
    wanted = Q()
    for perm in perms:
        app_label, codename = perm.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(wanted).filter(Q(user=user) | Q(group__user=user))


def work_page(user: User) -> str:
    """Where ``user`` lands after logging in: central staff in the admin
    (rounds, committees, publication), committee members on their
    committees, officers on their tambons, anyone else on the home page."""
    roles = roles_of(user)
    if roles.central:
        return reverse("admin:index") if roles.staff else reverse("dashboard:index")
    if roles.member:
        return reverse("committees:my_committees")
    if roles.officer:
        return reverse("officer_dashboard")
    return reverse("home")


def menu(request: HttpRequest) -> dict:
    """Context processor: ``nav``, the user's roles, asked only when a page
    draws the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": Roles()}
    return {"nav": SimpleLazyObject(lambda: roles_of(user))}
