"""GOV-1 and GOV-2 · GS-14, CQ-9: the Party committee hears the union regularly, the
League committee guides it (both on record within the profile's interval), and League
roles do not run the union's daily executive work.

``compliant()`` records a hearing on 2024-03-12 and guidance on 2024-04-09; AS_OF is
2024-06-30, so 12 months before it is 2023-06-30: a record on that day is in time, one
a day earlier is not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, Builder, compliant, findings, only, rules
from tongxue.domain.audit import AuditContext
from tongxue.domain.findings import Severity
from tongxue.domain.model import GuidanceKind, OrgKind, PersonKind, Role, SchoolType
from tongxue.domain.profiles import get_profile
from tongxue.domain.rules.governance import EXECUTIVE_ROLES, newest_guidance
from tongxue.domain.snapshot import parse_tables, registry_to_tables

EXACTLY_12_MONTHS = date(2023, 6, 30)
A_DAY_MORE = date(2023, 6, 29)


def _only_record(b: Builder, kind: GuidanceKind, held: date | None) -> None:
    """Replace the union's records of ``kind`` by one on ``held`` (none when None)."""
    b.guidance = [
        g for g in b.guidance if not (g.organisation == "U" and g.kind == kind)
    ]
    if held is not None:
        b.guide("U", kind, held)


def test_the_compliant_university_has_no_governance_findings() -> None:
    b = compliant()
    assert rules(b, "GOV-1") == rules(b, "GOV-2") == []


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_both_profiles_set_twelve_months_with_a_note(profile: str) -> None:
    p = get_profile(profile)
    for name in ("party_hearing_interval_months", "league_guidance_interval_months"):
        assert p.int(name) == 12
        assert "Tongxue's default" in p.param(name).note
        assert p.param(name).tighten == "down"


# -- GOV-1 ------------------------------------------------------------------------------


def test_gov1_a_hearing_exactly_12_months_before_is_in_time() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, EXACTLY_12_MONTHS)
    assert rules(b, "GOV-1") == []


def test_gov1_a_day_more_is_a_violation_under_gansu() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, A_DAY_MORE)
    f = only(b, "GOV-1")
    assert f.rule == "GOV-1.party-hearing-overdue"
    assert f.severity == Severity.VIOLATION
    assert f.clauses == ("GS-14",)
    assert f.organisation == "U"
    assert f.evidence == {
        "last_hearing": "2023-06-29",
        "max_interval_months": 12,
        "since": "2023-06-30",
    }
    assert "2023-06-29" in f.message.render()
    assert f.remedy


def test_gov1_is_a_recommendation_under_cqtgu() -> None:
    """CQ-9 words it as something pushed for (推动……): O under the Chongqing plan."""
    b = compliant("cqtgu-2017")
    _only_record(b, GuidanceKind.PARTY_HEARING, A_DAY_MORE)
    f = only(b, "GOV-1")
    assert (f.severity, f.clauses) == (Severity.RECOMMENDATION, ("CQ-9",))
    _only_record(b, GuidanceKind.PARTY_HEARING, EXACTLY_12_MONTHS)
    assert rules(b, "GOV-1") == []


def test_gov1_no_record_at_all() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, None)
    f = only(b, "GOV-1")
    assert f.evidence["last_hearing"] == "-"
    assert "no report" in f.message.render()


def test_gov1_a_record_dated_after_the_audit_day_does_not_count() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, date(2024, 7, 1))
    assert only(b, "GOV-1").evidence["last_hearing"] == "-"
    assert rules(b, "GOV-1", as_of=date(2024, 7, 1)) == []


def test_gov1_league_guidance_is_not_a_party_hearing() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, None)
    b.guide("U", GuidanceKind.LEAGUE_GUIDANCE, date(2024, 6, 1))
    assert rules(b, "GOV-1") == ["GOV-1.party-hearing-overdue"]


def test_gov1_the_newest_record_decides() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, date(2020, 1, 1))
    b.guide("U", GuidanceKind.PARTY_HEARING, EXACTLY_12_MONTHS)
    reg = b.build()
    last = newest_guidance(
        reg, "U", GuidanceKind.PARTY_HEARING, AuditContext(reg, AS_OF)
    )
    assert last is not None and last.held == EXACTLY_12_MONTHS
    assert rules(reg, "GOV-1") == []


def test_a_stricter_profile_shortens_the_interval(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tongxue.domain.profiles import load_profile

    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\ncode = "strict"\nextends = "gansu-2017"\n'
        "[parameters.party_hearing_interval_months]\nvalue = 6\n"
    )
    strict = load_profile(path)
    b = compliant()
    _only_record(b, GuidanceKind.PARTY_HEARING, date(2023, 12, 29))  # 6 months + 1 day
    assert rules(b, "GOV-1", profile=strict) == ["GOV-1.party-hearing-overdue"]
    _only_record(b, GuidanceKind.PARTY_HEARING, date(2023, 12, 30))
    assert rules(b, "GOV-1", profile=strict) == []


# -- GOV-2: guidance on record ---------------------------------------------------------


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_gov2_guidance_exactly_12_months_before_is_in_time(profile: str) -> None:
    b = compliant(profile)
    _only_record(b, GuidanceKind.LEAGUE_GUIDANCE, EXACTLY_12_MONTHS)
    assert rules(b, "GOV-2") == []


@pytest.mark.parametrize(
    ("profile", "clause"), [("gansu-2017", "GS-14"), ("cqtgu-2017", "CQ-9")]
)
def test_gov2_a_day_more_is_a_violation_under_both_plans(
    profile: str, clause: str
) -> None:
    b = compliant(profile)
    _only_record(b, GuidanceKind.LEAGUE_GUIDANCE, A_DAY_MORE)
    f = only(b, "GOV-2")
    assert f.rule == "GOV-2.league-guidance-overdue"
    assert (f.severity, f.clauses) == (Severity.VIOLATION, (clause,))
    assert f.evidence["last_guidance"] == "2023-06-29"


def test_gov2_no_guidance_at_all() -> None:
    b = compliant()
    _only_record(b, GuidanceKind.LEAGUE_GUIDANCE, None)
    f = only(b, "GOV-2")
    assert f.evidence["last_guidance"] == "-"


# -- GOV-2: League roles do not run the union's daily executive work -------------------


def test_the_secretary_general_is_a_league_cadre_and_allowed() -> None:
    """ORG-3 gives the secretary-general to a League cadre: not an executive post."""
    b = compliant()
    assert b.people["sg"].kind == PersonKind.LEAGUE_CADRE
    assert Role.SECRETARY_GENERAL not in EXECUTIVE_ROLES
    assert rules(b, "GOV-2") == []


@pytest.mark.parametrize(
    ("org", "role"),
    [
        ("U-R", Role.DEPARTMENT_HEAD),
        ("U-O", Role.DEPARTMENT_DEPUTY),
        ("U-O", Role.CORE_MEMBER),
        ("U", Role.VICE_PRESIDENT),
    ],
)
@pytest.mark.parametrize("kind", [PersonKind.LEAGUE_CADRE, PersonKind.TEACHER])
def test_a_league_cadre_or_teacher_in_an_executive_post_is_a_violation(
    org: str, role: Role, kind: PersonKind
) -> None:
    b = compliant()
    b.post(org, role, b.person("cadre", kind), title="部长")
    f = only(b, "GOV-2")
    assert f.rule == "GOV-2.league-executive"
    assert f.severity == Severity.VIOLATION
    assert f.organisation == "U"
    assert f.evidence["person"] == "cadre"
    assert f.evidence["role"] == role.value
    assert f.evidence["kind"] == kind.value
    assert f.evidence["post_organisation"] == org


def test_a_student_in_the_same_post_is_fine() -> None:
    b = compliant()
    b.post("U-R", Role.DEPARTMENT_HEAD, b.person("student", PersonKind.STUDENT))
    assert rules(b, "GOV-2") == []


def test_the_league_secretary_general_holding_a_second_executive_post_is_not() -> None:
    b = compliant()
    b.post("U-O", Role.DEPARTMENT_HEAD, "sg")
    assert rules(b, "GOV-2") == ["GOV-2.league-executive"]


def test_a_league_cadre_as_a_plain_member_is_not_an_executive_post() -> None:
    """干事 (member) and club leaders do not run the union's work (EXECUTIVE_ROLES)."""
    b = compliant()
    b.post("U-O", Role.MEMBER, b.person("cadre", PersonKind.LEAGUE_CADRE))
    assert rules(b, "GOV-2") == []


def test_a_post_ended_before_the_audit_day_is_not_judged() -> None:
    b = compliant()
    b.post(
        "U-R",
        Role.DEPARTMENT_HEAD,
        b.person("cadre", PersonKind.TEACHER),
        end=date(2024, 6, 29),
    )
    assert rules(b, "GOV-2") == []
    b.positions[-1] = replace(b.positions[-1], end=AS_OF)
    assert rules(b, "GOV-2") == ["GOV-2.league-executive"]


def test_a_group_under_a_department_belongs_to_the_union() -> None:
    b = compliant()
    b.dept("U-O-G", "U-O")
    b.post("U-O-G", Role.DEPARTMENT_HEAD, b.person("cadre", PersonKind.LEAGUE_CADRE))
    assert [f.evidence["post_organisation"] for f in findings(b, "GOV-2")] == ["U-O-G"]


def test_a_league_cadre_in_a_department_union_is_not_judged_at_the_school_union() -> (
    None
):
    """GOV-2 judges the school-level union's own executive posts."""
    b = compliant()
    b.post("D", Role.PRESIDENT, b.person("cadre", PersonKind.LEAGUE_CADRE))
    assert rules(b, "GOV-2") == []


# -- which unions ------------------------------------------------------------------------


def test_a_secondary_schools_union_is_judged_too() -> None:
    """GS-14 addresses every school's Party and League organisations (各学校)."""
    b = compliant()
    b.school("M", school_type=SchoolType.MIDDLE_SCHOOL, students=900)
    b.org("MU", OrgKind.SCHOOL_UNION, "M", students_served=900)
    found = {
        (f.organisation, f.rule) for f in findings(b) if f.requirement[:3] == "GOV"
    }
    assert found == {
        ("MU", "GOV-1.party-hearing-overdue"),
        ("MU", "GOV-2.league-guidance-overdue"),
    }
    for kind in GuidanceKind:
        b.guide("MU", kind, AS_OF)
    assert rules(b, "GOV-1") == rules(b, "GOV-2") == []


def test_a_graduate_union_is_judged_and_a_department_union_is_not() -> None:
    b = compliant()
    b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=3000)
    assert {f.organisation for f in findings(b, "GOV-1")} == {"G"}
    assert {f.organisation for f in findings(b, "GOV-2")} == {"G"}


# -- snapshots ---------------------------------------------------------------------------


def test_guidance_survives_export_and_parse() -> None:
    reg = compliant().build()
    doc = registry_to_tables(reg)
    assert [(g["kind"], g["held"]) for g in doc["guidance"]] == [
        ("party_hearing", "2024-03-12"),
        ("league_guidance", "2024-04-09"),
    ]
    again, errors = parse_tables(doc)
    assert errors == []
    assert sorted(again.guidance, key=lambda g: g.held) == sorted(
        reg.guidance, key=lambda g: g.held
    )
    assert registry_to_tables(again)["guidance"] == doc["guidance"]
