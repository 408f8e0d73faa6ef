"""Producers over every tambon and their products, with certificates."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from communities.models import Producer
from core.buddhist_era import to_be
from devdata.dataset.builder import BuilderBase
from devdata.dataset.bulk import _bulk
from devdata.dataset.constants import (
    BATCH_SIZE,
    CERTIFIED_SHARE,
    HOME_SHARE,
    ORIGIN_SHARE,
    PRODUCERS_PER_PRODUCT,
)
from devdata.dataset.plan import Place
from devdata.words import (
    BASES,
    BRANDS,
    GROUPS,
    ORIGINS,
    OTHER_GROUP,
    PRICES,
    QUALIFIERS,
    STANDARDS,
    STORIES,
    UNITS,
    VILLAGES,
)
from products.models import Category, Certification, Product


class ProducersBuilder(BuilderBase):
    """Producers and products."""

    def homes(self, count: int) -> list[int]:
        """Place indices for ``count`` producers: first one per tambon, taken
        amphoe by amphoe in turn (so a small dataset still reaches every
        district and province), the rest wherever OTOP is strong."""
        by_amphoe: dict[str, list[int]] = defaultdict(list)
        for i, place in enumerate(self.places):
            by_amphoe[place.amphoe].append(i)
        groups = list(by_amphoe.values())
        self.rng.shuffle(groups)
        for group in groups:
            self.rng.shuffle(group)
        spread = [
            group[level]
            for level in range(max(len(g) for g in groups))
            for group in groups
            if level < len(group)
        ]
        homes = spread[:count]
        if count > len(spread):
            strength = [self.rng.lognormvariate(0, 0.7) for _ in self.places]
            homes += self.rng.choices(
                range(len(self.places)), weights=strength, k=count - len(spread)
            )
        return sorted(homes)

    def producers(self) -> None:
        count = max(
            1, min(self.n_products, round(self.n_products * PRODUCERS_PER_PRODUCT))
        )
        bar = self._bar("producers", count, "producers")
        self.themes = self.rng.choices(
            range(len(self.leaves)), weights=self.leaf_weights, k=count
        )
        seq_in_tambon: dict[str, int] = defaultdict(int)
        names_in_tambon: dict[str, set[str]] = defaultdict(set)
        batch = []
        for n, home in enumerate(self.homes(count)):
            place = self.places[home]
            seq_in_tambon[place.code] += 1
            seq = seq_in_tambon[place.code]
            type_code = self.leaves[self.themes[n]].parent.code
            kind = self.rng.choices(Producer.Kind.values, weights=(70, 15, 15))[0]
            name_th, name_en, registration = self._producer_name(
                kind, type_code, place, seq
            )
            if name_th in names_in_tambon[place.code]:
                name_th = f"{name_th} หมู่ที่ {seq}"
            names_in_tambon[place.code].add(name_th)
            registered = self._moment(
                dt.date(self.year - 4, 1, 1), dt.date(self.year - 1, 6, 30)
            )
            batch.append(
                Producer(
                    kind=kind,
                    name_th=name_th,
                    name_en=name_en,
                    registration_number=registration,
                    tambon_id=place.code,
                    address=f"{self.rng.randint(1, 250)} หมู่ {self.rng.randint(1, 15)} "
                    f"{place.address()} {place.postal}".strip(),
                    contact_person=self._person(),
                    phone=f"08{self.rng.randint(0, 9)}-{self.rng.randint(100, 999)}-"
                    f"{self.rng.randint(1000, 9999)}",
                    email=f"otop.{place.code}.{seq}@example.com"
                    if self.rng.random() < 0.3
                    else "",
                    member_count=self.rng.randint(7, 120)
                    if kind == Producer.Kind.COMMUNITY
                    else None,
                    founded_year=self.rng.randint(1990, self.year - 2),
                    created_at=registered,
                    updated_at=registered,
                    created_by_id=self.officers[place.amphoe],
                )
            )
            self.kinds.append(kind)
            self.producer_place.append(place)
            if len(batch) == BATCH_SIZE:
                self._write_producers(batch, bar)
                batch = []
        self._write_producers(batch, bar)
        bar.close()

    def _write_producers(self, batch: list[Producer], bar) -> None:
        _bulk(Producer, batch, bar)
        self.producer_pks += [p.pk for p in batch]
        self.producer_registered += [p.created_at for p in batch]

    def _producer_name(self, kind: str, type_code: str, place: Place, seq: int):
        village_th, village_en = self.rng.choice(VILLAGES)
        if kind == Producer.Kind.COMMUNITY:
            group_th, group_en = self.rng.choice(GROUPS.get(type_code, [OTHER_GROUP]))
            name_en = f"Ban {village_en} {group_en}" if self.rng.random() < 0.4 else ""
            code = place.code
            number = f"{code[0]}-{code[:2]}-{code[2:4]}-{code[4:]}/1-{seq:04d}"
            return f"วิสาหกิจชุมชน{group_th}บ้าน{village_th}", name_en, number
        if kind == Producer.Kind.SME:
            brand_th, brand_en = BRANDS.get(type_code, ("โอทอป", "OTOP"))
            return (
                f"บริษัท {village_th}{brand_th} จำกัด",
                f"{village_en} {brand_en} Co., Ltd.",
                f"0{place.code}{seq:06d}",
            )
        return self._person(), "", ""

    def products(self) -> None:
        producers = len(self.producer_pks)
        per_producer = [1] * producers
        weight = {Producer.Kind.COMMUNITY: 2, Producer.Kind.SME: 3}
        for n in self.rng.choices(
            range(producers),
            weights=[weight.get(k, 1) for k in self.kinds],
            k=self.n_products - producers,
        ):
            per_producer[n] += 1
        bar = self._bar("products and certificates", self.n_products, "products")
        batch: list[tuple[Product, list[Certification]]] = []
        for n in range(producers):
            names: set[str] = set()
            for j in range(per_producer[n]):
                batch.append(self._product(n, j, names))
                if len(batch) == BATCH_SIZE:
                    self._write_products(batch, bar)
                    batch = []
        self._write_products(batch, bar)
        bar.close()

    def _product(self, n: int, j: int, names: set[str]):
        rng, place = self.rng, self.producer_place[n]
        leaf_index = self.themes[n]
        if j > 0 and rng.random() < 0.25:
            leaf_index = rng.choices(range(len(self.leaves)), self.leaf_weights)[0]
        leaf = self.leaves[leaf_index]
        type_code = leaf.parent.code
        for _attempt in range(8):
            name_th, name_en = self._product_name(leaf, type_code, place)
            if name_th not in names:
                break
        else:
            name_th, name_en = f"{name_th} ({j + 1})", f"{name_en} ({j + 1})"
        names.add(name_th)
        low, high = PRICES.get(type_code, (50, 1000))
        created = self.producer_registered[n] + dt.timedelta(
            days=rng.randint(0, 60), seconds=rng.randint(0, 3600)
        )
        product = Product(
            producer_id=self.producer_pks[n],
            category=leaf,
            name_th=name_th,
            name_en=name_en if rng.random() < 0.7 else "",
            description=self._description(type_code),
            story=" ".join(
                s.format(
                    years=rng.randint(10, 120),
                    amphoe=place.amphoe_th,
                    tambon=place.name_th,
                )
                for s in rng.sample(STORIES, k=3)
            ),
            price=Decimal(rng.randint(low // 5, high // 5) * 5),
            unit=UNITS.get(leaf.code, "ชิ้น"),
            monthly_capacity=rng.randint(5, 400) * 10,
            created_at=created,
            updated_at=created,
        )
        certificates = self._certificates(product, type_code, place)
        self.product_producer.append(n)
        self.product_leaf.append(leaf)
        self.product_name.append(name_th)
        return product, certificates

    def _product_name(self, leaf: Category, type_code: str, place: Place):
        """Thai words run together as on real labels, "กาแฟดอยช้างคั่วกลาง";
        the English name spaced, "Doi Chang Coffee, Medium Roast"."""
        rng = self.rng
        bases = BASES.get(leaf.code) or [(leaf.name_th, leaf.name_en)]
        base_th, base_en = rng.choice(bases)
        where = rng.random()
        if where < ORIGIN_SHARE:
            origin_th, origin_en = rng.choice(ORIGINS)
        elif where < ORIGIN_SHARE + HOME_SHARE:
            origin_th, origin_en = place.name_th, place.name_en
        else:
            origin_th = origin_en = ""
        qualifiers = QUALIFIERS.get(type_code, [("", "")])
        qualifier_th, qualifier_en = (
            rng.choice(qualifiers) if rng.random() < 0.6 else ("", "")
        )
        name_en = f"{origin_en} {base_en}".strip()
        if qualifier_en:
            name_en += f", {qualifier_en}"
        return base_th + origin_th + qualifier_th, name_en

    def _description(self, type_code: str) -> str:
        rng = self.rng
        if type_code in ("FOOD", "DRINK", "HERBAL"):
            return (
                f"ขนาดบรรจุ {rng.choice([100, 200, 250, 500])} "
                f"{'มล.' if type_code == 'DRINK' else 'กรัม'} "
                f"เก็บได้ {rng.choice([6, 12, 18, 24])} เดือน"
            )
        if type_code == "TEXTILE":
            return (
                f"ขนาด {rng.choice([80, 100, 120])} x {rng.choice([180, 200, 400])} ซม."
            )
        return f"ทำมือทุกชิ้น ขนาด {rng.randint(10, 60)} ซม."

    def _certificates(self, product: Product, type_code: str, place: Place):
        """None for some products; otherwise the type's usual standard, and
        sometimes an extra one, each issued before the round (some expired)."""
        rng = self.rng
        if rng.random() >= CERTIFIED_SHARE:
            self.product_certified.append(False)
            return []
        usual, extras = STANDARDS.get(type_code, (("TCPS",), ()))
        codes = [rng.choice(usual)]
        if extras and rng.random() < 0.3:
            codes.append(rng.choice(extras))
        deadline = self.round_dates["tambon_deadline"]
        certificates, valid = [], False
        for code in codes:
            standard = self.standards.get(code)
            if standard is None:
                continue
            issued = dt.date(self.year - rng.randint(1, 4), rng.randint(1, 12), 1)
            issued += dt.timedelta(days=rng.randint(0, 27))
            issued = min(issued, self.round_dates["opens"] - dt.timedelta(days=1))
            expires = None if code == "FDA" else issued.replace(year=issued.year + 3)
            valid = valid or expires is None or expires >= deadline
            certificates.append(
                Certification(
                    product=product,
                    standard=standard,
                    number=self._certificate_number(code, place, issued),
                    issued_on=issued,
                    expires_on=expires,
                )
            )
        self.product_certified.append(valid)
        return certificates

    def _certificate_number(self, code: str, place: Place, issued: dt.date) -> str:
        rng = self.rng
        if code == "FDA":  # เลขสารบบอาหาร, 13 digits
            return (
                f"{place.province}-{rng.randint(1, 2)}-{rng.randint(10000, 99999)}-"
                f"{rng.randint(1, 6)}-{rng.randint(1, 9999):04d}"
            )
        if code == "TCPS":
            return f"มผช. {rng.randint(1, 1600)}/{to_be(issued.year)}"
        return f"{code}-{place.province}-{rng.randint(100000, 999999)}"

    def _write_products(self, batch, bar) -> None:
        products = [product for product, _certificates in batch]
        _bulk(Product, products)
        self.product_pks += [p.pk for p in products]
        certificates = [c for _product, certs in batch for c in certs]
        for certificate in certificates:
            certificate.product_id = certificate.product.pk
        _bulk(Certification, certificates)
        bar.update(len(batch))
