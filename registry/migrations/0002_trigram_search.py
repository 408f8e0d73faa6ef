"""Thai substring search on PostgreSQL: pg_trgm and GIN trigram indexes.

Thai is written without spaces, so word-based full-text search cannot find
"ดอยช้าง" inside "กาแฟดอยช้างคั่วกลาง"; ``ILIKE '%…%'`` can, and trigram GIN
indexes make it fast. The database must use a UTF-8 ctype (not C), or Thai
letters make no trigrams. Nothing is done on other databases (SQLite).
"""

from django.db import migrations

COLUMNS = ("name_th", "name_en", "producer_name_th", "producer_name_en", "tambon_th")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS registry_{column}_trgm "
            f"ON registry_registryentry USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS registry_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
