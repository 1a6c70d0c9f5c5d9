"""A meeting's agenda (CON-7; a standing conference's, CON-10 · GS-8, CQ-3)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_noop

from tongxue.business.models import AgendaItem
from tongxue.business.services.common import _agenda_guard, _manage, _record
from tongxue.congresses.models import Meeting
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse


@transaction.atomic
def add_agenda_item(
    *, actor: Actor, meeting: Meeting, kind: str, title: str, notes: str = ""
) -> AgendaItem:
    """Add an item to the meeting's agenda (CON-7); a standing conference refuses
    executive and congress-only items (CON-10 · GS-8, CQ-3)."""
    role = _manage(actor, meeting.organisation)
    _agenda_guard(meeting, kind)
    title = title.strip()
    if not title:
        raise refuse("required", gettext_noop("This field is required."), field="title")
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        title=title,
        notes=notes.strip(),
        position=(last or 0) + 1,
    )
    _record(actor, "add_agenda_item", meeting, role, kind=kind, title=title)
    return item


@transaction.atomic
def remove_agenda_item(*, actor: Actor, item: AgendaItem) -> None:
    """Remove an item from the agenda (the pages ask to confirm first)."""
    meeting = item.meeting
    role = _manage(actor, meeting.organisation)
    _record(
        actor, "remove_agenda_item", meeting, role, kind=item.kind, title=item.title
    )
    item.delete()
