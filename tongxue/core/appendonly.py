"""Database triggers that refuse to change or delete audit records and checkpoints.

PostgreSQL: one function raising an exception, called by a row trigger BEFORE UPDATE OR
DELETE and a statement trigger BEFORE TRUNCATE on each table. SQLite: BEFORE UPDATE and
BEFORE DELETE triggers that ``RAISE(ABORT, …)`` (SQLite has no TRUNCATE). Created by
migration ``core.0003_auditevent_chain``.

The table's owner (and a PostgreSQL superuser) can still drop or disable the triggers:
they stop mistakes and whoever holds only the application's SQL rights, not the owner of
the database; the hash chain and the published checkpoints find what the owner changed.
SQLite: a later migration that rebuilds the table (Django copies it into a new one for
most field changes) drops its triggers and must create them again (:func:`create`).
"""

from __future__ import annotations

TABLES = ("core_auditevent", "core_auditcheckpoint")
MESSAGE = "the audit log is append-only"

_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION tongxue_append_only() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    f" RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME;"
    " END $$"
)


def create(vendor: str) -> list[str]:
    """Return the statements that create the triggers."""
    if vendor == "postgresql":
        statements = [_PG_FUNCTION]
        for table in TABLES:
            statements += [
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION tongxue_append_only()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION tongxue_append_only()",
            ]
        return statements
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for table in TABLES
            for op in ("UPDATE", "DELETE")
        ]
    return []


def drop(vendor: str) -> list[str]:
    """Return the statements that drop the triggers."""
    if vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}"
            for table in TABLES
            for name in ("no_change", "no_truncate")
        ]
        return [*statements, "DROP FUNCTION IF EXISTS tongxue_append_only()"]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op}"
            for table in TABLES
            for op in ("update", "delete")
        ]
    return []


def around_flush(vendor: str, statements: list[str]) -> list[str]:
    """Return a flush's statements with the triggers lifted around them.

    For tests only: Django empties the database between transactional tests (a
    TRUNCATE, or a DELETE on SQLite), which the triggers refuse.
    """
    if not any(table in s for s in statements for table in TABLES):
        return statements
    if vendor == "postgresql":
        off = [f"ALTER TABLE {t} DISABLE TRIGGER USER" for t in TABLES]
        on = [f"ALTER TABLE {t} ENABLE TRIGGER USER" for t in TABLES]
        return [*off, *statements, *on]
    if vendor == "sqlite":
        return [*drop(vendor), *statements, *create(vendor)]
    return statements
