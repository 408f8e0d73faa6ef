"""Central subcommittees (issue #10): a committee's kind and the product types
a subcommittee scores. Existing committees take the default kind "main", which
makes the existing central committee the national committee; the one-active-
central-committee rule becomes one active central committee per kind."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
        ("products", "0002_seed_categories_and_standards"),
    ]

    operations = [
        migrations.AddField(
            model_name="committee",
            name="kind",
            field=models.CharField(
                choices=[
                    ("main", "Main committee"),
                    ("administration", "Administration subcommittee"),
                    ("production", "Production promotion subcommittee"),
                    ("marketing", "Marketing promotion subcommittee"),
                    ("standards", "Standards and quality development subcommittee"),
                ],
                default="main",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="committee",
            name="product_types",
            field=models.ManyToManyField(
                blank=True,
                limit_choices_to={"parent__isnull": True},
                related_name="subcommittees",
                to="products.category",
                verbose_name="product types scored",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="committee",
            name="one_active_central_committee",
        ),
        migrations.AddConstraint(
            model_name="committee",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "main"), ("tier", "central"), _connector="OR"),
                name="committee_subcommittees_are_central",
                violation_error_message="Only the central tier has subcommittees.",
            ),
        ),
        migrations.AddConstraint(
            model_name="committee",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True), ("tier", "central")),
                fields=("kind",),
                name="one_active_central_committee_per_kind",
                violation_error_message=(
                    "There is already an active central committee of this kind; "
                    "deactivate it first."
                ),
            ),
        ),
    ]
