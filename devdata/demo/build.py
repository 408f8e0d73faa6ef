"""The demo's people, committees, officers, producers and products, made
through the services as central staff and the officers would make them."""

import datetime as dt
import zlib
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import User
from committees.models import Committee, Role
from committees.models import Tier as CommitteeTier
from committees.services import committee_create, membership_grant
from communities.models import Amphoe, Producer, Province, Tambon
from communities.services import assignment_grant, producer_create
from core.buddhist_era import fiscal_year, to_be
from devdata.demo.data import (
    AMPHOES,
    CENTRAL_STAFF_APPS,
    CENTRAL_STAFF_RIGHTS,
    DEMO_PASSWORD,
    LOGINS,
    OFFICERS,
    PRODUCERS,
    PRODUCTS,
    PROVINCES,
    SME,
    DemoProducer,
    DemoProduct,
)
from devdata.demo.photos import product_photo
from devdata.demo.status import DemoConflict
from products.models import Category, Product, Standard
from products.services import (
    certification_add,
    product_create,
    product_image_add,
    product_raw_materials_set,
)
from selection.models import Round


def _digits(key: str, count: int) -> str:
    """Stable pseudo-random digits for numbers in the data (phones, permits)."""
    return str(zlib.crc32(key.encode()) % 10**count).zfill(count)


class WorldBuilder:
    """The world's cast and catalogue; ``rounds.RoundsBuilder`` plays the
    rounds on it."""

    def __init__(self, today: dt.date):
        self.today = today
        self.fy = fiscal_year(today)
        self.users: dict[str, User] = {}
        self.committees: dict[str, Committee] = {}
        self.boards: dict[str, list[User]] = {}
        self.producers: dict[str, Producer] = {}
        self.products: dict[str, Product] = {}
        self.demo_of: dict[int, DemoProduct] = {}
        self.index = {product.key: i for i, product in enumerate(PRODUCTS)}
        self.tambons = {
            t.code: t
            for t in Tambon.objects.select_related("amphoe", "province").filter(
                code__in=[code for a in AMPHOES for code in a.tambons]
            )
        }

    @property
    def staff(self) -> User:
        return self.users["central-staff"]

    # Preconditions -------------------------------------------------------------

    def check_room(self) -> None:
        if len(self.tambons) != sum(len(a.tambons) for a in AMPHOES):
            raise DemoConflict("Load the geography first: manage.py load_geography")
        taken = Round.objects.filter(year__in=[self.fy - 1, self.fy])
        if taken.exists():
            years = ", ".join(str(to_be(r.year)) for r in taken)
            raise DemoConflict(
                f"The demo needs the rounds of B.E. {to_be(self.fy - 1)} and "
                f"{to_be(self.fy)}, but a round of B.E. {years} already exists."
            )
        busy = Committee.objects.filter(is_active=True).filter(
            Q(tier=CommitteeTier.AMPHOE, amphoe__in=[a.code for a in AMPHOES])
            | Q(tier=CommitteeTier.PROVINCE, province__in=list(PROVINCES))
            | Q(tier=CommitteeTier.CENTRAL)
        )
        if busy.exists():
            names = "; ".join(str(c) for c in busy)
            raise DemoConflict(
                f"The demo's areas already have active committees: {names}."
            )

    # People, committees, officers ---------------------------------------------------

    def people(self) -> None:
        """The demo logins, all with the one demo password (hashed once)."""
        password = make_password(DEMO_PASSWORD)
        for login in LOGINS:
            self.users[login.username] = User.objects.create(
                username=login.username,
                display_name=login.display_name,
                preferred_language="th",
                password=password,
                is_staff=login.username == "central-staff",
            )
        rights = Q(
            codename__startswith="view_", content_type__app_label__in=CENTRAL_STAFF_APPS
        )
        for right in CENTRAL_STAFF_RIGHTS:
            app, codename = right.split(".")
            rights |= Q(content_type__app_label=app, codename=codename)
        self.staff.user_permissions.set(Permission.objects.filter(rights))
        # A fresh row: the permission cache of the old one predates the grants.
        self.users["central-staff"] = User.objects.get(pk=self.staff.pk)

    def committees_and_officers(self) -> None:
        term = {
            "term_start": dt.date(self.fy - 2, 10, 1),
            "term_end": dt.date(self.fy + 1, 9, 30),
        }
        for amphoe in AMPHOES:
            self.committees[amphoe.code] = committee_create(
                actor=self.staff,
                tier=CommitteeTier.AMPHOE,
                amphoe=Amphoe.objects.get(pk=amphoe.code),
                **term,
            )
        for code in PROVINCES:
            self.committees[code] = committee_create(
                actor=self.staff,
                tier=CommitteeTier.PROVINCE,
                province=Province.objects.get(pk=code),
                **term,
            )
        self.committees["central"] = committee_create(
            actor=self.staff, tier=CommitteeTier.CENTRAL, **term
        )
        for login in LOGINS:
            board, _, seat = login.username.rpartition("-")
            if board.startswith("officer") or login.username == "central-staff":
                continue
            key = board.split("-")[-1]  # "amphoe-5013" → "5013"
            role = Role.MEMBER if seat.startswith("member") else Role(seat)
            user = self.users[login.username]
            membership_grant(
                actor=self.staff,
                user=user,
                committee=self.committees[key],
                role=role,
            )
            self.boards.setdefault(key, []).append(user)
        for amphoe in AMPHOES:
            officer = self.users[OFFICERS[amphoe.code]]
            for code in amphoe.tambons:
                assignment_grant(
                    actor=self.staff, user=officer, tambon=self.tambons[code]
                )

    def officer_of(self, tambon_code: str) -> User:
        return self.users[OFFICERS[tambon_code[:4]]]

    def seat(self, key: str, role: str) -> User:
        return self.users[f"{'amphoe-' if len(key) == 4 else 'province-'}{key}-{role}"]

    # Producers and products ---------------------------------------------------

    def catalogue(self) -> None:
        categories = {c.code: c for c in Category.objects.all()}
        standards = {s.code: s for s in Standard.objects.all()}
        for number, demo in enumerate(PRODUCERS, start=1):
            tambon = self.tambons[demo.tambon]
            self.producers[demo.key] = producer_create(
                actor=self.officer_of(demo.tambon),
                tambon=tambon,
                kind=demo.kind,
                name_th=demo.name_th,
                name_en=demo.name_en,
                registration_number=self.registration(demo, number),
                address=(
                    f"{int(_digits(demo.key, 3)) % 180 + 1} หมู่ "
                    f"{int(_digits(demo.key, 2)) % 12 + 1} ต.{tambon.name_th} "
                    f"อ.{tambon.amphoe.name_th} จ.{tambon.province.name_th} "
                    f"{tambon.postal_code_list[0] if tambon.postal_codes else ''}"
                ).strip(),
                contact_person=demo.contact,
                phone=f"08{_digits(demo.key, 1)}-{_digits(demo.key + 'a', 3)}-"
                f"{_digits(demo.key + 'b', 4)}",
                member_count=demo.members,
                founded_year=demo.founded,
            )
        for demo in PRODUCTS:
            producer = self.producers[demo.producer]
            officer = self.officer_of(producer.tambon_id)
            product = product_create(
                actor=officer,
                producer=producer,
                category=categories[demo.category],
                name_th=demo.name_th,
                name_en=demo.name_en,
                description=demo.description,
                story=demo.story,
                price=Decimal(demo.price),
                unit=demo.unit,
                monthly_capacity=demo.capacity,
            )
            product_raw_materials_set(
                actor=officer, product=product, materials=list(demo.materials)
            )
            province = self.tambons[producer.tambon_id].province.name_en
            product_image_add(
                actor=officer,
                product=product,
                upload=product_photo(demo, province),
                caption=demo.name_th,
            )
            for code in demo.certificates:
                issued, expires = self.certificate_dates(demo, code)
                certification_add(
                    actor=officer,
                    product=product,
                    standard=standards[code],
                    number=self.certificate_number(demo, code, producer, issued),
                    issued_on=issued,
                    expires_on=expires,
                )
            self.products[demo.key] = product
            self.demo_of[product.pk] = demo

    @staticmethod
    def registration(demo: DemoProducer, number: int) -> str:
        if demo.name_th.startswith("วิสาหกิจชุมชน"):  # วช. registration
            t = demo.tambon
            return f"{t[0]}-{t[:2]}-{t[2:4]}-{t[4:]}/1-{number:04d}"
        if demo.kind == SME:  # juristic person number
            return f"0{demo.tambon[:2]}5{_digits(demo.key, 9)}"
        return ""

    def certificate_dates(self, demo: DemoProduct, code: str):
        if demo.certificate_expired:
            return dt.date(self.fy - 4, 3, 15), dt.date(self.fy - 1, 3, 14)
        seed = int(_digits(demo.key + code, 4))
        issued = dt.date(self.fy - 2, seed % 12 + 1, seed % 28 + 1)
        if code == "FDA":  # a food serial number does not expire
            return issued, None
        return issued, issued.replace(year=issued.year + 3)

    @staticmethod
    def certificate_number(demo, code, producer, issued) -> str:
        be = to_be(issued.year)
        province, serial = producer.tambon_id[:2], _digits(demo.key + code, 5)
        if code == "FDA":
            if demo.category.startswith(("FOOD", "DRINK")):
                return f"{province}-1-{serial}-2-{_digits(demo.key, 4)}"
            return f"{province}-1-{be % 100}000{serial}"  # notification number
        return {
            "TCPS": f"มผช. {int(serial) % 1400 + 1}/{be - 10} "
            f"เลขที่ {producer.tambon_id}-{serial[:3]}",
            "TIS": f"มอก. {int(serial) % 3000 + 1}-{be - 5}",
            "GMP": f"GMP {province}-{serial}/{be}",
            "GAP": f"กษ 03-9001-{province}{serial}",
            "HALAL": f"ฮ.{province}/{serial}/{be}",
            "ORGANIC": f"Organic Thailand {province}-{serial}",
        }[code]
