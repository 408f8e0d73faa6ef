"""Append-only audit trails: written once, never changed or deleted.

An event model subclasses ``AppendOnlyEvent`` (or ``AuditEvent``, which adds
who, when and why); its migration adds the ``AppendOnly`` operation, which on
PostgreSQL installs a row trigger that refuses UPDATE and DELETE from anyone
(the ORM, raw SQL, a psql session with the application's role). On every
database the model and its queryset refuse ``save()`` of a stored row,
``delete()``, ``update()`` and bulk deletes.

The one way past both guards is ``purge()`` inside a transaction, for
removing a generated world (the demo, a synthetic dataset) together with the
rows its events describe, never a real round's history: it sets the
transaction-local ``otop.audit_maintenance`` for its own statement. That is a
guard against mistakes by the application and its users, not against someone
holding the database role, who can set it too. TRUNCATE (the test runner's
flush) does not fire row triggers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.migrations.operations.base import Operation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHANGE_REFUSED = _("The audit trail cannot be changed.")
DELETE_REFUSED = _("The audit trail cannot be deleted.")
MAINTENANCE = "otop.audit_maintenance"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(CHANGE_REFUSED)

    def delete(self):
        raise ValidationError(DELETE_REFUSED)

    def purge(self) -> int:
        """Remove these events for good (generated worlds only; see the module)."""
        connection = transaction.get_connection(self.db)
        if not connection.in_atomic_block:
            raise transaction.TransactionManagementError(
                "purge() removes audit rows only inside a transaction."
            )
        postgresql = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if postgresql:
                cursor.execute(f"SET LOCAL {MAINTENANCE} = 'on'")
            removed = self._raw_delete(self.db)
            if postgresql:
                cursor.execute(f"SET LOCAL {MAINTENANCE} = 'off'")
        return removed


class AppendOnlyEvent(models.Model):
    """Base of every audit-trail model. Subclasses keep ``Meta`` inheriting
    ``AppendOnlyEvent.Meta`` so Django's internals (saving, related lookups,
    the deletion collector) use the guarded queryset too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(CHANGE_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(DELETE_REFUSED)


class AuditEvent(AppendOnlyEvent):
    """An append-only event saying who (``actor``, none for the system's own
    sweeps), when (``at``) and why (``note``): a trail is this plus what it
    is about and its ``action``, newest first."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta(AppendOnlyEvent.Meta):
        abstract = True
        ordering = ["-at", "-pk"]


FUNCTION = f"""
CREATE OR REPLACE FUNCTION core_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('{MAINTENANCE}', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail % is append-only: % refused',
        TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation', TABLE = TG_TABLE_NAME;
END;
$$;
"""


class AppendOnly(Operation):
    """Migration operation: make ``model_name``'s table append-only on
    PostgreSQL (a no-op elsewhere, where the model guards hold alone)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})

    def state_forwards(self, app_label, state):
        pass

    @staticmethod
    def _trigger(table: str) -> str:
        return f"{table}_append_only"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        quote = schema_editor.quote_name
        trigger = self._trigger(table)
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {quote(trigger)} ON {quote(table)}", params=None
        )
        schema_editor.execute(
            f"CREATE TRIGGER {quote(trigger)} BEFORE UPDATE OR DELETE "
            f"ON {quote(table)} FOR EACH ROW EXECUTE FUNCTION core_append_only()",
            params=None,
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {quote(self._trigger(table))} ON {quote(table)}",
            params=None,
        )

    def describe(self):
        return f"Make {self.model_name} append-only on PostgreSQL"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_append_only"
