"""Which body elects which post: ELE-1, ELE-3 · GS-8, CQ-3.

One decision (``tongxue.domain.rules.elections.body_refusal``) serves the elections
service as a guard (tests/integration/test_elections_workflow.py) and the audit of the
elections already recorded (here).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, compliant, findings
from tongxue.domain.findings import Severity
from tongxue.domain.model import Election, MeetingKind, OrgKind, Registry, Role
from tongxue.domain.rules.elections import body_refusal, electing_bodies

SU, DU = OrgKind.SCHOOL_UNION, OrgKind.DEPARTMENT_UNION
CONGRESS = MeetingKind.CONGRESS
ASSEMBLY = MeetingKind.ASSEMBLY
STANDING = MeetingKind.STANDING_CONFERENCE

# ------------------------------------------------------------------ the decision


@pytest.mark.parametrize(
    ("org", "kind", "post"),
    [
        (SU, CONGRESS, Role.PRESIDENT),
        (SU, STANDING, Role.PRESIDENT),  # the president by the standing conference
        (SU, CONGRESS, Role.VICE_PRESIDENT),
        (SU, CONGRESS, Role.CORE_MEMBER),
        (SU, CONGRESS, Role.MEMBER),
        (OrgKind.GRADUATE_UNION, STANDING, Role.PRESIDENT),
        (DU, CONGRESS, Role.PRESIDENT),
        (DU, ASSEMBLY, Role.PRESIDENT),
        (DU, ASSEMBLY, Role.VICE_PRESIDENT),
        (DU, CONGRESS, Role.CORE_MEMBER),
        # Committee members: the plans forbid no department congress electing them.
        (DU, CONGRESS, Role.MEMBER),
        (DU, ASSEMBLY, Role.MEMBER),
    ],
)
def test_the_right_body_may_elect(org: OrgKind, kind: MeetingKind, post: Role) -> None:
    assert body_refusal(org, kind, post) is None


@pytest.mark.parametrize(
    ("org", "kind", "post", "code", "requirement"),
    [
        (SU, STANDING, Role.VICE_PRESIDENT, "ELE-1.wrong-body", "ELE-1"),
        (SU, STANDING, Role.CORE_MEMBER, "ELE-1.wrong-body", "ELE-1"),
        (SU, ASSEMBLY, Role.PRESIDENT, "ELE-1.wrong-body", "ELE-1"),
        (DU, STANDING, Role.PRESIDENT, "ELE-3.wrong-body", "ELE-3"),
        (DU, STANDING, Role.VICE_PRESIDENT, "ELE-3.wrong-body", "ELE-3"),
    ],
)
def test_the_wrong_body_is_refused(
    org: OrgKind, kind: MeetingKind, post: Role, code: str, requirement: str
) -> None:
    refusal = body_refusal(org, kind, post)
    assert refusal is not None
    assert (refusal.code, refusal.requirement, refusal.field) == (
        code,
        requirement,
        "meeting",
    )
    assert refusal.clauses == ("GS-8", "CQ-3")
    # The English message ids the translations are keyed on.
    assert refusal.message.text == (
        "A meeting of kind “{kind_label}” cannot elect the post “{post_label}”; "
        "it is elected by: {bodies_label}."
    )


def test_vice_president_by_standing_conference_names_the_congress() -> None:
    refusal = body_refusal(SU, STANDING, Role.VICE_PRESIDENT)
    assert refusal is not None
    assert refusal.message.params == {
        "kind_label": "Standing delegate conference",
        "post_label": "Vice-president",
        "bodies_label": "the congress",
    }


@pytest.mark.parametrize(
    ("org", "post", "code"),
    [
        (SU, Role.DEPARTMENT_HEAD, "ELE-1.not-elected"),
        (SU, Role.SECRETARY_GENERAL, "ELE-1.not-elected"),
        (DU, Role.DEPARTMENT_HEAD, "ELE-3.not-elected"),
    ],
)
def test_posts_filled_by_open_selection_are_not_elected(
    org: OrgKind, post: Role, code: str
) -> None:
    refusal = body_refusal(org, CONGRESS, post)
    assert refusal is not None
    assert (refusal.code, refusal.requirement, refusal.field) == (code, "ELE-3", "post")
    assert refusal.message.text.startswith("The post “{post_label}” is not elected")
    assert electing_bodies(org, post) is None


def test_members_are_elected_at_a_school_union_and_may_be_at_a_department() -> None:
    assert electing_bodies(SU, Role.MEMBER) == (CONGRESS,)
    assert electing_bodies(DU, Role.MEMBER) == (CONGRESS, ASSEMBLY)


# ------------------------------------------------------------------ the audit


def _with(*elections: Election) -> Registry:
    """The compliant university (union U: congress C, standing conference M2; D holds
    a congress M5) plus a department assembly "DA" and the given elections."""
    b = compliant()
    b.meeting("D", ASSEMBLY, date(2023, 3, 1), code="DA")
    b.meeting("D", STANDING, date(2023, 4, 1), code="DS")
    reg = b.build()
    return replace(reg, elections=(*reg.elections, *elections))


def _ele(reg: Registry) -> list[tuple[str, str, str, Severity]]:
    return sorted(
        (f.rule, f.requirement, f.evidence["election"], f.severity)
        for f in findings(reg)
        if f.rule.startswith("ELE-")
    )


def _standing(reg: Registry) -> str:
    return next(
        m.code for m in reg.meetings if m.organisation == "U" and m.kind == STANDING
    )


def test_elections_by_the_right_body_give_no_finding() -> None:
    reg = _with()
    standing = _standing(reg)
    reg = replace(
        reg,
        elections=(
            *reg.elections,
            Election("U", "E-P", "C", Role.PRESIDENT, "effective"),
            Election("U", "E-P2", standing, Role.PRESIDENT, "effective"),
            Election("U", "E-VP", "C", Role.VICE_PRESIDENT, "effective"),
            Election("U", "E-M", "C", Role.MEMBER, "open"),
            Election("D", "E-DP", "DA", Role.PRESIDENT, "effective"),
            Election("D", "E-DV", "DA", Role.VICE_PRESIDENT, "draft"),
        ),
    )
    assert _ele(reg) == []


def test_a_vice_president_elected_by_the_standing_conference_is_a_violation() -> None:
    reg = _with()
    standing = _standing(reg)
    reg = replace(
        reg,
        elections=(
            *reg.elections,
            Election("U", "E-VP", standing, Role.VICE_PRESIDENT, "effective"),
        ),
    )
    [f] = [f for f in findings(reg) if f.rule.startswith("ELE-")]
    assert (f.rule, f.requirement, f.severity) == (
        "ELE-1.wrong-body",
        "ELE-1",
        Severity.VIOLATION,
    )
    assert f.organisation == "U"
    assert f.clauses == ("GS-8",)  # gansu-2017 cites its own clause
    assert f.evidence == {
        "election": "E-VP",
        "meeting": standing,
        "post": "vice_president",
        "kind": "standing_conference",
    }
    text = f.message.render()
    assert text.startswith("Union U: the election E-VP is held by the meeting")
    assert "“Standing delegate conference”" in text
    assert "“Vice-president”" in text and text.endswith("the congress.")


def test_department_union_versus_school_union() -> None:
    """The same assembly is the right body at a department, the wrong one at a union;
    a department's standing conference elects no one (ELE-3)."""
    reg = _with()
    b_meeting = "DA"
    reg = replace(
        reg,
        meetings=(
            *reg.meetings,
            replace(reg.meeting_by_code[b_meeting], code="UA", organisation="U"),
        ),
        elections=(
            *reg.elections,
            Election("D", "E-D", "DA", Role.PRESIDENT, "effective"),
            Election("U", "E-U", "UA", Role.PRESIDENT, "effective"),
            Election("D", "E-DS", "DS", Role.PRESIDENT, "effective"),
        ),
    )
    assert _ele(reg) == [
        ("ELE-1.wrong-body", "ELE-1", "E-U", Severity.VIOLATION),
        ("ELE-3.wrong-body", "ELE-3", "E-DS", Severity.VIOLATION),
    ]


def test_a_post_not_elected_is_reported_under_ele3() -> None:
    reg = _with(
        Election("U", "E-SG", "C", Role.SECRETARY_GENERAL, "effective"),
        Election("D", "E-DM", "DA", Role.MEMBER, "effective"),
        Election("D", "E-DH", None, Role.DEPARTMENT_HEAD, "draft"),
    )
    assert _ele(reg) == [
        ("ELE-1.not-elected", "ELE-3", "E-SG", Severity.VIOLATION),
        ("ELE-3.not-elected", "ELE-3", "E-DH", Severity.VIOLATION),
    ]  # E-DM: a department congress electing committee members is no finding


def test_a_meeting_of_another_organisation_is_the_wrong_body() -> None:
    reg = _with(Election("D", "E-X", "C", Role.PRESIDENT, "effective"))
    [f] = [f for f in findings(reg) if f.rule.startswith("ELE-")]
    assert (f.rule, f.requirement) == ("ELE-3.wrong-body", "ELE-3")
    assert f.evidence["meeting_org"] == "U"
    assert "of another organisation (Union U)" in f.message.render()


def test_an_unknown_meeting_is_incomplete_not_a_violation() -> None:
    reg = _with(
        Election("U", "E-1", None, Role.PRESIDENT, "draft"),
        Election("U", "E-2", "NOWHERE", Role.VICE_PRESIDENT, "effective"),
    )
    assert _ele(reg) == [
        ("ELE-1.meeting-unknown", "ELE-1", "E-1", Severity.INCOMPLETE),
        ("ELE-1.meeting-unknown", "ELE-1", "E-2", Severity.INCOMPLETE),
    ]


def test_cancelled_and_void_elections_filled_no_post() -> None:
    reg = _with()
    standing = _standing(reg)
    reg = replace(
        reg,
        elections=(
            *reg.elections,
            Election("U", "E-C", standing, Role.VICE_PRESIDENT, "cancelled"),
            Election("U", "E-V", standing, Role.VICE_PRESIDENT, "void"),
            Election("OTHER", "E-O", standing, Role.VICE_PRESIDENT, "effective"),
        ),
    )
    assert _ele(reg) == []


def test_the_audit_says_what_the_guard_says() -> None:
    """Every (organisation kind, meeting kind, post) the guard refuses is reported by
    the audit with the same rule id and requirement, and nothing else is."""
    for org, union in ((OrgKind.SCHOOL_UNION, "U"), (OrgKind.DEPARTMENT_UNION, "D")):
        meetings = {CONGRESS: "C" if union == "U" else None, ASSEMBLY: "DA"}
        for kind, code in ((STANDING, None), *meetings.items()):
            for post in Role:
                reg = _with()
                mcode = code
                if union == "U" and kind == STANDING:
                    mcode = _standing(reg)
                if union == "D" and kind == STANDING:
                    mcode = "DS"
                if union == "D" and kind == CONGRESS:
                    mcode = next(
                        m.code
                        for m in reg.meetings
                        if m.organisation == "D" and m.kind == CONGRESS
                    )
                if union == "U" and kind == ASSEMBLY:
                    continue  # the compliant union holds no assembly
                reg = replace(
                    reg,
                    elections=(
                        *reg.elections,
                        Election(union, "E", mcode, post, "effective"),
                    ),
                )
                refusal = body_refusal(org, kind, post)
                got = [
                    (f.rule, f.requirement)
                    for f in findings(reg, as_of=AS_OF)
                    if f.rule.startswith("ELE-")
                ]
                want = [] if refusal is None else [(refusal.code, refusal.requirement)]
                assert got == want, (org, kind, post)
