"""Structure rules: ORG-2 · GS-9, CQ-4 … ORG-8 · GS-10, CQ-5, ORG-12 · GS-7."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import (
    AS_OF,
    STUDENTS,
    Builder,
    compliant,
    findings,
    only,
    rules,
)
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    DepartmentFunction,
    OrgKind,
    PersonKind,
    Role,
    SchoolType,
)
from tongxue.domain.profiles import get_profile, load_profile
from tongxue.domain.rules.organisation import (
    ceil_share,
    floor_share,
    forbidden_title,
    normalise_title,
    percent,
)


def test_the_compliant_university_has_no_findings() -> None:
    """The baseline every other test changes in one place."""
    assert findings(compliant()) == []
    assert findings(compliant("cqtgu-2017")) == []


# --------------------------------------------------------------------------- ORG-2


@pytest.mark.parametrize(
    ("vice_presidents", "expected"),
    [
        (3, ["ORG-2.vice-presidents-min"]),
        (4, []),
        (6, []),
        (7, ["ORG-2.vice-presidents-max"]),
    ],
)
def test_org2_four_to_six_vice_presidents(
    vice_presidents: int, expected: list[str]
) -> None:
    """ORG-2 · GS-9, CQ-4: 4 to 6 vice-presidents; 3 and 7 are violations."""
    b = compliant()
    b.remove_posts("U", Role.VICE_PRESIDENT, 4)
    b.posts("U", Role.VICE_PRESIDENT, vice_presidents)
    assert rules(b, "ORG-2") == expected
    for f in findings(b, "ORG-2"):
        assert f.severity == Severity.VIOLATION
        assert f.evidence["vice_presidents"] == vice_presidents
        assert f.clauses == ("GS-9",)
        assert str(vice_presidents) in f.message.render()


@pytest.mark.parametrize(("presidents", "flagged"), [(0, True), (1, False), (2, True)])
def test_org2_exactly_one_president(presidents: int, flagged: bool) -> None:
    """ORG-2 · GS-9, CQ-4: one president."""
    b = compliant()
    b.remove_posts("U", Role.PRESIDENT)
    b.posts("U", Role.PRESIDENT, presidents)
    assert ("ORG-2.president-count" in rules(b, "ORG-2")) is flagged


def test_org2_counts_only_active_positions() -> None:
    """ORG-2: a vice-president whose term ended, or starts tomorrow, does not count."""
    b = compliant()
    b.post("U", Role.VICE_PRESIDENT, end=AS_OF - timedelta(days=1))
    b.post("U", Role.VICE_PRESIDENT, start=AS_OF + timedelta(days=1))
    b.posts("U", Role.VICE_PRESIDENT, 2)  # 6 active
    assert rules(b, "ORG-2") == []
    b.post("U", Role.VICE_PRESIDENT, end=AS_OF)  # ends today: still active, 7th
    assert rules(b, "ORG-2") == ["ORG-2.vice-presidents-max"]


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
@pytest.mark.parametrize(
    ("campuses", "branch_vps", "flagged"),
    [(0, 1, True), (1, 1, False), (1, 3, False), (2, 2, False), (2, 5, False)],
)
def test_org2_branch_campus_vice_presidents(
    profile: str, campuses: int, branch_vps: int, flagged: bool
) -> None:
    """ORG-2 · GS-9, CQ-4: "有分校区的高校可酌情增加副主席人数" — a school with branch
    campuses may add vice-presidents for them, without a number (no cap); a school
    without one may add none."""
    b = compliant(profile)
    b.update("S", branch_campuses=campuses)
    b.posts("U", Role.VICE_PRESIDENT, 2)  # 6 ordinary ones
    b.posts("U", Role.VICE_PRESIDENT, branch_vps, branch_campus=True)
    got = rules(b, "ORG-2")
    assert got == (["ORG-2.branch-campus-vice-presidents"] if flagged else [])
    if flagged:
        f = only(b, "ORG-2")
        assert f.evidence == {
            "branch_vice_presidents": branch_vps,
            "branch_campuses": campuses,
        }
        assert f.clauses == (("GS-9",) if profile == "gansu-2017" else ("CQ-4",))


@pytest.mark.parametrize(("branch_vps", "flagged"), [(2, False), (3, True)])
def test_org2_a_profile_may_cap_branch_campus_vice_presidents(
    tmp_path: Path, branch_vps: int, flagged: bool
) -> None:
    """A derived profile may set ``branch_campus_vice_presidents_max`` (none does)."""
    assert not get_profile("gansu-2017").has("branch_campus_vice_presidents_max")
    path = tmp_path / "capped.toml"
    path.write_text(
        '[profile]\ncode = "capped"\nextends = "gansu-2017"\n'
        "[parameters.branch_campus_vice_presidents_max]\nvalue = 2\n"
        'requirement = "ORG-2"\nclauses = ["GS-9"]\ntighten = "down"\n',
        encoding="utf-8",
    )
    capped = load_profile(path)
    b = compliant()
    b.update("S", branch_campuses=1)
    b.posts("U", Role.VICE_PRESIDENT, branch_vps, branch_campus=True)
    found = findings(b, "ORG-2", profile=capped)
    assert [f.rule for f in found] == (
        ["ORG-2.branch-campus-vice-presidents"] if flagged else []
    )
    if flagged:
        assert found[0].evidence["limit"] == 2


def test_org2_applies_to_graduate_unions_but_not_secondary_schools() -> None:
    """ORG-2: graduate unions are school-level; a middle school's union is not (ORG-12)."""
    b = compliant()
    b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=2000)
    assert "ORG-2.president-count" in rules(b, "ORG-2")
    b.school("M", school_type=SchoolType.MIDDLE_SCHOOL, students=900)
    b.org("MU", OrgKind.SCHOOL_UNION, "M", students_served=900)
    assert {f.organisation for f in findings(b, "ORG-2")} == {"G"}


# --------------------------------------------------------------------------- ORG-3


def test_org3_secretary_general_must_be_a_league_cadre() -> None:
    """ORG-3 · GS-9, CQ-4: the secretary-general is a League cadre, not a student."""
    b = compliant()
    b.person("sg", PersonKind.STUDENT)
    f = only(b, "ORG-3")
    assert f.rule == "ORG-3.secretary-general-not-cadre"
    assert f.severity == Severity.VIOLATION
    assert f.evidence["kind"] == "student"
    b.person("sg", PersonKind.TEACHER)
    assert rules(b, "ORG-3") == ["ORG-3.secretary-general-not-cadre"]


@pytest.mark.parametrize(("count", "flagged"), [(0, True), (1, False), (2, True)])
def test_org3_exactly_one_secretary_general(count: int, flagged: bool) -> None:
    b = compliant()
    b.remove_posts("U", Role.SECRETARY_GENERAL)
    for i in range(count):
        b.post("U", Role.SECRETARY_GENERAL, b.person(f"sg{i}", PersonKind.LEAGUE_CADRE))
    assert rules(b, "ORG-3") == (["ORG-3.secretary-general-count"] if flagged else [])


def test_org3_unknown_person_is_incomplete() -> None:
    b = compliant()
    del b.people["sg"]
    f = only(b, "ORG-3")
    assert (f.rule, f.severity) == ("ORG-3.data-missing", Severity.INCOMPLETE)


# --------------------------------------------------------------------------- ORG-4


@pytest.mark.parametrize(("deputies", "flagged"), [(2, False), (3, True)])
def test_org4_at_most_two_deputies(deputies: int, flagged: bool) -> None:
    """ORG-4 · GS-9, CQ-4: a functional department has at most 2 deputies (D)."""
    b = compliant()
    b.dept("D-O", "D")  # a department union's functional department counts too
    b.posts("D-O", Role.DEPARTMENT_DEPUTY, deputies)
    found = findings(b, "ORG-4")
    assert [f.organisation for f in found] == (["D-O"] if flagged else [])
    if flagged:
        assert found[0].severity == Severity.DEVIATION
        assert found[0].evidence == {"deputies": 3, "limit": 2}


# --------------------------------------------------------------------------- ORG-5


@pytest.mark.parametrize(
    "title",
    [
        "主席助理",
        "執行主席助理",
        "副主席助理",
        "部長 助理",
        "主席特别助理",
        "Assistant to the President",
        "president's assistant",
        "部长助理",
        "ＡＳＳＩＳＴＡＮＴ ｔｏ the Chairman",
        # "主席助理、部长助理等岗位": every assistant post (issue #12)
        "秘书长助理",
        "秘書長助理",
        "副秘书长助理",
        "助理主席",
        "助理副主席",
        "助理秘书长",
        "主席助手",
        "部长助手",
        "宣传部助理",
        "学生会助理",
        "Assistant Secretary-General",
        "Secretary-General's Assistant",
        "Office Assistant",
    ],
)
@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_org5_assistant_titles_are_caught(title: str, profile: str) -> None:
    """ORG-5 · GS-9, CQ-4: assistant posts under any spelling."""
    assert forbidden_title(title, get_profile(profile))
    b = compliant(profile)
    b.post("U-O", Role.MEMBER, title=title)
    f = only(b, "ORG-5")
    assert (f.severity, f.evidence["title"]) == (Severity.VIOLATION, title)


@pytest.mark.parametrize(
    "title",
    [
        "主席",
        "副部长",
        "助理研究员",
        "学习部部长",
        "Vice-President",
        # 助学 / 资助 / 互助 are not assistant posts
        "勤工助学部部长",
        "助学贷款专员",
        "资助管理部部长",
        "学生资助中心主任",
        "资助理事会会长",
        "互助理事会主席",
        "帮助理解小组组长",
        "Student Aid Officer",
        "Legal Assistance Centre head",
    ],
)
@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_org5_ordinary_titles_pass(title: str, profile: str) -> None:
    assert not forbidden_title(title, get_profile(profile))
    b = compliant(profile)
    b.post("U-O", Role.MEMBER, title=title)
    assert rules(b, "ORG-5") == []


def test_org5_normalises_titles() -> None:
    assert normalise_title(" 部長 · 助理 ") == "部长助理"


# --------------------------------------------------------------------------- ORG-6


def _with_core(total: int, students: int | None = STUDENTS) -> Builder:
    """Return a compliant builder whose union has ``total`` core members."""
    b = compliant()
    b.update("U", students_served=students)
    existing = 1 + 4 + 2 * 3  # president, vice-presidents, heads and deputies
    b.posts("U-O", Role.CORE_MEMBER, total - existing)
    return b


@pytest.mark.parametrize(("core", "flagged"), [(184, False), (185, True), (231, True)])
def test_org6_core_members_at_most_one_percent(core: int, flagged: bool) -> None:
    """ORG-6 · GS-9, CQ-4: 1% of 18,406 students allows 184 core members (D)."""
    b = _with_core(core)
    found = findings(b, "ORG-6")
    assert bool(found) is flagged
    if flagged:
        f = found[0]
        assert f.rule == "ORG-6.core-members"
        assert f.severity == Severity.DEVIATION
        assert f.evidence == {
            "core_members": core,
            "students_served": 18406,
            "limit": 184,
            "max_share": "1/100",
            "max_percent": "1%",
        }
        assert f.message.render() == (
            f"Union U: core members {core} > 1% of 18,406 students = 184."
        )


def test_org6_counts_people_not_positions_and_ignores_members() -> None:
    b = _with_core(184)
    pres = next(p.person for p in b.positions if p.role == Role.PRESIDENT)
    b.post("U-R", Role.CORE_MEMBER, pres)
    b.posts("U-R", Role.MEMBER, 50)
    assert findings(b, "ORG-6") == []


def test_org6_missing_students_served_is_incomplete() -> None:
    f = only(_with_core(20, students=None), "ORG-6")
    assert (f.rule, f.severity) == ("ORG-6.data-missing", Severity.INCOMPLETE)


@settings(max_examples=40, deadline=None)
@given(students=st.integers(min_value=0, max_value=3000), extra=st.integers(0, 40))
def test_org6_flags_exactly_when_count_exceeds_the_floor(
    students: int, extra: int
) -> None:
    """ORG-6: flagged iff core members > ⌊1/100 × students⌋."""
    b = compliant()
    b.update("U", students_served=students)
    b.posts("U-O", Role.CORE_MEMBER, extra)
    core = 11 + extra
    assert bool(findings(b, "ORG-6")) is (core > students // 100)


def test_share_arithmetic_is_exact() -> None:
    from fractions import Fraction

    assert floor_share(Fraction(1, 100), 18406) == 184
    assert ceil_share(Fraction(1, 100), 18406) == 185
    assert ceil_share(Fraction(1, 100), 18400) == 184
    assert ceil_share(Fraction(3, 5), 10) == 6
    assert percent(Fraction(60, 100)) == "60%"
    assert percent(Fraction(5, 8)) == "62.5%"


# --------------------------------------------------------------------------- ORG-7


def test_org7_no_one_responsible_for_clubs() -> None:
    """ORG-7 · GS-6, CQ-1: one presidium member answers for clubs."""
    b = compliant()
    b.positions = [replace(p, responsible_for_clubs=False) for p in b.positions]
    f = only(b, "ORG-7")
    assert (f.rule, f.evidence["responsible"]) == ("ORG-7.clubs-responsible", 0)


def test_org7_two_responsible_is_a_violation() -> None:
    b = compliant()
    b.post("U", Role.VICE_PRESIDENT, responsible_for_clubs=True)
    assert rules(b, "ORG-7") == ["ORG-7.clubs-responsible"]


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_org7_the_number_is_the_profiles(profile: str) -> None:
    """ "须明确1名主席团成员": 1 is the plan's number, read from the profile with its
    clause (GS-6 / CQ-1), not hard-coded."""
    param = get_profile(profile).param("clubs_responsible_members")
    assert param.value == 1 and param.tighten == "fixed"
    assert param.clauses == (("GS-6",) if profile == "gansu-2017" else ("CQ-1",))
    b = compliant(profile)
    b.post("U", Role.VICE_PRESIDENT, responsible_for_clubs=True)
    f = only(b, "ORG-7")
    assert (f.evidence["responsible"], f.evidence["required"]) == (2, 1)
    assert f.clauses == param.clauses


def test_org7_club_federation_head_must_be_the_responsible_member() -> None:
    b = compliant()
    b.remove_posts("CF", Role.PRESIDENT)
    other = b.post("CF", Role.PRESIDENT)
    f = only(b, "ORG-7")
    assert f.rule == "ORG-7.club-federation-head"
    assert f.evidence["heads"] == other
    b.remove_posts("CF", Role.PRESIDENT)
    assert only(b, "ORG-7").evidence["heads"] == "-"


def test_org7_without_a_club_federation_only_the_responsibility_counts() -> None:
    b = compliant()
    del b.organisations["CF"]
    b.positions = [p for p in b.positions if p.organisation != "CF"]
    assert rules(b, "ORG-7") == []


def test_org7_club_federation_under_the_union_counts_for_a_graduate_union() -> None:
    b = compliant()
    b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=2000)
    gp = b.post("G", Role.PRESIDENT, responsible_for_clubs=True)
    assert rules(b, "ORG-7") == []  # the school's CF belongs to the school union
    b.org("GCF", OrgKind.CLUB_FEDERATION, "G")
    assert rules(b, "ORG-7") == ["ORG-7.club-federation-head"]
    b.post("GCF", Role.PRESIDENT, gp)
    assert rules(b, "ORG-7") == []


# --------------------------------------------------------------------------- ORG-8, ORG-12


@pytest.mark.parametrize(
    ("profile", "clauses"), [("gansu-2017", ("GS-10",)), ("cqtgu-2017", ("CQ-5",))]
)
def test_org8_rights_department_required(
    profile: str, clauses: tuple[str, ...]
) -> None:
    """ORG-8 · GS-10, CQ-5: a school-level union has a rights department.

    A rule without parameters cites the clause of the governing plan only.
    """
    b = compliant(profile)
    b.update("U-R", function=DepartmentFunction.OTHER)
    f = only(b, "ORG-8")
    assert (f.rule, f.severity, f.clauses) == (
        "ORG-8.rights-body",
        Severity.VIOLATION,
        clauses,
    )
    assert f.evidence == {"functional_departments": 2}


@pytest.mark.parametrize(
    "school_type", [SchoolType.MIDDLE_SCHOOL, SchoolType.SECONDARY_VOCATIONAL]
)
def test_org12_secondary_school_needs_a_union(school_type: SchoolType) -> None:
    """ORG-12 · GS-7: a secondary school has a student union."""
    b = compliant()
    b.school("M", school_type=school_type, students=900)
    f = only(b, "ORG-12")
    assert (f.organisation, f.rule) == ("M", "ORG-12.no-union")
    b.org("MU", OrgKind.SCHOOL_UNION, "M", students_served=900)
    assert rules(b, "ORG-12") == []


def test_org12_universities_are_not_concerned() -> None:
    b = compliant()
    b.school("V", school_type=SchoolType.HIGHER_VOCATIONAL)
    assert rules(b, "ORG-12") == []


def test_dates_of_terms_use_the_audit_day() -> None:
    """Positions are judged on the audit's as_of day, not today."""
    b = compliant()
    assert rules(b, "ORG-2", as_of=date(2020, 8, 31)) != []  # before anyone started
