from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0005_dirty_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="dirtyorganisation",
            name="alone",
            field=models.BooleanField(default=False),
        ),
    ]
