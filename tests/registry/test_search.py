import pytest
from django.db import connection
from django.http import QueryDict

from registry.models import RegistryEntry
from registry.selectors import RegistryQuery, facets
from registry.services import registry_revoke
from tests.db import on_postgresql


def query(text: str) -> RegistryQuery:
    return RegistryQuery.from_params(QueryDict(text))


@pytest.mark.django_db
def test_thai_search_finds_a_word_inside_a_word(published):
    found = query("q=ดอยช้าง").apply()

    assert [e.name_th for e in found] == ["กาแฟดอยช้างคั่วกลาง"]


@pytest.mark.django_db
def test_search_covers_producer_and_tambon_names(published):
    assert query("q=ศรีภูมิ").apply().count() == 3  # the tambon
    assert query("q=กลุ่ม ร่ม").apply().count() == 1  # the producer "กลุ่ม ร่มบ่อสร้าง"


@pytest.mark.django_db
def test_filters_combine(published):
    assert query("province=50&stars=5").apply().count() >= 1
    assert query("province=57").apply().count() == 0
    assert query("amphoe=5001&category=FOOD").apply().count() == 3


@pytest.mark.django_db
def test_bad_filter_values_are_reported_not_crashed(published):
    bad = query("province=chiangmai&stars=9&round=99&sort=price")

    assert len(bad.problems) == 4
    assert bad.apply().count() == 3  # the bad filters are dropped


@pytest.mark.django_db
def test_facets_count_with_the_other_filters(published):
    counts = facets(query("province=50"))

    assert counts["province"][0]["key"] == "50"
    assert counts["province"][0]["label_th"] == "เชียงใหม่"
    assert counts["province"][0]["count"] == 3
    assert sum(row["count"] for row in counts["stars"]) == 3
    assert counts["amphoe"][0]["label_th"] == "เมืองเชียงใหม่"
    assert counts["category"]
    assert all(row["label_th"] and row["label_en"] for row in counts["category"])


@pytest.mark.django_db
def test_facets_are_one_query_and_cached_until_the_registry_changes(
    published, django_assert_num_queries, publisher
):
    five_in_chiang_mai = query("province=50&stars=5")
    with django_assert_num_queries(2):  # the registry's stamp + one UNION ALL
        first = facets(five_in_chiang_mai)
    with django_assert_num_queries(1):  # the stamp only
        assert facets(five_in_chiang_mai) == first

    entry = published.filter(stars=5).first()
    registry_revoke(actor=publisher, entry=entry, reason="ทดสอบ")
    after = facets(query("province=50&stars=5"))

    five = next(row for row in after["stars"] if row["key"] == "5")
    assert (
        five["count"]
        == next(row["count"] for row in first["stars"] if row["key"] == "5") - 1
    )


@on_postgresql
@pytest.mark.django_db
def test_the_database_ctype_makes_thai_trigrams():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lc_ctype")
        ctype = cursor.fetchone()[0]
        cursor.execute("SELECT show_trgm('ดอยช้าง')")
        trigrams = cursor.fetchone()[0]
    assert ctype not in {"C", "POSIX"}, ctype
    assert len(trigrams) > 0


@on_postgresql
@pytest.mark.django_db
def test_thai_search_can_use_the_trigram_indexes(published):
    """The index matches the SQL Django writes for icontains (UPPER(col::text)
    LIKE …). With a handful of rows the planner rightly prefers a scan, so
    scans are switched off to see the index chosen."""
    searched = RegistryEntry.objects.filter(name_th__icontains="ดอยช้าง")
    sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_name_th_trgm" in plan, plan
