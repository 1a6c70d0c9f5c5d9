"""Justifications of deviations: which rule ids they may name, and what each covers.

The plans let an organisation depart from a rule worded 原则上 / 一般 (a D requirement)
when the reason is recorded and approved. A justification names the organisation and
a rule id of :data:`tongxue.domain.rule_ids.DEVIATIONS`; any other id is refused with
the ids that are valid at that kind of organisation (:func:`rule_problem`).

A justification covers the occurrence it was written for and no other:

- its ``evidence`` is the finding's evidence when it was recorded; it covers a finding
  whose occurrence keys (``Deviation.occurrence``: the deputies and the limit for
  ORG-4 …) have the same values. One recorded without evidence (before occurrences
  were tracked, or in a snapshot without the column) covers any occurrence;
- it applies up to and including ``valid_until``. One recorded without it (a snapshot
  without the column) lapses :data:`DEFAULT_YEARS` year after its approval.

A finding whose justification no longer applies is reported again, with a note saying
why (:func:`lapse_note`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tongxue.domain.findings import Finding, Message, gettext_noop
from tongxue.domain.model import Justification, OrgKind
from tongxue.domain.rule_ids import DEVIATIONS, is_rule_id, justifiable

#: How long a justification recorded without an expiry date applies, in years.
DEFAULT_YEARS = 1

MSG_UNKNOWN = gettext_noop(
    "“{rule}” is not a rule id of the audit. A justification can name: {valid_label}."
)
MSG_BINDING = gettext_noop(
    "{rule} reports a binding requirement ({requirement}): only a departure from a "
    "rule that applies “in principle” (原则上/一般) can be justified. A justification "
    "can name: {valid_label}."
)
MSG_OTHER_KIND = gettext_noop(
    "{rule} is not reported at this kind of organisation. A justification here can "
    "name: {valid_label}."
)
MSG_NONE_VALID = gettext_noop("none (no rule of the audit can be justified here)")
MSG_EXPIRED = gettext_noop(
    "An earlier justification (approved on {approved_on}) no longer applies: it "
    "was valid until {valid_until}."
)
#: ``then_evidence`` and ``now_evidence`` are the occurrence keys that differ, with
#: their values: shown with their labels in the reader's language (``副部长人数：3``).
MSG_CHANGED = gettext_noop(
    "An earlier justification (approved on {approved_on}) no longer applies: it was "
    "written for {then_evidence}, the finding is now {now_evidence}."
)


class Lapse(enum.StrEnum):
    """Why a recorded justification does not cover a finding."""

    EXPIRED = "expired"
    CHANGED = "changed"  # written for another occurrence (other evidence)


def rule_problem(rule: str, kind: OrgKind | None = None) -> Message | None:
    """Return why ``rule`` cannot be justified at an organisation of ``kind``, or None.

    The message names the ids that can (for ``kind``; any kind when None).
    """
    # A "_label" parameter is translated when shown: the list of ids is left as it
    # is, the sentence saying there is none is translated.
    valid = ", ".join(justifiable(kind)) or MSG_NONE_VALID
    if rule in DEVIATIONS:
        if kind is None or kind in DEVIATIONS[rule].kinds:
            return None
        return Message(MSG_OTHER_KIND, {"rule": rule, "valid_label": valid})
    if is_rule_id(rule):
        requirement = rule.split(".", 1)[0]
        return Message(
            MSG_BINDING,
            {"rule": rule, "requirement": requirement, "valid_label": valid},
        )
    return Message(MSG_UNKNOWN, {"rule": rule, "valid_label": valid})


def add_years(day: date, years: int) -> date:
    """Return the same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_valid_until(approved_on: date) -> date:
    """Return the last day a justification recorded without an expiry date applies."""
    return add_years(approved_on, DEFAULT_YEARS)


def valid_until(justification: Justification) -> date:
    """Return the last day ``justification`` applies."""
    if justification.valid_until is not None:
        return justification.valid_until
    return default_valid_until(justification.approved_on)


def plain(value: Any) -> Any:
    """Return ``value`` as plain JSON data: what is stored and compared as evidence.

    Dates become ISO texts, fractions "a/b", decimals texts, tuples lists and sets
    sorted lists, so that evidence read back from JSON compares equal to a finding's.
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return str(value)


def occurrence(rule: str, evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Return the part of ``evidence`` that identifies one occurrence of ``rule``."""
    data = plain(evidence)
    deviation = DEVIATIONS.get(rule)
    if deviation is None or not deviation.occurrence:
        return dict(data)
    return {key: data.get(key) for key in deviation.occurrence}


def lapse(justification: Justification, finding: Finding, as_of: date) -> Lapse | None:
    """Return why ``justification`` does not cover ``finding`` on ``as_of``, or None."""
    if as_of > valid_until(justification):
        return Lapse.EXPIRED
    if justification.evidence is not None and occurrence(
        finding.rule, justification.evidence
    ) != occurrence(finding.rule, finding.evidence):
        return Lapse.CHANGED
    return None


def lapse_note(justification: Justification, finding: Finding, why: Lapse) -> Message:
    """Return the note shown with a finding whose earlier justification lapsed."""
    # Shown on the public audit page: the approver's name is not in it.
    params: dict[str, Any] = {
        "approved_on": justification.approved_on.isoformat(),
        "valid_until": valid_until(justification).isoformat(),
    }
    if why == Lapse.EXPIRED:
        return Message(MSG_EXPIRED, params)
    then = occurrence(finding.rule, justification.evidence or {})
    now = occurrence(finding.rule, finding.evidence)
    differ = [k for k in now if then.get(k) != now.get(k)] or list(now)
    # Evidence (keys and values), not text: labelled when shown (``*_evidence``).
    params["then_evidence"] = {k: then.get(k) for k in differ}
    params["now_evidence"] = {k: now.get(k) for k in differ}
    return Message(MSG_CHANGED, params)


def covers(justification: Justification, finding: Finding, as_of: date) -> bool:
    """Return whether ``justification`` answers ``finding`` on ``as_of``."""
    return (
        justification.organisation == finding.organisation
        and justification.rule == finding.rule
        and lapse(justification, finding, as_of) is None
    )
