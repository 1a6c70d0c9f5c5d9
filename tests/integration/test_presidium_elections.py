"""Presidium posts only through a certified election (ELE-1, ELE-3 · GS-8, CQ-3).

The registry's ``appoint`` refuses a president or vice-president of a union without a
certified election of the post; the elections service fills it when a certified
result takes effect, and the position records the election. The audit of the database
and of a snapshot reports every holder without one; snapshots carry the election of
each post (the ``election`` column of ``positions``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tests.factories_elections import (
    ElectionFactory,
    approved_election,
    build_scene,
    counted,
    elected,
)
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.domain.findings import Severity
from tongxue.elections import services as elections
from tongxue.elections.models import Candidate, ElectionStatus
from tongxue.organisations import services
from tongxue.organisations.models import OrgKind, Position, Role
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db

START = dt.date(2025, 9, 1)
LATER = dt.date.today() + dt.timedelta(days=60)


def _union(code: str = "PU", profile: str = "") -> object:
    school = SchoolFactory(code=f"{code}S", profile=profile)
    return OrganisationFactory(
        code=code, kind=OrgKind.SCHOOL_UNION, parent=school, students_served=10000
    )


def _appoint(org, role=Role.VICE_PRESIDENT, **kw):
    return services.appoint(
        actor=None,
        organisation=org,
        person=PersonFactory(),
        role=role,
        title="副主席" if role == Role.VICE_PRESIDENT else "主席",
        start=START,
        public_contact="p@example.edu",
        **kw,
    )


# -- the guard ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "clauses"), [("gansu-2017", ("GS-8",)), ("cqtgu-2017", ("CQ-3",))]
)
@pytest.mark.parametrize("role", [Role.PRESIDENT, Role.VICE_PRESIDENT])
def test_a_direct_appointment_to_the_presidium_is_refused(profile, clauses, role):
    union = _union(profile=profile)
    with pytest.raises(Refusal) as exc:
        _appoint(union, role)
    assert (exc.value.code, exc.value.requirement, exc.value.field) == (
        "ELE-1.no-election",
        "ELE-1",
        "role",
    )
    assert exc.value.clauses == clauses
    assert "run an election for it" in exc.value.message.render()
    assert not Position.objects.exists()
    assert not AuditEvent.objects.filter(action="position.appoint").exists()


def test_a_department_presidium_is_refused_under_ele3_but_not_its_members():
    union = _union()
    dept = OrganisationFactory(
        code="PD", kind=OrgKind.DEPARTMENT_UNION, parent=union, students_served=300
    )
    with pytest.raises(Refusal) as exc:
        _appoint(dept, Role.PRESIDENT)
    assert (exc.value.code, exc.value.requirement) == ("ELE-3.no-election", "ELE-3")
    # Not a presidium post: appointed (or selected openly) as before.
    member = services.appoint(
        actor=None,
        organisation=dept,
        person=PersonFactory(),
        role=Role.MEMBER,
        title="委员",
        start=START,
    )
    assert member.election == ""


def test_a_club_federation_head_is_appointed_without_an_election():
    union = _union()
    federation = OrganisationFactory(
        code="PCF", kind=OrgKind.CLUB_FEDERATION, parent=union.parent
    )
    head = _appoint(federation, Role.PRESIDENT)
    assert head.pk is not None and head.election == ""


def test_a_certified_election_of_the_post_fills_it_and_is_recorded():
    union = _union()
    congress = MeetingFactory(organisation=union, code="PU-C1")
    election = ElectionFactory(
        organisation=union,
        meeting=congress,
        post=Role.VICE_PRESIDENT,
        status="certified",
    )
    position = _appoint(union, election=election)
    assert position.election == election.code
    event = AuditEvent.objects.get(action="position.appoint")
    assert event.data["election"] == election.code


@pytest.mark.parametrize(
    ("status", "post", "other_org", "code"),
    [
        ("counted", Role.VICE_PRESIDENT, False, "ELE-1.election-not-certified"),
        ("void", Role.VICE_PRESIDENT, False, "ELE-1.election-not-certified"),
        ("effective", Role.PRESIDENT, False, "ELE-1.election-mismatch"),
        ("effective", Role.VICE_PRESIDENT, True, "ELE-1.election-mismatch"),
    ],
)
def test_an_election_that_did_not_fill_this_post_is_refused(
    status, post, other_org, code
):
    union = _union()
    where = _union("PU2") if other_org else union
    election = ElectionFactory(organisation=where, post=post, status=status)
    with pytest.raises(Refusal) as exc:
        _appoint(union, election=election)
    assert (exc.value.code, exc.value.field) == (code, "election")
    assert not Position.objects.filter(organisation=union).exists()


def test_a_certified_result_taking_effect_appoints_the_elected_with_the_election():
    scene = build_scene()
    election = approved_election(scene)
    names = list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    a, b, c = names
    election = counted(
        election,
        [{a: "1", b: "1"}, {a: "1", b: "1"}, {a: "1", c: "1"}],
        present=3,
    )
    elections.certify_result(actor=scene.presidium, election=election)
    elections.make_effective(
        actor=scene.presidium,
        election=election,
        today=LATER,
        public_contact="su@example.edu.cn",
    )
    election.refresh_from_db()
    assert election.status == ElectionStatus.EFFECTIVE
    held = Position.objects.filter(organisation=scene.union, role="vice_president")
    assert sorted(held.values_list("person__name", flat=True)) == sorted([a, b])
    assert set(held.values_list("election", flat=True)) == {election.code}
    report = audit_organisation(code=scene.union.code, as_of=LATER)
    assert not [f for f in report.findings if f.rule.startswith("ELE-1.")]


# -- the audit of the database ------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "clauses"), [("gansu-2017", ("GS-8",)), ("cqtgu-2017", ("CQ-3",))]
)
def test_a_holder_without_an_election_is_a_finding(profile, clauses):
    union = _union(profile=profile)
    congress = MeetingFactory(organisation=union, code="PU-C1")
    PositionFactory(organisation=union, role=Role.PRESIDENT, title="主席", start=START)
    vp = PositionFactory(
        organisation=union, role=Role.VICE_PRESIDENT, title="副主席", start=START
    )
    elected(union, Role.PRESIDENT, meeting=congress)

    def ele():
        report = audit_organisation(code=union.code, as_of=dt.date(2026, 3, 1))
        return [f for f in report.findings if f.requirement == "ELE-1"]

    [f] = ele()
    assert (f.rule, f.severity, f.clauses) == (
        "ELE-1.no-election",
        Severity.VIOLATION,
        clauses,
    )
    assert f.evidence["person"] == vp.person.ident
    elected(union, Role.VICE_PRESIDENT, meeting=congress)
    assert ele() == []


def test_a_department_holder_without_an_election_is_an_ele3_finding():
    union = _union()
    dept = OrganisationFactory(
        code="PD", kind=OrgKind.DEPARTMENT_UNION, parent=union, students_served=300
    )
    congress = MeetingFactory(organisation=dept, code="PD-C1")
    PositionFactory(organisation=dept, role=Role.PRESIDENT, title="主席", start=START)
    PositionFactory(organisation=dept, role=Role.MEMBER, title="委员", start=START)
    report = audit_organisation(code=dept.code, as_of=dt.date(2026, 3, 1))
    assert [f.rule for f in report.findings if f.requirement == "ELE-3"] == [
        "ELE-3.no-election"
    ]
    # The department congress elects the president and the committee members: fine.
    elected(dept, Role.PRESIDENT, meeting=congress)
    elected(dept, Role.MEMBER, meeting=congress)
    report = audit_organisation(code=dept.code, as_of=dt.date(2026, 3, 1))
    assert [f.rule for f in report.findings if f.requirement == "ELE-3"] == []


# -- snapshots ------------------------------------------------------------------------


def _elected_union():
    union = _union()
    congress = MeetingFactory(organisation=union, code="PU-C1")
    PositionFactory(organisation=union, role=Role.PRESIDENT, title="主席", start=START)
    PositionFactory(
        organisation=union, role=Role.VICE_PRESIDENT, title="副主席", start=START
    )
    elected(union, Role.PRESIDENT, meeting=congress, code="PU-E-P")
    elected(union, Role.VICE_PRESIDENT, meeting=congress, code="PU-E-VP")
    return union


def test_an_export_writes_the_election_and_an_import_stores_it():
    union = _elected_union()
    doc = export_tables(union.parent.code)
    posts = {p["role"]: p.get("election") for p in doc["positions"]}
    assert posts == {"president": "PU-E-P", "vice_president": "PU-E-VP"}
    assert {e["code"] for e in doc["elections"]} == {"PU-E-P", "PU-E-VP"}
    # Erase the record, then import the export: the codes come back.
    Position.objects.update(election="")
    result = import_tables(doc, actor=None)
    assert result.counts["positions"].updated == 2
    assert dict(Position.objects.values_list("role", "election")) == {
        "president": "PU-E-P",
        "vice_president": "PU-E-VP",
    }
    # The same file again changes nothing.
    assert import_tables(doc, actor=None).counts["positions"].updated == 0


def test_an_old_snapshot_without_the_column_imports_and_keeps_stored_elections():
    union = _elected_union()
    doc = export_tables(union.parent.code)
    for row in doc["positions"]:
        row.pop("election", None)
    doc.pop("elections", None)
    result = import_tables(doc, actor=None)
    assert result.counts["positions"].unchanged == 2  # nothing erased
    assert set(Position.objects.values_list("election", flat=True)) == {
        "PU-E-P",
        "PU-E-VP",
    }
    # Into a database without those posts, the holders have no election on record.
    Position.objects.all().delete()
    import_tables(doc, actor=None)
    assert set(Position.objects.values_list("election", flat=True)) == {""}
    report = audit_organisation(code=union.code, as_of=dt.date(2026, 3, 1))
    assert sorted(f.rule for f in report.findings if f.requirement == "ELE-1") == [
        "ELE-1.no-election",
        "ELE-1.no-election",
    ]


def test_an_election_only_in_the_file_is_recorded_and_satisfies_the_audit():
    union = _elected_union()
    doc = export_tables(union.parent.code)
    for row in doc["positions"]:
        row["election"] = f"FILE-{row['role']}"
    # Without the file's elections table, the holders name elections nobody holds.
    doc.pop("elections")
    import_tables(doc, actor=None)
    report = audit_organisation(code=union.code, as_of=dt.date(2026, 3, 1))
    [f] = [f for f in report.findings if f.requirement == "ELE-1"]
    assert (f.rule, f.severity) == ("ELE-1.election-unknown", Severity.INCOMPLETE)
    assert f.evidence["elections"] == "FILE-president, FILE-vice_president"
    # With it, the elections are recorded and the holders' finding is gone.
    doc["elections"] = [
        {
            "code": f"FILE-{post}",
            "organisation": union.code,
            "meeting": "PU-C1",
            "post": post,
            "status": "effective",
        }
        for post in ("president", "vice_president")
    ]
    result = import_tables(doc, actor=None)
    assert result.not_stored == {}
    assert result.counts["elections"].created == 2
    report = audit_organisation(code=union.code, as_of=dt.date(2026, 3, 1))
    assert [f.rule for f in report.findings if f.requirement == "ELE-1"] == []
