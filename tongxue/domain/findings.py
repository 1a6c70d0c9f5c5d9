"""Findings: what an audit or a guard says about an organisation, and why.

A finding names the rule that produced it, the requirement id and the clauses of the
plan it enforces, its severity, the organisation, the evidence in numbers and a message.
Messages are English message ids marked with :func:`gettext_noop` and formatted with
``str.format`` from ``params``; the Django side translates them (zh-hans, en).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a message id for extraction (xgettext keyword) without translating it."""
    return message


class Obligation(enum.StrEnum):
    """How binding a requirement is, from the plan's wording."""

    MUST = "M"  # 须 / 必须 / 不得 / 应
    DEFAULT = "D"  # 原则上 / 一般: a departure needs a recorded justification
    OPTION = "O"  # 可 / 探索


class Severity(enum.StrEnum):
    VIOLATION = "violation"
    DEVIATION = "deviation"
    RECOMMENDATION = "recommendation"
    INCOMPLETE = "incomplete"  # the data cannot answer the rule

    @classmethod
    def for_obligation(cls, obligation: Obligation) -> Severity:
        return {
            Obligation.MUST: cls.VIOLATION,
            Obligation.DEFAULT: cls.DEVIATION,
            Obligation.OPTION: cls.RECOMMENDATION,
        }[obligation]


#: Order in which reports list findings: the most serious first.
SEVERITY_ORDER = {
    Severity.VIOLATION: 0,
    Severity.DEVIATION: 1,
    Severity.INCOMPLETE: 2,
    Severity.RECOMMENDATION: 3,
}


@dataclass(frozen=True, slots=True)
class Punctuation:
    """The punctuation a rendered message puts between its parts: English by default;
    the Django side passes the active language's (``tongxue.core.words``: 、 ： ；)."""

    separator: str = ", "  # between the items of a list
    colon: str = ": "  # after a label
    clause: str = "; "  # between label–value pairs


@dataclass(frozen=True, slots=True)
class Message:
    """A translatable message id with its parameters."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(
        self,
        translate: Any = None,
        *,
        separator: str = ", ",
        punctuation: Punctuation | None = None,
    ) -> str:
        """Return the message, translated by ``translate`` (a gettext) when given.

        Parameters are shown by :func:`label_param`: a ``*_label`` is a message id,
        translated; a ``*_labels`` a list of them, translated and joined with
        ``separator`` (FED-1's missing school types); a ``*_evidence`` evidence keys
        and values, shown with their labels; any other list (names, codes) is joined
        with ``separator`` as it is. ``punctuation``, when given, replaces
        ``separator``.
        """
        marks = punctuation or Punctuation(separator=separator)
        params = {
            k: label_param(k, v, translate, marks.separator, punctuation=marks)
            for k, v in self.params.items()
        }
        text = self.text if translate is None else str(translate(self.text))
        return text.format(**params)


def label_param(
    key: str,
    value: Any,
    translate: Any,
    separator: str = ", ",
    *,
    punctuation: Punctuation | None = None,
) -> Any:
    """Return a message parameter as shown.

    A ``*_label`` message id translated; a ``*_labels`` list of them translated and
    joined with ``separator``; a ``*_evidence`` mapping of evidence keys to values as
    "label: value" pairs, coded values by their labels
    (:func:`tongxue.domain.evidence.describe`); any other list or tuple (names,
    codes: not message ids) joined with ``separator``; anything else as is.
    """
    if key.endswith("_label") and isinstance(value, str):
        return value if translate is None else translate(value)
    if key.endswith("_labels") and isinstance(value, list | tuple):
        return separator.join(
            str(v if translate is None else translate(v)) for v in value
        )
    if key.endswith("_evidence") and isinstance(value, Mapping):
        from tongxue.domain.evidence import describe  # evidence imports this module

        marks = punctuation or Punctuation(separator=separator)
        return describe(value, translate, marks)
    if isinstance(value, list | tuple):
        return separator.join(str(v) for v in value)
    return value


#: Evidence keys that identify a person (identifiers, lists of them): shown only to
#: users who may see private data, never on public pages or in the public API.
PERSONAL_EVIDENCE = frozenset({"person", "people"})


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # e.g. "ORG-2.vice-presidents-max"
    requirement: str  # e.g. "ORG-2"
    clauses: tuple[str, ...]
    severity: Severity
    organisation: str  # organisation code
    message: Message
    evidence: Mapping[str, Any] = field(default_factory=dict)
    justified: bool = False
    justification: str = ""
    #: The last day the justification applies (set with ``justified``).
    justified_until: date | None = None
    #: Why an earlier justification no longer applies (expired, other evidence).
    lapsed: Message | None = None
    #: What to do about it: a message id of the catalogue, the rule's own or else its
    #: requirement's (``tongxue.domain.requirements.remedy_of``).
    remedy: str = ""

    @property
    def is_problem(self) -> bool:
        """Return whether the finding still needs action (a justified deviation does not)."""
        return not self.justified and self.severity in (
            Severity.VIOLATION,
            Severity.DEVIATION,
            Severity.INCOMPLETE,
        )

    def evidence_for(self, *, private: bool) -> dict[str, Any]:
        """Return the evidence, without the personal keys unless ``private``."""
        if private:
            return dict(self.evidence)
        return {k: v for k, v in self.evidence.items() if k not in PERSONAL_EVIDENCE}

    def with_justification(self, reason: str, until: date | None = None) -> Finding:
        return replace(
            self, justified=True, justification=reason, justified_until=until
        )

    def with_lapsed(self, note: Message) -> Finding:
        """Return the finding with the note that an earlier justification lapsed."""
        return replace(self, lapsed=note)

    @property
    def key(self) -> tuple[str, str]:
        return (self.organisation, self.rule)


class Refusal(Exception):
    """A write refused by a rule or a service check; carries a code and a message."""

    def __init__(
        self,
        code: str,
        message: Message,
        *,
        requirement: str = "",
        clauses: tuple[str, ...] = (),
        field: str | None = None,
        remedy: str = "",
    ) -> None:
        super().__init__(message.render())
        self.code = code
        self.message = message
        self.requirement = requirement
        self.clauses = clauses
        self.field = field
        #: What to do instead (a message id of the catalogue), when a rule refused.
        self.remedy = remedy

    @property
    def citation(self) -> str:
        """The requirement and its clauses ("ELE-2 · CQ-3"), or the requirement alone."""
        if not self.clauses:
            return self.requirement
        return f"{self.requirement} · {', '.join(self.clauses)}"

    @classmethod
    def from_finding(cls, finding: Finding) -> Refusal:
        return cls(
            finding.rule,
            finding.message,
            requirement=finding.requirement,
            clauses=finding.clauses,
            remedy=finding.remedy,
        )
