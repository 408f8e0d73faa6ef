"""Who waits for which committee, and who sees what: the committee that ranks
or scores a nomination, the committee queues (one query each), the admin's
queue annotated for its columns, and the trail a user may read."""

from django.db.models import (
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import get_language

from accounts.models import User
from committees.models import (
    Committee,
    CommitteeUserObjectPermission,
    Kind,
    Membership,
)
from committees.permissions import committees_for
from committees.selectors import central_scorers_for, conflicts_for, subcommittee_types
from communities.models import Amphoe, Province, Tambon
from core import tiers
from core.tiers import COMMITTEE_TIERS, NATIONAL_TIERS, committee_area
from selection.models import (
    Nomination,
    NominationEvent,
    Round,
    ScoreSheet,
)

State = Nomination.State


# The committee of a nomination, and its queue ----------------------------------------


def committee_for(nomination: Nomination, tier: str | None = None) -> Committee | None:
    """The active committee of the nomination's tier (or of ``tier``) and
    area, which ranks it (at the centre the national committee, whoever
    scores)."""
    tier = tier or nomination.tier
    area = committee_area(tier, nomination)
    if area is None:
        return None
    return Committee.objects.filter(
        tier=tier, is_active=True, kind=Kind.MAIN, **area
    ).first()


def scoring_committee_for(nomination: Nomination) -> Committee | None:
    """The committee whose members score the nomination: committee_for, except
    at the centre, where a subcommittee given its product type scores it."""
    if nomination.tier not in NATIONAL_TIERS:
        return committee_for(nomination)
    return central_scorers_for(nomination.category_id).first()


def ranking_queue_for(committee: Committee, round_: Round) -> QuerySet[Nomination]:
    """The nominations ``committee`` ranks in ``round_``: everything waiting at
    its tier in its area (one query)."""
    queryset = Nomination.objects.filter(
        round=round_, tier=committee.tier, state=State.PENDING
    )
    return queryset.filter(**tiers.nomination_area(committee.tier, committee))


def queue_for(committee: Committee, round_: Round) -> QuerySet[Nomination]:
    """The nominations waiting for ``committee`` to score in ``round_`` (one
    query): its ranking queue, except at the centre, where a subcommittee
    scores its product types and the national committee the other types."""
    queryset = ranking_queue_for(committee, round_)
    if committee.tier not in NATIONAL_TIERS:
        return queryset
    if committee.is_subcommittee:
        return queryset.filter(category__in=committee.product_types.values("pk"))
    return queryset.exclude(category__in=subcommittee_types())


# What a member sees ------------------------------------------------------------------


# Either global permission makes central staff.
CENTRAL_STAFF_PERMISSIONS = ("selection.manage_round", "committees.view_committee")


def is_central_staff(user: User) -> bool:
    """Central staff see every committee's work (read-only where they are not
    members)."""
    return any(user.has_perm(perm) for perm in CENTRAL_STAFF_PERMISSIONS)


def member_committees(user: User) -> QuerySet[Committee]:
    """Active committees where ``user`` scores or sits (one query, a subquery)."""
    return Committee.objects.filter(
        Q(pk__in=committees_for(user, "score_in").values("pk"))
        | Q(pk__in=committees_for(user, "view_committee").values("pk"))
    )


def _area_of(committees: QuerySet[Committee], tier: str, field: str) -> Q:
    """Nominations whose ``field`` names the area of one of ``committees`` at
    ``tier``."""
    area = tiers.BY_CODE[tier].committee_area
    return Q(**{f"{field}__in": committees.filter(tier=tier).values(area)})


def _central_scope(committees: QuerySet[Committee], prefix: str = "") -> Q:
    """Central nominations a member of ``committees`` sees: all of them for the
    national committee, their product types for a subcommittee."""
    central = committees.filter(tier__in=NATIONAL_TIERS)
    return Q(Exists(central.filter(kind=Kind.MAIN))) | Q(
        Exists(central.filter(product_types=OuterRef(f"{prefix}category")))
    )


def _name_field() -> str:
    return "name_en" if get_language() == "en" else "name_th"


def nomination_queue_for(
    *, user: User, model: type[Nomination] = Nomination
) -> QuerySet[Nomination]:
    """The nominations waiting for the committees ``user`` sits on (every
    committee tier at once, open rounds only), annotated with what the queue
    shows so the list costs the same number of queries for any length."""
    return annotate_queue(queue_scope(user=user, model=model), user=user)


def queue_scope(
    *, user: User, model: type[Nomination] = Nomination
) -> QuerySet[Nomination]:
    """nomination_queue_for without its columns: the rows only (for counts
    and the filters' choices). The user's committees are read first (one
    query) and their areas written into the filter as values, so the queue's
    query is a plain indexed filter, not a nest of permission subqueries."""
    queryset = model.objects.filter(
        state=State.PENDING,
        round__status=Round.Status.OPEN,
        tier__in=COMMITTEE_TIERS,
    )
    if is_central_staff(user):
        return queryset
    return queryset.filter(_member_scope(user))


def _member_scope(user: User) -> Q:
    """The nominations at each tier in the areas of the user's committees
    (member_committees, read in one query); at the centre all of them for a
    national committee member, a subcommittee's product types otherwise."""
    areas: dict[str, set] = {tier: set() for tier in tiers.nomination_areas()}
    fields = sorted({tiers.BY_CODE[tier].committee_area for tier in areas})
    national, types = False, set()
    for tier, kind, category, *codes in member_committees(user).values_list(
        "tier", "kind", "product_types", *fields
    ):
        if tier in NATIONAL_TIERS:
            national = national or kind == Kind.MAIN
            if category is not None:
                types.add(category)
        elif tier in areas:
            area = dict(zip(fields, codes, strict=True))
            areas[tier].add(area[tiers.BY_CODE[tier].committee_area])
    visible = Q(pk__in=[])
    if national:
        visible |= Q(tier__in=NATIONAL_TIERS)
    elif types:
        visible |= Q(tier__in=NATIONAL_TIERS, category__in=sorted(types))
    for tier, field in tiers.nomination_areas().items():
        if areas[tier]:
            visible |= Q(tier=tier, **{f"{field}__in": sorted(areas[tier])})
    return visible


def _aggregate(function: str, field: str) -> Func:
    """An aggregate over a whole correlated subquery (no GROUP BY)."""
    return Func(F(field), function=function)


def annotate_queue(queryset: QuerySet[Nomination], *, user: User):
    name = _name_field()
    current_sheets = ScoreSheet.objects.filter(
        nomination=OuterRef("pk"), tier=OuterRef("tier")
    )
    submitted = current_sheets.filter(status=ScoreSheet.Status.SUBMITTED)
    mine = current_sheets.filter(member=user)
    scorers = (
        CommitteeUserObjectPermission.objects.filter(
            permission__codename="score_in",
            content_object__is_active=True,
            content_object__tier=OuterRef("tier"),
        )
        .filter(_scorers_area())
        .filter(
            Exists(
                Membership.objects.current().filter(
                    user=OuterRef("user"), committee=OuterRef("content_object")
                )
            )
        )
    )
    decimal = DecimalField(max_digits=6, decimal_places=2)
    return queryset.select_related("product__producer", "category").annotate(
        tambon_name=Subquery(
            Tambon.objects.filter(code=OuterRef("tambon_code")).values(name)[:1]
        ),
        amphoe_name=Subquery(
            Amphoe.objects.filter(code=OuterRef("amphoe_code")).values(name)[:1]
        ),
        province_name=Subquery(
            Province.objects.filter(code=OuterRef("province_code")).values(name)[:1]
        ),
        my_total=Subquery(mine.values("total")[:1], output_field=decimal),
        my_status=Subquery(mine.values("status")[:1]),
        mean_total=Subquery(
            submitted.annotate(mean=_aggregate("AVG", "total")).values("mean")[:1],
            output_field=decimal,
        ),
        sheets_submitted=Subquery(
            submitted.annotate(n=_aggregate("COUNT", "pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        sheets_expected=Subquery(
            scorers.annotate(n=_aggregate("COUNT", "pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        # Through the producer's products, so the queue's own query needs no
        # join to the product (its count and its page of ids stay plain).
        conflicted=Exists(conflicts_for(user).filter(products=OuterRef("product"))),
    )


def _scorers_area() -> Q:
    """Grants on the committee that scores the ``OuterRef`` nomination: of
    its area at an area tier, the subcommittee of its type (or the national
    committee) at a national one."""
    area = Q(
        content_object__tier__in=NATIONAL_TIERS,
        content_object=Subquery(
            central_scorers_for(OuterRef(OuterRef("category"))).values("pk")[:1]
        ),
    )
    for tier, field in tiers.nomination_areas().items():
        committee_field = tiers.BY_CODE[tier].committee_area
        area |= Q(
            content_object__tier=tier,
            **{f"content_object__{committee_field}": OuterRef(field)},
        )
    return area


def events_visible_to(user: User) -> QuerySet[NominationEvent]:
    """Central staff see the whole trail; members the events of nominations in
    their committees' areas and of their committees' rankings."""
    queryset = NominationEvent.objects.all()
    if is_central_staff(user) or user.has_perm("selection.view_nominationevent"):
        return queryset
    committees = member_committees(user)
    visible = _central_scope(committees, "nomination__")
    for tier, field in tiers.nomination_areas("nomination__").items():
        visible |= _area_of(committees, tier, field)
    return queryset.filter(visible | Q(ranking__committee__in=committees))
