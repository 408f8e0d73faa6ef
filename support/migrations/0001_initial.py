"""Support plans move here from ``selection`` without touching the database.

Their tables keep their names (``Meta.db_table``), so the rows, the foreign
keys, the constraints and the PostgreSQL trigger that keeps the plan's trail
append-only (``selection`` migration 0007) stay as they are. This migration
creates the models in this app's migration state only; ``selection`` 0010,
which depends on it, removes them from that app's state only. Then the
content types are relabelled ``selection`` → ``support``, so permissions,
guardian's object permissions and the admin's log keep pointing at the same
rows.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

MOVED = ("supportplan", "supportaction", "supportplanevent")


def _relabel(source: str, target: str):
    """Move the moved models' content types from ``source`` to ``target``.
    A model whose ``target`` row exists already (a ``post_migrate`` ran
    between the two steps and made an empty one) is left alone, as Django's
    own ``RenameContentType`` does; ``remove_stale_contenttypes`` tidies it."""

    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        rows = ContentType.objects.using(schema_editor.connection.alias)
        taken = set(
            rows.filter(app_label=target, model__in=MOVED).values_list(
                "model", flat=True
            )
        )
        rows.filter(app_label=source, model__in=set(MOVED) - taken).update(
            app_label=target
        )

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("selection", "0009_type_quota_at_least_one"),
        ("committees", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='SupportPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('approved', 'Approved')], default='draft', max_length=10, verbose_name='status')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('committee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='support_plans', to='committees.committee')),
                        ('last_edited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last edited by')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='support_plans', to='selection.round')),
                    ],
                    options={
                        'verbose_name': 'support plan',
                        'verbose_name_plural': 'support plans',
                        'db_table': 'selection_supportplan',
                        'ordering': ['round', 'committee'],
                    },
                ),
                migrations.CreateModel(
                    name='SupportAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('packaging', 'Packaging and design'), ('standards', 'Standards and certification'), ('marketing', 'Marketing and fairs'), ('production', 'Production technology'), ('training', 'Training'), ('ecommerce', 'E-commerce'), ('other', 'Other')], max_length=16, verbose_name='kind')),
                        ('description', models.TextField(verbose_name='description')),
                        ('agency', models.CharField(max_length=200, verbose_name='responsible agency')),
                        ('budget', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='budget (baht)')),
                        ('source', models.CharField(choices=[('district', 'District'), ('province', 'Province'), ('cdd', 'Community Development Department'), ('local', 'Local administration'), ('other', 'Other')], max_length=16, verbose_name='funding source')),
                        ('fiscal_year', models.PositiveSmallIntegerField(help_text='The Thai fiscal year, October to September, in B.E.', verbose_name='fiscal year (B.E.)')),
                        ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('in_progress', 'In progress'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='planned', max_length=12, verbose_name='status')),
                        ('outcome', models.TextField(blank=True, verbose_name='outcome')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('nomination', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='support_actions', to='selection.nomination', verbose_name='nomination')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='support.supportplan')),
                    ],
                    options={
                        'verbose_name': 'support action',
                        'verbose_name_plural': 'support actions',
                        'db_table': 'selection_supportaction',
                        'ordering': ['plan', 'fiscal_year', 'quarter', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SupportPlanEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('item', models.PositiveIntegerField(blank=True, null=True, verbose_name='support action')),
                        ('action', models.CharField(choices=[('added', 'Action added'), ('updated', 'Action changed'), ('deleted', 'Action deleted'), ('approved', 'Plan approved'), ('reopened', 'Plan reopened'), ('progress', 'Progress reported')], max_length=16, verbose_name='action')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='support.supportplan')),
                    ],
                    options={
                        'verbose_name': 'support plan event',
                        'verbose_name_plural': 'support plan events',
                        'db_table': 'selection_supportplanevent',
                        'ordering': ['at', 'pk'],
                        'abstract': False,
                        'base_manager_name': 'objects',
                    },
                ),
                migrations.AddConstraint(
                    model_name='supportplan',
                    constraint=models.UniqueConstraint(fields=('round', 'committee'), name='one_support_plan_per_committee'),
                ),
                migrations.AddConstraint(
                    model_name='supportaction',
                    constraint=models.CheckConstraint(condition=models.Q(('budget__gte', 0)), name='support_budget_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='supportaction',
                    constraint=models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='support_quarter_one_to_four'),
                ),
            ],
        ),
        migrations.RunPython(
            _relabel("selection", "support"), _relabel("support", "selection")
        ),
    ]
