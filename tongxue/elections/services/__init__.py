"""Write elections: set-up, candidates and their approval, certification (ELE-1 … ELE-4).

Every service is keyword-only and atomic, checks the actor's permission at the
election's organisation (``actor=None`` is a system command and is allowed), moves the
status only along :data:`tongxue.domain.lifecycle.ELECTION` (one service per
transition, through :func:`tongxue.core.lifecycle.transition`), and writes both a
public :class:`~tongxue.elections.models.Step` (who, under which role, when, with which
comment: ELE-2) and an audit record in the same transaction.

Who does what:

* the presidium or union administrators (``Perm.RUN_ELECTION``) create the election,
  adopt its election method (选举办法), nominate, assess, submit the list, certify the
  result and make it effective;
* the Youth League committee (``Perm.GUIDE``) sets the eligibility conditions of the
  CAD-1 criteria and may assess (ELE-2);
* the Party committee (``Perm.APPROVE``) approves the candidate list or returns it
  with comments (ELE-2);
* a student nominates themselves; students nominate jointly.

Opening, closing and counting the ballot belong to :mod:`tongxue.voting`.
"""

from __future__ import annotations

from tongxue.elections.selectors import (
    CANDIDATES_NOTICE,
    RESULT_NOTICE,
    SUBJECT_TYPE,
    _cite,
    _criteria_clauses,
    criteria_of,
    method_of,
    vetting_refusal,
)
from tongxue.elections.services.candidates import (
    nominate,
    set_conditions,
    withdraw_candidate,
)
from tongxue.elections.services.effect import (
    make_effective,
    start_next_round,
)
from tongxue.elections.services.results import (
    _ballot_ids,
    _reconciled,
    _result_text,
    certify_result,
    elected_candidates,
    void_result,
)
from tongxue.elections.services.setup import (
    adopt_method,
    cancel_election,
    create_election,
    update_method,
)
from tongxue.elections.services.shared import (
    MAX_TEXT,
    _label,
    _locked,
    _method_from,
    _move_with_step,
    _public_step,
    _publish,
    _require_status,
    _status_label,
    _step,
    _text,
    _unique_code,
    _user,
)
from tongxue.elections.services.vetting import (
    OBJECTIONS_LINE,
    _assessor_role,
    _candidates_text,
    _submitted_by,
    approve_candidates,
    assess,
    reopen_nomination,
    return_candidates,
    submit_for_approval,
)

__all__ = [
    "CANDIDATES_NOTICE",
    "MAX_TEXT",
    "OBJECTIONS_LINE",
    "RESULT_NOTICE",
    "SUBJECT_TYPE",
    "_assessor_role",
    "_ballot_ids",
    "_candidates_text",
    "_cite",
    "_criteria_clauses",
    "_label",
    "_locked",
    "_method_from",
    "_move_with_step",
    "_public_step",
    "_publish",
    "_reconciled",
    "_require_status",
    "_result_text",
    "_status_label",
    "_step",
    "_submitted_by",
    "_text",
    "_unique_code",
    "_user",
    "adopt_method",
    "approve_candidates",
    "assess",
    "cancel_election",
    "certify_result",
    "create_election",
    "criteria_of",
    "elected_candidates",
    "make_effective",
    "method_of",
    "nominate",
    "reopen_nomination",
    "return_candidates",
    "set_conditions",
    "start_next_round",
    "submit_for_approval",
    "update_method",
    "vetting_refusal",
    "void_result",
    "withdraw_candidate",
]
