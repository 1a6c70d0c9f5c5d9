"""Chain the audit log (seq, prev_hash, hash), add its checkpoints, refuse changes.

The events already there are chained in id order (the order they were written); an
``auditlog.chained`` event is appended after them, saying how many (verify_auditlog
does not hold those to time order). Then the database refuses UPDATE, DELETE and
TRUNCATE on the audit tables (tongxue.core.appendonly).
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from tongxue.core import appendonly, auditchain


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    prev, seq, last_at, batch = auditchain.GENESIS, 0, None, []
    for event in AuditEvent.objects.using(db).order_by("id").iterator(2000):
        seq += 1
        event.seq = seq
        event.actor_perm = ""
        event.prev_hash = prev
        event.hash = prev = auditchain.digest(
            {name: getattr(event, name) for name in auditchain.FIELDS}, event.prev_hash
        )
        last_at = event.at if last_at is None else max(last_at, event.at)
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.using(db).bulk_update(
                batch, ["seq", "actor_perm", "prev_hash", "hash"]
            )
            batch = []
    if batch:
        AuditEvent.objects.using(db).bulk_update(
            batch, ["seq", "actor_perm", "prev_hash", "hash"]
        )
    if seq == 0:
        return
    marker = AuditEvent(
        at=max(timezone.now(), last_at),
        actor_id=None,
        actor_label="system",
        role="system",
        action=auditchain.CHAINED_ACTION,
        organisation="",
        target="",
        data={"entries": seq},
        actor_perm="",
        seq=seq + 1,
        prev_hash=prev,
    )
    marker.hash = auditchain.digest(
        {name: getattr(marker, name) for name in auditchain.FIELDS}, prev
    )
    marker.save(using=db)


def create_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in appendonly.create(schema_editor.connection.vendor):
            cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in appendonly.drop(schema_editor.connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["-seq"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_perm",
            field=models.CharField(blank=True, default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
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
                ("day", models.DateField(unique=True)),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
                "ordering": ["-day"],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
