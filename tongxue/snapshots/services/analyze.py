"""Fresh planner statistics after a large import (PostgreSQL only, #15).

An import into an empty or a small database leaves PostgreSQL believing the tables are
as small as before until autovacuum analyses them (up to a minute or more later): in the
meantime a subtree query may scan every organisation instead of using the path index.
:func:`analyze_after_commit` registers, inside the import's transaction, an ``ANALYZE``
of each table the import wrote at least :data:`ANALYZE_AT` rows of (created or updated),
run once the transaction commits, so a rolled-back or a dry-run import analyses nothing
and a small import (a union's file of a few dozen rows) costs nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, models, transaction

from tongxue.business.models import (
    AgendaItem,
    CharterVersion,
    Guidance,
    StandingConference,
    WrittenReport,
)
from tongxue.compliance.models import Justification
from tongxue.congresses.models import Delegate, DelegateElection, Meeting
from tongxue.elections.models import RecordedElection
from tongxue.evaluations.models import EvaluationPeriod, RecordedEvaluation, Subject
from tongxue.organisations.models import Organisation, Person, Position, Review
from tongxue.snapshots.bulk import TableCounts

#: Rows written to a table (created + updated) from which it is analysed.
ANALYZE_AT = 500

#: The tables each of an import's counts stands for.
TABLES_OF: Mapping[str, tuple[type[models.Model], ...]] = {
    "organisations": (Organisation,),
    "people": (Person,),
    "positions": (Position,),
    "meetings": (Meeting, AgendaItem, CharterVersion),
    "delegates": (Delegate, DelegateElection),
    "reviews": (Review,),
    "justifications": (Justification,),
    "elections": (RecordedElection,),
    "guidance": (Guidance,),
    "evaluations": (RecordedEvaluation,),
    "semesters": (EvaluationPeriod, Subject),
    "written_reports": (WrittenReport,),
    "standing_conferences": (StandingConference,),
}


def tables_to_analyze(counts: Mapping[str, TableCounts]) -> list[str]:
    """The database tables of the counts that reach :data:`ANALYZE_AT`, sorted."""
    out: set[str] = set()
    for name, c in counts.items():
        if c.created + c.updated >= ANALYZE_AT:
            out.update(m._meta.db_table for m in TABLES_OF.get(name, ()))
    return sorted(out)


def analyze_after_commit(counts: Mapping[str, TableCounts]) -> list[str]:
    """On PostgreSQL, ``ANALYZE`` the written tables once the transaction commits.

    Call it inside the import's transaction; returns the tables (none elsewhere).
    """
    if connection.vendor != "postgresql":
        return []
    tables = tables_to_analyze(counts)
    if tables:

        def analyze() -> None:
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(quote(t) for t in tables))

        transaction.on_commit(analyze)
    return tables
