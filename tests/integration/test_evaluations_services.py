"""Evaluation services: periods, raters, anonymity, one rating per rater, results.

CAD-3, CAD-4 · GS-12, CQ-7; CAD-7 · GS-13, CQ-8.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories_evaluations import DURING, END, START, build_union, full_scores
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.domain.audit import AuditContext
from tongxue.domain.rules.evaluation import semester_reports
from tongxue.evaluations import selectors, services
from tongxue.evaluations.models import (
    Ballot,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    RaterGroup,
    Result,
    Subject,
)
from tongxue.organisations.mappers import load_registry

pytestmark = pytest.mark.django_db


def opened(u, *, seed="seed-1"):  # type: ignore[no-untyped-def]
    p = services.create_period(
        actor=u.admin,
        organisation=u.union,
        code="2026s",
        name="2026春",
        start=START,
        end=END,
    )
    services.open_period(actor=u.admin, period=p, seed=seed, as_of=DURING)
    return p


def subject_of(p, position, kind=Kind.EVALUATION):  # type: ignore[no-untyped-def]
    return Subject.objects.get(period=p, kind=kind, position=position)


def rate_all(people, subject, value):  # type: ignore[no-untyped-def]
    for person in people:
        services.rate(
            actor=person.user, rater=person, subject=subject, scores=full_scores(value)
        )


def test_opening_fixes_cadres_reports_and_raters():
    u = build_union()
    p = opened(u)
    assert p.status == PeriodStatus.OPEN and p.seed == "seed-1"
    cadres = set(
        Subject.objects.filter(period=p, kind=Kind.EVALUATION).values_list(
            "position_id", flat=True
        )
    )
    assert cadres == {u.president.pk, u.head.pk, *(v.pk for v in u.vice_presidents)}
    reports = set(
        Subject.objects.filter(period=p, kind=Kind.REPORT).values_list(
            "position_id", flat=True
        )
    )
    assert reports == {u.president.pk, *(v.pk for v in u.vice_presidents)}
    groups = {
        g: set(
            Rater.objects.filter(period=p, kind=Kind.EVALUATION, group=g).values_list(
                "person_id", flat=True
            )
        )
        for g in RaterGroup.values
    }
    assert groups["presidium"] == {
        u.president.person_id,
        *(v.person_id for v in u.vice_presidents),
    }
    assert groups["delegate"] == {d.pk for d in u.delegates}
    # 12 ordinary students, sample size 30: all of them, and no cadre among them.
    assert groups["student"] == {s.pk for s in u.students}
    # 述职: delegates and ceil(1% of 12) = 1 non-cadre student, no presidium.
    report_raters = Rater.objects.filter(period=p, kind=Kind.REPORT)
    assert report_raters.filter(group="student").count() == 1
    assert not report_raters.filter(group="presidium").exists()
    assert AuditEvent.objects.filter(
        action="evaluation.period_open", data__seed="seed-1"
    ).exists()


def test_the_sample_is_the_same_for_the_same_seed(settings):
    from tongxue.domain.evaluation import draw_sample
    from tongxue.evaluations.services import served_students

    u = build_union(students=40)
    pool = [i for _, i in served_students(u.union, DURING) if not i.startswith("EDEL")]
    p = opened(u, seed="published")
    drawn = set(
        Rater.objects.filter(
            period=p, kind=Kind.EVALUATION, group="student"
        ).values_list("person__ident", flat=True)
    )
    assert drawn == set(draw_sample(pool, 30, "published")) and len(drawn) == 30


def test_a_rater_rates_a_cadre_once_enforced_by_the_database():
    u = build_union()
    p = opened(u)
    s = subject_of(p, u.president)
    d = u.delegates[0]
    services.rate(actor=d.user, rater=d, subject=s, scores=full_scores(4))
    with pytest.raises(Refusal) as exc:
        services.rate(actor=d.user, rater=d, subject=s, scores=full_scores(1))
    assert exc.value.code == "already-rated"
    rater = Rater.objects.get(period=p, kind=Kind.EVALUATION, person=d)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(subject=s, rater=rater)
    assert Ballot.objects.filter(subject=s).count() == 1


def test_the_rating_content_is_not_linked_to_the_rater():
    """Like a secret ballot: no key, no time, no order links a ballot to its rater."""
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "subject", "scores"}
    assert {f.name for f in Participation._meta.get_fields()} == {
        "id",
        "subject",
        "rater",
    }
    u = build_union()
    p = opened(u)
    s = subject_of(p, u.president)
    rate_all(u.delegates, s, 4)
    event = AuditEvent.objects.filter(action="evaluation.rate").first()
    assert event is not None and set(event.data) == {"kind"}
    assert str(s.pk) not in event.target
    before = set(Ballot.objects.filter(subject=s).values_list("id", flat=True))
    services.close_period(actor=u.admin, period=p)
    after = set(Ballot.objects.filter(subject=s).values_list("id", flat=True))
    assert len(after) == 6 and not (before & after)  # rewritten with new keys


def test_nothing_is_shown_while_the_period_is_open():
    u = build_union()
    p = opened(u)
    rate_all(u.delegates, subject_of(p, u.president), 5)
    assert selectors.results(p) == []
    assert not Result.objects.exists()
    rate_all(u.delegates[:2], subject_of(p, u.head), 5)
    prog = selectors.progress(p)
    assert (prog["ratings"], prog["raters_active"], prog["raters"]) == (8, 6, 23)
    # Totals only: no key names a cadre or a position.
    assert set(prog) == {
        "raters",
        "report_raters",
        "ratings",
        "report_ratings",
        "raters_active",
        "report_raters_active",
        "cadres",
        "reports_due",
        "reports_filed",
    }


@pytest.mark.parametrize(("raters", "published"), [(4, False), (5, True)])
def test_results_need_the_minimum_number_of_raters(raters, published):
    u = build_union()
    p = opened(u)
    rate_all(u.delegates[:raters], subject_of(p, u.president), 4)
    services.close_period(actor=u.admin, period=p)
    row = next(
        r
        for r in selectors.results(p)
        if r.position_id == u.president.pk and r.kind == "evaluation"
    )
    assert row.published is published
    if published:
        assert (row.raters, row.overall) == (5, 4.0)
        assert row.groups == {"presidium": 0, "delegate": 5, "student": 0}
    else:
        assert row.raters is None and row.overall is None and row.dimensions == []
    summary = selectors.cadre_record_summary([u.president.person_id])[
        u.president.person_id
    ]
    item = next(i for i in summary if i["kind"] == "evaluation")
    assert item["published"] is published and (item["raters"] == 5) is published


def test_a_single_rater_count_is_never_published():
    u = build_union()
    p = opened(u)
    rate_all(u.delegates[:1], subject_of(p, u.president), 1)
    services.close_period(actor=u.admin, period=p)
    r = Result.objects.get(subject=subject_of(p, u.president))
    assert (r.published, r.raters, r.overall, r.dimensions, r.groups) == (
        False,
        None,
        None,
        [],
        None,
    )
    # The lone ballot is deleted: nobody can match it to the lone participation.
    assert not Ballot.objects.filter(subject=subject_of(p, u.president)).exists()


def test_group_counts_are_hidden_when_one_group_is_small():
    u = build_union()
    p = opened(u)
    s = subject_of(p, u.head)
    rate_all(u.delegates[:5], s, 4)
    rate_all([u.president.person], s, 4)
    services.close_period(actor=u.admin, period=p)
    r = Result.objects.get(subject=s)
    assert r.published and r.raters == 6 and r.groups is None


@pytest.mark.parametrize(
    ("scores", "failed"), [((3, 3, 3, 3, 3), False), ((3, 3, 3, 3, 2), True)]
)
def test_failed_below_the_threshold_and_the_exit_link(scores, failed):
    u = build_union()
    p = opened(u)
    s = subject_of(p, u.head)
    for d, v in zip(u.delegates, scores, strict=False):
        services.rate(actor=d.user, rater=d, subject=s, scores=full_scores(v))
    services.close_period(actor=u.admin, period=p)
    assert Result.objects.get(subject=s).failed is failed
    found = selectors.failed_evaluations(u.union)
    if failed:
        assert [f["position_id"] for f in found] == [u.head.pk]
        assert (
            found[0]["exit_url"]
            == f"/cadres/exits/new/?position={u.head.pk}&ground=failed-evaluation"
        )
    else:
        assert found == []
    # Results inform; they never decide: the position is untouched.
    u.head.refresh_from_db()
    assert u.head.end is None


def test_report_filing_and_rating():
    u = build_union()
    p = opened(u)
    s = subject_of(p, u.president, Kind.REPORT)
    d = u.delegates[0]
    with pytest.raises(Refusal) as exc:
        services.rate(actor=d.user, rater=d, subject=s, scores={"report": 4})
    assert exc.value.code == "not-filed"
    pres = u.president.person
    services.file_report(
        actor=pres.user, person=pres, subject=s, text="本学期组织了三次活动"
    )
    with pytest.raises(Refusal) as exc:
        services.file_report(actor=pres.user, person=pres, subject=s, text="again")
    assert exc.value.code == "already-filed"
    for d in u.delegates[:5]:
        services.rate(actor=d.user, rater=d, subject=s, scores={"report": 4})
    services.close_period(actor=u.admin, period=p)
    r = Result.objects.get(subject=s)
    assert r.published and r.raters == 5 and float(r.overall) == 4.0


def test_authorisation_of_every_step():
    u = build_union()
    stranger = u.students[0]
    with pytest.raises(Refusal) as exc:
        services.create_period(
            actor=stranger.user,
            organisation=u.union,
            code="x",
            name="x",
            start=START,
            end=END,
        )
    assert exc.value.code == "forbidden"
    p = services.create_period(
        actor=u.admin, organisation=u.union, code="x", name="x", start=START, end=END
    )
    with pytest.raises(Refusal):
        services.open_period(actor=stranger.user, period=p)
    services.open_period(actor=u.admin, period=p, seed="s", as_of=DURING)
    s = subject_of(p, u.president)
    # Someone else's account cannot rate in the rater's name.
    with pytest.raises(Refusal) as exc:
        services.rate(
            actor=stranger.user, rater=u.delegates[0], subject=s, scores=full_scores(3)
        )
    assert exc.value.code == "forbidden"
    # A person not on the list cannot rate.
    outsider = __import__(
        "tests.factories_evaluations", fromlist=["x"]
    ).person_with_user("OUTSIDER")
    with pytest.raises(Refusal) as exc:
        services.rate(
            actor=outsider.user, rater=outsider, subject=s, scores=full_scores(3)
        )
    assert exc.value.code == "forbidden"
    # A cadre cannot rate themselves.
    pres = u.president.person
    with pytest.raises(Refusal) as exc:
        services.rate(actor=pres.user, rater=pres, subject=s, scores=full_scores(5))
    assert exc.value.code == "own"
    # Only the presidium member files their own report.
    r = subject_of(p, u.president, Kind.REPORT)
    vp = u.vice_presidents[0].person
    with pytest.raises(Refusal) as exc:
        services.file_report(actor=vp.user, person=vp, subject=r, text="x")
    assert exc.value.code == "forbidden"
    with pytest.raises(Refusal):
        services.close_period(actor=stranger.user, period=p)
    services.close_period(actor=u.admin, period=p)
    # Closed: no more ratings, no reopening.
    with pytest.raises(Refusal) as exc:
        services.rate(
            actor=u.delegates[0].user,
            rater=u.delegates[0],
            subject=s,
            scores=full_scores(3),
        )
    assert exc.value.code == "closed"
    with pytest.raises(Refusal) as exc:
        services.open_period(actor=u.admin, period=p)
    assert exc.value.code == "invalid-transition"


def test_invalid_periods_are_refused():
    u = build_union()
    with pytest.raises(Refusal):
        services.create_period(
            actor=u.admin,
            organisation=u.union,
            code="x",
            name="x",
            start=END,
            end=START,
        )
    services.create_period(
        actor=u.admin, organisation=u.union, code="x", name="x", start=START, end=END
    )
    with pytest.raises(Refusal) as exc:
        services.create_period(
            actor=u.admin,
            organisation=u.union,
            code="x",
            name="y",
            start=START,
            end=END,
        )
    assert exc.value.code == "duplicate"


def test_the_audit_flags_a_presidium_member_without_a_report():
    u = build_union()
    p = opened(u)
    for pos in [u.president, *u.vice_presidents[1:]]:
        services.file_report(
            actor=None,
            person=pos.person,
            subject=subject_of(p, pos, Kind.REPORT),
            text="述职",
        )
    reg = load_registry(u.school.code)
    assert list(semester_reports(AuditContext(reg, DURING))) == []  # still running
    after = END + dt.timedelta(days=1)
    found = list(semester_reports(AuditContext(reg, after)))
    assert [f.evidence["person"] for f in found] == [u.vice_presidents[0].person.ident]
    services.file_report(
        actor=None,
        person=u.vice_presidents[0].person,
        subject=subject_of(p, u.vice_presidents[0], Kind.REPORT),
        text="补交",
    )
    reg = load_registry(u.school.code)
    assert list(semester_reports(AuditContext(reg, after))) == []


def test_the_delegates_are_those_of_the_latest_congress_of_the_semester():
    from tests.factories import DelegateFactory, MeetingFactory

    u = build_union()
    newer = MeetingFactory(code="EC2", organisation=u.union, opened=dt.date(2026, 5, 1))
    DelegateFactory(meeting=newer, person=u.students[0])
    MeetingFactory(code="EC3", organisation=u.union, opened=dt.date(2026, 6, 1))
    later = MeetingFactory(code="EC4", organisation=u.union, opened=dt.date(2026, 9, 1))
    DelegateFactory(meeting=later, person=u.students[1])
    p = opened(u)
    delegates = set(
        Rater.objects.filter(
            period=p, kind=Kind.EVALUATION, group="delegate"
        ).values_list("person_id", flat=True)
    )
    # EC3 has no delegates and EC4 opens after the semester: EC2 counts.
    assert delegates == {u.students[0].pk}
