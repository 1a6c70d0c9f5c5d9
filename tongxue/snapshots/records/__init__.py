"""What an import stores beyond the registry's own tables (issue #12).

:mod:`tongxue.snapshots.services` calls these inside its transaction, after the
organisations, people, positions and meetings are written, so that the audit of the
database sees what ``tongxue audit FILE`` sees:

* the election that elected each delegate (CON-6): a
  :class:`~tongxue.congresses.models.DelegateElection` per (meeting, unit, day), linked
  from the delegate rows (:func:`store_delegates`; checked by
  :func:`electing_unit_errors` first);
* semesters (CAD-4) as evaluation periods, each listed person's 述职 report filed
  (:func:`store_semesters`);
* written work reports (CON-13) keyed by union and code, and the day a union adopted
  its standing conference (CON-8 … CON-10) (:func:`store_written_reports`,
  :func:`store_standing_conferences`);
* a meeting's business (CON-7): the kinds of item on its agenda as agenda items
  without texts, and a charter in force as a version whose text is not on record
  (:func:`store_business`).

One module per kind of record (:mod:`.delegates`, :mod:`.semesters`,
:mod:`.business`); this package re-exports their functions. Lookups are chunked like
the services' own (:mod:`tongxue.snapshots.bulk`: one query per table and chunk of
keys); nothing is ever deleted: a file adds to, or corrects, what is stored.
"""

from tongxue.snapshots.records.business import (
    CHARTER_NOTE,
    store_business,
    store_standing_conferences,
    store_written_reports,
)
from tongxue.snapshots.records.delegates import electing_unit_errors, store_delegates
from tongxue.snapshots.records.semesters import (
    MSG_PERIOD_OPEN,
    MSG_REPORT_NO_POST,
    store_semesters,
)

__all__ = [
    "CHARTER_NOTE",
    "MSG_PERIOD_OPEN",
    "MSG_REPORT_NO_POST",
    "electing_unit_errors",
    "store_business",
    "store_delegates",
    "store_semesters",
    "store_standing_conferences",
    "store_written_reports",
]
