"""On a phone, in Chinese (ORG-11 · GS-9, CQ-4; issue #18): the union's administrator
plans a project with its owner, department and a student member, starts it, is told on
its field that an event dated before the project is refused, records the event; the
student checks in with the event's code and reads the project's public page: the event,
the participants counted, their own name not public. No page is wider than the phone,
no console error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind, Role
from tongxue.projects import services
from tongxue.projects.models import CheckIn, Event, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
WIDTH = 390


def narrow(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {WIDTH} + 1"))


def sign_in(page, user, to: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={to}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{to}")


def test_a_project_is_planned_its_event_recorded_and_a_student_sees_it(phone):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    school = SchoolFactory(code="XMSCH", name="X大学")
    union = OrganisationFactory(code="XMSU", name="X大学学生会", parent=school)
    dept = OrganisationFactory(
        code="XMSU-XX", name="学习部", kind=OrgKind.FUNCTIONAL_DEPARTMENT, parent=union
    )
    faculty = OrganisationFactory(
        code="XMDU", name="X文学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    owner = PersonFactory(name="郑部长", student_number="2023555")
    PositionFactory(
        organisation=dept,
        person=owner,
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        start=today - dt.timedelta(days=200),
    )
    admin = UserFactory(username="xm-admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    student = UserFactory(username="xm-student")
    RoleFactory(user=student, organisation=union, role=RoleKind.STUDENT)
    PersonFactory(
        name="冯同学", student_number="20258888", department=faculty, user=student
    )
    page = phone
    listing = f"/projects/{union.code}/"

    # The administrator plans the project.
    sign_in(page, admin, listing)
    assert page.inner_text("h1") == "项目"
    assert narrow(page)
    page.click("#new-project")
    page.wait_for_selector("#project-form")
    page.fill("#id_project-title", "校园读书月")
    page.fill("#id_project-summary", "共读经典，分享心得。")
    page.select_option("#id_project-owner", str(owner.pk))
    page.check("#id_project-departments_0")
    page.fill("#id_project-members", "20258888")
    page.fill("#id_project-start", today.isoformat())
    page.fill("#id_project-end", (today + dt.timedelta(days=30)).isoformat())
    assert narrow(page)
    page.click("#project-form button[type=submit]")
    page.wait_for_selector("#project-status[data-state=planned]")
    project = Project.objects.get(title="校园读书月")
    url = f"/projects/{union.code}/{project.number}/"
    assert page.inner_text("#owner") == "郑部长"
    assert "学习部" in page.inner_text("#departments")
    assert narrow(page)

    # It starts; an event dated before it is refused on its date, then recorded.
    page.click("#start")
    page.wait_for_selector("#project-status[data-state=running]")
    assert page.inner_text("#project-status") == "进行中"
    page.click("#add-event summary")
    page.fill("#id_event-title", "经典共读分享会")
    page.fill("#id_event-day", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_event-place", "图书馆报告厅")
    page.click("#add-event button[type=submit]")
    error = page.locator("#add-event .errorlist").first
    error.wait_for()
    assert "活动日期早于项目开始日期" in error.inner_text()
    assert not Event.objects.exists()
    assert page.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.errors.clear()  # the refused form's answer is a 400; nothing else may fail
    assert narrow(page)
    page.fill("#id_event-day", today.isoformat())
    page.click("#add-event button[type=submit]")
    page.wait_for_url(f"**{url}#event-*")
    event = Event.objects.get()
    item = page.locator(f"#event-{event.pk}")
    assert "经典共读分享会" in item.inner_text() and "图书馆报告厅" in item.inner_text()
    # the organiser's code at the event
    page.click(f"#event-{event.pk} a")
    page.wait_for_selector("#check-in-code svg")
    assert narrow(page)

    # The student checks in with the event's code, then reads the public page.
    token = services.check_in_code(actor=admin, event=event)
    check_in = f"/projects/check-in/{token}/"
    sign_in(page, student, check_in)
    assert narrow(page)
    page.get_by_role("button", name="确认签到").click()
    page.wait_for_selector("#checked-in")
    assert CheckIn.objects.filter(event=event).count() == 1
    page.goto(url)
    assert page.inner_text("h1") == "校园读书月"
    assert page.inner_text("#project-status") == "进行中"
    assert "经典共读分享会" in page.inner_text(f"#event-{event.pk}")
    assert page.inner_text("#participants") == "1"
    assert "冯同学" not in page.content() and "20258888" not in page.content()
    assert "姓名不公开" in page.inner_text("#hidden-members")
    assert page.locator("#manage").count() == 0  # a student does not run it
    assert narrow(page)
    # the union's list: the project and the term in words
    page.goto(listing)
    assert "校园读书月" in page.inner_text("#project-list")
    assert "学期" in page.inner_text("#participation-table")
    assert narrow(page)
    assert page.errors == [], page.errors
