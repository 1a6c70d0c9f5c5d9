"""Two-level cadre training (CAD-6 · GS-12, CQ-7): courses, sessions, attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, UserFactory
from tests.factories_cadres import build_cadre_school
from tongxue.cadres import selectors, services
from tongxue.core.errors import Refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return build_cadre_school()


def test_school_and_department_unions_hold_courses(cs):
    school = services.create_course(
        actor=cs.admin, organisation=cs.union, title="校级培训"
    )
    dept = services.create_course(
        actor=None, organisation=cs.dept_union, title="院级培训"
    )
    assert {school.organisation, dept.organisation} == {cs.union, cs.dept_union}
    with pytest.raises(Refusal) as e:
        services.create_course(actor=None, organisation=cs.school, title="x")
    assert e.value.code == "not-a-union"
    with pytest.raises(Refusal) as e:
        services.create_course(actor=cs.admin, organisation=cs.dept_union, title="x")
    assert e.value.code == "forbidden"  # the school union's admin is not above it
    with pytest.raises(Refusal):
        services.create_course(
            actor=cs.admin, organisation=cs.union, title="x", sessions_required=0
        )


def test_completion_needs_the_required_sessions(cs):
    course = services.create_course(
        actor=cs.admin, organisation=cs.union, title="校级培训", sessions_required=2
    )
    s1 = services.add_session(
        actor=cs.admin, course=course, held=dt.date(2026, 3, 1), topic="作风建设"
    )
    s2 = services.add_session(
        actor=cs.admin, course=course, held=dt.date(2026, 3, 8), topic="服务同学"
    )
    p = PersonFactory()
    services.record_attendance(actor=cs.admin, session=s1, person=p)
    (c,) = selectors.training_of([p.pk])[p.pk]
    assert (c.attended, c.required, c.completed) == (1, 2, False)
    services.record_attendance(actor=cs.admin, session=s2, person=p)
    (c,) = selectors.training_of([p.pk])[p.pk]
    assert c.completed and selectors.has_completed(p.pk, course)
    with pytest.raises(Refusal) as e:
        services.record_attendance(actor=cs.admin, session=s2, person=p)
    assert e.value.code == "duplicate"


def test_attendance_and_sessions_need_manage(cs):
    course = services.create_course(actor=cs.admin, organisation=cs.union, title="t")
    stranger = UserFactory()
    with pytest.raises(Refusal):
        services.add_session(
            actor=stranger, course=course, held=dt.date(2026, 3, 1), topic="x"
        )
    s = services.add_session(
        actor=cs.admin, course=course, held=dt.date(2026, 3, 1), topic="x"
    )
    with pytest.raises(Refusal):
        services.record_attendance(actor=stranger, session=s, person=PersonFactory())


def test_course_pages(client, cs):
    url = reverse("cadres:training", args=[cs.union.code])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "x", "sessions_required": 1}).status_code == 403
    client.force_login(cs.admin)
    response = client.post(url, {"title": "校级干部培训", "sessions_required": 1})
    assert response.status_code == 302
    course_url = response["Location"]
    response = client.post(
        course_url,
        {
            "session-held": "2026-03-01",
            "session-topic": "作风",
            "session-place": "礼堂",
        },
    )
    assert response.status_code == 302
    person = PersonFactory(ident="T-1")
    from tongxue.cadres.models import TrainingSession

    session = TrainingSession.objects.get()
    response = client.post(
        course_url, {"attendance-session": session.pk, "attendance-ident": "T-1"}
    )
    assert response.status_code == 302
    assert selectors.training_of([person.pk])[person.pk][0].completed
    response = client.post(
        course_url, {"attendance-session": session.pk, "attendance-ident": "nobody"}
    )
    assert response.status_code == 400
    # The public sees the course and sessions, not the attendance list.
    client.logout()
    html = client.get(course_url).content.decode()
    assert "作风" in html and person.name not in html
