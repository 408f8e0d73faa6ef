"""The dataset's own rows (users named ``ds-…``, their producers, the round
tagged ``[dataset]``): finding them, checking the database has room for
them, removing, counting and fingerprinting them."""

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Q

from accounts.models import User
from committees.models import (
    Committee,
    CommitteeUserObjectPermission,
    ConflictDeclaration,
    Membership,
    MembershipEvent,
)
from communities.models import (
    OfficerAssignment,
    OfficerAssignmentEvent,
    Producer,
    TambonUserObjectPermission,
)
from core.buddhist_era import to_be
from devdata.dataset.constants import TAG, USER_PREFIX
from products.models import (
    Certification,
    Product,
    ProductEvent,
    ProductImage,
    RawMaterial,
)
from registry.models import RegistryCounter, RegistryEntry, RegistryEvent
from selection.models import (
    Criterion,
    Nomination,
    NominationEvent,
    PlanStep,
    Ranking,
    RankingEntry,
    Round,
    Score,
    ScoreSheet,
    StarBand,
    TambonForum,
    TypeQuota,
)

# Reading what is there ---------------------------------------------------------------


class DatasetConflict(Exception):
    """The database holds something the dataset would collide with."""


def dataset_users() -> models.QuerySet[User]:
    return User.objects.filter(username__startswith=USER_PREFIX)


def dataset_rounds() -> models.QuerySet[Round]:
    return Round.objects.filter(title_en__endswith=TAG)


def dataset_producers() -> models.QuerySet[Producer]:
    return Producer.objects.filter(created_by__username__startswith=USER_PREFIX)


def dataset_present() -> bool:
    return dataset_users().exists() or dataset_rounds().exists()


def _check_room() -> None:
    """The dataset takes every area's committee and a whole round: it needs a
    ladder without anyone else's producers, committees or rounds."""
    own_committees = Membership.objects.filter(user__in=dataset_users())
    others = {
        "producers": Producer.objects.exclude(pk__in=dataset_producers()),
        "committees": Committee.objects.exclude(
            pk__in=own_committees.values("committee")
        ),
        "rounds": Round.objects.exclude(pk__in=dataset_rounds()),
        "registry entries": RegistryEntry.objects.exclude(
            nomination__round__in=dataset_rounds()
        ),
    }
    found = [name for name, queryset in others.items() if queryset.exists()]
    if found:
        raise DatasetConflict(
            "The database already holds "
            + ", ".join(found)
            + " not made by generate_dataset (the demo world, say). The dataset "
            "fills a whole country's ladder: run it on a database of its own "
            "(createdb …; manage.py migrate)."
        )


# Removing, describing ----------------------------------------------------------


def _purge(queryset: models.QuerySet) -> int:
    """One DELETE without Django's collector: the dataset goes wholesale,
    leaves first. (Its audit events go through ``purge()``, the one way past
    the trails' append-only guards and PostgreSQL triggers.)"""
    return queryset._raw_delete(queryset.db)


@transaction.atomic
def dataset_remove() -> None:
    """Delete the dataset's own rows, nothing else."""
    rounds = dataset_rounds()
    users = dataset_users()
    producers = dataset_producers()
    committees = list(
        Membership.objects.filter(user__in=users)
        .values_list("committee_id", flat=True)
        .distinct()
    )
    years = [to_be(y) for y in rounds.values_list("year", flat=True)]
    in_round = {"nomination__round__in": rounds}
    RegistryEvent.objects.filter(entry__nomination__round__in=rounds).purge()
    _purge(RegistryEntry.objects.filter(**in_round))
    for year_be in years:
        if not RegistryEntry.objects.filter(
            number__startswith=f"OTOP-{year_be}-"
        ).exists():
            _purge(RegistryCounter.objects.filter(year_be=year_be))
    NominationEvent.objects.filter(
        Q(nomination__round__in=rounds) | Q(ranking__round__in=rounds)
    ).purge()  # past the append-only trigger, for this statement only
    _purge(Score.objects.filter(sheet__nomination__round__in=rounds))
    _purge(ScoreSheet.objects.filter(**in_round))
    _purge(RankingEntry.objects.filter(ranking__round__in=rounds))
    for model in (
        Ranking,
        Nomination,
        TambonForum,
        Criterion,
        StarBand,
        TypeQuota,
        PlanStep,
    ):
        _purge(model.objects.filter(round__in=rounds))
    for through in (Round.eligible_standards.through, Round.eligible_types.through):
        _purge(through.objects.filter(round__in=rounds))
    _purge(rounds)
    _purge(ConflictDeclaration.objects.filter(user__in=users))
    ProductEvent.objects.filter(product__producer__in=producers).purge()
    for model in (Certification, RawMaterial, ProductImage):
        _purge(model.objects.filter(product__producer__in=producers))
    _purge(Product.objects.filter(producer__in=producers))
    _purge(producers)
    _purge(CommitteeUserObjectPermission.objects.filter(content_object__in=committees))
    MembershipEvent.objects.filter(committee__in=committees).purge()
    _purge(Membership.objects.filter(committee__in=committees))
    _purge(Committee.product_types.through.objects.filter(committee__in=committees))
    _purge(Committee.objects.filter(pk__in=committees))
    OfficerAssignmentEvent.objects.filter(assignment__user__in=users).purge()
    _purge(OfficerAssignment.objects.filter(user__in=users))
    _purge(TambonUserObjectPermission.objects.filter(user__in=users))
    users.delete()  # the collector: permissions, notifications, sessions…


def dataset_counts() -> dict[str, int]:
    """The dataset's rows, table by table."""
    rounds = dataset_rounds()
    users = dataset_users()
    producers = dataset_producers()
    committees = Committee.objects.filter(memberships__user__in=users).distinct()
    return {
        "users": users.count(),
        "committees": committees.count(),
        "memberships": Membership.objects.filter(user__in=users).count(),
        "committee grants": CommitteeUserObjectPermission.objects.filter(
            user__in=users
        ).count(),
        "officer assignments": OfficerAssignment.objects.filter(user__in=users).count(),
        "tambon grants": TambonUserObjectPermission.objects.filter(
            user__in=users
        ).count(),
        "producers": producers.count(),
        "products": Product.objects.filter(producer__in=producers).count(),
        "certifications": Certification.objects.filter(
            product__producer__in=producers
        ).count(),
        "rounds": rounds.count(),
        "criteria": Criterion.objects.filter(round__in=rounds).count(),
        "tambon forums": TambonForum.objects.filter(round__in=rounds).count(),
        "nominations": Nomination.objects.filter(round__in=rounds).count(),
        "conflict declarations": ConflictDeclaration.objects.filter(
            user__in=users
        ).count(),
        "score sheets": ScoreSheet.objects.filter(nomination__round__in=rounds).count(),
        "scores": Score.objects.filter(sheet__nomination__round__in=rounds).count(),
        "rankings": Ranking.objects.filter(round__in=rounds).count(),
        "ranking entries": RankingEntry.objects.filter(
            ranking__round__in=rounds
        ).count(),
        "ladder events": NominationEvent.objects.filter(
            Q(nomination__round__in=rounds) | Q(ranking__round__in=rounds)
        ).count(),
        "registry entries": RegistryEntry.objects.filter(
            nomination__round__in=rounds
        ).count(),
        "registry events": RegistryEvent.objects.filter(
            entry__nomination__round__in=rounds
        ).count(),
    }


def _text(value) -> str:
    """One spelling per value on every backend."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def dataset_fingerprint() -> str:
    """A SHA-256 of the dataset's content without ids: equal for two runs
    exactly when they wrote the same world."""
    digest = hashlib.sha256()

    def feed(label: str, rows: Iterable[tuple]) -> None:
        digest.update(label.encode())
        for row in sorted(tuple(_text(v) for v in row) for row in rows):
            digest.update("\x1f".join(row).encode())
            digest.update(b"\x1e")

    rounds = dataset_rounds()
    producers = dataset_producers()
    product = ("producer__tambon_id", "producer__name_th", "name_th")
    nominated = [f"product__{k}" for k in product]
    feed("users", dataset_users().values_list("username", "display_name"))
    feed(
        "producers",
        producers.values_list(
            "tambon_id",
            "name_th",
            "name_en",
            "kind",
            "registration_number",
            "phone",
            "email",
            "created_at",
        ),
    )
    feed(
        "products",
        Product.objects.filter(producer__in=producers).values_list(
            *product, "name_en", "category__code", "price", "story", "created_at"
        ),
    )
    feed(
        "certifications",
        Certification.objects.filter(product__producer__in=producers).values_list(
            *nominated, "standard__code", "number", "issued_on", "expires_on"
        ),
    )
    feed(
        "nominations",
        Nomination.objects.filter(round__in=rounds).values_list(
            *nominated,
            "round__year",
            "tier",
            "state",
            "tambon_code",
            "submitted_at",
            "provincial_score",
            "final_score",
            "stars",
            "awarded_at",
        ),
    )
    feed(
        "sheets",
        ScoreSheet.objects.filter(nomination__round__in=rounds).values_list(
            *(f"nomination__{k}" for k in nominated),
            "tier",
            "member__username",
            "total",
            "part_a",
            "part_c",
            "submitted_at",
        ),
    )
    feed(
        "scores",
        Score.objects.filter(sheet__nomination__round__in=rounds)
        .values("criterion__tier", "criterion__code")
        .annotate(count=models.Count("pk"), sum=models.Sum("points"))
        .values_list("criterion__tier", "criterion__code", "count", "sum"),
    )
    feed(
        "rankings",
        RankingEntry.objects.filter(ranking__round__in=rounds).values_list(
            "ranking__tier",
            "ranking__committee__amphoe_id",
            "ranking__committee__province_id",
            "position",
            *(f"nomination__{k}" for k in nominated),
            "mean_total",
            "sheet_count",
            "expected_sheets",
            "decision",
        ),
    )
    feed(
        "events",
        NominationEvent.objects.filter(
            Q(nomination__round__in=rounds) | Q(ranking__round__in=rounds)
        ).values_list("action", "actor__username", "at", "to_tier", "to_state", "note"),
    )
    feed(
        "registry",
        RegistryEntry.objects.filter(nomination__round__in=rounds).values_list(
            "number",
            "name_th",
            "producer_name_th",
            "tambon_code",
            "stars",
            "final_score",
            "published_at",
        ),
    )
    return digest.hexdigest()


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
