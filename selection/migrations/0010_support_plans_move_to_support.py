"""Support plans now belong to the ``support`` app (its migration 0001 takes
them over in its state and relabels their content types): removed here from
this app's state only. Their tables stay, with their rows and triggers."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("selection", "0009_type_quota_at_least_one"),
        ("support", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="SupportPlanEvent"),
                migrations.DeleteModel(name="SupportAction"),
                migrations.DeleteModel(name="SupportPlan"),
            ],
        ),
    ]
