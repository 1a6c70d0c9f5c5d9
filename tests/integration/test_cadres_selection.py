"""Open selection of a cadre post (CAD-1, CAD-7 · GS-12, GS-13, CQ-7, CQ-8; ELE-3, ELE-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, UserFactory
from tests.factories_cadres import build_cadre_school, student
from tongxue.cadres import services
from tongxue.cadres.models import Application, SelectionState
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.organisations.models import Enrolment, Position, Role
from tongxue.publicity import services as publicity
from tongxue.publicity.selectors import notice_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + dt.timedelta(days=60)  # every notice period is over


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return build_cadre_school()


def advertise(cs, **kw):  # type: ignore[no-untyped-def]
    args = {
        "actor": cs.admin,
        "organisation": cs.department,
        "role": Role.DEPARTMENT_HEAD,
        "title": "权益部部长",
        "closes": TODAY + dt.timedelta(days=7),
        "term_start": TODAY + dt.timedelta(days=30),
        "public_contact": "quanyi@su.example.edu.cn",
    } | kw
    return services.advertise(**args)


def assess_all(cs, application, verdict="meets"):  # type: ignore[no-untyped-def]
    for c in application.selection.criteria:
        services.assess(
            actor=cs.admin,
            application=application,
            criterion=c,
            verdict=verdict,
            evidence="成绩前10%，无处分记录",
        )


def closed(cs, sel):  # type: ignore[no-untyped-def]
    return services.start_assessment(
        actor=cs.admin, selection=sel, today=sel.closes + dt.timedelta(days=1)
    )


# -- advertising --------------------------------------------------------------------


def test_criteria_come_from_the_profile_work_style_included(cs):
    sel = advertise(cs)
    assert "work_style" in sel.criteria  # CAD-7
    assert "dedication" in sel.criteria  # Gansu adds dedication (default profile)
    assert sel.state == SelectionState.ADVERTISED
    assert AuditEvent.objects.filter(action="cadres.selection.advertise").count() == 1


def test_chongqing_profile_has_no_dedication(cs):
    cs.school.profile = "cqtgu-2017"
    cs.school.save()
    sel = advertise(cs)
    assert "dedication" not in sel.criteria and "work_style" in sel.criteria


def test_a_required_course_adds_the_training_criterion(cs):
    from tests.factories_cadres import CourseFactory

    course = CourseFactory(organisation=cs.union)
    sel = advertise(cs, required_course=course)
    assert sel.criteria[-1] == "training"


def test_advertising_needs_manage(cs):
    with pytest.raises(Refusal) as e:
        advertise(cs, actor=UserFactory())
    assert e.value.code == "forbidden"


def test_a_department_of_the_union_advertises_but_not_a_school(cs):
    assert advertise(cs, organisation=cs.department).organisation == cs.department
    with pytest.raises(Refusal) as e:
        advertise(cs, organisation=cs.school, actor=None)
    assert e.value.code == "not-a-union"


@pytest.mark.parametrize("role", [Role.PRESIDENT, Role.VICE_PRESIDENT])
def test_a_unions_presidium_is_elected_not_selected(cs, role):
    # ELE-1 (school-level union) and ELE-3 (department union) · GS-8, CQ-3.
    with pytest.raises(Refusal) as e:
        advertise(cs, organisation=cs.union, role=role, title="副主席")
    assert (e.value.code, e.value.requirement) == ("elected-post", "ELE-1")
    assert e.value.clauses == ("GS-8",)  # the governing plan's clause only (gansu)
    with pytest.raises(Refusal) as e:
        advertise(cs, actor=None, organisation=cs.dept_union, role=role, title="主席")
    assert e.value.requirement == "ELE-3"
    # Other posts of a union are selected openly.
    sel = advertise(
        cs, organisation=cs.union, role=Role.SECRETARY_GENERAL, title="秘书长"
    )
    assert sel.role == Role.SECRETARY_GENERAL


def test_a_main_cadre_post_needs_an_official_contact_never_a_phone(
    cs, tmp_path, settings
):
    # A department head is not a main cadre by default: the relay form is enough.
    assert advertise(cs, public_contact="").public_contact == ""
    with pytest.raises(Refusal) as e:
        advertise(cs, public_contact="138 0013 8000")
    assert e.value.code == "private-contact"
    # A school whose derived profile counts department heads as main cadres (CAD-2).
    (tmp_path / "strict-heads.toml").write_text(
        '[profile]\ncode = "strict-heads"\nextends = "gansu-2017"\n'
        "[parameters.main_cadre_roles]\n"
        'value = ["president", "vice_president", "department_head"]\n',
        encoding="utf-8",
    )
    settings.TONGXUE_PROFILE_DIRS = [str(tmp_path)]
    cs.school.profile = "strict-heads"
    cs.school.save()
    with pytest.raises(Refusal) as e:
        advertise(cs, public_contact="")
    assert e.value.code == "contact-required"
    assert advertise(cs).public_contact == "quanyi@su.example.edu.cn"


def test_closing_date_not_in_the_past_and_term_after_closing(cs):
    with pytest.raises(Refusal):
        advertise(cs, closes=TODAY - dt.timedelta(days=1))
    with pytest.raises(Refusal):
        advertise(cs, term_start=TODAY + dt.timedelta(days=3))
    assert advertise(cs, closes=TODAY).closes == TODAY


# -- applying -----------------------------------------------------------------------


def test_a_served_student_applies_once(cs):
    sel = advertise(cs)
    s = student(cs.dept_union)
    app = services.apply(actor=s.user, selection=sel, statement="我想服务同学")
    assert app.person == s
    with pytest.raises(Refusal) as e:
        services.apply(actor=s.user, selection=sel, statement="再来一次")
    assert e.value.code == "duplicate"
    assert Application.objects.filter(selection=sel).count() == 1


def test_applying_on_the_closing_day_is_allowed_the_day_after_refused(cs):
    sel = advertise(cs)
    a, b = student(cs.dept_union), student(cs.dept_union)
    services.apply(actor=a.user, selection=sel, statement="x", today=sel.closes)
    with pytest.raises(Refusal) as e:
        services.apply(
            actor=b.user,
            selection=sel,
            statement="x",
            today=sel.closes + dt.timedelta(days=1),
        )
    assert e.value.code == "closed"


def test_a_student_of_another_school_is_not_served(cs):
    sel = advertise(cs)
    from tests.factories import OrganisationFactory
    from tongxue.organisations.models import OrgKind

    elsewhere = OrganisationFactory(
        code="CX-DEP", kind=OrgKind.DEPARTMENT_UNION, parent=cs.outsider_org
    )
    with pytest.raises(Refusal) as e:
        services.apply(actor=student(elsewhere).user, selection=sel, statement="x")
    assert e.value.code == "not-served"


def test_a_department_union_post_is_open_only_to_its_students(cs):
    sel = advertise(
        cs,
        actor=None,
        organisation=cs.dept_union,
        role=Role.DEPARTMENT_HEAD,
        title="学习部部长",
    )
    services.apply(actor=student(cs.dept_union).user, selection=sel, statement="x")
    other = student(cs.department)  # a student registered under the school union
    with pytest.raises(Refusal) as e:
        services.apply(actor=other.user, selection=sel, statement="x")
    assert e.value.code == "not-served"


def test_applying_needs_a_linked_enrolled_student(cs):
    sel = advertise(cs)
    with pytest.raises(Refusal) as e:
        services.apply(actor=UserFactory(), selection=sel, statement="x")
    assert e.value.code == "forbidden"
    with pytest.raises(Refusal) as e:
        services.apply(actor=None, selection=sel, statement="x")
    assert e.value.code == "forbidden"
    gone = student(cs.dept_union, enrolment=Enrolment.GRADUATED)
    with pytest.raises(Refusal) as e:
        services.apply(actor=gone.user, selection=sel, statement="x")
    assert e.value.code == "ineligible"


def test_a_statement_is_required(cs):
    sel = advertise(cs)
    with pytest.raises(Refusal) as e:
        services.apply(actor=student(cs.dept_union).user, selection=sel, statement=" ")
    assert e.value.code == "required"


# -- assessing ----------------------------------------------------------------------


def test_assessment_starts_only_after_closing(cs):
    sel = advertise(cs)
    with pytest.raises(Refusal) as e:
        services.start_assessment(actor=cs.admin, selection=sel, today=sel.closes)
    assert e.value.code == "still-open"
    closed(cs, sel)
    assert sel.state == SelectionState.ASSESSING


def test_assessment_per_criterion_with_evidence_and_a_named_assessor(cs):
    sel = advertise(cs)
    app = services.apply(
        actor=student(cs.dept_union).user, selection=sel, statement="x"
    )
    with pytest.raises(Refusal) as e:  # not while applications are open
        services.assess(
            actor=cs.admin,
            application=app,
            criterion="political",
            verdict="meets",
            evidence="x",
        )
    assert e.value.code == "not-assessing"
    closed(cs, sel)
    for bad in (
        {"criterion": "beauty"},
        {"verdict": "perfect"},
        {"evidence": "  "},
    ):
        kw = {"criterion": "political", "verdict": "meets", "evidence": "党员"} | bad
        with pytest.raises(Refusal):
            services.assess(actor=cs.admin, application=app, **kw)
    with pytest.raises(Refusal) as e:
        services.assess(
            actor=UserFactory(),
            application=app,
            criterion="political",
            verdict="meets",
            evidence="x",
        )
    assert e.value.code == "forbidden"
    a = services.assess(
        actor=cs.admin,
        application=app,
        criterion="work_style",
        verdict="not_met",
        evidence="曾被同学反映作风问题",
    )
    assert a.assessor == cs.admin
    # The same assessor replaces their assessment; a second assessor adds one.
    services.assess(
        actor=cs.admin,
        application=app,
        criterion="work_style",
        verdict="meets",
        evidence="已整改",
    )
    assert app.assessments.count() == 1
    assert services.missing_criteria(app) == [
        c for c in sel.criteria if c != "work_style"
    ]


# -- shortlist, decision, appointment -------------------------------------------------


def _to_shortlist(cs, sel, *people):  # type: ignore[no-untyped-def]
    apps = [services.apply(actor=p.user, selection=sel, statement="x") for p in people]
    closed(cs, sel)
    return apps


def test_the_shortlist_needs_every_criterion_assessed(cs):
    sel = advertise(cs)
    a, b = _to_shortlist(cs, sel, student(cs.dept_union), student(cs.dept_union))
    assess_all(cs, a)
    with pytest.raises(Refusal) as e:
        services.publish_shortlist(actor=cs.admin, selection=sel, applications=[a, b])
    assert e.value.code == "not-assessed"
    with pytest.raises(Refusal):
        services.publish_shortlist(actor=cs.admin, selection=sel, applications=[])
    services.publish_shortlist(actor=cs.admin, selection=sel, applications=[a])
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.shortlisted and not b.shortlisted
    notice = notice_for("cadres.selection", sel.pk, "shortlist")
    assert notice is not None and a.person.name in notice.body
    assert b.person.name not in notice.body
    assert notice.working_days == 5  # the profile's notice period (ELE-4)
    assert notice.title.endswith(f"{sel.title} 公开选拔入围名单公示")
    from django.utils.translation import override

    with override("en"):
        assert notice.display_title.endswith(
            f"{sel.title}: shortlist of the open selection"
        )


def test_decision_waits_for_the_shortlist_notice_and_its_objections(cs):
    sel = advertise(cs)
    (a,) = _to_shortlist(cs, sel, student(cs.dept_union))
    assess_all(cs, a)
    services.publish_shortlist(actor=cs.admin, selection=sel, applications=[a])
    notice = notice_for("cadres.selection", sel.pk, "shortlist")
    # While the notice runs: refused.
    with pytest.raises(Refusal) as e:
        services.decide(actor=cs.admin, selection=sel, application=a, today=notice.ends)
    assert e.value.code == "notice-pending"
    # After it, an unanswered objection still blocks; an upheld one blocks for good.
    objection = publicity.lodge_objection(
        actor=UserFactory(), notice=notice, text="有异议", today=notice.starts
    )
    day_after = notice.ends + dt.timedelta(days=1)
    with pytest.raises(Refusal):
        services.decide(actor=cs.admin, selection=sel, application=a, today=day_after)
    publicity.answer_objection(
        actor=cs.admin, objection=objection, answer="经核实不成立", upheld=False
    )
    services.decide(actor=cs.admin, selection=sel, application=a, today=day_after)
    assert sel.state == SelectionState.DECIDED and sel.chosen == a
    assert notice_for("cadres.selection", sel.pk, "appointment") is not None


def test_an_upheld_objection_blocks_the_decision(cs):
    sel = advertise(cs)
    (a,) = _to_shortlist(cs, sel, student(cs.dept_union))
    assess_all(cs, a)
    services.publish_shortlist(actor=cs.admin, selection=sel, applications=[a])
    notice = notice_for("cadres.selection", sel.pk, "shortlist")
    objection = publicity.lodge_objection(
        actor=UserFactory(), notice=notice, text="有处分未披露", today=notice.starts
    )
    publicity.answer_objection(
        actor=cs.admin, objection=objection, answer="属实", upheld=True
    )
    with pytest.raises(Refusal):
        services.decide(actor=cs.admin, selection=sel, application=a, today=LATER)
    services.reopen_assessment(actor=cs.admin, selection=sel)
    assert sel.state == SelectionState.ASSESSING


def test_only_a_shortlisted_application_can_be_chosen(cs):
    sel = advertise(cs)
    a, b = _to_shortlist(cs, sel, student(cs.dept_union), student(cs.dept_union))
    assess_all(cs, a)
    services.publish_shortlist(actor=cs.admin, selection=sel, applications=[a])
    with pytest.raises(Refusal) as e:
        services.decide(actor=cs.admin, selection=sel, application=b, today=LATER)
    assert e.value.code == "invalid"


def _decided(cs, sel, person):  # type: ignore[no-untyped-def]
    (a,) = _to_shortlist(cs, sel, person)
    assess_all(cs, a)
    services.publish_shortlist(actor=cs.admin, selection=sel, applications=[a])
    services.decide(actor=cs.admin, selection=sel, application=a, today=LATER)
    return a


def test_appointment_after_the_decision_notice_fills_the_post(cs):
    sel = advertise(cs)
    p = student(cs.dept_union)
    _decided(cs, sel, p)
    notice = notice_for("cadres.selection", sel.pk, "appointment")
    with pytest.raises(Refusal) as e:
        services.appoint_chosen(actor=cs.admin, selection=sel, today=notice.ends)
    assert e.value.code == "notice-pending"
    assert not Position.objects.filter(person=p).exists()
    day = notice.ends + dt.timedelta(days=1)
    services.appoint_chosen(actor=cs.admin, selection=sel, today=day)
    pos = Position.objects.get(person=p)
    assert sel.state == SelectionState.APPOINTED and sel.position == pos
    assert pos.role == Role.DEPARTMENT_HEAD and pos.organisation == cs.department
    assert pos.public_contact == "quanyi@su.example.edu.cn"
    assert pos.start == max(sel.term_start, day)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "cadres.selection.assessing",
        "cadres.selection.shortlisted",
        "cadres.selection.decided",
        "cadres.selection.appointed",
        "position.appoint",
        "notice.published",
    } <= actions


def test_appointment_goes_through_the_registry_guards(cs):
    # An assistant title is refused by the registry's guard (ORG-5 · GS-9, CQ-4).
    sel = advertise(cs, role=Role.DEPARTMENT_DEPUTY, title="部长助理")
    _decided(cs, sel, student(cs.dept_union))
    with pytest.raises(Refusal) as e:
        services.appoint_chosen(actor=cs.admin, selection=sel, today=LATER)
    assert e.value.requirement == "ORG-5"
    sel.refresh_from_db()
    assert sel.state == SelectionState.DECIDED


def test_every_transition_needs_manage(cs):
    sel = advertise(cs)
    stranger = UserFactory()
    a = services.apply(actor=student(cs.dept_union).user, selection=sel, statement="x")
    for call in (
        lambda: services.start_assessment(actor=stranger, selection=sel, today=LATER),
        lambda: services.publish_shortlist(
            actor=stranger, selection=sel, applications=[a]
        ),
        lambda: services.decide(actor=stranger, selection=sel, application=a),
        lambda: services.appoint_chosen(actor=stranger, selection=sel),
        lambda: services.reopen_assessment(actor=stranger, selection=sel),
        lambda: services.withdraw_decision(actor=stranger, selection=sel),
        lambda: services.cancel_selection(actor=stranger, selection=sel),
    ):
        with pytest.raises(Refusal) as e:
            call()
        assert e.value.code == "forbidden"


def test_transitions_follow_the_lifecycle(cs):
    sel = advertise(cs)
    with pytest.raises(Refusal) as e:
        services.appoint_chosen(actor=cs.admin, selection=sel)
    assert e.value.code == "invalid-transition"
    services.cancel_selection(actor=cs.admin, selection=sel)
    with pytest.raises(Refusal):
        services.start_assessment(actor=cs.admin, selection=sel, today=LATER)
    with pytest.raises(Refusal):
        services.apply(actor=student(cs.dept_union).user, selection=sel, statement="x")


def test_withdrawing_a_decision_returns_to_the_shortlist(cs):
    sel = advertise(cs)
    _decided(cs, sel, student(cs.dept_union))
    services.withdraw_decision(actor=cs.admin, selection=sel)
    assert sel.state == SelectionState.SHORTLISTED and sel.chosen is None


def test_people_without_department_are_not_served(cs):
    sel = advertise(cs)
    p = PersonFactory(user=UserFactory())
    with pytest.raises(Refusal) as e:
        services.apply(actor=p.user, selection=sel, statement="x")
    assert e.value.code == "not-served"


def test_a_refusal_under_cqtgu_cites_only_cqtgu_clauses(cs):  # type: ignore[no-untyped-def]
    """Issue #12: under cqtgu-2017 a refusal cites CQ clauses, never GS ones."""
    from tongxue.core.errors import refusal_json

    school = cs.union.parent
    school.profile = "cqtgu-2017"
    school.save(update_fields=["profile"])
    with pytest.raises(Refusal) as e:
        advertise(cs, organisation=cs.union, role=Role.PRESIDENT, title="主席")
    assert (e.value.requirement, e.value.clauses) == ("ELE-1", ("CQ-3",))
    assert "GS-" not in refusal_json(e.value)["message"]
