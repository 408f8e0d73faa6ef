"""The IDOR matrix's world (tests/otop/idor_cases.py, test_idor_matrix.py).

A tambon, district and province (Chiang Rai: 570101 / 5701 / 57)
where one officer, two committees and the centre took a product all the way
to the registry, and left more behind (a draft nomination, an import,
notifications; a nomination pending in a second district, 570202 / 5702, whose
ranking is still open, and a conflict declared there). Every role of the matrix is
legitimately somewhere else: Chiang Mai (500101 / 5001 / 50), or the central
committee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from accounts.models import User
from committees.models import Membership
from committees.models import Tier as CommitteeTier
from committees.services import conflict_declare
from communities.models import Amphoe, OfficerAssignment, Province, Tambon
from communities.services import assignment_grant, registration_apply
from notifications.models import Delivery, Notification
from products.models import Category, ImportJob, ProductEvent, Standard
from registry.services import registry_publish
from selection.models import NominationEvent, Ranking, RoundDocument
from selection.rounds import round_create
from selection.services import nomination_award, nomination_create, ranking_get
from tests.accounts.factories import UserFactory
from tests.selection.ladder import (
    FAR,
    TODAY,
    central_staff,
    complete_product,
    make_board,
    make_officer,
    make_round,
    rank_and_approve,
    score_all,
    submitted_nomination,
)

# The area every role is outside of, and the one the committee roles sit in.
TARGET_TAMBON, TARGET_AMPHOE, TARGET_PROVINCE = "570101", "5701", "57"
WAITING_TAMBON, WAITING_AMPHOE = "570202", "5702"  # the pending nomination's
OWN_TAMBON, OWN_TAMBON_2, OWN_AMPHOE, OWN_PROVINCE = "500101", "500203", "5001", "50"

ROLES = (
    "anonymous",
    "officer-other-tambon",
    "officer-other-tambon-staff",
    "district-member-other",
    "district-secretary-other",
    "district-chair-other",
    "province-member-other",
    "central-member",
    "staff-no-perms",
)


# The world ---------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[str, Any]
    own_pages: dict[str, str] = field(default_factory=dict)  # role → a page of theirs


def build_world() -> World:
    round_ = make_round(tambon_quota=3, amphoe_advance=1, province_advance=1)
    # The target: officer, district and province of Chiang Rai, and the centre.
    officer = make_officer(TARGET_TAMBON)
    district = make_board(CommitteeTier.AMPHOE, TARGET_AMPHOE, members=1)
    province = make_board(CommitteeTier.PROVINCE, TARGET_PROVINCE, members=1)
    central = make_board(CommitteeTier.CENTRAL, members=1)
    awarded = submitted_nomination(officer, round_, TARGET_TAMBON, "กาแฟดอยตุง")
    for board in (district, province, central):
        score_all(board, [awarded], {"A": 9, "B": 9, "C": 9})
        rank_and_approve(board, round_)
    awarded = nomination_award(actor=central.chair, nomination=awarded)
    entry = registry_publish(actor=central_staff(), nomination=awarded)
    # Waiting in a second Chiang Rai district, whose ranking is still open: no
    # nomination may join a queue whose ranking is finalized.
    waiting = make_board(CommitteeTier.AMPHOE, WAITING_AMPHOE, members=1)
    assignment_grant(
        actor=central_staff(),
        user=officer,
        tambon=Tambon.objects.get(pk=WAITING_TAMBON),
    )
    pending = submitted_nomination(officer, round_, WAITING_TAMBON, "ผ้าทอไทลื้อ")
    draft = nomination_create(
        actor=officer,
        round_=round_,
        product=complete_product(officer, TARGET_TAMBON, "ชาอู่หลง"),
    )
    conflict = conflict_declare(
        actor=waiting.members[0],
        producer=pending.product.producer,
        reason="ญาติของประธานกลุ่ม",
    )
    job = ImportJob.objects.create(
        user=officer,
        kind=ImportJob.Kind.PRODUCERS,
        filename="producers.csv",
        file="imports/producers.csv",
        total_rows=1,
    )
    registration = registration_apply(
        actor=officer, producer=pending.product.producer, applied_on=TODAY
    )
    notification = Notification.objects.filter(recipient=officer).first()
    delivery = Delivery.objects.filter(recipient=officer).first()
    assert notification is not None and delivery is not None, "no notification"

    objects = {
        "round": round_,
        "officer": officer,
        "assignment": OfficerAssignment.objects.get(user=officer, tambon=TARGET_TAMBON),
        "tambon": Tambon.objects.get(pk=TARGET_TAMBON),
        "amphoe": Amphoe.objects.get(pk=TARGET_AMPHOE),
        "province": Province.objects.get(pk=TARGET_PROVINCE),
        "region": Province.objects.get(pk=TARGET_PROVINCE).region,
        "producer": pending.product.producer,
        "registration": registration,
        "product": pending.product,
        "awarded": awarded,
        "pending": pending,
        "draft": draft,
        "entry": entry,
        "import_job": job,
        "notification": notification,
        "delivery": delivery,
        "conflict": conflict,
        "district_committee": district.committee,
        "waiting_committee": waiting.committee,  # pending's queue
        "province_committee": province.committee,
        "membership": Membership.objects.filter(committee=district.committee).first(),
        "district_ranking": Ranking.objects.get(
            committee=district.committee, round=round_
        ),
        "province_ranking": Ranking.objects.get(
            committee=province.committee, round=round_
        ),
        "event": NominationEvent.objects.filter(nomination=pending).first(),
        "product_event": ProductEvent.objects.filter(product=pending.product).first(),
        "category": Category.objects.filter(parent__isnull=False).first(),
        "standard": Standard.objects.first(),
        "group": Group.objects.create(name="idor-registrars"),
    }
    objects.update(_third_party_rows())
    objects.update(_round_documents(round_))

    # The roles: each legitimately somewhere else.
    own_officer = make_officer(OWN_TAMBON)
    own_product = complete_product(own_officer, OWN_TAMBON, "ข้าวแต๋น")
    staff_officer = make_officer(OWN_TAMBON_2)
    User.objects.filter(pk=staff_officer.pk).update(is_staff=True)
    own_district = make_board(CommitteeTier.AMPHOE, OWN_AMPHOE, members=1)
    own_province = make_board(CommitteeTier.PROVINCE, OWN_PROVINCE, members=1)
    users = {
        "anonymous": None,
        "officer-other-tambon": own_officer,
        "officer-other-tambon-staff": User.objects.get(pk=staff_officer.pk),
        "district-member-other": own_district.members[0],
        "district-secretary-other": own_district.secretary,
        "district-chair-other": own_district.chair,
        "province-member-other": own_province.members[0],
        "central-member": central.members[0],
        "staff-no-perms": UserFactory(username="staff-no-perms", is_staff=True),
    }
    own_ranking = ranking_get(committee=own_district.committee, round_=round_)
    own_ranking_url = f"/admin/selection/ranking/{own_ranking.pk}/"
    own_pages = {
        "officer-other-tambon": f"/officer/products/{own_product.pk}/",
        "officer-other-tambon-staff": f"/officer/nominations/forum/{OWN_TAMBON_2}/",
        "district-member-other": f"/committees/{own_district.committee.pk}/",
        "district-secretary-other": f"{own_ranking_url}change/",
        "district-chair-other": f"{own_ranking_url}print/",
        "province-member-other": f"/committees/{own_province.committee.pk}/",
        "central-member": f"/committees/{central.committee.pk}/",
        "staff-no-perms": "/admin/",
    }
    return World(users=users, objects=objects, own_pages=own_pages)


def _round_documents(open_round) -> dict[str, Any]:
    """A document of the open round, and a draft round (not public) with its
    own document."""
    draft = round_create(
        actor=central_staff(),
        year=TODAY.year + 1,
        title_th=f"การคัดสรร OTOP ปี {TODAY.year + 544}",
        tambon_deadline=FAR,
        amphoe_deadline=FAR,
        province_deadline=FAR,
        central_deadline=FAR,
    )

    def document(round_, title):
        return RoundDocument.objects.create(
            round=round_,
            kind=RoundDocument.Kind.POLICY,
            title_th=title,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="policy.pdf"),
        )

    return {
        "draft_round": draft,
        "document": document(open_round, "นโยบาย OTOP"),
        "draft_document": document(draft, "ร่างนโยบาย"),
    }


def _third_party_rows() -> dict[str, Any]:
    """Rows for third-party admins that are installed (django-axes)."""
    rows: dict[str, Any] = {}
    registered = {model._meta.label_lower: model for model in admin.site._registry}
    common = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "203.0.113.7",
        "username": f"officer-{TARGET_TAMBON}",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    if model := registered.get("axes.accessattempt"):
        rows["axes.accessattempt"] = model.objects.create(
            **common, get_data="", post_data="", failures_since_start=3
        )
    if model := registered.get("axes.accesslog"):
        rows["axes.accesslog"] = model.objects.create(**common)
    if model := registered.get("axes.accessfailurelog"):
        rows["axes.accessfailurelog"] = model.objects.create(**common)
    return rows
