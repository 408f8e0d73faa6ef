"""Bulk appointment of committee members from CSV/XLSX (django-import-export).

Columns: ``committee`` (``amphoe:5001``, ``province:50`` or ``central``),
``username``, ``role`` (chair/secretary/member/observer, or the Thai words),
``term_start`` and ``term_end`` (dd/mm/yyyy in B.E. or C.E., or yyyy-mm-dd).
Each row goes through the membership services, so grants and the audit trail
are written as for a single appointment; the import runs in one transaction
that is rolled back if any row is invalid, and every bad row is listed. The
upload itself (size, content, XLSX bomb guard, ``max_rows``) is checked by
``core.uploads.SafeImportForm`` before this resource sees it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from accounts.models import User
from committees.models import Committee, Kind, Membership, Role
from committees.services import membership_change_role, membership_grant
from core import tiers
from core.forms import BuddhistEraDateField
from core.uploads import check_row_count
from core.workflow import InvalidTransition, refusal_text

ROLE_WORDS = {
    "ประธาน": Role.CHAIR,
    "เลขานุการ": Role.SECRETARY,
    "กรรมการ": Role.MEMBER,
    "ผู้สังเกตการณ์": Role.OBSERVER,
}


class CommitteeWidget(widgets.Widget):
    """``amphoe:5001`` → the active district committee of amphoe 5001;
    ``central`` the national committee, ``central:<kind>`` a standing
    subcommittee, ``central:grading:<type code>`` the grading subcommittee
    given that product type."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        tier, _sep, code = text.partition(":")
        info = tiers.BY_CODE.get(tier)
        if info is None or not info.has_committee:
            lookup = None
        elif info.committee_area is None:
            kind, _sep, type_code = code.partition(":")
            lookup = {"kind": kind or Kind.MAIN}
            if kind == Kind.GRADING:
                lookup["product_types__code"] = type_code.upper()
        else:
            lookup = {info.committee_area: code}
        if lookup is None or (info.committee_area and not code):
            raise ValueError(
                _(
                    "Write the committee as amphoe:<code>, province:<code>, "
                    "central, central:<kind> or central:grading:<product type>."
                )
            )
        committee = Committee.objects.filter(
            tier=tier, is_active=True, **lookup
        ).first()
        if committee is None:
            raise ValueError(_("No active committee for %(text)s.") % {"text": text})
        return committee

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if value.kind == Kind.GRADING:
            first = value.product_types.order_by("order", "code").first()
            return f"{value.tier}:{value.kind}:{first.code if first else ''}"
        if value.is_subcommittee:
            return f"{value.tier}:{value.kind}"
        return f"{value.tier}:{value.area_code}" if value.area_code else value.tier


class UsernameWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(User, field="username")

    def clean(self, value, row=None, **kwargs):
        if not str(value or "").strip():
            raise ValueError(_("This field is required."))
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except User.DoesNotExist:
            raise ValueError(
                _("No user named %(name)s.") % {"name": str(value).strip()}
            ) from None


class RoleWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        role = ROLE_WORDS.get(text, text.lower())
        if role not in Role.values:
            raise ValueError(
                _("Unknown role %(role)s; use chair, secretary, member or observer.")
                % {"role": text}
            )
        return role


class BuddhistEraDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return BuddhistEraDateField().clean(str(value))
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MembershipResource(resources.ModelResource):
    committee = fields.Field(
        attribute="committee", column_name="committee", widget=CommitteeWidget()
    )
    username = fields.Field(
        attribute="user", column_name="username", widget=UsernameWidget()
    )
    role = fields.Field(attribute="role", column_name="role", widget=RoleWidget())
    term_start = fields.Field(
        attribute="term_start", column_name="term_start", widget=BuddhistEraDateWidget()
    )
    term_end = fields.Field(
        attribute="term_end", column_name="term_end", widget=BuddhistEraDateWidget()
    )

    class Meta:
        model = Membership
        fields = ("committee", "username", "role", "term_start", "term_end")
        use_transactions = True

    def get_instance(self, instance_loader, row):
        # Every row is checked field by field (so each bad cell is reported with
        # its column); save_instance then finds the member's open membership.
        return None

    # Each row goes through the membership services one by one: a cap far
    # below the product import's keeps one file to a few seconds.
    max_rows = 2000

    def import_data(self, dataset, *args, **kwargs):
        # The admin's form (core.uploads.SafeImportForm) refuses a longer file
        # with a clear message first; this guards any other caller.
        check_row_count(len(dataset), self.max_rows)
        # All or nothing: any invalid row rolls the whole file back.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        actor = kwargs.get("user")
        current = Membership.objects.filter(
            user=instance.user, committee=instance.committee, revoked_at__isnull=True
        ).first()
        try:
            if current is None:
                saved = membership_grant(
                    actor=actor,
                    user=instance.user,
                    committee=instance.committee,
                    role=instance.role,
                    term_start=instance.term_start,
                    term_end=instance.term_end,
                )
            else:
                saved = membership_change_role(
                    actor=actor, membership=current, role=instance.role
                )
        except (InvalidTransition, PermissionDenied) as refusal:
            # Reported on the row, like every other bad value in the file.
            raise ValidationError(refusal_text(refusal)) from refusal
        instance.pk = saved.pk
