"""Background jobs (#14), in one process: start → run → done with progress, failures
that keep nothing and tell the starter why, the page and who sees it, "my jobs",
periodic claims, lost workers' tasks, pruning.

The queue runs in the test with :func:`tongxue.jobs.testing.run_queued_jobs` (as the
tests of any app that starts a job do). Worker processes, killed workers and several
workers at once: tests/integration/test_jobs_workers.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tongxue.core.models import AuditEvent
from tongxue.domain.lifecycle import JOB
from tongxue.jobs import JobFailed, conf, periodic, runner
from tongxue.jobs.maintenance import prune
from tongxue.jobs.models import Job, JobStatus, PeriodicRun, WorkerHeartbeat
from tongxue.jobs.services import start_job
from tongxue.jobs.testing import run_periodic, run_queued_jobs
from tongxue.jobs.worker import JobWorker, beat, requeue_stale

pytestmark = pytest.mark.django_db

HERE = "tests.integration.test_jobs"


# ---------------------------------------------------------------- job functions


def count_to(job: Job, *, n: int, prefix: str) -> None:
    """Create ``n`` groups, reporting each; the result is the groups' list."""
    for k in range(1, n + 1):
        Group.objects.create(name=f"{prefix}{k}")
        job.progress(k, n, f"group {k}")
    job.result_url = "/ops/admin/auth/group/"


def half_then_refuse(job: Job, *, prefix: str) -> None:
    Group.objects.create(name=f"{prefix}1")
    job.progress(1, 2, "one written")
    raise JobFailed(translation.gettext("Organisations"))  # a translated message


def half_then_crash(job: Job, *, prefix: str) -> None:
    Group.objects.create(name=f"{prefix}1")
    raise RuntimeError("a bug")


#: What :func:`seen_from_outside` read from another connection.
SEEN: list[str] = []


def seen_from_outside(job: Job, *, prefix: str) -> None:
    """Report progress mid-transaction and read it from another connection."""
    Group.objects.create(name=f"{prefix}1")
    job.progress(1, 3, "first")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT progress_done, progress_total, message FROM jobs_job"
                " WHERE id = %s",
                [job.pk],
            )
            SEEN.append(repr(cursor.fetchone()))
            cursor.execute(
                "SELECT count(*) FROM auth_group WHERE name = %s", [f"{prefix}1"]
            )
            SEEN.append(repr(cursor.fetchone()))
    finally:
        other.close()


def saves_itself(job: Job) -> None:
    """A function that saves its job (locks its row), then reports progress."""
    job.message = "saved"
    job.save(update_fields=["message"])
    job.progress(1, 1, "after the save")


def interrupted_once(job: Job) -> None:
    Group.objects.create(name=f"int-{job.attempts}")
    if job.attempts == 1:
        raise KeyboardInterrupt  # a second Ctrl-C / SIGTERM stops the worker here


def nothing(job: Job) -> None:
    job.message = "ran"


def _start(user, func: str = "count_to", **kwargs) -> Job:  # type: ignore[no-untyped-def]
    return start_job(
        kind="test.count",
        actor=user,
        title="数到三",
        func=f"{HERE}.{func}",
        kwargs=kwargs,
        organisation="U1",
    )


# ---------------------------------------------------------------- start → run → done


def test_a_job_runs_to_done_with_its_progress_and_its_result():
    user = UserFactory(username="starter")
    job = _start(user, n=3, prefix="g-")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.started_by) == ("queued", 0, user)
    assert job.language == "zh-hans" and job.organisation == "U1"
    task = DBTaskResult.objects.get(pk=job.task_result_id)
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs == {"args": [str(job.pk)], "kwargs": {}}
    # the start is in the audit log, by its starter
    event = AuditEvent.objects.get(action="job.start")
    assert (event.actor, event.target, event.organisation) == (user, str(job.pk), "U1")
    assert event.data == {"kind": "test.count"}
    assert not Group.objects.exists()  # nothing ran yet

    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.message == "group 3" and job.result_url == "/ops/admin/auth/group/"
    assert job.started_at and job.finished_at and job.error == ""
    assert sorted(Group.objects.values_list("name", flat=True)) == ["g-1", "g-2", "g-3"]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "done"
    assert run_queued_jobs() == 0  # nothing left


def test_a_job_already_done_is_not_done_again():
    job = _start(UserFactory(), n=2, prefix="once-")
    run_queued_jobs()
    assert runner.execute(job.pk) == runner.SKIPPED
    assert Group.objects.filter(name__startswith="once-").count() == 2
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_of_a_rolled_back_service_is_neither_kept_nor_queued():
    with pytest.raises(RuntimeError), transaction.atomic():
        _start(UserFactory(), n=1, prefix="rb-")
        raise RuntimeError("the service failed after starting the job")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()
    assert run_queued_jobs() == 0


def test_start_job_refuses_a_wrong_function_and_arguments_that_are_not_json():
    user = UserFactory()
    with pytest.raises(ImportError):
        _start(user, func="no_such_function")
    with pytest.raises(ValueError, match="JSON"):
        _start(user, n=1, prefix=object())
    with pytest.raises(ValueError, match="kind"):
        start_job(kind="", actor=user, title="x", func=f"{HERE}.nothing", kwargs={})
    assert not Job.objects.exists()


def test_a_job_started_by_no_one_is_not_audited():
    start_job(kind="test.sys", actor=None, title="x", func=f"{HERE}.nothing", kwargs={})
    assert Job.objects.get().started_by is None
    assert not AuditEvent.objects.filter(action="job.start").exists()


# ---------------------------------------------------------------- failures


def test_a_refused_job_keeps_nothing_and_tells_its_starter_why(client):
    user = UserFactory(username="starter")
    with translation.override("en"):  # started in English: its messages are English
        job = _start(user, func="half_then_refuse", prefix="half-")
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Organisations"  # JobFailed's message, in the job's language
    assert not Group.objects.filter(name__startswith="half-").exists()
    assert job.finished_at is not None
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="job-error"' in page and "Organisations" in page
    assert "hx-get" not in page  # finished: no more polling


def test_an_unexpected_error_is_logged_and_the_starter_gets_a_general_message(caplog):
    job = _start(UserFactory(), func="half_then_crash", prefix="crash-")
    with caplog.at_level(logging.ERROR, logger="tongxue.jobs.runner"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("出了问题")  # the general message, in Chinese
    assert "a bug" not in job.error and "Traceback" not in job.error
    assert not Group.objects.filter(name__startswith="crash-").exists()
    (record,) = [r for r in caplog.records if r.name == "tongxue.jobs.runner"]
    assert record.exc_info and record.exc_info[0] is RuntimeError
    # the task itself succeeded: the job's failure is the job's
    task = DBTaskResult.objects.get(pk=job.task_result_id)
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "failed"


def test_a_job_whose_function_is_gone_fails_with_the_general_message(caplog):
    job = _start(UserFactory(), func="nothing")
    Job.objects.filter(pk=job.pk).update(func=f"{HERE}.removed_since")
    with caplog.at_level(logging.ERROR, logger="tongxue.jobs.runner"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error.startswith("出了问题")


def test_a_job_interrupted_by_stopping_its_worker_goes_back_to_the_queue():
    job = _start(UserFactory(), func="interrupted_once")
    first = job.task_result_id
    assert run_queued_jobs() == 2  # the interrupted task, then the one queued again
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert job.task_result_id != first
    assert list(Group.objects.values_list("name", flat=True)) == ["int-2"]
    old = DBTaskResult.objects.get(pk=first)
    assert old.status == TaskResultStatus.FAILED
    assert old.exception_class_path == "builtins.KeyboardInterrupt"


def test_an_interrupted_job_says_so_while_it_waits():
    job = _start(UserFactory(), func="interrupted_once")
    with pytest.raises(KeyboardInterrupt):
        runner.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 1)
    assert job.message == "中断（工作进程被停止）；任务将重新开始。"
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == "READY"
    assert not Group.objects.exists()


# ---------------------------------------------------------------- progress


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_job_runs():
    """PostgreSQL: progress is written beside the job's transaction (the work is not)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: progress shows when the job commits")
    SEEN.clear()
    job = _start(UserFactory(), func="seen_from_outside", prefix="vis-")
    run_queued_jobs()
    assert SEEN == ["(1, 3, 'first')", "(0,)"]  # the progress yes, the work no
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Group.objects.filter(name="vis-1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_that_locked_its_own_row_still_reports_progress():
    job = _start(UserFactory(), func="saves_itself")
    run_queued_jobs()  # no self-deadlock between the two connections
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.progress_done, job.message) == (1, "after the save")


def test_progress_writes_are_throttled_but_the_last_item_and_new_messages_are_not(
    django_assert_num_queries,
):
    job = _start(UserFactory(), func="nothing")
    with django_assert_num_queries(2):  # the first call, the last item
        for k in range(1, 101):
            job.progress(k, 100, "counting")
    with django_assert_num_queries(1):  # a new message is written at once
        job.progress(100, 100, "checking")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.message) == (
        100,
        100,
        "checking",
    )


# ---------------------------------------------------------------- lifecycle


def test_the_job_lifecycle_is_the_models_choices():
    field = Job._meta.get_field("status")
    with translation.override(None):
        assert [(v, str(label)) for v, label in field.choices] == list(
            JOB.labels.items()
        )
    assert field.default == JOB.initial
    assert JOB.sources("done") == ("running",)
    assert JOB.refusal("done", "running") is not None


def test_a_finished_job_cannot_be_marked_again():
    job = _start(UserFactory(), func="nothing")
    run_queued_jobs()
    job.refresh_from_db()
    assert not runner.fail(job, "late")  # done → failed is not a move
    job.refresh_from_db()
    assert (job.status, job.error) == ("done", "")


# ---------------------------------------------------------------- lost workers


def _claim_by(worker: str, job: Job, *, ago: float) -> DBTaskResult:
    task = DBTaskResult.objects.get(pk=job.task_result_id)
    task.claim(worker)
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=ago)
    )
    # the lost worker had started the job
    Job.objects.filter(pk=job.pk).update(status="running", attempts=job.attempts + 1)
    return task


def test_a_lost_workers_job_goes_back_to_the_queue_and_runs_once():
    job = _start(UserFactory(), n=2, prefix="lost-")
    beat("dead", timezone.now() - dt.timedelta(seconds=120))
    task = _claim_by("dead", job, ago=90)
    beat("alive")
    assert requeue_stale(alive=("me",)) == 1
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == TaskResultStatus.READY and job.status == "queued"
    assert job.message == "中断（其工作进程已无响应）；任务将重新开始。"
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert Group.objects.filter(name__startswith="lost-").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_restarted_under_its_id_takes_back_what_it_was_running():
    job = _start(UserFactory(), n=1, prefix="again-")
    _claim_by("w-same", job, ago=1)
    beat("w-same")  # the restarted worker's heartbeat: the task looks alive
    assert requeue_stale() == 0
    JobWorker(worker_id="w-same", batch=True, startup_delay=False, periodic=False).run()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert Group.objects.filter(name__startswith="again-").count() == 1
    assert not WorkerHeartbeat.objects.filter(pk="w-same").exists()  # stopped cleanly


def test_a_task_of_a_worker_seen_recently_or_running_briefly_is_left_alone():
    job = _start(UserFactory(), n=1, prefix="ok-")
    beat("busy")  # seen now
    _claim_by("busy", job, ago=600)
    other = _start(UserFactory(), n=1, prefix="ok2-")
    _claim_by("no-heartbeat", other, ago=5)  # no heartbeat, but only 5 s in
    assert requeue_stale() == 0
    assert DBTaskResult.objects.running().count() == 2


def test_a_job_whose_workers_keep_dying_fails_after_its_last_attempt():
    job = _start(UserFactory(), n=1, prefix="dies-")
    Job.objects.filter(pk=job.pk).update(attempts=conf.max_attempts() - 1)
    job.refresh_from_db()
    task = _claim_by("dead", job, ago=300)  # the third start
    assert requeue_stale() == 1
    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == "failed" and job.attempts == 3
    assert job.error.startswith("任务被中断了 3 次")
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "tongxue.jobs.errors.WorkerLost"
    assert run_queued_jobs() == 0


def test_a_lost_workers_task_whose_job_had_committed_is_recorded_as_done():
    job = _start(UserFactory(), n=1, prefix="late-")
    run_queued_jobs()
    task = DBTaskResult.objects.get(pk=job.task_result_id)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["dead"],
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert requeue_stale() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert Group.objects.filter(name__startswith="late-").count() == 1


def test_a_job_whose_task_is_gone_fails_instead_of_waiting_for_ever(caplog):
    job = _start(UserFactory(), func="nothing")
    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    DBTaskResult.objects.filter(pk=job.task_result_id).delete()
    with caplog.at_level(logging.ERROR, logger="tongxue.jobs.worker"):
        assert requeue_stale() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("出了问题")


# ---------------------------------------------------------------- periodic


@pytest.fixture
def only_periodic(monkeypatch):  # type: ignore[no-untyped-def]
    """The periodic registry with the jobs' prune only (other apps register theirs)."""
    prune_entry = periodic._registry["jobs.prune"]
    monkeypatch.setattr(periodic, "_registry", {"jobs.prune": prune_entry})


def test_periods_are_aligned_and_a_period_is_claimed_once(only_periodic):
    every = dt.timedelta(minutes=10)
    at = dt.datetime(2026, 3, 1, 8, 27, 5, tzinfo=dt.UTC)
    assert periodic.period_start(every, at) == dt.datetime(
        2026, 3, 1, 8, 20, tzinfo=dt.UTC
    )
    assert periodic.period_start(dt.timedelta(days=1), at).hour == 0
    periodic.register("test.tick", every, f"{HERE}.nothing")
    try:
        assert periodic.claim_due(now=at) == [
            ("jobs.prune", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
            ("test.tick", dt.datetime(2026, 3, 1, 8, 20, tzinfo=dt.UTC)),
        ]
        # the same period again, from this worker or another: nothing
        assert periodic.claim_due(now=at + dt.timedelta(minutes=2)) == []
        # the next period
        assert periodic.claim_due(now=at + dt.timedelta(minutes=3)) == [
            ("test.tick", dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC))
        ]
        assert run_queued_jobs() == 3
        runs = PeriodicRun.objects.filter(name="test.tick").select_related("job")
        assert [(r.job.status, r.job.kind, r.job.message) for r in runs] == [
            ("done", "periodic", "ran")
        ] * 2
    finally:
        periodic.unregister("test.tick")


def test_a_claim_lost_to_another_worker_starts_nothing(monkeypatch, only_periodic):
    at = dt.datetime(2026, 3, 1, 8, 27, tzinfo=dt.UTC)
    PeriodicRun.objects.create(
        name="jobs.prune", period_start=periodic.period_start(dt.timedelta(days=1), at)
    )
    # this worker did not see the row when it looked (a race): its INSERT fails
    monkeypatch.setattr(periodic, "_taken", lambda wanted: set())
    assert periodic.claim_due(now=at) == []
    assert PeriodicRun.objects.filter(name="jobs.prune").count() == 1
    assert not Job.objects.exists()


def test_register_refuses_a_second_definition_and_tiny_periods(only_periodic):
    periodic.register("test.x", dt.timedelta(hours=1), f"{HERE}.nothing")
    try:
        periodic.register("test.x", dt.timedelta(hours=1), f"{HERE}.nothing")  # same
        with pytest.raises(ValueError, match="already"):
            periodic.register("test.x", dt.timedelta(hours=2), f"{HERE}.nothing")
        with pytest.raises(ValueError, match="second"):
            periodic.register(
                "test.y", dt.timedelta(milliseconds=10), f"{HERE}.nothing"
            )
    finally:
        periodic.unregister("test.x")


def test_the_prune_deletes_what_finished_long_ago_and_keeps_the_rest(only_periodic):
    user = UserFactory()
    old, recent, waiting = (_start(user, func="nothing") for _ in range(3))
    run_queued_jobs()
    long_ago = timezone.now() - dt.timedelta(days=conf.keep_days() + 1)
    Job.objects.filter(pk=old.pk).update(finished_at=long_ago)
    DBTaskResult.objects.filter(pk=old.task_result_id).update(finished_at=long_ago)
    Job.objects.filter(pk=waiting.pk).update(status="queued", finished_at=long_ago)
    WorkerHeartbeat.objects.create(worker_id="gone", seen_at=long_ago)
    beat("here")
    assert run_periodic() == 1  # the prune, as a periodic job
    assert set(Job.objects.filter(kind="test.count").values_list("pk", flat=True)) == {
        recent.pk,
        waiting.pk,
    }
    assert not DBTaskResult.objects.filter(pk=old.task_result_id).exists()
    assert list(WorkerHeartbeat.objects.values_list("pk", flat=True)) == ["here"]
    assert Job.objects.get(kind="periodic").message.startswith("已删除 1 个任务")
    # registered from JobsConfig.ready(), daily
    assert periodic._registry["jobs.prune"] == periodic.Periodic(
        "jobs.prune", dt.timedelta(days=1), f"{prune.__module__}.prune"
    )


# ---------------------------------------------------------------- the pages


def test_the_page_shows_the_job_to_its_starter_and_a_superuser_only(client):
    starter = UserFactory(username="starter")
    job = _start(starter, n=2, prefix="p-")
    url = reverse("jobs:detail", args=[job.pk])
    live = reverse("jobs:live", args=[job.pk])
    assert url == f"/jobs/{job.pk}/"
    # anonymous: to the sign-in page
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(live).status_code == 302
    assert client.get(live, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    # someone else: as if it did not exist
    client.force_login(UserFactory(username="other"))
    assert client.get(url).status_code == 404
    assert client.get(live).status_code == 404
    assert client.get(f"/jobs/{uuid.uuid4()}/").status_code == 404
    # a superuser
    client.force_login(UserFactory(username="root", is_superuser=True))
    page = client.get(url).content.decode()
    assert "数到三" in page and "由 starter" in page
    # the starter
    client.force_login(starter)
    page = client.get(url).content.decode()
    assert 'id="job-status">排队中</span>' in page
    assert (
        'hx-get="' + live + '?seen=queued"' in page and 'hx-trigger="every 1s"' in page
    )
    assert '<label for="job-progress">进度</label>' in page
    assert '<progress id="job-progress" aria-describedby="job-progress-text">' in page
    assert 'id="job-announce" class="visually-hidden" aria-live="polite"' in page
    assert "<script" not in page.split("</head>")[1]  # no inline script (CSP)


def test_the_polled_part_follows_the_job_and_announces_a_new_state(client):
    starter = UserFactory(username="starter")
    job = _start(starter, n=4, prefix="poll-")
    client.force_login(starter)
    live = reverse("jobs:live", args=[job.pk])
    part = client.get(live + "?seen=queued").content.decode()
    assert "hx-swap-oob" not in part  # nothing new to announce
    Job.objects.filter(pk=job.pk).update(
        status="running", progress_done=1, progress_total=4, message="第 1 组"
    )
    part = client.get(live + "?seen=queued").content.decode()
    assert '<progress id="job-progress" max="4" value="1"' in part
    assert "1 / 4 项（25%）" in part and "第 1 组" in part
    assert '<p id="job-announce" hx-swap-oob="innerHTML">进行中</p>' in part
    assert "?seen=running" in part
    run_queued_jobs()
    part = client.get(live + "?seen=running").content.decode()
    assert "hx-get" not in part and "hx-trigger" not in part  # polling stops
    assert 'href="/ops/admin/auth/group/"' in part and 'id="job-result"' in part
    assert 'hx-swap-oob="innerHTML">已完成。 group 4</p>' in part


def test_a_result_link_to_another_site_is_not_shown(client):
    starter = UserFactory()
    job = _start(starter, func="nothing")
    run_queued_jobs()
    Job.objects.filter(pk=job.pk).update(result_url="javascript:alert(1)")
    client.force_login(starter)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "javascript:" not in page and 'id="job-result"' not in page


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_jobs_lists_mine_newest_first_in_pages(client):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    mine = [_start(me, func="nothing") for _ in range(27)]
    _start(other, func="nothing")
    Job.objects.filter(pk=mine[-1].pk).update(title="最新的任务")
    client.force_login(me)
    url = reverse("jobs:mine")
    assert url == "/jobs/"
    client.get(url)  # warm the session
    few = _queries(client, url)
    page = client.get(url).content.decode()
    assert page.count('<li id="job-') == 25
    assert page.split('<li id="job-')[1].startswith(f'{mine[-1].pk}">')  # newest
    assert "最新的任务" in page and str(mine[0].pk) not in page  # the oldest: page 2
    assert "第 1 页，共 2 页" in page
    second = client.get(url + "?page=2").content.decode()
    assert second.count('<li id="job-') == 2
    assert all(
        str(j.pk) not in page + second for j in Job.objects.filter(started_by=other)
    )
    # bounded: a count and a page, however many jobs there are
    for _ in range(40):
        _start(me, func="nothing")
    assert _queries(client, url) == few
    assert _queries(client, url + "?page=3") == few


def test_my_jobs_when_there_are_none(client):
    client.force_login(UserFactory())
    page = client.get(reverse("jobs:mine")).content.decode()
    assert 'id="jobs-empty"' in page
    assert client.get(reverse("jobs:mine")).status_code == 200
    client.logout()
    assert client.get(reverse("jobs:mine")).status_code == 302


def test_operators_see_jobs_in_the_admin_and_change_nothing(client):
    job = _start(UserFactory(), func="nothing")
    client.force_login(UserFactory(username="op", is_superuser=True, is_staff=True))
    page = client.get("/ops/admin/jobs/job/")
    assert page.status_code == 200 and "数到三" in page.content.decode()
    assert client.get(f"/ops/admin/jobs/job/{job.pk}/change/").status_code == 200
    assert client.get("/ops/admin/jobs/job/add/").status_code == 403
    assert client.post(f"/ops/admin/jobs/job/{job.pk}/delete/").status_code == 403
    assert client.get("/ops/admin/jobs/workerheartbeat/").status_code == 200
    assert client.get("/ops/admin/jobs/periodicrun/").status_code == 200
