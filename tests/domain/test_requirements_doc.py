"""docs/requirements.md is generated from the code: requirements, rules and parameters.

``tongxue requirements --format md --output docs/requirements.md`` writes the page from
the catalogue (``tongxue.domain.requirements``), the registered rules and the built-in
profiles (``tongxue.domain.catalogue_doc``). The first test fails when the committed page
differs from what the command writes; the others check what the page says: every
requirement of the plans (v2), audited ones with every rule id findings carry, every
parameter of the built-in profiles (gansu-2017 · GS-n, cqtgu-2017 · CQ-n) with its value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tongxue.domain.audit import all_rules
from tongxue.domain.catalogue_doc import COMMAND, obligation_cell, render_markdown
from tongxue.domain.profiles import BUILTIN, get_profile
from tongxue.domain.requirements import REQUIREMENTS, RULES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "requirements.md"
RULES_DIR = ROOT / "tongxue" / "domain" / "rules"
SEVERITY = {"M": "violation", "D": "deviation", "O": "recommendation"}


def test_the_committed_page_is_what_the_command_generates() -> None:
    expected = render_markdown()
    actual = DOC.read_text(encoding="utf-8")
    assert actual == expected, (
        f"docs/requirements.md is out of date: run `{COMMAND}` and commit the result"
    )


def test_the_page_says_it_is_generated() -> None:
    assert COMMAND in render_markdown()


def cells(line: str) -> list[str]:
    """Split a Markdown table row into its cells (``\\|`` inside a cell is not a border)."""
    inner = line.strip().strip("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def table_rows(text: str) -> list[list[str]]:
    return [
        cells(line)
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


@pytest.fixture(scope="module")
def doc() -> str:
    return render_markdown()


@pytest.fixture(scope="module")
def requirement_rows(doc: str) -> dict[str, list[str]]:
    """Rows of the requirement tables, by requirement id (first cell)."""
    rows: dict[str, list[str]] = {}
    tables = doc.split("## Split obligations", 1)[0]
    for row in table_rows(tables):
        if row[0] in REQUIREMENTS:
            assert row[0] not in rows, f"{row[0]} is listed twice"
            rows[row[0]] = row
    return rows


@pytest.fixture(scope="module")
def parameter_rows(doc: str) -> dict[str, list[str]]:
    """Rows of the parameters table, by parameter name (first cell, in backticks)."""
    part = doc.split("## Profile parameters", 1)
    assert len(part) == 2, "docs/requirements.md has no 'Profile parameters' section"
    return {
        row[0].strip("`"): row for row in table_rows(part[1]) if row[0].startswith("`")
    }


def rendered(value: Any) -> str:
    """Render a parameter value the way the parameters table shows it."""
    if isinstance(value, list):
        return ", ".join(f"`{v}`" for v in value).replace("|", "\\|")
    return f"`{value}`"


def RULES_OF(requirement: str) -> list[str]:
    return [r for r in RULES if r.startswith(f"{requirement}.")]


def rule_ids_in_source() -> dict[str, set[str]]:
    """Rule ids written as literals in the rule modules, by requirement."""
    found: dict[str, set[str]] = {}
    for path in sorted(RULES_DIR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r'rule="(([A-Z]+-\d+)\.[a-z0-9-]+)"', text):
            found.setdefault(m.group(2), set()).add(m.group(1))
    return found


def test_every_requirement_has_a_row(requirement_rows: dict[str, list[str]]) -> None:
    missing = sorted(set(REQUIREMENTS) - set(requirement_rows))
    assert not missing, f"requirements missing from docs/requirements.md: {missing}"


def test_rows_show_obligation_and_clauses(
    requirement_rows: dict[str, list[str]],
) -> None:
    for rid, req in REQUIREMENTS.items():
        row = requirement_rows[rid]
        assert row[1] == obligation_cell(req), rid
        assert row[1].startswith(f"{req.label} → "), rid
        if not req.parts and not req.adoptable:
            assert row[1] == f"{req.label} → {SEVERITY[req.label]}", rid
        assert row[2] == ", ".join(req.clauses), rid
    assert requirement_rows["CON-11"][1] == "M / D → violation / deviation"
    assert requirement_rows["CON-9"][1] == "O→M → violation once adopted"


def test_the_plans_words_and_the_differences_are_on_the_page(doc: str) -> None:
    for req in REQUIREMENTS.values():
        for clause, quote in req.quotes.items():
            assert f"| {clause} | {quote} |" in doc, (req.id, clause)
        if req.differs:
            assert f"- **{req.id}**: {req.differs}" in doc
    assert "## Where the plans and the catalogue differ" in doc
    for rid in RULES:
        if rid.split(".")[0] in {s.requirement for s in all_rules()}:
            assert f"| `{rid}` |" in doc, rid


def test_every_audited_requirement_is_marked_with_its_rules(
    requirement_rows: dict[str, list[str]],
) -> None:
    audited = {spec.requirement for spec in all_rules()}
    assert audited, "no rule is registered"
    literal = rule_ids_in_source()
    for rid in sorted(audited):
        status = requirement_rows[rid][-1]
        assert "audited by rule(s)" in status, (
            f"{rid} has a rule but is not marked audited"
        )
        for rule_id in sorted(literal.get(rid, set()) | set(RULES_OF(rid))):
            assert f"`{rule_id}`" in status, (
                f"{rule_id} is not listed in the row of {rid}"
            )


def test_no_requirement_without_a_rule_is_marked_audited(
    requirement_rows: dict[str, list[str]],
) -> None:
    audited = {spec.requirement for spec in all_rules()}
    for rid, row in requirement_rows.items():
        if rid not in audited:
            assert "audited" not in row[-1], f"{rid} has no rule but is marked audited"
            assert "guarded on write" in row[-1] or "planned" in row[-1], rid


def test_every_rule_id_in_the_doc_exists(doc: str) -> None:
    literal = {r for ids in rule_ids_in_source().values() for r in ids}
    # CON-3 and CON-11 share the delegate-quota helper, CON-1, CON-11 and CON-14 the
    # congress interval helper; both build their ids with an f-string "{requirement}.slug".
    shared = {
        f"{req}.{slug}"
        for req in ("CON-3", "CON-11")
        for slug in ("delegates-too-few", "data-missing")
    } | {
        f"{req}.{slug}"
        for req in ("CON-1", "CON-11", "CON-14")
        for slug in ("no-congress", "congress-overdue")
    }
    # ELE-1 and ELE-3 share the body decision (tongxue/domain/rules/elections.py).
    shared |= {
        f"{req}.{slug}"
        for req in ("ELE-1", "ELE-3")
        for slug in ("wrong-body", "not-elected", "meeting-unknown")
    }
    # … and the presidium holders' problems (elections.py, _HOLDER_PROBLEMS).
    shared |= {
        f"{req}.{slug}"
        for req in ("ELE-1", "ELE-3")
        for slug in (
            "no-election",
            "election-unknown",
            "election-not-certified",
            "election-mismatch",
        )
    }
    mentioned = set(re.findall(r"`([A-Z]+-\d+\.[a-z0-9-]+)`", doc))
    unknown = sorted(mentioned - literal - shared)
    assert not unknown, f"docs/requirements.md names rules that do not exist: {unknown}"


@pytest.mark.parametrize("code", BUILTIN)
def test_every_profile_parameter_is_in_the_table_with_its_value(
    code: str, parameter_rows: dict[str, list[str]]
) -> None:
    profile = get_profile(code)
    column = 1 + BUILTIN.index(code)
    assert parameter_rows, "the parameters table is empty"
    for name, param in profile.parameters.items():
        assert name in parameter_rows, f"{code}: parameter {name} is not in the table"
        row = parameter_rows[name]
        assert row[column] == rendered(param.value), (
            f"{code}: {name} is {param.value!r} but the table says {row[column]}"
        )
        assert row[-2] == param.requirement, (
            f"{code}: {name} serves {param.requirement}"
        )
        for clause in param.clauses:
            assert clause in row[-1].split(", "), f"{code}: {name} cites {clause}"
        assert row[-3] == param.tighten, f"{code}: {name} moves {param.tighten}"


def test_parameters_missing_from_a_profile_are_marked(
    parameter_rows: dict[str, list[str]],
) -> None:
    for name, row in parameter_rows.items():
        for i, code in enumerate(BUILTIN):
            profile = get_profile(code)
            if not profile.has(name):
                assert row[1 + i] == "—", f"{name} is not a parameter of {code}"
    known = {n for code in BUILTIN for n in get_profile(code).parameters}
    stale = sorted(set(parameter_rows) - known)
    assert not stale, f"the table lists parameters no profile has: {stale}"


def test_the_column_order_is_the_builtin_order(doc: str) -> None:
    part = doc.split("## Profile parameters", 1)[1]
    header = next(r for r in table_rows(part))
    assert header[1:3] == list(BUILTIN)
