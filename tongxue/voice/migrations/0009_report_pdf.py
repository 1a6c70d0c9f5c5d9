# A report's PDF made once and stored (#17, docs/voice.md "Reports to the school").

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0008_routing_suggestion"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportPdf",
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
                ("language", models.CharField(max_length=16)),
                ("key", models.CharField(max_length=64)),
                ("data", models.BinaryField()),
                ("made_at", models.DateTimeField()),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pdfs",
                        to="voice.schoolreport",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("report", "language"), name="unique_report_pdf"
                    )
                ],
            },
        ),
    ]
