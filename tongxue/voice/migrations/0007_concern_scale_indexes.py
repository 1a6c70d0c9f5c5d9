"""Two indexes of the concerns for scale (#17).

* ``concern_figures``: what the public figures read, a union's concerns by the month
  raised with every column the figures count (an index-only scan on PostgreSQL; SQLite
  ignores ``include`` and keeps an index on (union, raised_at));
* ``concern_suggestible``: the concerns a similar-concern suggestion may show, per union
  (partial: public, neither sensitive nor about a cadre, open or answered).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("voice", "0006_consultations")]

    operations = [
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                fields=["union", "raised_at"],
                include=(
                    "handler",
                    "status",
                    "acknowledge_due",
                    "answer_due",
                    "acknowledged_at",
                    "answered_at",
                    "rating",
                    "verified",
                ),
                name="concern_figures",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(
                    ("about_person__isnull", True),
                    ("sensitive", False),
                    ("status__in", ["in_hand", "received", "reopened", "answered"]),
                    ("visibility", "public"),
                ),
                fields=["union", "raised_at"],
                name="concern_suggestible",
            ),
        ),
    ]
