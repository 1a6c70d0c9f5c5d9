"""Trigram indexes for the search box's documents on PostgreSQL (#16): the titles of
the unions' rules and work-affairs entries (#18's public page); nothing on SQLite.
As ``0001``: GIN indexes with ``gin_trgm_ops`` serve the selectors' ``ILIKE``
patterns and the similarity operator ``%``.
"""

from django.db import migrations

# (index, table, column)
INDEXES = (
    ("search_rule_title_trgm", "disclosure_ruledocument", "title"),
    ("search_work_entry_title_trgm", "disclosure_workentry", "title"),
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ("{column}" gin_trgm_ops)'
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_trigram_indexes"),
        ("disclosure", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
