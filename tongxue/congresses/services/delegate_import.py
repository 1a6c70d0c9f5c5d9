"""Enter a congress's delegates from a CSV upload, all or nothing (CON-4, CON-6)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from tongxue.congresses.models import Meeting
from tongxue.congresses.services.delegates import ElectionInput, enter_delegate
from tongxue.congresses.services.shared import require_manage
from tongxue.core.auditlog import Actor
from tongxue.core.errors import render_message
from tongxue.core.spreadsheets import unescape_cell
from tongxue.domain.findings import Message, Refusal

#: The header of a delegate CSV upload.
CSV_COLUMNS = (
    "ident",
    "seat",
    "grade",
    "electing_unit",
    "election_date",
    "electorate",
    "votes_cast",
    "votes",
)


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header; the first delegate is row 2
    field: str
    message: str


def _csv_int(value: str, name: str, row: int, errors: list[RowError]) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        errors.append(RowError(row, name, gettext("Not a whole number: “%s”.") % value))
        return None


@transaction.atomic
def import_delegates(
    *, actor: Actor, meeting: Meeting, text: str
) -> tuple[int, list[RowError]]:
    """Enter delegates from CSV text, all or nothing (CON-4, CON-6).

    Returns the number entered and the errors, each naming its row and field; on any
    error nothing is entered.
    """
    require_manage(actor, meeting.organisation)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        return 0, [
            RowError(
                1,
                ", ".join(missing),
                gettext("The header lacks these columns: %s.") % ", ".join(missing),
            )
        ]
    errors: list[RowError] = []
    entered = 0
    for n, raw_row in enumerate(reader, start=2):
        # The delegate export escapes a risky text with a leading ' (core.spreadsheets).
        row = {k: unescape_cell(v) for k, v in raw_row.items()}
        parsed, row_errors = _parse_row(n, row)
        if parsed is None:
            errors.extend(row_errors)
            continue
        grade, election, votes = parsed
        try:
            with transaction.atomic():
                enter_delegate(
                    actor=actor,
                    meeting=meeting,
                    ident=row.get("ident") or "",
                    seat=row.get("seat") or "",
                    grade=grade,
                    election=election,
                    votes=votes,
                )
        except Refusal as refusal:
            errors.append(
                RowError(n, refusal.field or "", render_message(refusal.message))
            )
        else:
            entered += 1
    if errors:
        transaction.set_rollback(True)
        return 0, errors
    return entered, []


def _parse_row(
    n: int, row: dict[str, str]
) -> tuple[tuple[int | None, ElectionInput, int | None] | None, list[RowError]]:
    """Row ``n``'s grade, election and votes, or None and the errors, each naming its
    field."""
    row_errors: list[RowError] = []
    grade = _csv_int(row.get("grade", ""), "grade", n, row_errors)
    electorate = _csv_int(row.get("electorate", ""), "electorate", n, row_errors)
    cast = _csv_int(row.get("votes_cast", ""), "votes_cast", n, row_errors)
    votes = _csv_int(row.get("votes", ""), "votes", n, row_errors)
    held: date | None = None
    raw = (row.get("election_date") or "").strip()
    try:
        held = date.fromisoformat(raw) if raw else None
    except ValueError:
        row_errors.append(
            RowError(
                n, "election_date", gettext("Not a date (YYYY-MM-DD): “%s”.") % raw
            )
        )
    unit = (row.get("electing_unit") or "").strip()
    if not row_errors and not (
        unit and held and electorate is not None and cast is not None
    ):
        row_errors.append(
            RowError(
                n,
                "electing_unit",
                render_message(
                    Message(
                        gettext_noop(
                            "A delegate needs the election that elected them."
                        ),
                        {},
                    )
                ),
            )
        )
    if row_errors:
        return None, row_errors
    assert held is not None and electorate is not None and cast is not None
    return (grade, ElectionInput(unit, held, electorate, cast), votes), []
