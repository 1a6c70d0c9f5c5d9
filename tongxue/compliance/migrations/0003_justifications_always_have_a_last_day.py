"""Every justification has a last day (0002 gave one to those recorded before)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0002_justifications_expire_and_cover_one_occurrence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="justification",
            name="valid_until",
            field=models.DateField(verbose_name="valid until"),
        ),
    ]
