"""The six-region scheme (ภาค) of Thailand's National Geographical Committee
(1977), by province DOPA code. ``geothai`` carries no regions, so they are
written here from that public scheme.
"""

from typing import NamedTuple


class RegionSpec(NamedTuple):
    code: str
    name_th: str
    name_en: str
    province_codes: frozenset[str]


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec(
        "north",
        "ภาคเหนือ",
        "Northern",
        # Chiang Mai … Mae Hong Son
        _codes("50 51 52 53 54 55 56 57 58"),
    ),
    RegionSpec(
        "central",
        "ภาคกลาง",
        "Central",
        # Bangkok and its vicinity, the Chao Phraya basin and the lower north
        _codes("10 11 12 13 14 15 16 17 18 19 26 60 61 62 64 65 66 67 72 73 74 75"),
    ),
    RegionSpec(
        "northeast",
        "ภาคตะวันออกเฉียงเหนือ",
        "Northeastern",
        # Nakhon Ratchasima … Mukdahan (Isan)
        _codes("30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49"),
    ),
    RegionSpec(
        "west",
        "ภาคตะวันตก",
        "Western",
        # Tak, Ratchaburi, Kanchanaburi, Phetchaburi, Prachuap Khiri Khan
        _codes("63 70 71 76 77"),
    ),
    RegionSpec(
        "east",
        "ภาคตะวันออก",
        "Eastern",
        # Chon Buri … Sa Kaeo
        _codes("20 21 22 23 24 25 27"),
    ),
    RegionSpec(
        "south",
        "ภาคใต้",
        "Southern",
        # Nakhon Si Thammarat … Narathiwat
        _codes("80 81 82 83 84 85 86 90 91 92 93 94 95 96"),
    ),
)


def region_code_for_province(province_code: str) -> str:
    for region in REGIONS:
        if province_code in region.province_codes:
            return region.code
    raise KeyError(f"No region is known for province code {province_code!r}")
