"""Write the union's advocacy records (RGT-2, RGT-3, RGT-4).

Every service is keyword-only, checks permission and scope itself, runs in one
transaction and writes an audit record (``core.auditlog.record``: never a student's
text). Refusals are :class:`tongxue.core.errors.Refusal`. The package:
:mod:`.legal_aid` (the directory, referrals), :mod:`.meetings` (face-to-face meetings,
sign-up, minutes, points), :mod:`.participation` (committees, meetings attended,
written requests) and :mod:`.shared`. Every public name is re-exported here.
"""

from __future__ import annotations

from tongxue.advocacy.services.legal_aid import refer, save_contact
from tongxue.advocacy.services.meetings import (
    MAX_PLACES,
    PointAdded,
    add_point,
    cancel,
    record_minutes,
    schedule,
    sign_up,
    withdraw_signup,
)
from tongxue.advocacy.services.participation import (
    answer_request,
    record_participation,
    record_request,
    save_committee,
)
from tongxue.advocacy.services.shared import (
    DIRECTORY_EDITORS,
    FEDERATIONS,
    ORGANISERS,
    READERS,
    SCHOOL_LEVEL,
    role_for,
)

__all__ = [
    "DIRECTORY_EDITORS",
    "FEDERATIONS",
    "MAX_PLACES",
    "ORGANISERS",
    "READERS",
    "SCHOOL_LEVEL",
    "PointAdded",
    "add_point",
    "answer_request",
    "cancel",
    "record_minutes",
    "record_participation",
    "record_request",
    "refer",
    "role_for",
    "save_committee",
    "save_contact",
    "schedule",
    "sign_up",
    "withdraw_signup",
]
