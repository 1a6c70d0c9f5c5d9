from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0004_stored_findings"),
    ]

    operations = [
        migrations.CreateModel(
            name="DirtyOrganisation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("code", models.CharField(db_index=True, max_length=64)),
                ("mark", models.CharField(max_length=32)),
                ("marked_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "organisation to re-audit",
                "verbose_name_plural": "organisations to re-audit",
            },
        ),
    ]
