"""Write cadre records: open selection, training, exit cases, the contact relay.

Every service is keyword-only and atomic, checks the actor's permission
(``actor=None`` is a system command and is allowed), moves an object only along its
lifecycle (:data:`tongxue.domain.lifecycle.SELECTION`, :data:`~tongxue.domain.lifecycle.
EXIT_CASE`; one service per transition, through :func:`tongxue.core.lifecycle.transition`)
and writes an audit record in the same transaction.

* Open selection — CAD-1, CAD-7 · GS-12, GS-13, CQ-7, CQ-8; ELE-3, ELE-4 · GS-8, GS-12,
  CQ-3, CQ-7: posts other than a union's presidium (which its congress elects, ELE-1,
  ELE-3) are selected openly; the criteria are the governing profile's ``cadre_criteria`` (work style
  among them), each application is assessed against each by a named assessor with
  evidence, the shortlist and the decision are announced (公示) for the profile's notice
  period with objections, and the post is filled through
  :func:`tongxue.organisations.services.appoint` (its guards apply) only when the
  decision's notice takes effect. Nothing is decided automatically.
* Training — CAD-6 · GS-12, CQ-7: courses of school-level and department unions,
  sessions and attendance.
* Exit — CAD-5 · GS-12, CQ-7: a case on a ground, notice to the cadre, the cadre's
  statement, a decision (劝退, 免职, or 罢免 by a counted vote of the electing body), its
  publication and the profile's appeal window; the post is ended through
  :func:`tongxue.organisations.services.end_position`.
* Relay — CAD-2 · GS-12, CQ-7: signed-in students write to a cadre without the cadre
  publishing a private contact; the sender is shown to the cadre only.

The package: :mod:`.selection`, :mod:`.training`, :mod:`.exit_cases`, :mod:`.contact`,
and :mod:`.shared` (permission, texts, dates, notices). Every public name is
re-exported here: ``from tongxue.cadres import services; services.apply(...)``.
"""

from __future__ import annotations

from tongxue.cadres.selectors import (
    SCHOOL_LEVEL,
    SELECTION_SUBJECT,
    UNION_KINDS,
    served_path,
    union_of,
)
from tongxue.cadres.services.contact import (
    choose_public_contact,
    mark_read,
)
from tongxue.cadres.services.exit_cases import (
    close_exit_case,
    decide_exit,
    dismiss_exit_case,
    has_failed_evaluation,
    lodge_appeal,
    notify_cadre,
    open_exit_case,
    publish_exit_decision,
    recall_passes,
    submit_statement,
)
from tongxue.cadres.services.selection import (
    advertise,
    apply,
    appoint_chosen,
    assess,
    cancel_selection,
    decide,
    missing_criteria,
    publish_shortlist,
    reopen_assessment,
    start_assessment,
    withdraw_decision,
)
from tongxue.cadres.services.shared import (
    APPEAL_PARAMETER,
    CRITERIA_PARAMETER,
    ELECTED_ROLES,
    EXIT_SUBJECT,
    MAX_TEXT,
    MEASURE_PHRASES,
    RECALL_PARAMETER,
    can_manage,
    check_manage,
    looks_like_phone,
    person_of,
    profile_for,
)
from tongxue.cadres.services.training import (
    add_session,
    create_course,
    record_attendance,
)

__all__ = [
    "APPEAL_PARAMETER",
    "CRITERIA_PARAMETER",
    "ELECTED_ROLES",
    "EXIT_SUBJECT",
    "MAX_TEXT",
    "MEASURE_PHRASES",
    "RECALL_PARAMETER",
    "SCHOOL_LEVEL",
    "SELECTION_SUBJECT",
    "UNION_KINDS",
    "add_session",
    "advertise",
    "apply",
    "appoint_chosen",
    "assess",
    "can_manage",
    "cancel_selection",
    "check_manage",
    "choose_public_contact",
    "close_exit_case",
    "create_course",
    "decide",
    "decide_exit",
    "dismiss_exit_case",
    "has_failed_evaluation",
    "lodge_appeal",
    "looks_like_phone",
    "mark_read",
    "missing_criteria",
    "notify_cadre",
    "open_exit_case",
    "person_of",
    "profile_for",
    "publish_exit_decision",
    "publish_shortlist",
    "recall_passes",
    "record_attendance",
    "reopen_assessment",
    "served_path",
    "start_assessment",
    "submit_statement",
    "union_of",
    "withdraw_decision",
]
