"""Exit cases (CAD-5 · GS-12, CQ-7): 劝退, 免职 and 罢免 by a defined procedure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, PositionFactory, UserFactory
from tests.factories_cadres import build_cadre_school, failed_evaluation, student
from tongxue.cadres import selectors, services
from tongxue.cadres.models import ExitState, Measure
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.organisations.models import Enrolment, Role
from tongxue.publicity.selectors import notice_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return build_cadre_school()


@pytest.fixture
def vp(cs):  # type: ignore[no-untyped-def]
    """A serving vice-president with an account."""
    person = student(cs.dept_union, name="王副主席")
    return PositionFactory(
        organisation=cs.union,
        person=person,
        role=Role.VICE_PRESIDENT,
        title="副主席",
        start=dt.date(2025, 9, 1),
        public_contact="vp@su.example.edu.cn",
    )


def opened(cs, vp, ground="other"):  # type: ignore[no-untyped-def]
    return services.open_exit_case(
        actor=cs.admin, position=vp, ground=ground, evidence="测评不合格"
    )


def notified(cs, vp):  # type: ignore[no-untyped-def]
    case = opened(cs, vp)
    return services.notify_cadre(actor=cs.admin, case=case, text="请于五日内书面说明")


def decide(cs, case, **kw):  # type: ignore[no-untyped-def]
    args = {
        "actor": cs.admin,
        "case": case,
        "measure": Measure.DISMISS,
        "body": "校学生会主席团",
        "reasons": "测评连续不合格",
    } | kw
    return services.decide_exit(**args)


def test_opening_needs_manage_evidence_and_a_valid_ground(cs, vp):
    with pytest.raises(Refusal) as e:
        services.open_exit_case(
            actor=UserFactory(), position=vp, ground="other", evidence="x"
        )
    assert e.value.code == "forbidden"
    with pytest.raises(Refusal):
        services.open_exit_case(
            actor=cs.admin, position=vp, ground="lazy", evidence="x"
        )
    with pytest.raises(Refusal):
        services.open_exit_case(
            actor=cs.admin, position=vp, ground="other", evidence=""
        )
    case = opened(cs, vp)
    assert case.state == ExitState.OPENED
    assert AuditEvent.objects.filter(action="cadres.exit.opened").count() == 1


def test_one_open_case_per_post(cs, vp):
    opened(cs, vp)
    with pytest.raises(Refusal) as e:
        opened(cs, vp)
    assert e.value.code == "duplicate"


def test_the_studies_ground_follows_the_enrolment_status(cs, vp):
    with pytest.raises(Refusal) as e:
        opened(cs, vp, ground="studies")
    assert e.value.code == "enrolled"
    vp.person.enrolment = Enrolment.SUSPENDED
    vp.person.save()
    assert opened(cs, vp, ground="studies").ground == "studies"


def test_the_failed_evaluation_ground_needs_a_failed_published_result(cs, vp):
    with pytest.raises(Refusal) as e:
        opened(cs, vp, ground="failed-evaluation")
    assert e.value.code == "no-failed-evaluation"
    failed_evaluation(vp, failed=False)
    with pytest.raises(Refusal):
        opened(cs, vp, ground="failed-evaluation")
    failed_evaluation(vp)
    assert opened(cs, vp, ground="failed-evaluation").ground == "failed-evaluation"


def test_an_ended_post_has_no_case(cs, vp):
    vp.end = TODAY - dt.timedelta(days=1)
    vp.save()
    with pytest.raises(Refusal) as e:
        opened(cs, vp)
    assert e.value.code == "not-serving"


def test_only_the_cadre_writes_the_statement_after_the_notice(cs, vp):
    case = opened(cs, vp)
    with pytest.raises(Refusal) as e:  # not before the notice
        services.submit_statement(actor=vp.person.user, case=case, text="我有话说")
    assert e.value.code == "closed"
    services.notify_cadre(actor=cs.admin, case=case, text="通知")
    for other in (cs.admin, UserFactory(), None):
        with pytest.raises(Refusal) as e:
            services.submit_statement(actor=other, case=case, text="冒名")
        assert e.value.code == "forbidden"
    services.submit_statement(actor=vp.person.user, case=case, text="我有话说")
    case.refresh_from_db()
    assert case.statement == "我有话说" and case.statement_at is not None


def test_notifying_needs_manage_and_follows_the_lifecycle(cs, vp):
    case = opened(cs, vp)
    with pytest.raises(Refusal) as e:
        services.notify_cadre(actor=UserFactory(), case=case, text="x")
    assert e.value.code == "forbidden"
    with pytest.raises(Refusal) as e:  # no decision before the notice
        decide(cs, case)
    assert e.value.code == "invalid-transition"


def test_dismissal_ends_the_post_through_the_registry_and_the_roster_shows_it(cs, vp):
    case = notified(cs, vp)
    decide(cs, case, today=TODAY)
    vp.refresh_from_db()
    assert vp.end == TODAY - dt.timedelta(days=1)
    assert AuditEvent.objects.filter(action="position.end").exists()
    rows = selectors.roster(cs.union, today=TODAY)[0].rows
    vacant = [r for r in rows if r.vacant]
    assert [(r.role, r.title) for r in vacant] == [(Role.VICE_PRESIDENT, "副主席")]


def test_decision_needs_manage(cs, vp):
    case = notified(cs, vp)
    with pytest.raises(Refusal) as e:
        decide(cs, case, actor=UserFactory())
    assert e.value.code == "forbidden"
    vp.refresh_from_db()
    assert vp.end is None


def test_a_recall_needs_a_recorded_vote(cs, vp):
    case = notified(cs, vp)
    with pytest.raises(Refusal) as e:
        decide(cs, case, measure=Measure.RECALL)
    assert e.value.code == "vote-required"
    with pytest.raises(Refusal):  # more votes than members
        decide(cs, case, measure=Measure.RECALL, votes_yes=60, votes_no=50, members=100)


def test_a_recall_needs_more_than_half_of_the_members(cs, vp):
    case = notified(cs, vp)
    # Exactly half does not pass (strict majority of the members, recall_threshold).
    with pytest.raises(Refusal) as e:
        decide(
            cs,
            case,
            measure=Measure.RECALL,
            votes_yes=50,
            votes_no=30,
            votes_abstain=10,
            members=100,
        )
    assert e.value.code == "recall-failed"
    vp.refresh_from_db()
    assert vp.end is None
    decide(
        cs,
        case,
        measure=Measure.RECALL,
        votes_yes=51,
        votes_no=30,
        votes_abstain=9,
        members=100,
    )
    case.refresh_from_db()
    assert case.state == ExitState.DECIDED and case.votes_yes == 51


def test_publication_opens_the_appeal_window_of_the_profile(cs, vp):
    case = decide(cs, notified(cs, vp))
    with pytest.raises(Refusal):
        services.publish_exit_decision(actor=UserFactory(), case=case)
    services.publish_exit_decision(actor=cs.admin, case=case, starts=TODAY)
    assert case.appeal_until == TODAY + dt.timedelta(days=10)  # exit_appeal_days
    notice = notice_for("cadres.exitcase", case.pk, "exit-decision")
    assert notice is not None and "王副主席" in notice.body
    # the record is Chinese; an English reader reads the measure in English
    from django.utils.translation import override

    label = {"dismiss": "免职", "recall": "罢免", "advise_resign": "劝退"}[case.measure]
    assert notice.title.endswith(f" {label}")
    with override("en"):
        assert notice.display_title.endswith(
            {"dismiss": ": Dismissal (免职)", "recall": ": Recall (罢免)"}.get(
                case.measure, ": Advised to resign (劝退)"
            )
        )
        assert "王副主席" in notice.display_body


def test_the_cadre_appeals_within_the_window_not_after(cs, vp):
    case = decide(cs, notified(cs, vp))
    services.publish_exit_decision(actor=cs.admin, case=case, starts=TODAY)
    with pytest.raises(Refusal) as e:
        services.lodge_appeal(
            actor=vp.person.user,
            case=case,
            text="不服",
            today=case.appeal_until + dt.timedelta(days=1),
        )
    assert e.value.code == "appeal-closed"
    with pytest.raises(Refusal) as e:
        services.lodge_appeal(actor=cs.admin, case=case, text="代为申诉")
    assert e.value.code == "forbidden"
    services.lodge_appeal(
        actor=vp.person.user, case=case, text="不服", today=case.appeal_until
    )
    assert case.state == ExitState.APPEALED
    with pytest.raises(Refusal):  # rejecting an appeal needs reasons
        services.close_exit_case(actor=cs.admin, case=case, outcome="")
    services.close_exit_case(actor=cs.admin, case=case, outcome="维持原决定")
    assert case.state == ExitState.CLOSED


def test_closing_waits_for_the_appeal_window(cs, vp):
    case = decide(cs, notified(cs, vp))
    services.publish_exit_decision(actor=cs.admin, case=case, starts=TODAY)
    with pytest.raises(Refusal) as e:
        services.close_exit_case(actor=cs.admin, case=case, today=case.appeal_until)
    assert e.value.code == "appeal-open"
    services.close_exit_case(
        actor=cs.admin, case=case, today=case.appeal_until + dt.timedelta(days=1)
    )
    assert case.state == ExitState.CLOSED


def test_a_case_can_be_dismissed_before_a_decision_and_the_post_stays(cs, vp):
    case = notified(cs, vp)
    with pytest.raises(Refusal):
        services.dismiss_exit_case(actor=UserFactory(), case=case, outcome="x")
    services.dismiss_exit_case(actor=cs.admin, case=case, outcome="说明合理")
    vp.refresh_from_db()
    assert case.state == ExitState.DISMISSED and vp.end is None
    # The post may get a new case later.
    assert opened(cs, vp).state == ExitState.OPENED


def test_a_decided_case_cannot_be_dismissed(cs, vp):
    case = decide(cs, notified(cs, vp))
    with pytest.raises(Refusal) as e:
        services.dismiss_exit_case(actor=cs.admin, case=case, outcome="x")
    assert e.value.code == "invalid-transition"


def test_a_cadre_without_an_account_can_still_be_notified(cs):
    pos = PositionFactory(
        organisation=cs.department,
        person=PersonFactory(department=cs.dept_union),
        role=Role.DEPARTMENT_HEAD,
        title="部长",
    )
    case = services.open_exit_case(
        actor=cs.admin, position=pos, ground="violation", evidence="违纪处分"
    )
    services.notify_cadre(actor=cs.admin, case=case, text="书面通知已送达")
    assert case.state == ExitState.NOTIFIED
