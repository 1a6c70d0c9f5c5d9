"""The routing suggestion (#17, RGT-1 "Route").

* ``ConcernEvent.suggested_to`` and ``suggestion_used``: on a hand-over, where the page
  suggested it go and whether the handler took the suggestion (its accuracy);
* ``concern_concluded``: a union's concluded concerns by the day concluded (partial:
  status closed), the suggestion's cache key (their count and the latest) from the
  index alone.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_alter_organisation_kind"),
        ("voice", "0007_concern_scale_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="concernevent",
            name="suggested_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.AddField(
            model_name="concernevent",
            name="suggestion_used",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("status", "closed")),
                fields=["union", "closed_at"],
                name="concern_concluded",
            ),
        ),
    ]
