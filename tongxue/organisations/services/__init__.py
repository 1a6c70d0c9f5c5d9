"""Write the organisation registry (ORG-1): organisations, people and positions.

Every service is keyword-only and atomic, checks the actor's permission at the
organisation (``actor=None`` is a system command and is allowed), and writes an audit
record in the same transaction. Appointments and changes to a school's branch campuses
run the audit rules as guards (``tongxue.domain.guards``): a change that would introduce
a new violation — a 主席助理 title (ORG-5 · GS-9, CQ-4), a 7th vice-president without a
branch campus (ORG-2 · GS-9, CQ-4), a student as secretary-general (ORG-3 · GS-9, CQ-4) —
is refused with the requirement and clauses it would break. A presidium post (president,
vice-president of a union) is filled only through a certified election of it (ELE-1,
ELE-3 · GS-8, CQ-3): :func:`appoint` refuses it without one, and the elections service
passes the election when its result takes effect.

One module per kind of row (:mod:`.organisations`, :mod:`.people`, :mod:`.positions`;
their shared helpers in :mod:`.common`), all re-exported here.
"""

from tongxue.core.errors import Refusal
from tongxue.organisations.services.organisations import (
    ORGANISATION_FIELDS,
    create_organisation,
    update_organisation,
)
from tongxue.organisations.services.people import (
    PERSON_FIELDS_WRITABLE,
    create_person,
    update_person,
)
from tongxue.organisations.services.positions import (
    appoint,
    appoint_new_person,
    end_position,
)

__all__ = [
    "ORGANISATION_FIELDS",
    "PERSON_FIELDS_WRITABLE",
    "Refusal",
    "appoint",
    "appoint_new_person",
    "create_organisation",
    "create_person",
    "end_position",
    "update_organisation",
    "update_person",
]
