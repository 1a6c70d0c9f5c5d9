"""Notifications to many (#14): above the threshold the inbox rows are written by a job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from tests.factories import RoleFactory, UserFactory
from tongxue.core.models import RoleAssignment
from tongxue.jobs import periodic
from tongxue.jobs.models import Job, JobStatus
from tongxue.jobs.testing import run_periodic, run_queued_jobs
from tongxue.notifications import recipients, services, tasks
from tongxue.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db

User = get_user_model()
VOTE = {"title": "学生会主席选举", "closes": "2026-03-01 18:00"}


@pytest.fixture
def threshold(settings):
    settings.TONGXUE_NOTIFY_JOB_THRESHOLD = 5
    return 5


def _users(n, prefix="u"):
    return [
        UserFactory(username=f"{prefix}{k:03d}", email=f"{prefix}{k}@example.edu.cn")
        for k in range(n)
    ]


def _notify(user_ids):
    return services.notify(
        "vote.opened",
        user_ids=user_ids,
        params=VOTE,
        url="/vote/V1/",
        organisation="SU",
    )


def test_at_the_threshold_the_rows_are_written_at_once(threshold):
    users = _users(threshold)
    assert _notify(User.objects.filter(username__startswith="u")) == threshold
    assert Notification.objects.count() == threshold
    assert not Job.objects.exists()
    assert _notify([u.pk for u in users]) == threshold
    assert not Job.objects.exists()


def test_above_the_threshold_a_job_writes_them_with_progress(threshold, monkeypatch):
    users = _users(12)
    monkeypatch.setattr(recipients, "WINDOW", 4)  # several windows
    assert _notify(User.objects.filter(username__startswith="u")) == 12
    assert Notification.objects.count() == 0
    job = Job.objects.get(kind="notifications.notify")
    assert job.status == JobStatus.QUEUED and job.organisation == "SU"
    assert "source" in job.kwargs and "sql" in job.kwargs["source"]
    assert len(str(job.kwargs)) < 2000  # a query, not the ids
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert (job.progress_done, job.progress_total) == (12, 12)
    rows = Notification.objects.order_by("user_id")
    assert [n.user_id for n in rows] == [u.pk for u in users]
    first = rows[0]
    assert first.kind == "vote.opened" and first.params == VOTE
    assert first.url == "/vote/V1/" and first.organisation == "SU"
    assert len({n.created_at for n in rows}) == 1


def test_the_job_reevaluates_the_query_and_skips_inactive_accounts(threshold):
    users = _users(9)
    users[3].is_active = False
    users[3].save()
    since = timezone.now() - dt.timedelta(days=1)  # a datetime parameter travels
    assert _notify(User.objects.filter(date_joined__gte=since)) == 8
    run_queued_jobs()
    assert Notification.objects.count() == 8
    assert not Notification.objects.filter(user=users[3]).exists()


def test_a_values_list_of_user_ids_of_another_table(threshold):
    users = _users(8)
    for u in users[:7]:
        RoleFactory(user=u)
    holders = RoleAssignment.objects.values_list("user_id", flat=True)
    assert _notify(holders) == 7
    run_queued_jobs()
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        u.pk for u in users[:7]
    }


def test_a_long_list_of_ids_travels_as_runs(threshold):
    users = _users(10)
    chosen = [u.pk for u in users if u.username not in {"u004", "u007"}]
    assert _notify(chosen) == 8
    job = Job.objects.get(kind="notifications.notify")
    assert len(job.kwargs["source"]["runs"]) == 3
    run_queued_jobs()
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == chosen


def test_the_job_delivers_on_the_channels_once(threshold):
    users = _users(8)
    services.save_preferences(
        users[2], email=True, daily_digest=False, channels=[], language="en"
    )
    _notify(User.objects.all())
    assert run_queued_jobs() == 2  # the rows, then the delivery queued by the rows' job
    assert [m.to for m in mail.outbox] == [["u2@example.edu.cn"]]
    assert "Voting has opened" in mail.outbox[0].subject
    assert run_queued_jobs() == 0
    assert len(mail.outbox) == 1


def test_many_deliveries_of_a_small_notification_go_to_a_job(settings):
    settings.TONGXUE_NOTIFY_INLINE_DELIVERIES = 2
    users = _users(3)
    for u in users:
        Preference.objects.create(user=u, email=True, language="en")
    _notify([u.pk for u in users])
    assert Notification.objects.count() == 3  # the rows at once
    assert mail.outbox == []
    assert Job.objects.get().kind == "notifications.deliver"
    run_queued_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "u0@example.edu.cn",
        "u1@example.edu.cn",
        "u2@example.edu.cn",
    ]


def test_the_job_function_alone_reports_progress():
    users = _users(5)

    class Recorder:
        def __init__(self):
            self.calls = []

        def progress(self, done, total=None, message=""):
            self.calls.append((done, total))

    job = Recorder()
    source = recipients.from_ids([u.pk for u in users])
    written = tasks.fan_out(
        job,
        kind="vote.opened",
        params=VOTE,
        url="",
        organisation="",
        created_at=timezone.now().isoformat(),
        source=source,
        total=5,
        window=2,
    )
    assert written == 5 and Notification.objects.count() == 5
    assert job.calls[0] == (0, 5) and job.calls[-1] == (5, 5)


def test_the_digest_is_registered_and_runs_as_periodic_work():
    assert "notifications.daily_digest" in {p.name for p in periodic.registered()}
    carol = UserFactory(username="carol", email="carol@example.edu.cn")
    services.save_preferences(
        carol, email=False, daily_digest=True, channels=[], language="en"
    )
    _notify([carol.pk])
    tomorrow = timezone.now() + dt.timedelta(hours=23)
    assert run_periodic(now=tomorrow) >= 1
    assert [m.to for m in mail.outbox] == [["carol@example.edu.cn"]]
    assert run_periodic(now=tomorrow) == 0  # the same period: claimed
    assert len(mail.outbox) == 1
