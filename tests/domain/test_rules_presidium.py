"""A presidium post is filled only through a certified election: ELE-1, ELE-3 · GS-8, CQ-3.

Both plans: "校级学生会委员会、主席团成员须由学生代表大会选举产生。校学生会主席由学生代表大会
或常任代表会议选举产生" and "院（系）学生会主席团成员、主席人选由学生代表大会选举产生". Each
position records the election that filled it; the audit reports a holder without one,
and the registry's guard (``appointment_refusal``) refuses such an appointment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, Builder, compliant, findings
from tongxue.domain.audit import AuditContext
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    MeetingKind,
    OrgKind,
    Position,
    Registry,
    Role,
    SchoolType,
)
from tongxue.domain.rules.elections import (
    STATUS_LABELS,
    appointment_refusal,
    holder_problem,
)
from tongxue.domain.snapshot import parse_tables, registry_to_tables

PROFILES = [("gansu-2017", ("GS-8",)), ("cqtgu-2017", ("CQ-3",))]


def _ele(source: Builder | Registry) -> list[tuple[str, Severity]]:
    return sorted(
        (f.rule, f.severity)
        for f in findings(source)
        if f.requirement in ("ELE-1", "ELE-3")
    )


def _department(b: Builder) -> str:
    """Give the department union "D" a president and 2 vice-presidents elected by its
    congress; return the congress's code."""
    congress = next(m.code for m in b.meetings if m.organisation == "D")
    b.post("D", Role.PRESIDENT)
    b.posts("D", Role.VICE_PRESIDENT, 2)
    b.elect("D", Role.PRESIDENT, congress)
    b.elect("D", Role.VICE_PRESIDENT, congress)
    return congress


def test_the_compliant_university_has_every_presidium_post_elected() -> None:
    b = compliant()
    _department(b)
    assert _ele(b) == []


@pytest.mark.parametrize(("profile", "clauses"), PROFILES)
def test_a_vice_president_without_an_election_is_a_violation(
    profile: str, clauses: tuple[str, ...]
) -> None:
    b = compliant(profile)
    pid = b.post("U", Role.VICE_PRESIDENT, election=None)  # a 5th, appointed directly
    [f] = [f for f in findings(b) if f.requirement == "ELE-1"]
    assert (f.rule, f.severity, f.organisation) == (
        "ELE-1.no-election",
        Severity.VIOLATION,
        "U",
    )
    assert f.clauses == clauses  # the governing profile's own clause
    assert f.evidence["person"] == pid and f.evidence["election"] is None
    assert f.message.render() == (
        f"Union U: Person {pid} (副主席) holds the post “Vice-president” without an "
        "election on record; the post is filled only by an election of the congress."
    )


@pytest.mark.parametrize(("profile", "clauses"), PROFILES)
def test_a_department_president_without_an_election_is_an_ele3_violation(
    profile: str, clauses: tuple[str, ...]
) -> None:
    b = compliant(profile)
    _department(b)
    b.post("D", Role.PRESIDENT, election=None)
    found = [f for f in findings(b) if f.requirement in ("ELE-1", "ELE-3")]
    assert [(f.rule, f.organisation, f.clauses) for f in found] == [
        ("ELE-3.no-election", "D", clauses)
    ]
    assert "the department congress or the all-student assembly" in (
        found[0].message.render()
    )


def test_every_holder_without_an_election_is_reported_once() -> None:
    """An old registry (e.g. a snapshot from before elections were recorded): each
    president and vice-president is a finding; other posts are not."""
    b = compliant()
    b.positions = [replace(p, election=None) for p in b.positions]
    assert _ele(b) == [("ELE-1.no-election", Severity.VIOLATION)] * 5


def test_a_past_holder_a_club_federation_head_and_a_secondary_school_are_not_audited() -> (
    None
):
    b = compliant()
    b.post(
        "U",
        Role.VICE_PRESIDENT,
        start=date(2019, 9, 1),
        end=date(2020, 8, 31),
        election=None,
    )
    b.remove_posts("U", Role.VICE_PRESIDENT)  # the last remaining ones stay elected
    b.post("U", Role.VICE_PRESIDENT)  # elected by the union's election, like the rest
    # The club federation's head (社团联合会主席) is not a union presidium post.
    assert any(p.organisation == "CF" and p.election is None for p in b.positions)
    m = b.school("M", school_type=SchoolType.MIDDLE_SCHOOL, students=900)
    b.org("M.U", OrgKind.SCHOOL_UNION, m, students_served=900)
    b.post("M.U", Role.PRESIDENT)  # secondary schools: CON-11 governs, not ELE-1
    reg = b.build()
    assert _ele(reg) == []
    # One day into the past holder's term the finding appears.
    assert [
        f.rule
        for f in findings(reg, as_of=date(2020, 8, 31))
        if f.requirement == "ELE-1"
    ] == ["ELE-1.no-election"]


@pytest.mark.parametrize(
    ("status", "found"),
    [
        ("counted", ["ELE-1.election-not-certified"]),  # one step short
        ("certified", []),
        ("effective", []),
        ("void", ["ELE-1.election-not-certified"]),
    ],
)
def test_only_a_certified_result_fills_the_post(status: str, found: list[str]) -> None:
    b = compliant()
    code = b.elect("U", Role.VICE_PRESIDENT, "C", status=status)
    b.post("U", Role.VICE_PRESIDENT, election=code)
    assert [r for r, _ in _ele(b)] == found


def test_the_president_may_be_elected_by_the_standing_conference() -> None:
    b = compliant()
    standing = next(
        m.code
        for m in b.meetings
        if m.organisation == "U" and m.kind == MeetingKind.STANDING_CONFERENCE
    )
    b.positions = [p for p in b.positions if p.role != Role.PRESIDENT]
    code = b.elect("U", Role.PRESIDENT, standing)
    b.post("U", Role.PRESIDENT, election=code, responsible_for_clubs=True)
    b.positions = [
        replace(p, person=next(q.person for q in b.positions if q.role == "president"))
        if p.organisation == "CF"
        else p
        for p in b.positions
    ]
    assert _ele(b) == []
    # A vice-president by the standing conference: the election's body is wrong.
    code = b.elect("U", Role.VICE_PRESIDENT, standing)
    b.post("U", Role.VICE_PRESIDENT, election=code)
    assert _ele(b) == [("ELE-1.wrong-body", Severity.VIOLATION)]


def test_an_election_of_another_post_or_union_does_not_fill_the_post() -> None:
    b = compliant()
    _department(b)
    president = next(e.code for e in b.elections if e.post == "president")
    dept = next(e.code for e in b.elections if e.organisation == "D")
    b.post("U", Role.VICE_PRESIDENT, election=president)
    b.post("U", Role.VICE_PRESIDENT, election=dept)
    found = [f for f in findings(b) if f.requirement == "ELE-1"]
    assert [f.rule for f in found] == ["ELE-1.election-mismatch"] * 2
    texts = {f.message.render().split(" by the election ")[1] for f in found}
    assert texts == {
        f"{president}, which fills the post “President” at Union U.",
        f"{dept}, which fills the post “President” at Org D.",
    }


def test_elections_the_data_does_not_hold_are_incomplete_once_per_union() -> None:
    b = compliant()
    b.post("U", Role.VICE_PRESIDENT, election="ELSEWHERE-1")
    b.post("U", Role.VICE_PRESIDENT, election="ELSEWHERE-2")
    [f] = [f for f in findings(b) if f.requirement == "ELE-1"]
    assert (f.rule, f.severity) == ("ELE-1.election-unknown", Severity.INCOMPLETE)
    assert f.evidence["count"] == 2
    assert f.evidence["elections"] == "ELSEWHERE-1, ELSEWHERE-2"
    assert "2 presidium post(s) are held by elections" in f.message.render()


def test_a_department_congress_electing_committee_members_is_no_finding() -> None:
    b = compliant()
    congress = _department(b)
    b.posts("D", Role.MEMBER, 3)
    b.elect("D", Role.MEMBER, congress)
    assert all(p.election for p in b.positions if p.organisation == "D")
    assert _ele(b) == []


# ------------------------------------------------------------------ the guard


def _guard(
    b: Builder, position: Position, profile: str = "gansu-2017"
) -> tuple[str, str | None, tuple[str, ...], str] | None:
    reg = b.build()
    refusal = appointment_refusal(AuditContext(reg, AS_OF), position)
    if refusal is None:
        return None
    return (refusal.code, refusal.field, refusal.clauses, refusal.message.render())


def _vp(
    election: str | None, org: str = "U", role: Role = Role.VICE_PRESIDENT
) -> Position:
    return Position(org, "new", role, "副主席", AS_OF, election=election)


@pytest.mark.parametrize(("profile", "clauses"), PROFILES)
def test_the_guard_refuses_a_direct_appointment_saying_how_to_fill_the_post(
    profile: str, clauses: tuple[str, ...]
) -> None:
    b = compliant(profile)
    code, field, cited, text = _guard(b, _vp(None)) or ("", None, (), "")
    assert (code, field, cited) == ("ELE-1.no-election", "role", clauses)
    assert text == (
        "The post “Vice-president” is filled only by an election of the congress, not "
        "by appointment: run an election for it (Elections → Set up an election); the "
        "elected take up the post when its certified result takes effect."
    )
    president = _guard(b, _vp(None, role=Role.PRESIDENT))
    assert president is not None
    assert "an election of the congress or the standing conference" in president[3]
    _department(b)
    department = _guard(b, _vp(None, org="D"))
    assert department is not None and department[0] == "ELE-3.no-election"


def test_the_guard_lets_a_certified_election_fill_the_post_and_nothing_else() -> None:
    b = compliant()
    vp = next(e.code for e in b.elections if e.post == "vice_president")
    pres = next(e.code for e in b.elections if e.post == "president")
    assert _guard(b, _vp(vp)) is None
    counted = b.elect("U", Role.VICE_PRESIDENT, "C", status="counted")
    assert _guard(b, _vp(counted))[:2] == (  # type: ignore[index]
        "ELE-1.election-not-certified",
        "election",
    )
    assert "(status: Counted)" in _guard(b, _vp(counted))[3]  # type: ignore[index]
    assert _guard(b, _vp(pres))[0] == "ELE-1.election-mismatch"  # type: ignore[index]
    assert _guard(b, _vp("NOWHERE"))[0] == "ELE-1.election-unknown"  # type: ignore[index]
    # Posts that are not the presidium's, and organisations that are not unions.
    for role in (Role.SECRETARY_GENERAL, Role.DEPARTMENT_HEAD, Role.MEMBER):
        assert _guard(b, _vp(None, role=role)) is None
    assert _guard(b, _vp(None, org="CF", role=Role.PRESIDENT)) is None


def test_status_labels_are_every_election_state() -> None:
    from tongxue.domain.model import ElectionStatus

    assert set(STATUS_LABELS) == {s.value for s in ElectionStatus}


def test_holder_problem_is_none_for_an_unknown_organisation() -> None:
    assert holder_problem(Registry(), _vp(None, org="NOPE")) is None


# ------------------------------------------------------------------ snapshots


def test_a_snapshot_carries_the_election_of_each_post_both_ways() -> None:
    b = compliant()
    reg = replace(b.build(), default_profile="gansu-2017")
    doc = registry_to_tables(reg)
    rows = {(p["person"], p["role"]): p for p in doc["positions"]}
    elected = [
        p
        for p in doc["positions"]
        if p["role"] in ("president", "vice_president") and p["organisation"] == "U"
    ]
    assert elected and all(p["election"].startswith("E-U-") for p in elected)
    # Posts without an election write no column (a file as before).
    assert all("election" not in p for p in doc["positions"] if p not in elected)
    snap, errors = parse_tables(doc)
    assert errors == []
    assert {(p.person, p.role.value): p.election for p in snap.positions} == {
        key: row.get("election") for key, row in rows.items()
    }
    assert registry_to_tables(snap) == doc
    assert _ele(snap) == []


def test_an_old_snapshot_without_the_column_parses_and_its_holders_are_reported() -> (
    None
):
    doc = registry_to_tables(compliant().build())
    for row in doc["positions"]:
        row.pop("election", None)
    del doc["elections"]
    snap, errors = parse_tables(doc)
    assert errors == []
    assert all(p.election is None for p in snap.positions)
    assert _ele(snap) == [("ELE-1.no-election", Severity.VIOLATION)] * 5


def test_an_election_cell_is_text_of_at_most_64_characters() -> None:
    doc = registry_to_tables(compliant().build())
    doc["positions"][0]["election"] = "E" * 65
    doc["positions"][1]["election"] = 7
    _, errors = parse_tables(doc)
    assert {(e.table, e.field) for e in errors} == {("positions", "election")}
    assert len(errors) == 2
    doc["positions"][0]["election"] = "E" * 64
    doc["positions"][1]["election"] = "  "  # blank: none on record
    snap, errors = parse_tables(doc)
    assert errors == [] and snap.positions[1].election is None
