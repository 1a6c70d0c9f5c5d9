"""Election set-up and candidates: ELE-1, ELE-2, ELE-3, ELE-4 (margin), CAD-1.

Each rule on both sides, and the authorisation of every step (nominate, guide, assess,
submit, approve/return).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from tests.factories_elections import (
    CRITERIA_GANSU,
    ElectionFactory,
    approved_election,
    build_scene,
    conditions_for,
)
from tongxue.compliance.selectors import audit_organisation
from tongxue.congresses.models import MeetingKind
from tongxue.core.errors import Refusal, refusal_json
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.findings import Severity
from tongxue.elections import selectors, services
from tongxue.elections.models import Candidate, ElectionStatus, Step
from tongxue.organisations.models import Enrolment, OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def _nominating(scene, *, seats=2):
    election = services.create_election(
        actor=scene.presidium,
        meeting=scene.congress,
        post="vice_president",
        seats=seats,
    )
    services.adopt_method(actor=scene.presidium, election=election)
    return election


def _assess_all(scene, candidate, *, met=True, actor=None):
    for criterion in CRITERIA_GANSU:
        services.assess(
            actor=actor or scene.presidium,
            candidate=candidate,
            criterion=criterion,
            met=met,
            evidence_kind="discipline",
            evidence="无违纪记录",
        )


# -- ELE-1 / ELE-3: which body elects which post ----------------------------------------


def test_congress_elects_vice_presidents_and_records_the_default_method(scene):
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=7
    )
    assert election.status == ElectionStatus.DRAFT
    # election-rules.md defaults: 2/3 quorum, > 1/2 of present, 20% margin rounded up.
    assert election.method["seats"] == 7
    assert election.method["quorum"] == "2/3"
    assert election.method["threshold"] == "1/2"
    assert election.method["margin"] == "1/5"
    assert selectors.dashboard(election).required == 9
    assert Step.objects.filter(election=election, action="created").count() == 1
    assert AuditEvent.objects.filter(action="election.created").count() == 1


def test_standing_conference_elects_the_president_but_not_vice_presidents(scene):
    president = services.create_election(
        actor=scene.presidium, meeting=scene.standing, post="president", seats=1
    )
    assert president.post == "president"
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium,
            meeting=scene.standing,
            post="vice_president",
            seats=2,
        )
    assert exc.value.code == "ELE-1.wrong-body"
    assert exc.value.requirement == "ELE-1"


def test_posts_filled_by_open_selection_are_not_elected(scene):
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium,
            meeting=scene.congress,
            post="department_head",
            seats=1,
        )
    assert exc.value.requirement == "ELE-3"


def test_department_union_elects_by_department_congress_or_assembly_only(scene):
    dept = OrganisationFactory(
        code="ELDEP", parent=scene.union, kind=OrgKind.DEPARTMENT_UNION
    )
    assembly = MeetingFactory(organisation=dept, kind=MeetingKind.ASSEMBLY)
    standing = MeetingFactory(organisation=dept, kind=MeetingKind.STANDING_CONFERENCE)
    election = services.create_election(
        actor=scene.presidium, meeting=assembly, post="president", seats=1
    )
    assert election.organisation == dept
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium, meeting=standing, post="president", seats=1
        )
    assert exc.value.requirement == "ELE-3"


def test_the_refusal_keeps_its_code_field_clauses_and_translated_message(scene):
    """The decision moved to the domain (tongxue.domain.rules.elections); what the
    service answers is unchanged, and its message is still translated."""
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium, meeting=scene.standing, post="core_member", seats=3
        )
    refusal = exc.value
    assert (refusal.code, refusal.requirement, refusal.field) == (
        "ELE-1.wrong-body",
        "ELE-1",
        "meeting",
    )
    assert refusal.clauses == ("GS-8",)  # the governing plan's (gansu-2017) only
    with override("zh-hans"):
        shown = refusal_json(refusal)["message"]
    assert shown != refusal.message.render()  # translated, not the English msgid
    assert "(ELE-1 · GS-8)" in shown
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium,
            meeting=scene.congress,
            post="secretary_general",
            seats=1,
        )
    assert (exc.value.code, exc.value.requirement, exc.value.field) == (
        "ELE-1.not-elected",
        "ELE-3",
        "post",
    )


def test_the_audit_reports_stored_elections_held_by_the_wrong_body(scene):
    """Elections recorded before the guard (or entered around it) are audited: the
    same decision, over what exists (ELE-1)."""
    services.create_election(
        actor=scene.presidium, meeting=scene.standing, post="president", seats=1
    )
    services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    ElectionFactory(
        code="EL-OLD-VP",
        organisation=scene.union,
        meeting=scene.standing,
        post="vice_president",
        status=ElectionStatus.EFFECTIVE,
    )
    ElectionFactory(
        code="EL-OLD-CANCELLED",
        organisation=scene.union,
        meeting=scene.standing,
        post="vice_president",
        status=ElectionStatus.CANCELLED,
    )
    ElectionFactory(
        code="EL-NO-MEETING", organisation=scene.union, meeting=None, post="president"
    )
    report = audit_organisation(code=scene.school.code, as_of=dt.date(2026, 12, 1))
    found = sorted(
        (f.rule, f.evidence["election"], f.severity)
        for f in report.findings
        if f.rule.startswith("ELE-")
    )
    assert found == [
        ("ELE-1.meeting-unknown", "EL-NO-MEETING", Severity.INCOMPLETE),
        ("ELE-1.wrong-body", "EL-OLD-VP", Severity.VIOLATION),
    ]


def test_invalid_method_is_refused(scene):
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium,
            meeting=scene.congress,
            post="vice_president",
            seats=2,
            method={"threshold": "3/2"},
        )
    assert exc.value.code == "invalid-method"


@pytest.mark.parametrize("who", ["advisor", "party", "outsider"])
def test_only_the_presidium_sets_up_an_election(scene, who):
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=getattr(scene, who),
            meeting=scene.congress,
            post="vice_president",
            seats=2,
        )
    assert exc.value.code == "forbidden"


def test_method_is_adopted_before_nomination_and_then_frozen(scene):
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    with pytest.raises(Refusal):
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=scene.students[0],
            nominated_by="presidium",
        )
    services.update_method(
        actor=scene.presidium, election=election, seats=3, method={"margin": "1/3"}
    )
    assert election.method["margin"] == "1/3" and election.seats == 3
    with pytest.raises(Refusal) as exc:
        services.adopt_method(actor=scene.advisor, election=election)
    assert exc.value.code == "forbidden"
    services.adopt_method(actor=scene.presidium, election=election)
    with pytest.raises(Refusal) as exc:
        services.update_method(actor=scene.presidium, election=election, seats=4)
    assert exc.value.code == "wrong-status"


# -- nomination ------------------------------------------------------------------------


def test_student_nominates_themselves_but_not_someone_else(scene):
    election = _nominating(scene)
    me = scene.delegates[0]
    candidate = services.nominate(
        actor=me.user, election=election, person=me, nominated_by="self", statement="我"
    )
    assert candidate.nominated_by == "self"
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=me.user,
            election=election,
            person=scene.students[0],
            nominated_by="self",
        )
    assert exc.value.code == "forbidden"
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=me.user,
            election=election,
            person=scene.students[1],
            nominated_by="presidium",
        )
    assert exc.value.code == "forbidden"


def test_joint_nomination_needs_two_nominators_besides_the_candidate(scene):
    election = _nominating(scene)
    target = scene.students[0]
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=target,
            nominated_by="students",
            nominators=["甲", target.name],
        )
    assert exc.value.code == "too-few-nominators"
    c = services.nominate(
        actor=scene.presidium,
        election=election,
        person=target,
        nominated_by="students",
        nominators=["甲", "乙"],
    )
    assert c.nominators == ["乙", "甲"] or sorted(c.nominators) == ["乙", "甲"]


def test_the_adopted_method_sets_the_joint_nomination_minimum(scene):
    """The minimum is the election method's (选举办法), not the service's: a method
    adopting 3 refuses two nominators and accepts three; the refusal names it."""
    election = services.create_election(
        actor=scene.presidium,
        meeting=scene.congress,
        post="vice_president",
        seats=2,
        method={"joint_nominators": 3},
    )
    services.adopt_method(actor=scene.presidium, election=election)
    assert election.method["joint_nominators"] == 3
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=scene.students[0],
            nominated_by="students",
            nominators=["甲", "乙", scene.students[0].name],
        )
    assert (exc.value.code, exc.value.field) == ("too-few-nominators", "nominators")
    assert exc.value.message.params["minimum"] == 3
    assert "at least 3 nominating students" in exc.value.message.render()
    c = services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[0],
        nominated_by="students",
        nominators=["甲", "乙", "丙"],
    )
    assert sorted(c.nominators) == sorted(["甲", "乙", "丙"])


def test_the_default_minimum_is_named_in_the_refusal(scene):
    election = _nominating(scene)
    assert services.method_of(election).joint_nominators == 2
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=scene.students[0],
            nominated_by="students",
            nominators=["甲"],
        )
    assert exc.value.message.params["minimum"] == 2
    assert "at least 2 nominating students" in exc.value.message.render()


def test_a_method_with_a_joint_nomination_minimum_below_one_is_refused(scene):
    with pytest.raises(Refusal) as exc:
        services.create_election(
            actor=scene.presidium,
            meeting=scene.congress,
            post="vice_president",
            seats=2,
            method={"joint_nominators": 0},
        )
    assert (exc.value.code, exc.value.field) == ("invalid-method", "method")
    assert "at least 1, not 0" in exc.value.message.render()


def test_a_nominating_student_submits_a_joint_nomination_an_outsider_cannot(scene):
    election = _nominating(scene)
    d1 = scene.delegates[0]
    services.nominate(
        actor=d1.user,
        election=election,
        person=scene.students[0],
        nominated_by="students",
        nominators=[d1.name, scene.delegates[1].name],
    )
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.outsider,
            election=election,
            person=scene.students[1],
            nominated_by="students",
            nominators=["甲", "乙"],
        )
    assert exc.value.code == "forbidden"


def test_only_enrolled_students_stand_once(scene):
    election = _nominating(scene)
    graduate = PersonFactory(ident="ELGRAD", enrolment=Enrolment.GRADUATED)
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=graduate,
            nominated_by="presidium",
        )
    assert exc.value.code == "not-eligible"
    elsewhere = OrganisationFactory(code="ELOTHERDEP", kind=OrgKind.DEPARTMENT_UNION)
    stranger = PersonFactory(ident="ELSTRANGER", department=elsewhere)
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=stranger,
            nominated_by="presidium",
        )
    assert exc.value.code == "not-member"
    own_dep = OrganisationFactory(
        code="ELOWNDEP", kind=OrgKind.DEPARTMENT_UNION, parent=scene.school
    )
    local = PersonFactory(ident="ELLOCAL", department=own_dep)
    services.nominate(
        actor=scene.presidium, election=election, person=local, nominated_by="presidium"
    )
    services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[0],
        nominated_by="presidium",
    )
    with pytest.raises(Refusal) as exc:
        services.nominate(
            actor=scene.presidium,
            election=election,
            person=scene.students[0],
            nominated_by="presidium",
        )
    assert exc.value.code == "duplicate"


# -- ELE-2 conditions and CAD-1 assessments --------------------------------------------


@pytest.mark.parametrize("who", ["presidium", "party", "outsider"])
def test_only_the_league_committee_sets_conditions(scene, who):
    election = _nominating(scene)
    with pytest.raises(Refusal) as exc:
        services.set_conditions(
            actor=getattr(scene, who), election=election, conditions=conditions_for()
        )
    assert exc.value.code == "forbidden"


def test_every_criterion_of_the_profile_needs_a_condition(scene):
    election = _nominating(scene)
    partial = conditions_for()
    partial.pop("dedication")  # gansu-2017 lists six criteria (CAD-1 · GS-12)
    with pytest.raises(Refusal) as exc:
        services.set_conditions(
            actor=scene.advisor, election=election, conditions=partial
        )
    assert exc.value.code == "CAD-1.condition-missing"
    with pytest.raises(Refusal) as exc:
        services.set_conditions(
            actor=scene.advisor,
            election=election,
            conditions={**conditions_for(), "wealth": "x"},
        )
    assert exc.value.code == "invalid"
    rows = services.set_conditions(
        actor=scene.advisor,
        election=election,
        conditions=conditions_for(),
        comment="按团委指导",
    )
    assert {r.criterion for r in rows} == set(CRITERIA_GANSU)
    assert all(r.role == RoleKind.LEAGUE_ADVISOR for r in rows)


def test_assessment_needs_the_condition_and_evidence_and_a_right_to_assess(scene):
    election = _nominating(scene)
    c = services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[0],
        nominated_by="presidium",
    )
    with pytest.raises(Refusal) as exc:
        services.assess(
            actor=scene.presidium,
            candidate=c,
            criterion="academic",
            met=True,
            evidence_kind="grades",
            evidence="绩点 3.6",
        )
    assert exc.value.code == "ELE-2.conditions-missing"
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    with pytest.raises(Refusal) as exc:
        services.assess(
            actor=scene.presidium,
            candidate=c,
            criterion="academic",
            met=True,
            evidence_kind="grades",
            evidence="  ",
        )
    assert exc.value.code == "required"
    for who in ("party", "outsider"):
        with pytest.raises(Refusal) as exc:
            services.assess(
                actor=getattr(scene, who),
                candidate=c,
                criterion="academic",
                met=True,
                evidence_kind="grades",
                evidence="绩点 3.6",
            )
        assert exc.value.code == "forbidden"
    a = services.assess(
        actor=scene.advisor,
        candidate=c,
        criterion="academic",
        met=True,
        evidence_kind="grades",
        evidence="绩点 3.6",
    )
    assert a.role == RoleKind.LEAGUE_ADVISOR and a.assessor == scene.advisor


def test_candidate_is_eligible_only_when_every_criterion_is_met(scene):
    election = _nominating(scene)
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    c = services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[0],
        nominated_by="presidium",
    )
    for criterion in CRITERIA_GANSU[:-1]:
        services.assess(
            actor=scene.presidium,
            candidate=c,
            criterion=criterion,
            met=True,
            evidence_kind="other",
            evidence="ok",
        )
    c.refresh_from_db()
    assert c.status == "nominated"  # one criterion still to assess
    services.assess(
        actor=scene.presidium,
        candidate=c,
        criterion=CRITERIA_GANSU[-1],
        met=False,
        evidence_kind="evaluation",
        evidence="评议不合格",
    )
    c.refresh_from_db()
    assert c.status == "ineligible"
    services.assess(
        actor=scene.presidium,
        candidate=c,
        criterion=CRITERIA_GANSU[-1],
        met=True,
        evidence_kind="evaluation",
        evidence="复核合格",
    )
    c.refresh_from_db()
    assert c.status == "eligible"


# -- submit, approve, return (ELE-2) and the 差额 margin (ELE-4) ------------------------


def _ready_list(scene, *, seats=2, eligible=3):
    election = _nominating(scene, seats=seats)
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    for person in scene.students[:eligible]:
        c = services.nominate(
            actor=scene.presidium,
            election=election,
            person=person,
            nominated_by="presidium",
        )
        _assess_all(scene, c)
    return election


def test_submission_needs_conditions_and_every_candidate_assessed(scene):
    election = _nominating(scene)
    with pytest.raises(Refusal) as exc:
        services.submit_for_approval(actor=scene.presidium, election=election)
    assert exc.value.code == "ELE-2.conditions-missing"
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[0],
        nominated_by="presidium",
    )
    with pytest.raises(Refusal) as exc:
        services.submit_for_approval(actor=scene.presidium, election=election)
    assert exc.value.code == "CAD-1.not-assessed"


def test_margin_two_seats_need_three_eligible_candidates(scene):
    # 2 seats × 20% = 0.4, rounded up: 1 extra, so 3 candidates (election-rules.md).
    short = _ready_list(scene, seats=2, eligible=2)
    with pytest.raises(Refusal) as exc:
        services.submit_for_approval(actor=scene.presidium, election=short)
    assert exc.value.code == "ELE-4.margin"
    c = services.nominate(
        actor=scene.presidium,
        election=short,
        person=scene.students[2],
        nominated_by="presidium",
    )
    _assess_all(scene, c)
    services.submit_for_approval(actor=scene.presidium, election=short)
    short.refresh_from_db()
    assert short.status == ElectionStatus.VETTING


def test_ineligible_candidates_do_not_count_towards_the_margin(scene):
    election = _ready_list(scene, seats=2, eligible=2)
    c = services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[3],
        nominated_by="presidium",
    )
    _assess_all(scene, c, met=False)
    with pytest.raises(Refusal) as exc:
        services.submit_for_approval(actor=scene.presidium, election=election)
    assert exc.value.code == "ELE-4.margin"


@pytest.mark.parametrize("who", ["advisor", "party", "outsider"])
def test_only_the_presidium_submits(scene, who):
    election = _ready_list(scene)
    with pytest.raises(Refusal) as exc:
        services.submit_for_approval(actor=getattr(scene, who), election=election)
    assert exc.value.code == "forbidden"


@pytest.mark.parametrize("who", ["presidium", "advisor", "outsider"])
def test_only_the_party_committee_approves_or_returns(scene, who):
    election = _ready_list(scene)
    services.submit_for_approval(actor=scene.presidium, election=election)
    with pytest.raises(Refusal) as exc:
        services.approve_candidates(actor=getattr(scene, who), election=election)
    assert exc.value.code == "forbidden"
    with pytest.raises(Refusal) as exc:
        services.return_candidates(
            actor=getattr(scene, who), election=election, comment="不行"
        )
    assert exc.value.code == "forbidden"


def test_party_returns_the_list_with_a_comment_then_approves_it(scene):
    election = _ready_list(scene)
    services.submit_for_approval(actor=scene.presidium, election=election)
    with pytest.raises(Refusal) as exc:
        services.return_candidates(actor=scene.party, election=election, comment=" ")
    assert exc.value.code == "required"
    services.return_candidates(
        actor=scene.party, election=election, comment="请补充候选人材料"
    )
    election.refresh_from_db()
    assert election.status == ElectionStatus.NOMINATION
    returned = Step.objects.get(election=election, action="returned")
    assert returned.role == RoleKind.PARTY_APPROVER
    assert returned.comment == "请补充候选人材料"
    assert returned.actor == scene.party and returned.at is not None
    services.submit_for_approval(actor=scene.presidium, election=election)
    services.approve_candidates(actor=scene.party, election=election, comment="同意")
    election.refresh_from_db()
    assert election.status == ElectionStatus.APPROVED
    assert Candidate.objects.filter(election=election, status="approved").count() == 3


def test_approval_publishes_the_candidate_notice_and_readies_the_ballot(scene):
    election = approved_election(scene)
    notice = selectors.candidates_notice(election)
    assert notice is not None and notice.kind == "candidates"
    for person in scene.students[:3]:
        assert person.name in notice.body
    assert selectors.ready_to_open(election) is None


def test_ballot_cannot_open_before_approval(scene):
    election = _ready_list(scene)
    refusal = selectors.ready_to_open(election)
    assert refusal is not None and refusal.code == "ELE-2.not-approved"
    services.submit_for_approval(actor=scene.presidium, election=election)
    assert selectors.ready_to_open(election).code == "ELE-2.not-approved"


def test_ballot_cannot_open_without_the_margin_or_the_notice(scene):
    from tongxue.publicity.models import Notice

    election = approved_election(scene)
    Candidate.objects.filter(election=election).order_by("-position").first()
    last = Candidate.objects.filter(election=election).order_by("-position").first()
    last.status = "withdrawn"
    last.save()
    assert selectors.ready_to_open(election).code == "ELE-4.margin"
    last.status = "approved"
    last.save()
    Notice.objects.filter(subject_id=election.pk).delete()
    assert selectors.ready_to_open(election).code == "ELE-4.candidates-not-announced"


def test_reopening_nomination_sends_the_list_back_for_approval(scene):
    election = approved_election(scene)
    services.reopen_nomination(
        actor=scene.presidium, election=election, comment="候选人退出"
    )
    election.refresh_from_db()
    assert election.status == ElectionStatus.NOMINATION
    assert not Candidate.objects.filter(election=election, status="approved").exists()
    assert selectors.ready_to_open(election).code == "ELE-2.not-approved"


def test_cancel_needs_a_reason_and_the_presidium(scene):
    election = _nominating(scene)
    with pytest.raises(Refusal):
        services.cancel_election(actor=scene.party, election=election, comment="x")
    with pytest.raises(Refusal) as exc:
        services.cancel_election(actor=scene.presidium, election=election, comment="")
    assert exc.value.code == "required"
    services.cancel_election(actor=scene.presidium, election=election, comment="延期")
    election.refresh_from_db()
    assert election.status == ElectionStatus.CANCELLED
    with pytest.raises(Refusal) as exc:
        services.adopt_method(actor=scene.presidium, election=election)
    assert exc.value.code == "invalid-transition"


def test_withdrawal_by_the_candidate_or_the_presidium_only(scene):
    election = _nominating(scene)
    me = scene.delegates[0]
    c = services.nominate(
        actor=me.user, election=election, person=me, nominated_by="self"
    )
    with pytest.raises(Refusal):
        services.withdraw_candidate(actor=scene.outsider, candidate=c)
    services.withdraw_candidate(actor=me.user, candidate=c)
    c.refresh_from_db()
    assert c.status == "withdrawn"


def test_every_step_is_recorded_with_role_and_time(scene):
    election = approved_election(scene)
    steps = list(Step.objects.filter(election=election).order_by("at", "id"))
    actions = [s.action for s in steps]
    for expected in (
        "created",
        "method_adopted",
        "conditions_set",
        "nominated",
        "assessed",
        "submitted",
        "approved",
    ):
        assert expected in actions
    roles = {s.action: s.role for s in steps}
    assert roles["conditions_set"] == RoleKind.LEAGUE_ADVISOR
    assert roles["approved"] == RoleKind.PARTY_APPROVER
    assert roles["submitted"] == RoleKind.UNION_ADMIN
    assert all(s.at is not None for s in steps)
    # … and each step has its audit record in the same transaction.
    assert AuditEvent.objects.filter(
        target=election.code, action__startswith="election."
    ).count() == len(steps)


def test_user_without_role_in_this_union_cannot_act_elsewhere(scene):
    other = build_scene(prefix="OT")
    election = _nominating(scene)
    with pytest.raises(Refusal) as exc:
        services.set_conditions(
            actor=other.advisor, election=election, conditions=conditions_for()
        )
    assert exc.value.code == "forbidden"
    stranger = UserFactory(username="stranger")
    with pytest.raises(Refusal):
        services.submit_for_approval(actor=stranger, election=election)
