"""The audit engine: registration, justifications, reports and scale."""

from __future__ import annotations

import re
import string

from tests.domain.builders import AS_OF, LONG_AGO, compliant, findings, province
from tongxue.domain.audit import (
    AuditContext,
    all_rules,
    apply_justifications,
    audit,
    run_rules,
)
from tongxue.domain.findings import Finding, Obligation, Severity
from tongxue.domain.model import MeetingKind, PersonKind, Role, StandingConference
from tongxue.domain.requirements import REQUIREMENTS, rule_obligation

IMPLEMENTED = {
    "ORG-2", "ORG-3", "ORG-4", "ORG-5", "ORG-6", "ORG-7", "ORG-8", "ORG-12",
    "CON-1", "CON-2", "CON-3", "CON-5", "CON-9", "CON-11", "CON-13", "CAD-2", "TRN-3",
}  # fmt: skip


def test_every_rule_is_registered_once_and_cites_its_requirement() -> None:
    specs = all_rules()
    assert {s.requirement for s in specs} >= IMPLEMENTED
    assert len({s.fn for s in specs}) == len(specs)
    for s in specs:
        doc = s.fn.__doc__ or ""
        assert doc.startswith(f"{s.requirement} · "), s.fn.__name__
        for clause in REQUIREMENTS[s.requirement].clauses:
            assert clause in doc, (s.fn.__name__, clause)


def _broken() -> list[Finding]:
    """Return the findings of a university that breaks nearly every rule."""
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 4)
    b.posts("U", Role.PRESIDENT, 1, responsible_for_clubs=True)
    b.person("sg", PersonKind.STUDENT)
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, 2)
    b.posts("U-O", Role.CORE_MEMBER, 200)
    b.post("U-O", Role.MEMBER, title="主席助理")
    b.meetings = [m for m in b.meetings if m.kind != MeetingKind.STANDING_CONFERENCE]
    # adopted (standing delegates recommended), so CON-9 binds without any meeting
    b.standing_conferences.append(StandingConference("U", LONG_AGO))
    b.update("U-R", function=None)
    b.reviews = []
    b.post("U", Role.VICE_PRESIDENT, public_contact="")
    return findings(b, as_of=AS_OF.replace(year=2025))


def test_findings_are_well_formed_and_their_messages_render() -> None:
    found = _broken()
    assert {f.requirement for f in found} >= {
        "ORG-2", "ORG-3", "ORG-4", "ORG-5", "ORG-6", "ORG-7", "ORG-8",
        "CON-1", "CON-2", "CON-9", "CON-13", "CAD-2", "TRN-3",
    }  # fmt: skip
    for f in found:
        assert re.fullmatch(r"[A-Z]+-\d+\.[a-z0-9-]+", f.rule), f.rule
        assert f.rule.startswith(f.requirement + ".")
        assert f.clauses and all(c.startswith("GS-") for c in f.clauses)
        fields = {n for _, n, _, _ in string.Formatter().parse(f.message.text) if n}
        assert fields <= {"org", *f.evidence}, f.rule
        text = f.message.render()
        assert ("{" not in text and text.startswith("Union U")) or "Org " in text
        if f.severity != Severity.INCOMPLETE:
            expected = Severity.for_obligation(rule_obligation(f.rule, plans={"GS"}))
            assert f.severity == expected, f.rule


def test_report_sorts_the_most_serious_first_and_counts() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)  # violation
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, 1)  # deviation
    b.update("U", students_served=None)  # incomplete ORG-6 and CON-3
    report = audit(b.build(), as_of=AS_OF)
    order = [f.severity for f in report.findings]
    assert order == sorted(
        order, key=[Severity.VIOLATION, Severity.DEVIATION, Severity.INCOMPLETE].index
    )
    assert report.violations == 1
    assert report.problems == 4
    assert report.organisations_audited == len(b.organisations)
    assert report.profile == "gansu-2017"


def test_scope_keeps_the_findings_of_the_organisations_asked_for() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, 1)
    report = audit(b.build(), as_of=AS_OF, scope=["U-O", "nowhere"])
    assert [f.rule for f in report.findings] == ["ORG-4.department-deputies"]
    assert report.organisations_audited == 1


def test_a_justification_marks_a_deviation_but_never_a_violation() -> None:
    """Only D rules can be justified (ORG-4 here); M rules (ORG-2) stay violations."""
    b = compliant()
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, 1)
    b.posts("U", Role.VICE_PRESIDENT, 3)
    b.update("U", students_served=None)
    b.justify("U-O", "ORG-4.department-deputies")
    b.justify("U", "ORG-2.vice-presidents-max")
    b.justify("U", "ORG-6.data-missing")
    report = audit(b.build(), as_of=AS_OF)
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["ORG-4.department-deputies"].justified
    assert not by_rule["ORG-4.department-deputies"].is_problem
    assert by_rule["ORG-4.department-deputies"].justification
    assert not by_rule["ORG-2.vice-presidents-max"].justified
    assert by_rule["ORG-2.vice-presidents-max"].is_problem
    assert not by_rule["ORG-6.data-missing"].justified
    assert REQUIREMENTS["ORG-4"].obligation == Obligation.DEFAULT


def test_apply_justifications_matches_organisation_and_rule() -> None:
    b = compliant()
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, 1)
    b.posts("U-R", Role.DEPARTMENT_DEPUTY, 1)
    b.justify("U-O", "ORG-4.department-deputies")
    reg = b.build()
    raw = run_rules(AuditContext(reg, AS_OF))
    marked = {
        f.organisation: f.justified for f in apply_justifications(reg, raw, as_of=AS_OF)
    }
    assert marked == {"U-O": True, "U-R": False}


def test_a_province_audits_cleanly_and_every_copy_is_found() -> None:
    """Rules stay linear: a province of many schools audits without a per-org scan."""
    reg = province(12)
    assert audit(reg, as_of=AS_OF).findings == ()
    late = AS_OF.replace(year=2026)
    by_org: dict[str, set[str]] = {}
    for f in audit(reg, as_of=late).findings:
        by_org.setdefault(f.organisation.split(".")[0], set()).add(f.requirement)
    universities = {k for k in by_org if k.startswith("s")}
    assert len(universities) == 12
    assert all("CON-1" in by_org[k] for k in universities)
    assert all("CON-11" in by_org[k] for k in by_org if k.startswith("m"))
