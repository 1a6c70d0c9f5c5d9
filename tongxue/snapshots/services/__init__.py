"""Import a snapshot: all or nothing, idempotent, in bulk (ORG-1).

:func:`import_tables` parses a snapshot document with
:func:`tongxue.domain.snapshot.parse_tables`, then upserts every table inside one
transaction, keyed by the stable identifiers of ``docs/snapshot.md``: organisation
code, person id, position (organisation, person, role, start), meeting code, delegate
(meeting, person), review (reviewer, reviewed, held) and justification (organisation,
rule) and election (code). A row whose values equal the stored ones is left alone, so
importing the same file twice changes nothing. The ``elections`` table is stored as
recorded elections (:class:`tongxue.elections.models.RecordedElection`: the facts the
file carries, no ballots); a row naming an election run in Tongxue at the same
organisation is that election and is left alone. The ``guidance`` table (GOV-1, GOV-2:
a school-level union's report heard by the Party committee, the League committee's
guidance) is stored as records of guidance, keyed by (organisation, kind, held). The
``evaluations`` table (CAD-3) is stored as recorded evaluations
(:class:`tongxue.evaluations.models.RecordedEvaluation`: counts, never a rating), keyed
by (organisation, code). The
election of each delegate (CON-6), semesters with their 述职 reports (CAD-4), written
work reports (CON-13), standing conferences (CON-8 … CON-10) and a meeting's agenda and
charter in force (CON-7) are stored by :mod:`tongxue.snapshots.records`, so that the
audit of the database finds what ``tongxue audit FILE`` finds; only a charter in force
that would slip under the versions Tongxue records is checked and not stored
(``ImportResult.not_stored``). Any problem — in any row — raises
:class:`SnapshotInvalid` with every problem found, and nothing is written.

Lookups are done in bulk (one query per table and per chunk of keys), writes with
``bulk_create`` / ``bulk_update``: the number of queries does not grow with the rows
until a chunk fills up.

The package: :mod:`.importing` (:func:`import_tables` and the steps of one import),
:mod:`.checks` (what must hold before anything is written), :mod:`.store` (the writes,
table by table), :mod:`.files` (:func:`import_file`, :func:`read_bytes`, :func:`content_size`, :func:`precheck`),
:mod:`.background` (the imports and exports run as background jobs, #14); the bulk
look-ups and upserts are :mod:`tongxue.snapshots.bulk`.
"""

from __future__ import annotations

from tongxue.snapshots.bulk import TableCounts
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.services.files import (
    content_size,
    import_file,
    precheck,
    read_bytes,
)
from tongxue.snapshots.services.importing import ImportResult, import_tables

__all__ = [
    "ImportResult",
    "SnapshotInvalid",
    "TableCounts",
    "content_size",
    "import_file",
    "import_tables",
    "precheck",
    "read_bytes",
]
