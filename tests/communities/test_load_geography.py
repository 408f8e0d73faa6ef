import csv
import dataclasses
import io
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F

from communities.models import Amphoe, Province, Region, Tambon
from communities.regions import REGIONS, region_code_for_province
from communities.services import geography_load

pytestmark = pytest.mark.django_db

# Kept beside the repository (shared/ in this workplace), never copied into it.
REFERENCE_CSV = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "data"
    / "thai-geography"
    / "province_regions.csv"
)


def test_load_geography_creates_the_whole_country(geography):
    assert Region.objects.count() == 6
    assert Province.objects.count() == 77
    assert Amphoe.objects.count() == 928
    assert Tambon.objects.count() == 7436


def test_every_tambon_lies_in_the_amphoe_and_province_its_code_names(geography):
    assert not Tambon.objects.exclude(code__startswith=F("amphoe_id")).exists()
    assert not Tambon.objects.exclude(code__startswith=F("province_id")).exists()
    assert not Tambon.objects.exclude(province_id=F("amphoe__province_id")).exists()
    assert not Amphoe.objects.exclude(code__startswith=F("province_id")).exists()


def test_codes_have_the_dopa_lengths(geography):
    assert {len(code) for code in Province.objects.values_list("code", flat=True)} == {
        2
    }
    assert {len(code) for code in Amphoe.objects.values_list("code", flat=True)} == {4}
    assert {len(code) for code in Tambon.objects.values_list("code", flat=True)} == {6}


def test_second_run_creates_and_updates_nothing(geography):
    out = io.StringIO()
    call_command("load_geography", stdout=out)

    assert "created     0" in out.getvalue()
    result = geography_load()
    for level, counts in result.by_level().items():
        assert (counts.created, counts.updated) == (0, 0), level
    assert result.tambons.unchanged == 7436


def test_first_run_reports_what_it_created(db):
    out = io.StringIO()
    call_command("load_geography", stdout=out)

    assert "tambons    created  7436" in out.getvalue()
    assert "GeoThai" in out.getvalue()


def test_bangkok_khet_and_khwaeng_are_present(geography):
    bangkok = Province.objects.get(code="10")
    assert bangkok.name_th == "กรุงเทพมหานคร"
    assert bangkok.region_id == "central"
    assert bangkok.amphoes.count() == 50  # the 50 khet
    assert Amphoe.objects.get(code="1001").name_th == "เขตพระนคร"
    grand_palace = Tambon.objects.get(code="100101")  # a khwaeng
    assert grand_palace.name_th == "พระบรมมหาราชวัง"
    assert grand_palace.postal_code_list == ["10200"]


def test_tambons_with_several_postal_codes_keep_them_all(geography):
    assert Tambon.objects.get(code="100203").postal_code_list == ["10300", "10303"]


def _fake_source(renamed_tambon_name: str, drop_last_tambon: bool = False):
    """A geothai look-alike with one tambon of Phra Nakhon renamed."""
    import geothai

    def subdistricts(district_code):
        rows = list(geothai.subdistricts(district_code))
        if district_code == "1001":
            rows[0] = dataclasses.replace(rows[0], name_en=renamed_tambon_name)
            if drop_last_tambon:
                rows = rows[:-1]
        return rows

    return SimpleNamespace(
        provinces=geothai.provinces,
        districts=geothai.districts,
        subdistricts=subdistricts,
    )


def test_an_upstream_rename_updates_the_row_in_place(geography):
    result = geography_load(source=_fake_source("Grand Palace"))

    assert result.tambons.updated == 1
    assert result.tambons.created == 0
    assert Tambon.objects.get(code="100101").name_en == "Grand Palace"


def test_a_tambon_gone_from_the_source_is_kept_and_reported(geography):
    last_of_phra_nakhon = Tambon.objects.filter(amphoe_id="1001").last()

    result = geography_load(source=_fake_source("Grand Palace", drop_last_tambon=True))

    assert result.tambons.missing_from_source == [last_of_phra_nakhon.code]
    assert Tambon.objects.filter(code=last_of_phra_nakhon.code).exists()


def test_six_regions_hold_every_province_once():
    import geothai

    counts = Counter(region_code_for_province(p.code) for p in geothai.provinces())
    assert counts == {
        "north": 9,
        "central": 22,
        "northeast": 20,
        "west": 5,
        "east": 7,
        "south": 14,
    }
    all_codes = [code for region in REGIONS for code in region.province_codes]
    assert len(all_codes) == len(set(all_codes)) == 77


@pytest.mark.skipif(
    not REFERENCE_CSV.is_file(), reason="reference data (shared/) not beside the repo"
)
def test_regions_agree_with_the_reference_mapping(geography):
    region_by_label = {region.name_en: region.code for region in REGIONS}
    with REFERENCE_CSV.open(encoding="utf-8") as f:
        reference = {
            row["province_code"]: region_by_label[row["region_en"]]
            for row in csv.DictReader(f)
        }

    ours = dict(Province.objects.values_list("code", "region_id"))
    assert ours == reference
