"""Trigram indexes for the search box on PostgreSQL (#16); nothing on SQLite.

GIN indexes with ``gin_trgm_ops`` on the searched columns: the selectors'
``LIKE`` / ``ILIKE`` patterns of three or more characters (Chinese ones too: pg_trgm
hashes them) are looked up in them, and so is the similarity operator ``%`` of
:mod:`tongxue.search.selectors`.
"""

from django.db import migrations

# (index, table, column)
INDEXES = (
    ("search_org_name_trgm", "organisations_organisation", "name"),
    ("search_person_name_trgm", "organisations_person", "name"),
    ("search_notice_title_trgm", "publicity_notice", "title"),
    ("search_election_title_trgm", "elections_election", "title"),
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
        ("organisations", "0004_person_student_number_index"),
        ("publicity", "0002_notice_text"),
        ("elections", "0003_recorded_elections"),
    ]

    operations = [migrations.RunPython(create, drop)]
