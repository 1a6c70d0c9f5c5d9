"""Read congresses: the seat table with its explanation (CON-4 · GS-8, CQ-3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from tongxue.congresses.models import Meeting, SeatAllocation
from tongxue.domain.findings import Message
from tongxue.organisations.models import Organisation


@dataclass(frozen=True)
class SeatRow:
    unit_code: str
    unit_name: str
    students: int
    quota: str  # exact, "p/q"
    quota_decimal: str
    seats: int
    why: str


@dataclass(frozen=True)
class SeatTable:
    allocation: SeatAllocation
    rows: list[SeatRow]

    @property
    def total_students(self) -> int:
        return sum(r.students for r in self.rows)


def _why(explanation: dict[str, Any]) -> str:
    message = explanation.get("why_message")
    if message:
        return Message(message["text"], message.get("params") or {}).render(gettext)
    return str(explanation.get("why") or "")


def allocation_table(meeting: Meeting) -> SeatTable | None:
    """Return the meeting's seat allocation as rows for display, or None (two queries)."""
    allocation = (
        SeatAllocation.objects.filter(meeting=meeting)
        .select_related("created_by")
        .first()
    )
    if allocation is None:
        return None
    rows = [
        SeatRow(
            unit_code=r.unit.code,
            unit_name=r.unit.name,
            students=r.students,
            quota=r.quota,
            quota_decimal=str(r.explanation.get("quota_decimal", "")),
            seats=r.seats,
            why=_why(r.explanation),
        )
        for r in allocation.rows.select_related("unit").order_by("position")
    ]
    return SeatTable(allocation=allocation, rows=rows)


def recent_meetings(*, organisation: Organisation, limit: int = 10) -> list[Meeting]:
    """Return the organisation's newest congresses, assemblies and standing meetings."""
    return list(
        Meeting.objects.filter(organisation=organisation).order_by("-opened")[:limit]
    )
