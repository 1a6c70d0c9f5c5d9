# Snapshots store written work reports (keyed by union and code) and the day a union
# adopted its standing conference (issue #12, task B).

import django.db.models.deletion
from django.db import migrations, models


def number_reports(apps, schema_editor):
    """A report filed before codes were kept is known by its id (as exported)."""
    WrittenReport = apps.get_model("business", "WrittenReport")
    reports = list(WrittenReport.objects.filter(code="").only("pk"))
    for report in reports:
        report.code = str(report.pk)
    WrittenReport.objects.bulk_update(reports, ["code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("business", "0003_guidance"),
        ("organisations", "0003_review_hearing"),
    ]

    operations = [
        migrations.AddField(
            model_name="writtenreport",
            name="code",
            field=models.CharField(blank=True, max_length=64, verbose_name="code"),
        ),
        migrations.RunPython(number_reports, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="writtenreport",
            constraint=models.UniqueConstraint(
                condition=models.Q(("code", ""), _negated=True),
                fields=("union", "code"),
                name="unique_written_report_code",
            ),
        ),
        migrations.CreateModel(
            name="StandingConference",
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
                ("adopted_on", models.DateField(verbose_name="adopted on")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "union",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="standing_conference",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "standing conference adoption",
                "verbose_name_plural": "standing conference adoptions",
            },
        ),
    ]
