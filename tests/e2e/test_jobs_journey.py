"""A student follows a background job on a phone, in Chinese (#14).

Opens the job's page while it waits, sees it start and move on, then finish, without
reloading (htmx polls the page's live part every second; no inline script, so nothing
the CSP refuses: no console error); the state change is announced in the live region;
the result link appears; "my jobs" lists it; no page scrolls sideways at 390 px.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tongxue.jobs.models import Job
from tongxue.jobs.services import start_job
from tongxue.jobs.testing import run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def finish(job: Job) -> None:
    job.progress(5, 5, "五个都好了")
    job.result_url = "/jobs/"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def test_a_student_follows_a_job_to_its_result_on_a_phone(phone, live_server):  # type: ignore[no-untyped-def]
    student = UserFactory(username="jobs-student")
    job = start_job(
        kind="test.journey",
        actor=student,
        title="导入全校学生名册（很长的标题，用来检查窄屏上的换行是否正常）",
        func="tests.e2e.test_jobs_journey.finish",
        kwargs={},
    )
    page = phone
    url = f"/jobs/{job.pk}/"
    page.goto(f"/accounts/login/?next={url}")
    page.fill("input[name=username]", student.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{url}")
    assert page.locator("#job-status").inner_text() == "排队中"
    assert page.locator("#job-progress").get_attribute("value") is None  # indeterminate
    assert _fits(page)

    Job.objects.filter(pk=job.pk).update(
        status="running", progress_done=2, progress_total=5, message="第二个"
    )
    expect(page.locator("#job-status")).to_have_text("进行中", timeout=5000)
    assert page.locator("#job-progress").get_attribute("value") == "2"
    assert page.locator("#job-progress-text").inner_text() == "2 / 5 项（40%）"
    assert page.locator("#job-announce").inner_text() == "进行中"
    assert _fits(page)

    Job.objects.filter(pk=job.pk).update(status="queued")
    assert run_queued_jobs() == 1
    expect(page.locator("#job-status")).to_have_text("已完成", timeout=5000)
    assert page.locator("#job-announce").inner_text() == "已完成。 五个都好了"
    assert page.locator("#job-live").get_attribute("hx-get") is None  # polling stopped
    assert _fits(page)
    page.click("#job-result")
    page.wait_for_url("**/jobs/")
    assert page.locator(f"#job-{job.pk}").is_visible()
    assert _fits(page)
    assert page.errors == []  # type: ignore[attr-defined]
