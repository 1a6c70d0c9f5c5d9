"""The events that notify (#14): who hears of each, and nobody else.

A vote opens (voting), a rating period opens (evaluations), an objection is answered
(publicity), a candidate list is returned (elections), a background job ends (jobs,
through the JOB_ENDED hook), a deadline approaches (a daily periodic job per app, once
per deadline and person). Each test checks both sides: the right people, and the
people next to them (not on the roll, without an account, another objector) who get
nothing; that the link opens; that nothing the reader may not see is stored.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    DelegateFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)
from tests.factories_elections import CRITERIA_GANSU, build_scene, conditions_for
from tests.factories_evaluations import build_union, full_scores
from tests.factories_voting import build_voting
from tongxue.core.models import RoleKind
from tongxue.elections.models import VotingMode
from tongxue.evaluations import selectors as eval_selectors
from tongxue.evaluations import services as eval_services
from tongxue.evaluations.models import Rater
from tongxue.evaluations.notifying import remind_ending_periods
from tongxue.jobs import JobFailed
from tongxue.jobs.models import Job
from tongxue.jobs.services import start_job
from tongxue.jobs.testing import run_periodic, run_queued_jobs
from tongxue.notifications.kinds import render
from tongxue.notifications.models import Notification, Reminder
from tongxue.organisations.models import Person
from tongxue.publicity.services import answer_objection, lodge_objection, publish_notice
from tongxue.voting import services as voting
from tongxue.voting.notifying import remind_closing_votes

pytestmark = pytest.mark.django_db


def _to(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def _follow(client, user, kind: str):  # type: ignore[no-untyped-def]
    """Open the user's notification of ``kind`` as the inbox does; return the page."""
    n = Notification.objects.get(user=user, kind=kind)
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == n.url
    return client.get(n.url)


# -- a vote opens -----------------------------------------------------------------------


def test_opening_a_vote_notifies_the_voters_on_its_roll_with_accounts(client):
    setup = build_voting(prefix="NV", voters=3, delegates_without_account=2)
    elsewhere = build_voting(prefix="NW", voters=2)  # voters of another vote
    voting.open_vote(actor=setup.admin, election=setup.election)

    assert _to("vote.opened") == {u.pk for u in setup.voters}
    assert Notification.objects.count() == 3  # the two without an account: skipped
    for user in (setup.outsider, setup.admin, *elsewhere.voters):
        assert not Notification.objects.filter(user=user).exists()
    n = Notification.objects.filter(kind="vote.opened").first()
    assert n.url == f"/vote/{setup.election.code}/"
    assert n.organisation == setup.union.code
    # only the vote's title and closing: no candidate, no ballot
    assert set(n.params) == {"title", "closes"}
    assert n.params["title"] == setup.election.title
    assert not any(name in json.dumps(n.params) for name in setup.candidates)
    with translation.override("en"):
        title, body = render(n.kind, n.params)
    assert title == f"Voting has opened: {setup.election.title}"
    assert body == "You can vote until the presidium closes the vote."

    page = _follow(client, setup.voters[0], "vote.opened")
    assert page.status_code == 200 and setup.candidates[0] in page.content.decode()


def test_the_closing_day_of_the_meeting_is_the_votes_closing():
    setup = build_voting(prefix="NC", voters=1)
    setup.meeting.closes = dt.date(2026, 11, 22)
    setup.meeting.save(update_fields=["closes"])
    voting.open_vote(actor=setup.admin, election=setup.election)
    n = Notification.objects.get(kind="vote.opened")
    assert n.params["closes"] == "2026-11-22"
    with translation.override("zh-hans"):
        assert render(n.kind, n.params)[1] == "投票截止时间：2026-11-22。"


def test_a_paper_vote_notifies_nobody():
    setup = build_voting(prefix="NP", voters=2, mode=VotingMode.PAPER)
    voting.open_vote(actor=setup.admin, election=setup.election)
    assert not Notification.objects.exists()


def _add_voters(setup, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` more delegates with accounts (bulk: a few queries for hundreds)."""
    from django.contrib.auth import get_user_model

    from tongxue.congresses.models import Delegate

    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bulk-{setup.union.code}-{i}") for i in range(n)]
    )
    users = list(
        get_user_model().objects.filter(
            username__startswith=f"bulk-{setup.union.code}-"
        )
    )
    people = Person.objects.bulk_create(
        [
            Person(ident=f"{setup.union.code}B{i:05d}", name=f"代表B{i}", user=u)
            for i, u in enumerate(users)
        ]
    )
    people = list(Person.objects.filter(ident__startswith=f"{setup.union.code}B"))
    Delegate.objects.bulk_create(
        [Delegate(meeting=setup.meeting, person=p) for p in people]
    )


def _opening_queries(prefix: str, voters: int) -> tuple[int, int]:
    """Open a vote of ``voters``: (statements other than INSERTs, INSERT statements)."""
    setup = build_voting(prefix=prefix, voters=0)
    _add_voters(setup, voters)
    with CaptureQueriesContext(connection) as ctx:
        voting.open_vote(actor=setup.admin, election=setup.election)
    assert (
        Notification.objects.filter(
            kind="vote.opened", url=f"/vote/{setup.election.code}/"
        ).count()
        == voters
    )
    inserts = sum(1 for q in ctx.captured_queries if q["sql"].startswith("INSERT"))
    return len(ctx.captured_queries) - inserts, inserts


def test_opening_a_vote_of_hundreds_takes_as_many_queries_as_one_of_a_few():
    few, many = _opening_queries("QA", 4), _opening_queries("QB", 400)
    assert few[0] == many[0]  # reads, updates, savepoints: the same
    if connection.vendor == "postgresql":
        assert many == few  # one INSERT of the roll, one of the inbox rows
    else:
        # SQLite's limit of 999 parameters a statement splits the INSERTs of the roll
        # (3 columns) and of the inbox rows (7 columns): 5 for 400, never one a voter
        assert many[1] - few[1] == 3


# -- a rating period opens --------------------------------------------------------------


def _period(u, *, start=dt.date(2026, 3, 1), end=dt.date(2026, 7, 15), as_of=None):  # type: ignore[no-untyped-def]
    p = eval_services.create_period(
        actor=u.admin,
        organisation=u.union,
        code=f"{u.union.code}-P",
        name=f"{u.union.code}春季评议",
        start=start,
        end=end,
    )
    eval_services.open_period(
        actor=u.admin, period=p, seed="seed-1", as_of=as_of or dt.date(2026, 4, 1)
    )
    p.refresh_from_db()
    return p


def test_opening_a_rating_period_notifies_its_raters_with_accounts(client):
    u = build_union(prefix="NR", students=40)  # 30 are drawn (CAD-3)
    no_account = PersonFactory(ident="NRDELX", department=u.department_union)
    DelegateFactory(
        meeting=u.delegates[0].delegate_seats.first().meeting, person=no_account
    )
    p = _period(u)

    raters = set(
        Rater.objects.filter(period=p).values_list("person__user_id", flat=True)
    )
    assert None in raters  # the delegate without an account is a rater …
    assert _to("rating.opened") == raters - {None}  # … and is skipped
    drawn = {s.user_id for s in u.students} & raters
    assert drawn and drawn != {s.user_id for s in u.students}
    for s in u.students:  # a student not drawn hears nothing
        if s.user_id not in raters:
            assert not Notification.objects.filter(user_id=s.user_id).exists()
    assert not Notification.objects.filter(user=u.admin).exists()
    n = Notification.objects.filter(kind="rating.opened").first()
    assert n.params == {"title": p.name, "closes": "2026-07-15"}
    assert n.url == reverse("evaluations:mine")

    page = _follow(client, u.delegates[0].user, "rating.opened")
    assert page.status_code == 200


# -- an objection is answered -----------------------------------------------------------


def test_an_answered_objection_notifies_its_objector_only(client):
    union = OrganisationFactory(code="NOSU", name="NO学生会")
    answerer = UserFactory(username="no-answerer")
    RoleFactory(user=answerer, organisation=union, role=RoleKind.UNION_ADMIN)
    notice = publish_notice(
        actor=None,
        organisation=union,
        subject_type="test",
        subject_id=1,
        kind="test",
        title="NO候选人名单",
        body="名单",
    )
    alice = UserFactory(username="no-alice", first_name="爱丽丝")
    bob = UserFactory(username="no-bob", first_name="鲍勃")
    today = notice.starts
    mine = lodge_objection(actor=alice, notice=notice, text="甲的异议", today=today)
    lodge_objection(actor=bob, notice=notice, text="乙的异议", today=today)

    answer_objection(
        actor=answerer, objection=mine, answer="经核实，不成立", upheld=False
    )

    assert _to("objection.answered") == {alice.pk}
    assert Notification.objects.count() == 1  # not bob, not the answerer
    n = Notification.objects.get()
    assert n.params == {"notice": "NO候选人名单"}  # no name, no answer
    assert n.url == (
        reverse("publicity:detail", args=[notice.pk]) + f"#objection-{mine.pk}"
    )
    with translation.override("en"):
        title, body = render(n.kind, n.params)
    assert "bob" not in title + body and "鲍勃" not in title + body

    page = _follow(client, alice, "objection.answered")
    assert page.status_code == 200 and "经核实，不成立" in page.content.decode()


# -- a candidate list is returned -------------------------------------------------------


def _submitted(scene):  # type: ignore[no-untyped-def]
    from tongxue.elections import services

    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    services.adopt_method(actor=scene.presidium, election=election)
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    for person in scene.students[:3]:
        c = services.nominate(
            actor=scene.presidium,
            election=election,
            person=person,
            nominated_by="presidium",
        )
        for criterion in CRITERIA_GANSU:
            services.assess(
                actor=scene.presidium,
                candidate=c,
                criterion=criterion,
                met=True,
                evidence_kind="grades",
                evidence="绩点 3.6",
            )
    services.submit_for_approval(actor=scene.presidium, election=election)
    return election


def test_a_returned_list_notifies_the_union_administrators_of_that_union(client):
    from tongxue.elections import services

    scene = build_scene(prefix="NL")
    second_admin = UserFactory(username="nl-admin2")
    RoleFactory(user=second_admin, organisation=scene.union, role=RoleKind.UNION_ADMIN)
    other = build_scene(prefix="NM")  # the administrator of another union
    election = _submitted(scene)
    assert not Notification.objects.exists()

    services.return_candidates(
        actor=scene.party, election=election, comment="请补充材料"
    )

    assert _to("election.list_returned") == {scene.presidium.pk, second_admin.pk}
    for user in (scene.party, scene.advisor, scene.outsider, other.presidium):
        assert not Notification.objects.filter(user=user).exists()
    n = Notification.objects.filter(kind="election.list_returned").first()
    assert n.params == {"title": election.title}  # not the comment
    with translation.override("en"):
        assert render(n.kind, n.params)[0] == (
            f"Candidate list returned: {election.title}"
        )
    page = _follow(client, scene.presidium, "election.list_returned")
    assert page.status_code == 200 and "请补充材料" in page.content.decode()


# -- a background job ends --------------------------------------------------------------


def finishing_job(job) -> None:  # type: ignore[no-untyped-def]
    job.result_url = "/"


def failing_job(job) -> None:  # type: ignore[no-untyped-def]
    raise JobFailed("第 3 行没有学号。")


def breaking_job(job) -> None:  # type: ignore[no-untyped-def]
    raise RuntimeError("secret internals")


def _start(user, func: str) -> Job:  # type: ignore[no-untyped-def]
    return start_job(
        kind="test.work",
        actor=user,
        title="导入名册",
        func=f"tests.integration.test_notification_events.{func}",
        kwargs={},
        organisation="NJSU",
    )


def test_a_finished_job_notifies_only_the_person_who_started_it(client):
    starter, other = (
        UserFactory(username="nj-starter"),
        UserFactory(username="nj-other"),
    )
    job = _start(starter, "finishing_job")
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == "done"
    assert _to("job.finished") == {starter.pk}
    assert Notification.objects.count() == 1 and not other.notifications.exists()
    n = Notification.objects.get()
    assert n.params == {"title": "导入名册"} and n.url == f"/jobs/{job.pk}/"
    assert n.organisation == "NJSU"
    assert _follow(client, starter, "job.finished").status_code == 200
    client.force_login(other)
    assert client.get(n.url).status_code == 404  # the job page is the starter's


def test_a_failed_job_tells_its_starter_why(caplog):
    starter = UserFactory(username="nj-failer")
    job = _start(starter, "failing_job")
    broken = _start(starter, "breaking_job")
    assert run_queued_jobs() == 2
    rows = {n.url: n for n in Notification.objects.filter(user=starter)}
    assert set(rows) == {f"/jobs/{job.pk}/", f"/jobs/{broken.pk}/"}
    failed = rows[f"/jobs/{job.pk}/"]
    assert failed.kind == "job.failed"
    assert failed.params == {"title": "导入名册", "message": "第 3 行没有学号。"}
    general = rows[f"/jobs/{broken.pk}/"].params["message"]
    assert (
        "secret internals" not in general
    )  # the page's general message, not the error


def test_a_job_without_a_starter_notifies_nobody():
    UserFactory(username="nj-bystander")
    _start(None, "finishing_job")
    _start(None, "failing_job")
    assert run_queued_jobs() == 2
    assert not Notification.objects.exists()


def test_a_failing_notification_never_changes_the_jobs_outcome(monkeypatch):
    from tongxue.notifications import events

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the inbox is down")

    monkeypatch.setattr(events, "notify", broken)
    starter = UserFactory(username="nj-robust")
    job = _start(starter, "finishing_job")
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.result_url == "/"


def test_a_job_that_gives_up_after_its_retries_tells_its_starter():
    from django.db import transaction

    from tongxue.jobs import conf, runner

    starter = UserFactory(username="nj-lost")
    job = _start(starter, "finishing_job")
    Job.objects.filter(pk=job.pk).update(status="running", attempts=conf.max_attempts())
    job.refresh_from_db()
    with transaction.atomic():
        assert runner.retry_or_give_up(job, reason=runner.WORKER_LOST) is False
    n = Notification.objects.get(user=starter)
    assert n.kind == "job.failed" and n.url == f"/jobs/{job.pk}/"
    assert n.params["message"] == Job.objects.get(pk=job.pk).error


# -- deadlines approaching ----------------------------------------------------------------


def test_a_vote_closing_tomorrow_reminds_those_who_have_not_voted_once(client):
    today = timezone.localdate()
    setup = build_voting(prefix="ND", voters=3, delegates_without_account=1)
    setup.meeting.closes = today + dt.timedelta(days=1)
    setup.meeting.save(update_fields=["closes"])
    later = build_voting(prefix="NE", voters=2)  # closes in two days: not yet
    later.meeting.closes = today + dt.timedelta(days=2)
    later.meeting.save(update_fields=["closes"])
    for s in (setup, later):
        voting.open_vote(actor=s.admin, election=s.election)
    voted = setup.voters[0]
    voting.cast(voter=voted, election_code=setup.election.code, marks=["1", "0", "0"])

    run_periodic(now=timezone.now())
    reminded = _to("deadline.approaching")
    assert reminded == {u.pk for u in setup.voters[1:]}  # not the one who voted
    assert not {u.pk for u in later.voters} & reminded
    n = Notification.objects.filter(kind="deadline.approaching").first()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert n.params == {
        "what": ["Vote: %(title)s", {"title": setup.election.title}],
        "due": tomorrow,
    }
    with translation.override("zh-hans"):
        assert render(n.kind, n.params)[0] == f"截止临近：投票：{setup.election.title}"

    # the periodic work again (another run, another worker): nobody twice
    assert remind_closing_votes(today=today) == 0
    run_periodic(now=timezone.now() + dt.timedelta(days=1, hours=1))
    assert Notification.objects.filter(kind="deadline.approaching").count() == 2
    assert (
        Reminder.objects.filter(key=f"vote:{setup.election.code}:{tomorrow}").count()
        == 2
    )

    page = _follow(client, setup.voters[1], "deadline.approaching")
    assert page.status_code == 200


def test_a_rating_period_ending_soon_reminds_raters_who_have_not_finished_once():
    today = timezone.localdate()
    u = build_union(prefix="NF", students=12)
    ending = today + dt.timedelta(days=2)
    p = _period(u, start=today - dt.timedelta(days=30), end=ending, as_of=today)
    far = build_union(prefix="NG", students=12)
    _period(
        far,
        start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=3),
        as_of=today,
    )

    finisher = u.delegates[0]
    for todo in eval_selectors.todo_for(finisher):
        for item in todo.items:
            eval_services.rate(
                actor=finisher.user,
                rater=finisher,
                subject=item.subject,
                scores=full_scores(4),
            )
    assert not [t for t in eval_selectors.todo_for(finisher) if t.items]

    assert remind_ending_periods(today=today) > 0
    reminded = _to("deadline.approaching")
    raters = set(
        Rater.objects.filter(period=p).values_list("person__user_id", flat=True)
    )
    assert reminded == raters - {finisher.user_id}
    assert not reminded & set(
        Rater.objects.exclude(period=p).values_list("person__user_id", flat=True)
    )
    n = Notification.objects.filter(kind="deadline.approaching").first()
    assert n.params == {
        "what": ["Rating: %(period)s", {"period": p.name}],
        "due": ending.isoformat(),
    }
    assert n.url == reverse("evaluations:mine")

    # the next day (the period still ends within two days) and the same day again:
    # nobody of this period twice; the other period, now ending within two days, has
    # its raters reminded
    assert remind_ending_periods(today=today) == 0
    remind_ending_periods(today=today + dt.timedelta(days=1))
    again = Notification.objects.filter(kind="deadline.approaching")
    assert again.filter(user_id__in=reminded).count() == len(reminded)
    assert set(again.values_list("user_id", flat=True)) - reminded == set(
        Rater.objects.filter(period__organisation=far.union)
        .exclude(person__user=None)
        .values_list("person__user_id", flat=True)
    )


def test_a_person_without_an_account_is_never_reminded():
    today = timezone.localdate()
    setup = build_voting(prefix="NH", voters=1, delegates_without_account=2)
    setup.meeting.closes = today + dt.timedelta(days=1)
    setup.meeting.save(update_fields=["closes"])
    voting.open_vote(actor=setup.admin, election=setup.election)
    assert remind_closing_votes(today=today) == 1
    assert _to("deadline.approaching") == {setup.voters[0].pk}


def test_the_reminders_run_as_daily_periodic_work():
    from tongxue.jobs import periodic

    names = {p.name: p for p in periodic.registered()}
    for name in ("voting.remind-closing", "evaluations.remind-ending"):
        assert names[name].every == dt.timedelta(days=1)


def test_reminder_records_are_pruned_after_half_a_year_not_before():
    """A reminder's record only stops a second reminder while its deadline is near;
    the daily prune deletes it after KEEP_DAYS, and keeps a younger one."""
    from tongxue.notifications.reminders import KEEP_DAYS, prune_reminders

    user = UserFactory()
    now = timezone.now()
    old = Reminder.objects.create(
        key="vote:OLD:2026-01-01",
        user=user,
        created_at=now - dt.timedelta(days=KEEP_DAYS, seconds=1),
    )
    young = Reminder.objects.create(
        key="vote:YOUNG:2026-06-01",
        user=user,
        created_at=now - dt.timedelta(days=KEEP_DAYS) + dt.timedelta(seconds=1),
    )
    assert prune_reminders(now=now) == 1
    assert not Reminder.objects.filter(pk=old.pk).exists()
    assert Reminder.objects.filter(pk=young.pk).exists()


def test_the_reminder_prune_is_daily_periodic_work():
    from tongxue.jobs import periodic

    names = {task.name for task in periodic.registered()}
    assert "notifications.prune-reminders" in names
