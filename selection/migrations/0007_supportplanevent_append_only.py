"""The support plans' audit trail is append-only in the database too, with
the same trigger function as the ladder's (migration 0005): UPDATE and
DELETE are refused unless ``purge()`` (removing a generated world) has set
``otop.audit_maintenance`` for its own statement. That setting is a guard
against mistakes by the application and its users, not against someone
holding the database role: anyone with the role can set it."""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS selection_supportplanevent_append_only
    ON selection_supportplanevent;
CREATE TRIGGER selection_supportplanevent_append_only
    BEFORE UPDATE OR DELETE ON selection_supportplanevent
    FOR EACH ROW EXECUTE FUNCTION selection_nominationevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS selection_supportplanevent_append_only
    ON selection_supportplanevent;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0006_round_documents_private"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
