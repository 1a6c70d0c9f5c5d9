"""The congress transitions lock the meeting row once and check under that lock (#13).

Each service of :mod:`tongxue.congresses.services.transitions` moves the meeting with
:func:`tongxue.core.lifecycle.transition`, which locks the row (``SELECT … FOR
UPDATE``); the service's own conditions (an allocation, no delegate entered, the
delegate list) are its ``check``, run under that lock. On PostgreSQL the captured SQL
shows one lock of the meeting row per move, taken before the check reads; SQLite has
no row locks (Django leaves ``FOR UPDATE`` out), so there only the outcomes are
checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories_congress import allocated, build_union, enter, planned
from tongxue.congresses import services
from tongxue.congresses.models import (
    Delegate,
    Meeting,
    MeetingStatus,
    SeatAllocation,
)
from tongxue.core.models import AuditEvent
from tongxue.domain.findings import Refusal

pytestmark = pytest.mark.django_db

MEETING = f'FROM "{Meeting._meta.db_table}"'


def _meeting_locks(sql: list[str]) -> list[int]:
    """The positions of the statements that lock a meeting row."""
    return [k for k, s in enumerate(sql) if MEETING in s and "FOR UPDATE" in s]


def _first(sql: list[str], table: str) -> int:
    """The position of the first statement that reads ``table``."""
    return next(k for k, s in enumerate(sql) if f'FROM "{table}"' in s)


def _move(
    service: Callable[..., Any], meeting: Meeting, actor: Any, **kwargs: Any
) -> list[str]:
    """Run one transition service; return its SQL statements."""
    with CaptureQueriesContext(connection) as queries:
        service(actor=actor, meeting=meeting, **kwargs)
    return [q["sql"] for q in queries.captured_queries]


def _locked_once(sql: list[str], *, before: str = "") -> None:
    """On PostgreSQL: one lock of the meeting row, before the check reads ``before``."""
    if not connection.features.has_select_for_update:
        return  # SQLite: no row locks to count
    locks = _meeting_locks(sql)
    assert len(locks) == 1, sql
    if before:
        assert locks[0] < _first(sql, before), sql


def test_every_move_locks_the_meeting_once_and_checks_under_the_lock():
    u = build_union()
    m = planned(u)
    services.allocate_seats(actor=u.admin, meeting=m, method="hamilton")
    allocation = SeatAllocation.objects.get(meeting=m)

    sql = _move(services.freeze_seats, m, u.admin)
    _locked_once(sql, before=SeatAllocation._meta.db_table)
    m.refresh_from_db()
    assert m.status == MeetingStatus.SEATS_ALLOCATED
    allocation.refresh_from_db()
    assert allocation.frozen_at is not None
    event = AuditEvent.objects.get(action="congress.seats_allocated")
    # the audit data found by the check, under the lock
    assert event.data["allocation"] == allocation.pk
    assert event.data["seats"] == allocation.seats

    sql = _move(services.unfreeze_seats, m, u.admin)
    _locked_once(sql, before=Delegate._meta.db_table)
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED
    allocation.refresh_from_db()
    assert allocation.frozen_at is None

    services.freeze_seats(actor=u.admin, meeting=m)
    m.refresh_from_db()
    for p in u.students["UD0"][:3]:
        enter(u, m, p)
    sql = _move(services.freeze_delegates, m, u.admin)
    _locked_once(sql, before=Delegate._meta.db_table)
    m.refresh_from_db()
    assert m.status == MeetingStatus.DELEGATES_ELECTED
    assert m.delegates_frozen_at is not None
    event = AuditEvent.objects.get(action="congress.delegates_elected")
    assert event.data["delegates"] == 3
    assert event.data["from"] == MeetingStatus.SEATS_ALLOCATED

    for service, state in (
        (services.convene, MeetingStatus.CONVENED),
        (services.close, MeetingStatus.CLOSED),
    ):
        _locked_once(_move(service, m, u.admin))
        m.refresh_from_db()
        assert m.status == state


def test_a_stale_meeting_is_judged_by_the_state_under_the_lock():
    u = build_union()
    m = allocated(u)
    stale = Meeting.objects.get(pk=m.pk)  # still seats_allocated in memory
    enter(u, m, u.students["UD0"][0])
    services.freeze_delegates(actor=u.admin, meeting=m)
    # the stale copy says seats_allocated: the database says delegates_elected
    with pytest.raises(Refusal) as exc:
        services.unfreeze_seats(actor=u.admin, meeting=stale)
    assert exc.value.code == "invalid-transition"
    with pytest.raises(Refusal) as exc:
        services.freeze_delegates(actor=u.admin, meeting=stale)
    assert exc.value.code == "invalid-transition"
    m.refresh_from_db()
    assert m.status == MeetingStatus.DELEGATES_ELECTED
    assert AuditEvent.objects.filter(action="congress.delegates_elected").count() == 1


def test_the_checks_still_refuse_and_move_nothing():
    u = build_union()
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.freeze_seats(actor=u.admin, meeting=m)
    assert exc.value.code == "CON-4.not-allocated"
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED

    a = allocated(u, code="UC2")
    with pytest.raises(Refusal) as exc:
        services.freeze_delegates(actor=u.admin, meeting=a)
    assert exc.value.code == "CON-6.no-delegates"
    enter(u, a, u.students["UD0"][0])
    with pytest.raises(Refusal) as exc:
        services.unfreeze_seats(actor=u.admin, meeting=a)
    assert exc.value.code == "has-delegates"
    a.refresh_from_db()
    assert a.status == MeetingStatus.SEATS_ALLOCATED
    assert not AuditEvent.objects.filter(
        action__in=["congress.planned", "congress.delegates_elected"], target=a.code
    ).exists()
