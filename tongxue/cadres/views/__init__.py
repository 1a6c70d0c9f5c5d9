"""Cadre pages: open selection, the public roster, training, exit cases, the record.

Views parse input through :mod:`tongxue.cadres.forms`, call
:mod:`tongxue.cadres.services` and map a ``Refusal`` to an error on the page (400; 403
when the refusal is a permission refusal). The roster and the advertised posts are
public; applications, assessments, exit cases and the record are shown to the people
concerned and to the union's managers only.
"""

from __future__ import annotations

from tongxue.cadres.views.exits import (
    EXIT_STEPS,
    _case_or_404,
    _exit_context,
    _text_step,
    exit_action,
    exit_case,
    exit_new,
)
from tongxue.cadres.views.records import (
    _can_view_record,
    _covers,
    _granted_codes,
    my_record,
    record,
)
from tongxue.cadres.views.roster_training import (
    _active_position_or_404,
    course,
    relay,
    roster,
    training,
)
from tongxue.cadres.views.selections import (
    SELECTION_STEPS,
    _chosen,
    _school_path,
    _selection_context,
    _selection_or_404,
    _shortlisted,
    advertise,
    apply,
    assess,
    index,
    selection,
    selection_action,
)
from tongxue.cadres.views.shared import (
    _errors,
    _form_refusal,
    _signed_in,
    _status,
)

__all__ = [
    "EXIT_STEPS",
    "SELECTION_STEPS",
    "_active_position_or_404",
    "_can_view_record",
    "_case_or_404",
    "_chosen",
    "_covers",
    "_errors",
    "_exit_context",
    "_form_refusal",
    "_granted_codes",
    "_school_path",
    "_selection_context",
    "_selection_or_404",
    "_shortlisted",
    "_signed_in",
    "_status",
    "_text_step",
    "advertise",
    "apply",
    "assess",
    "course",
    "exit_action",
    "exit_case",
    "exit_new",
    "index",
    "my_record",
    "record",
    "relay",
    "roster",
    "selection",
    "selection_action",
    "training",
]
