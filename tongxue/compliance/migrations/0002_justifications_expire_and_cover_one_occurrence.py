"""Justifications get a last day and the evidence of the occurrence they cover.

A justification recorded before this migration keeps covering any occurrence of its
rule at its organisation (``evidence`` stays null) and applies for one year after its
approval, the rule for any justification recorded without a last day (a snapshot
without the column too; docs/audit.md). The id the documentation used to give as an
example, ``ORG-6.core-members-share``, never named a rule: such a justification is
moved to the rule it meant, ``ORG-6.core-members``, unless that one is recorded too.
"""

from datetime import date

from django.db import migrations, models


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def forwards(apps, schema_editor):
    Justification = apps.get_model("compliance", "Justification")
    for j in Justification.objects.filter(valid_until__isnull=True).only(
        "pk", "approved_on"
    ):
        Justification.objects.filter(pk=j.pk).update(
            valid_until=_a_year_after(j.approved_on)
        )
    meant = set(
        Justification.objects.filter(rule="ORG-6.core-members").values_list(
            "organisation_id", flat=True
        )
    )
    Justification.objects.filter(rule="ORG-6.core-members-share").exclude(
        organisation_id__in=meant
    ).update(rule="ORG-6.core-members")


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="justification",
            name="valid_until",
            field=models.DateField(null=True, verbose_name="valid until"),
        ),
        migrations.AddField(
            model_name="justification",
            name="evidence",
            field=models.JSONField(blank=True, null=True, verbose_name="evidence"),
        ),
        # Required from 0003 on: a separate migration, since PostgreSQL does not alter
        # a table with pending trigger events (the rows updated here) in one transaction.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
