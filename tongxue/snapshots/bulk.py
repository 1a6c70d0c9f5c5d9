"""Bulk reads and writes of the snapshot import (ORG-1): chunked look-ups, inserts with
``executemany``, and the upsert that compares wanted rows with stored ones.

Used by :mod:`tongxue.snapshots.services` and :mod:`tongxue.snapshots.records` inside
the import's transaction. The ``*_COLS`` tuples are the stored columns compared on
re-import, per model; a row whose values equal the stored ones is left alone, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

#: Keys per ``IN (…)`` lookup: below SQLite's historical limit of 999 parameters.
CHUNK = 900


#: Rows per INSERT / UPDATE statement.
BATCH = 500


#: Rows per ``executemany`` call when inserting.
INSERT_BATCH = 5000


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def lookup(
    model: type[models.Model], key: str, keys: Iterable[Any], *fields: str
) -> list[tuple[Any, ...]]:
    """Return ``values_list(key, *fields)`` of the rows whose ``key`` is in ``keys``."""
    out: list[tuple[Any, ...]] = []
    for chunk in chunks(sorted(set(keys))):
        out.extend(
            model._default_manager.filter(**{f"{key}__in": chunk}).values_list(
                key, *fields
            )
        )
    return out


# Stored columns compared on re-import, per model, in the order of the tuples below.
ORG_COLS = (
    "name",
    "name_en",
    "kind",
    "parent_id",
    "path",
    "students_served",
    "school_type",
    "county",
    "branch_campuses",
    "function",
    "profile",
)


PERSON_COLS = (
    "name",
    "kind",
    "student_number",
    "gender",
    "ethnicity",
    "department_id",
    "grade",
    "class_unit_id",
    "enrolment",
)


POSITION_COLS = (
    "title",
    "end",
    "branch_campus",
    "responsible_for_clubs",
    "public_contact",
    "election",
)


MEETING_COLS = (
    "organisation_id",
    "kind",
    "session",
    "opened",
    "work_report",
    "status",
    "recorded_seats",
)


REVIEW_COLS = (
    "assessment_published",
    "report_heard",
    "opinions_heard",
    "opinions",
    "assessment",
    "rating",
    "published_on",
)


JUSTIFICATION_COLS = ("reason", "approved_by", "approved_on", "valid_until", "evidence")


RECORDED_ELECTION_COLS = ("organisation_id", "meeting", "post", "status")


RECORDED_EVALUATION_COLS = (
    "start",
    "end",
    "dimensions",
    "cadres",
    "participants",
    "eligible",
    "published",
)


GUIDANCE_COLS = ("by", "summary", "public")


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (attname → value) with ``executemany``: far cheaper than building
    model instances for a province, and the same statement on SQLite and PostgreSQL."""
    if not rows:
        return
    meta = model._meta
    names = list(rows[0])
    fields = [meta.get_field(name) for name in names]
    ops = connection.ops
    adapt: list[Any] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapt.append(ops.adapt_datefield_value)
        elif isinstance(f, models.JSONField):  # a justification's evidence
            adapt.append(lambda value, f=f: f.get_db_prep_save(value, connection))
        else:
            adapt.append(None)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        tuple(
            row[n] if a is None or row[n] is None else a(row[n])
            for n, a in zip(names, adapt, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), INSERT_BATCH):
            cursor.executemany(sql, params[start : start + INSERT_BATCH])


class Upsert:
    """Compare wanted rows with stored ones; create the new, update the changed."""

    def __init__(
        self,
        model: type[models.Model],
        cols: Sequence[str],
        counts: TableCounts,
        *,
        stamps: Sequence[str] = (),
        created_stamps: Sequence[str] = (),
    ) -> None:
        self.model, self.cols, self.counts = model, tuple(cols), counts
        self.stamps, self.created_stamps = tuple(stamps), tuple(created_stamps)
        self.create: list[dict[str, Any]] = []
        self.update: list[models.Model] = []

    def add(
        self,
        stored: tuple[Any, tuple[Any, ...]] | None,
        ident: Mapping[str, Any],
        values: Mapping[str, Any],
    ) -> None:
        if stored is None:
            self.create.append({**ident, **values})
            self.counts.created += 1
        elif stored[1] == tuple(values[c] for c in self.cols):
            self.counts.unchanged += 1
        else:
            self.update.append(self.model(pk=stored[0], **values))
            self.counts.updated += 1

    def save(self) -> None:
        now = timezone.now()
        if self.create:
            for row in self.create:
                for stamp in (*self.stamps, *self.created_stamps):
                    row[stamp] = now
            insert_rows(self.model, self.create)
        if self.update:
            for obj in self.update:
                for stamp in self.stamps:
                    setattr(obj, stamp, now)
            self.model._default_manager.bulk_update(
                self.update, [*self.cols, *self.stamps], batch_size=BATCH
            )


ORG_STAMPS: dict[str, Any] = {
    "stamps": ("updated_at",),
    "created_stamps": ("created_at",),
}
