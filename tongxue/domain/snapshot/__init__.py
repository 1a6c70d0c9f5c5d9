"""Snapshots: a whole organisation tree as plain tables, parsed into the domain (ORG-1).

A snapshot is a mapping of table name to rows (JSON objects, or spreadsheet rows under a
header). :func:`parse_tables` checks every cell — types, allowed values, required
fields, duplicate keys, references, cycles in the parent chain, negative numbers,
dates — and reports *every* problem at once as a :class:`SnapshotError` naming the
table, the row and the field. :func:`registry_to_tables` is its inverse, used by export.

The format is documented in ``docs/snapshot.md`` and described by
``tongxue/snapshots/schema.json``. References (``parent``, ``department``, ``class``,
``organisation``, ``person``, ``meeting`` …) may point to rows of the snapshot or, on
import, to rows already stored (``known_orgs`` / ``known_people`` / ``known_meetings``).

The package, one module per step (this module re-exports their public names):

- :mod:`.tables`: the format — tables, columns, keys — and the parsed :class:`Snapshot`;
- :mod:`.cells`: converting and checking cells and rows (:class:`~.cells.Parser`);
- :mod:`.checks`: the checks across rows and tables (dates, reviews, seat plans,
  the elections of delegates, …);
- :mod:`.parse`: :func:`parse_tables`, from the header to the :class:`Snapshot`;
- :mod:`.export`: :func:`registry_to_tables`.
"""

from tongxue.domain.snapshot.cells import (
    Labels,
    label_key,
    split_ids,
    storable,
    to_bool,
    to_date,
)
from tongxue.domain.snapshot.checks import (
    ELECTION_COLUMNS,
    MSG_CAST_OVER_ELECTORATE,
    MSG_ELECTING_KIND,
    MSG_ELECTING_OUTSIDE,
    MSG_ELECTION_FIGURES,
    MSG_ELECTION_PART,
    MSG_ELECTORATE_MIN,
    MSG_EVALUATION_UNION,
    MSG_GUIDANCE_UNION,
    MSG_VOTES_OVER_CAST,
    electing_error,
)
from tongxue.domain.snapshot.export import registry_to_tables
from tongxue.domain.snapshot.parse import parse_tables
from tongxue.domain.snapshot.tables import (
    AUDIT_ONLY,
    AUDIT_ONLY_COLUMNS,
    DOCUMENT,
    FORMAT,
    HEADER_KEYS,
    KEYS,
    REVIEW_TEXT_MAX,
    ROW_KEY,
    TABLES,
    VERSION,
    Column,
    EvaluationDimension,
    Snapshot,
    SnapshotError,
)

__all__ = [
    "AUDIT_ONLY",
    "AUDIT_ONLY_COLUMNS",
    "DOCUMENT",
    "ELECTION_COLUMNS",
    "FORMAT",
    "HEADER_KEYS",
    "KEYS",
    "MSG_CAST_OVER_ELECTORATE",
    "MSG_ELECTING_KIND",
    "MSG_ELECTING_OUTSIDE",
    "MSG_ELECTION_FIGURES",
    "MSG_ELECTION_PART",
    "MSG_ELECTORATE_MIN",
    "MSG_EVALUATION_UNION",
    "MSG_GUIDANCE_UNION",
    "MSG_VOTES_OVER_CAST",
    "REVIEW_TEXT_MAX",
    "ROW_KEY",
    "TABLES",
    "VERSION",
    "Column",
    "EvaluationDimension",
    "Labels",
    "Snapshot",
    "SnapshotError",
    "electing_error",
    "label_key",
    "parse_tables",
    "registry_to_tables",
    "split_ids",
    "storable",
    "to_bool",
    "to_date",
]
