"""The ladder's audit trail is append-only in the database too (issue #11 §6).

On PostgreSQL a row trigger refuses every UPDATE and DELETE of
selection_nominationevent, whoever sends it (the ORM, raw SQL, a psql
session with the app's role). The one exception is removing a generated
world (seed_demo --reset, generate_dataset --reset): those call
``NominationEvent.objects…purge()``, which lifts the guard for its own
statement with the transaction-local setting ``otop.audit_maintenance``.
TRUNCATE, which only the test runner's flush uses, does not fire row triggers.
Other databases rely on the model and queryset guards.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION selection_nominationevent_append_only()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('otop.audit_maintenance', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the ladder audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              TABLE = TG_TABLE_NAME;
END;
$$;
DROP TRIGGER IF EXISTS selection_nominationevent_append_only
    ON selection_nominationevent;
CREATE TRIGGER selection_nominationevent_append_only
    BEFORE UPDATE OR DELETE ON selection_nominationevent
    FOR EACH ROW EXECUTE FUNCTION selection_nominationevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS selection_nominationevent_append_only
    ON selection_nominationevent;
DROP FUNCTION IF EXISTS selection_nominationevent_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0004_round_documents"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="nominationevent",
            options={
                "base_manager_name": "objects",
                "ordering": ["at", "pk"],
                "verbose_name": "ladder event",
                "verbose_name_plural": "ladder events",
            },
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
