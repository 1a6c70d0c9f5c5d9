"""Congress pages: the seat table of a congress and its allocation (CON-3, CON-4).

The seat table and its explanation are public (they are published with the delegate
list). Allocating needs ``Perm.MANAGE`` at the congress's union. Views only parse input,
call :mod:`tongxue.congresses.services` and map a ``Refusal`` to a form error.
"""

from __future__ import annotations

from tongxue.congresses.views.delegates import (
    _entry_context,
    enter_delegates,
    export_delegates,
    organisation_context,
    provenance,
    public_delegates,
    remove_delegate,
    share,
    upload_delegates,
)
from tongxue.congresses.views.exports import delegates_file, seats_file
from tongxue.congresses.views.lifecycle import (
    _AFTER_PREPARATIONS,
    _REOPEN_PREPARATIONS,
    STEPS,
    _can,
    _detail_context,
    _step,
    congress_list,
    detail,
    plan,
    seats_by_grade,
    transition,
)
from tongxue.congresses.views.seat_tables import (
    _initial_from,
    seats,
)
from tongxue.congresses.views.shared import (
    _meeting_or_404,
)

__all__ = [
    "STEPS",
    "_AFTER_PREPARATIONS",
    "_REOPEN_PREPARATIONS",
    "_can",
    "_detail_context",
    "_entry_context",
    "_initial_from",
    "_meeting_or_404",
    "_step",
    "congress_list",
    "delegates_file",
    "detail",
    "enter_delegates",
    "export_delegates",
    "organisation_context",
    "plan",
    "provenance",
    "public_delegates",
    "remove_delegate",
    "seats",
    "seats_by_grade",
    "seats_file",
    "share",
    "transition",
    "upload_delegates",
]
