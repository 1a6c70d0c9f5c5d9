"""The raise stamp (#17): a row the database moves on by itself, with triggers on the
tables whose rows a raise keeps per process (tongxue.voice.services.kept)."""

from django.db import migrations, models

#: The tables whose changes make every process read again what it kept.
WATCHED = (
    "organisations_organisation",
    "core_roleassignment",
    "voice_category",
    "voice_namedhandler",
)
BUMP = "UPDATE voice_raisestamp SET n = n + 1"


def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO voice_raisestamp (id, n) VALUES (1, 0)")
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION voice_raisestamp_bump() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$"
            )
            for table in WATCHED:
                cursor.execute(
                    f"CREATE TRIGGER {table}_raisestamp AFTER INSERT OR UPDATE OR "
                    f"DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                    "EXECUTE FUNCTION voice_raisestamp_bump()"
                )
        elif conn.vendor == "sqlite":
            for table in WATCHED:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_raisestamp_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                    )


def _remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for table in WATCHED:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_raisestamp ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS voice_raisestamp_bump()")
        elif conn.vendor == "sqlite":
            for table in WATCHED:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_raisestamp_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alter_roleassignment_role_finances"),
        ("organisations", "0005_alter_organisation_kind"),
        ("voice", "0010_relay"),
    ]

    operations = [
        migrations.CreateModel(
            name="RaiseStamp",
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
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(_install, _remove),
    ]
