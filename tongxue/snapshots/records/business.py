"""A union's business as the audit reads it (CON-13, CON-8 … CON-10, CON-7).

Written work reports (CON-13) keyed by union and code, the day a union adopted its
standing conference (CON-8 … CON-10) (:func:`store_written_reports`,
:func:`store_standing_conferences`), and a meeting's business (CON-7): the kinds of
item on its agenda as agenda items without texts, and a charter in force as a version
whose text is not on record (:func:`store_business`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext

from tongxue.business.mappers import BUSINESS_FIELDS, annotate_business
from tongxue.business.models import (
    AgendaItem,
    CharterVersion,
    StandingConference,
    WrittenReport,
)
from tongxue.congresses.models import Meeting
from tongxue.domain import model as dm
from tongxue.domain.business import AgendaKind
from tongxue.domain.findings import gettext_noop
from tongxue.domain.snapshot import Snapshot
from tongxue.snapshots.bulk import chunks, lookup

#: The note of a charter version recorded from a snapshot's ``charter_in_force``.
CHARTER_NOTE = gettext_noop(
    "Recorded by a snapshot import: a charter was in force; its text is not on record."
)


def store_written_reports(
    snap: Snapshot, *, pk_of: Mapping[str, Any], counts: Any
) -> None:
    """Upsert the work reports filed in writing (CON-13), keyed by (union, code).

    A new one is titled with its code and has no text (the file carries neither).
    """
    if not snap.written_reports:
        return
    stored = {
        (union, code): (pk, filed)
        for union, code, pk, filed in lookup(
            WrittenReport,
            "union_id",
            {pk_of[r.organisation] for r in snap.written_reports},
            "code",
            "pk",
            "filed_on",
        )
    }
    new, changed = [], []
    for r in snap.written_reports:
        key = (pk_of[r.organisation], r.code)
        old = stored.get(key)
        if old is None:
            new.append(
                WrittenReport(
                    union_id=key[0],
                    code=r.code,
                    title=r.code,
                    text="",
                    filed_on=r.filed,
                )
            )
            counts.created += 1
        elif old[1] != r.filed:
            changed.append(WrittenReport(pk=old[0], filed_on=r.filed))
            counts.updated += 1
        else:
            counts.unchanged += 1
    WrittenReport.objects.bulk_create(new, batch_size=500)
    WrittenReport.objects.bulk_update(changed, ["filed_on"], batch_size=500)


def store_standing_conferences(
    snap: Snapshot, *, pk_of: Mapping[str, Any], counts: Any
) -> None:
    """Upsert the day each union adopted its standing conference (CON-8 … CON-10)."""
    if not snap.standing_conferences:
        return
    stored = dict(
        (union, (pk, adopted))
        for union, pk, adopted in lookup(
            StandingConference,
            "union_id",
            {pk_of[c.organisation] for c in snap.standing_conferences},
            "pk",
            "adopted_on",
        )
    )
    new, changed = [], []
    for c in snap.standing_conferences:
        union = pk_of[c.organisation]
        old = stored.get(union)
        if old is None:
            new.append(StandingConference(union_id=union, adopted_on=c.adopted))
            counts.created += 1
        elif old[1] != c.adopted:
            changed.append(StandingConference(pk=old[0], adopted_on=c.adopted))
            counts.updated += 1
        else:
            counts.unchanged += 1
    StandingConference.objects.bulk_create(new, batch_size=500)
    StandingConference.objects.bulk_update(changed, ["adopted_on"], batch_size=500)


def store_business(
    snap: Snapshot,
    *,
    meeting_pk: Mapping[str, Any],
    pk_of: Mapping[str, Any],
    counts: Any,
    written: Sequence[str],
) -> int:
    """Store a meeting's business (CON-7) as the audit of the database reads it.

    Each kind of item on a meeting's ``agenda`` that the database does not already
    show (an agenda item of that kind, or for opinions a submitted opinion) becomes an
    agenda item of that kind, untitled, after the meeting's items. A ``charter_in_force``
    the database does not show becomes version 1 of the union's charter, adopted the
    day the earliest such meeting opened, its text not on record (:data:`CHARTER_NOTE`)
    — but only for a union with no charter version at all: a file cannot slip a
    version under the ones Tongxue records. Return the number of meetings whose charter
    was therefore not stored. A meeting of the file whose business changed and whose
    row did not (``written``: the codes of the meeting rows created or changed) is
    counted as updated.
    """
    wanted = [m for m in snap.meetings if m.agenda or m.charter_in_force]
    if not wanted:
        return 0
    pks = sorted({meeting_pk[m.code] for m in wanted})
    shown = _business_shown(pks)
    last = dict(
        AgendaItem.objects.filter(meeting_id__in=pks)
        .values("meeting_id")
        .annotate(m=Max("position"))
        .values_list("meeting_id", "m")
    )
    items: list[AgendaItem] = []
    changed: set[str] = set()
    charter: dict[Any, list[dm.Meeting]] = defaultdict(list)
    for m in wanted:
        pk = meeting_pk[m.code]
        flags = shown[pk]
        position = last.get(pk) or 0
        for kind in AgendaKind:
            if kind.value in m.agenda and not flags[f"agenda_{kind.value}"]:
                position += 1
                items.append(
                    AgendaItem(
                        meeting_id=pk, kind=kind.value, title="", position=position
                    )
                )
                changed.add(m.code)
        if m.charter_in_force and not flags["charter_in_force"]:
            charter[pk_of[m.organisation]].append(m)
    AgendaItem.objects.bulk_create(items, batch_size=500)
    not_stored = _store_charters(charter, changed) if charter else 0
    moved = len(changed - set(written))
    counts.unchanged -= moved
    counts.updated += moved
    return not_stored


def _business_shown(pks: Sequence[Any]) -> dict[Any, dict[str, bool]]:
    """Return, for each meeting, what business the database already shows."""
    shown: dict[Any, dict[str, bool]] = {}
    for chunk in chunks(pks):
        for pk, *flags in annotate_business(
            Meeting.objects.filter(pk__in=chunk)
        ).values_list("pk", *BUSINESS_FIELDS):
            shown[pk] = dict(zip(BUSINESS_FIELDS, flags, strict=True))
    return shown


def _store_charters(charter: Mapping[Any, list[dm.Meeting]], changed: set[str]) -> int:
    """Record version 1 of each union's charter, unless it has any version already.

    ``charter`` maps a union to the meetings of the file that had a charter in force
    not shown; ``changed`` gains the codes of those whose charter is stored. Return
    the number of meetings whose charter was not stored.
    """
    versioned = set(
        CharterVersion.objects.filter(union_id__in=list(charter))
        .values_list("union_id", flat=True)
        .distinct()
    )
    with translation.override(settings.LANGUAGE_CODE):
        note = gettext(CHARTER_NOTE)[:200]
    versions = []
    not_stored = 0
    for union, meetings in charter.items():
        if union in versioned:
            not_stored += len(meetings)
            continue
        versions.append(
            CharterVersion(
                union_id=union,
                number=1,
                text="",
                adopted_on=min(m.opened for m in meetings),
                note=note,
            )
        )
        changed.update(m.code for m in meetings)
    CharterVersion.objects.bulk_create(versions, batch_size=500)
    return not_stored
