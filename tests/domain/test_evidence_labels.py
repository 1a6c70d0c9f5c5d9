"""Every evidence key a rule emits has a readable label, every coded value a label.

Findings keep machine keys and codes in ``evidence`` (``{"role": "vice_president"}``);
pages and reports show them through :mod:`tongxue.domain.evidence` (角色：副主席). The
keys are checked three ways: every key written in the rules' source, and every key of
the findings the audit gives on the demo school, the demo province and broken variants
of the domain builders' compliant university.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest

import tongxue.domain as domain_package
from tongxue.demo.generator import build_province, build_school
from tongxue.domain import evidence as ev
from tongxue.domain.audit import audit
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.model import (
    MeetingKind,
    MeetingStatus,
    OrgKind,
    PersonKind,
    Role,
    SchoolType,
)
from tongxue.domain.snapshot import parse_tables

from .builders import AS_OF, Builder, compliant, findings, province

#: The demo's day (the generator's fixed reference date).
DEMO_DAY = date(2026, 11, 1)


def _dicts_written_as_evidence(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """Yield (key, line) of the string keys the source writes into evidence.

    Evidence is a dict given as ``evidence=``, a dict assigned to (or a key set on) a
    name containing "evidence", or a dict returned by a function named so.
    """
    for node in ast.walk(tree):
        values: list[ast.AST] = []
        if isinstance(node, ast.keyword) and node.arg == "evidence":
            values.append(node.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and "evidence" in target.id:
                    values.append(node.value)
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and "evidence" in target.value.id
                    and isinstance(target.slice, ast.Constant)
                ):
                    yield str(target.slice.value), node.lineno
        elif isinstance(node, ast.FunctionDef) and "evidence" in node.name:
            values += [
                r.value
                for r in ast.walk(node)
                if isinstance(r, ast.Return) and r.value is not None
            ]
        for value in values:
            for sub in ast.walk(value):
                if isinstance(sub, ast.Dict):
                    for key in sub.keys:
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            yield key.value, sub.lineno


def _source_keys() -> dict[str, str]:
    root = Path(domain_package.__file__).parent
    keys: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for key, line in _dicts_written_as_evidence(tree):
            keys.setdefault(key, f"{path.name}:{line}")
    return keys


def _unlabelled(keys: Iterable[str]) -> list[str]:
    return sorted(k for k in keys if ev.is_shown(k) and k not in ev.EVIDENCE_LABELS)


def test_every_evidence_key_in_the_rules_source_has_a_label() -> None:
    keys = _source_keys()
    # the scan finds the rules' evidence (it cannot pass by finding nothing)
    assert {"role", "vice_presidents", "max_interval_months", "planned"} <= set(keys)
    assert len(keys) > 50
    assert [(k, keys[k]) for k in _unlabelled(keys)] == []


@cache
def _demo_findings() -> tuple[Finding, ...]:
    out: list[Finding] = []
    school = build_school(as_of=DEMO_DAY)
    for tables in (school, build_province(as_of=DEMO_DAY, scale=0.1)):
        registry, errors = parse_tables(tables)
        assert errors == []
        out += audit(registry, as_of=DEMO_DAY).findings
    return tuple(out)


def _broken_builders() -> Iterator[Builder]:
    """The compliant university with one thing wrong each, as the rule tests build it."""
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)  # 7 vice-presidents (ORG-2)
    yield b
    b = compliant()
    b.posts("U-R", Role.DEPARTMENT_DEPUTY, 1)  # 3 deputies (ORG-4)
    b.post("U", Role.MEMBER, title="主席助理")  # ORG-5
    yield b
    b = compliant()
    b.post("U", Role.SECRETARY_GENERAL, b.person("sg2", PersonKind.STUDENT))  # ORG-3
    yield b


def _builder_findings() -> list[Finding]:
    out = [f for b in _broken_builders() for f in findings(b)]
    return out + findings(province(1), as_of=AS_OF)


@pytest.mark.parametrize(
    "source", [_demo_findings, _builder_findings], ids=["demo", "builders"]
)
def test_every_evidence_key_the_audit_emits_has_a_label(source: object) -> None:
    found = list(source())  # type: ignore[operator]
    keys = {k for f in found for k in f.evidence}
    assert len(found) > 3 and "person" in keys
    missing = {k: f.rule for f in found for k in f.evidence if k in _unlabelled([k])}
    assert missing == {}


@pytest.mark.parametrize(
    "source", [_demo_findings, _builder_findings], ids=["demo", "builders"]
)
def test_every_coded_value_the_audit_emits_has_a_value_label(source: object) -> None:
    found = list(source())  # type: ignore[operator]
    seen = unlabelled = 0
    for f in found:
        for key, value in f.evidence.items():
            table = ev.VALUE_LABELS.get(key)
            if table is None:
                continue
            for code in ev.codes_of(value):
                seen += 1
                unlabelled += code not in table
                assert code in table, (f.rule, key, code)
    assert seen > 0 and unlabelled == 0


def test_the_demo_evidence_has_roles_and_kinds() -> None:
    """The demo's findings carry coded values, so the value check above has work."""
    keys = {k for f in _demo_findings() for k in f.evidence}
    assert {"role", "kind"} <= keys


@pytest.mark.parametrize(
    ("table", "enum"),
    [
        (ev.ROLE_LABELS, Role),
        (ev.ORG_KIND_LABELS, OrgKind),
        (ev.MEETING_KIND_LABELS, MeetingKind),
        (ev.VALUE_LABELS["planned_status"], MeetingStatus),
        (ev.VALUE_LABELS["school_type"], SchoolType),
        (ev.SEVERITY_LABELS, Severity),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_value_tables_label_every_member(table: object, enum: type) -> None:
    assert set(table) == set(enum)  # type: ignore[call-overload]


def test_the_kind_labels_cover_meeting_person_and_organisation_kinds() -> None:
    kinds = ev.VALUE_LABELS["kind"]
    assert kinds["standing_conference"] == "Standing delegate conference"
    assert kinds["student"] == "Student"
    assert kinds["school_union"] == "School student union"


def test_display_labels_keys_and_coded_values() -> None:
    items = ev.display(
        {
            "role": "vice_president",
            "count": 7,
            "kind_label": "Student",
            "missing_types": "middle_school, general_university",
            "missing_type_labels": ["Middle school", "General university"],
            "unlisted_key": 2,
        }
    )
    assert [(i.key, i.label, i.value, i.value_labels) for i in items] == [
        ("count", "Number", 7, None),
        (
            "missing_types",
            "School types without a delegate",
            "middle_school, general_university",
            ("Middle school", "General university"),
        ),
        ("role", "Role", "vice_president", ("Vice-president",)),
        ("unlisted_key", "unlisted key", 2, None),
    ]


def test_an_unknown_code_keeps_its_code() -> None:
    assert ev.value_labels_of("role", "chairman") == ["chairman"]
    assert ev.value_labels_of("role", None) is None
    assert ev.value_labels_of("count", 3) is None
