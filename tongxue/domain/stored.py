"""Findings and coverage as JSON data, and back: what the stored audit keeps (#15).

The compliance app stores each finding of an audit (``StoredFinding.data``) and what the
audit could judge for each organisation (``StoredCoverage.data``) so that pages read
them instead of running the audit per request. The functions here turn a
:class:`~tongxue.domain.findings.Finding` and a :class:`~tongxue.domain.audit.Coverage`
into plain JSON data and back, exactly: ``finding_from_data(finding_to_data(f)) == f``
for every finding (tested with hypothesis in ``tests/domain/test_stored.py``).

JSON holds ``None``, booleans, integers, finite floats, strings, lists and objects with
string keys; those are written as they are, so the stored data stays readable. Any
other value of the evidence or of a message's parameters is written as a tagged object
``{"$": kind, "v": payload}``: a date, a datetime, a fraction (``"a/b"``), a decimal, a
tuple, a set, a frozenset, a float that is not finite, and a mapping whose keys are not
all strings (or that has a key ``"$"``), kept as its list of pairs. A string enum is a
string, an integer enum an integer: they are read back as their value, which compares
equal. Anything else is refused (``TypeError``) rather than stored as a text that would
not read back. The order of a mapping's keys is not kept (PostgreSQL's ``jsonb`` sorts
them); nothing depends on it (evidence is shown in key order).

:func:`rule_version` names the rules that computed a stored result: a short hash of the
declared rule ids, the requirements catalogue, the registered rule functions and the
package version.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tongxue.domain.audit import Coverage, all_rules
from tongxue.domain.findings import Finding, Message, Severity
from tongxue.domain.requirements import REQUIREMENTS, RULES
from tongxue.domain.rule_ids import RULE_IDS

#: The version of the data layout below: a reader refuses another one.
FORMAT = 1

TAG = "$"
_ATOMS = (bool, int, str)


def encode(value: Any) -> Any:
    """Return ``value`` as JSON data, tagging what JSON cannot hold (see the module)."""
    if value is None or isinstance(value, _ATOMS):
        if isinstance(value, str) and type(value) is not str:
            return str.__str__(value)  # a string enum: its value
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)  # an integer enum: its value
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return float(value)
        return {TAG: "float", "v": repr(value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        kind = "frozenset" if isinstance(value, frozenset) else "set"
        return {TAG: kind, "v": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and k != TAG for k in value):
            return {str(k): encode(v) for k, v in value.items()}
        return {TAG: "map", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, Fraction):
        return {TAG: "fraction", "v": f"{value.numerator}/{value.denominator}"}
    if isinstance(value, Decimal):
        return {TAG: "decimal", "v": str(value)}
    raise TypeError(f"cannot store a {type(value).__name__} in a finding: {value!r}")


def decode(data: Any) -> Any:
    """Return the value :func:`encode` wrote as ``data``."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if TAG not in data:
        return {k: decode(v) for k, v in data.items()}
    if set(data) != {TAG, "v"}:
        raise ValueError(f"malformed tagged value: {data!r}")
    kind, payload = data[TAG], data["v"]
    if kind == "tuple":
        return tuple(decode(v) for v in _list(payload))
    if kind == "set":
        return {_hashable(decode(v)) for v in _list(payload)}
    if kind == "frozenset":
        return frozenset(_hashable(decode(v)) for v in _list(payload))
    if kind == "map":
        return {_hashable(decode(k)): decode(v) for k, v in _list(payload)}
    text = _text(payload)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":
        return datetime.fromisoformat(text)
    if kind == "fraction":
        return Fraction(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "float":
        return float(text)
    raise ValueError(f"unknown tag {kind!r}")


def _list(payload: Any) -> list[Any]:
    if not isinstance(payload, list):
        raise ValueError(f"expected a list, got {payload!r}")
    return payload


def _text(payload: Any) -> str:
    if not isinstance(payload, str):
        raise ValueError(f"expected a text, got {payload!r}")
    return payload


def _hashable(value: Any) -> Any:
    if isinstance(value, list | dict | set):
        raise ValueError(f"unhashable member of a set or key of a mapping: {value!r}")
    return value


def message_to_data(message: Message) -> dict[str, Any]:
    return {"text": message.text, "params": encode(dict(message.params))}


def message_from_data(data: Any) -> Message:
    data = _mapping(data, "message")
    params = decode(data.get("params", {}))
    if not isinstance(params, dict):
        raise ValueError(f"message parameters must be a mapping: {params!r}")
    return Message(_str(data, "text"), params)


def finding_to_data(finding: Finding) -> dict[str, Any]:
    """Return ``finding`` as JSON data (read back by :func:`finding_from_data`)."""
    return {
        "format": FORMAT,
        "rule": finding.rule,
        "requirement": finding.requirement,
        "clauses": list(finding.clauses),
        "severity": finding.severity.value,
        "organisation": finding.organisation,
        "message": message_to_data(finding.message),
        "evidence": encode(dict(finding.evidence)),
        "justified": finding.justified,
        "justification": finding.justification,
        "justified_until": (
            finding.justified_until.isoformat()
            if finding.justified_until is not None
            else None
        ),
        "lapsed": (
            message_to_data(finding.lapsed) if finding.lapsed is not None else None
        ),
        "remedy": finding.remedy,
    }


def finding_from_data(data: Any) -> Finding:
    """Return the finding :func:`finding_to_data` wrote; ``ValueError`` when malformed."""
    data = _mapping(data, "finding")
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown finding format {data.get('format')!r}")
    clauses = data.get("clauses")
    if not isinstance(clauses, list) or not all(isinstance(c, str) for c in clauses):
        raise ValueError(f"clauses must be a list of texts: {clauses!r}")
    evidence = decode(data.get("evidence", {}))
    if not isinstance(evidence, dict):
        raise ValueError(f"evidence must be a mapping: {evidence!r}")
    justified = data.get("justified")
    if not isinstance(justified, bool):
        raise ValueError(f"justified must be true or false: {justified!r}")
    until = data.get("justified_until")
    lapsed = data.get("lapsed")
    return Finding(
        rule=_str(data, "rule"),
        requirement=_str(data, "requirement"),
        clauses=tuple(clauses),
        severity=Severity(_str(data, "severity")),
        organisation=_str(data, "organisation"),
        message=message_from_data(data.get("message")),
        evidence=evidence,
        justified=justified,
        justification=_str(data, "justification"),
        justified_until=None if until is None else date.fromisoformat(_text(until)),
        lapsed=None if lapsed is None else message_from_data(lapsed),
        remedy=_str(data, "remedy"),
    )


def coverage_to_data(coverage: Coverage) -> dict[str, Any]:
    """Return a coverage as JSON data: the three lists of requirement ids."""
    return {
        "checked": list(coverage.checked),
        "incomplete": list(coverage.incomplete),
        "no_rule": list(coverage.no_rule),
    }


def coverage_from_data(data: Any) -> Coverage:
    """Return the coverage :func:`coverage_to_data` wrote; ``ValueError`` when malformed."""
    data = _mapping(data, "coverage")
    lists = []
    for key in ("checked", "incomplete", "no_rule"):
        ids = data.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"{key} must be a list of requirement ids: {ids!r}")
        lists.append(tuple(ids))
    return Coverage(*lists)


def merge_coverage(coverages: Iterable[Coverage]) -> Coverage:
    """Return the coverage of a subtree from its organisations' coverages.

    A requirement is incomplete when it is for any organisation, checked when a rule of
    it ran for some and it is incomplete for none, and has no rule otherwise: the
    coverage ``coverage_of`` gives for all their findings together. In the
    catalogue's order.
    """
    ruled: set[str] = set()
    incomplete: set[str] = set()
    for c in coverages:
        ruled.update(c.checked, c.incomplete)
        incomplete.update(c.incomplete)
    ids = list(REQUIREMENTS)
    return Coverage(
        checked=tuple(r for r in ids if r in ruled and r not in incomplete),
        incomplete=tuple(r for r in ids if r in incomplete),
        no_rule=tuple(r for r in ids if r not in ruled and r not in incomplete),
    )


def rule_version(package_version: str = "") -> str:
    """Return a short hash naming the rules an audit runs (12 hex digits).

    It changes when a rule id is declared or dropped, when the catalogue's
    requirements or rule texts change (obligations, clauses, parameters' wording),
    when a rule function is registered, renamed or moved, and with
    ``package_version`` (the installed package's, given by the caller).
    """
    digest = hashlib.sha256()
    for part in (
        package_version,
        *RULE_IDS,
        *(repr(r) for r in REQUIREMENTS.values()),
        *(f"{k}={v!r}" for k, v in RULES.items()),
        *(
            f"{s.requirement}:{s.fn.__module__}.{s.fn.__qualname__}"
            for s in all_rules()
        ),
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"a {what} must be a mapping, got {data!r}")
    return data


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a text, got {value!r}")
    return value
