"""Cadre pages: who sees what and who may do what; bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PositionFactory, UserFactory
from tests.factories_cadres import (
    CourseFactory,
    TrainingSessionFactory,
    build_cadre_school,
    failed_evaluation,
    student,
)
from tongxue.cadres import services
from tongxue.cadres.models import (
    Application,
    Attendance,
    ExitCase,
    RelayMessage,
    Selection,
    SelectionState,
)
from tongxue.organisations.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return build_cadre_school()


def post_data(**kw):  # type: ignore[no-untyped-def]
    return {
        "role": Role.DEPARTMENT_HEAD,
        "title": "权益部部长",
        "closes": (TODAY + dt.timedelta(days=7)).isoformat(),
        "term_start": (TODAY + dt.timedelta(days=30)).isoformat(),
        "public_contact": "vp@su.example.edu.cn",
    } | kw


def test_advertise_page_needs_manage(client, cs):
    url = reverse("cadres:advertise", args=[cs.department.code])
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.post(url, post_data()).status_code == 403
    client.force_login(cs.admin)
    assert client.get(url).status_code == 200
    response = client.post(url, post_data(role=Role.VICE_PRESIDENT))
    assert response.status_code == 400  # ELE-1: the presidium is elected
    assert "ELE-1" in response.content.decode()
    response = client.post(url, post_data())
    sel = Selection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cadres:selection", args=[sel.pk])


def test_a_student_applies_on_the_page_and_statements_stay_private(client, cs):
    sel = services.advertise(
        actor=None,
        organisation=cs.department,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        closes=TODAY + dt.timedelta(days=3),
        term_start=TODAY + dt.timedelta(days=30),
        public_contact="vp@su.example.edu.cn",
    )
    url = reverse("cadres:selection", args=[sel.pk])
    html = client.get(url).content.decode()
    assert 'data-criterion="work_style"' in html
    s = student(cs.dept_union)
    client.force_login(s.user)
    response = client.post(
        reverse("cadres:apply", args=[sel.pk]), {"statement": "秘密陈述"}
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("cadres:apply", args=[sel.pk]), {"statement": "again"}
        ).status_code
        == 400
    )
    html = client.get(url).content.decode()
    assert 'id="applied"' in html
    other = student(cs.dept_union)
    client.force_login(other.user)
    assert "秘密陈述" not in client.get(url).content.decode()
    # Managers act; a student's POST to an action is forbidden.
    assert (
        client.post(
            reverse("cadres:selection-action", args=[sel.pk, "assess"])
        ).status_code
        == 403
    )
    client.force_login(cs.admin)
    html = client.get(url).content.decode()
    assert "秘密陈述" in html
    # Before the closing date the page explains the refusal.
    response = client.post(reverse("cadres:selection-action", args=[sel.pk, "assess"]))
    assert response.status_code == 400
    sel.closes = TODAY - dt.timedelta(days=1)
    sel.save()
    response = client.post(reverse("cadres:selection-action", args=[sel.pk, "assess"]))
    assert response.status_code == 302
    app = Application.objects.get(person=s)
    assess_url = reverse("cadres:assess", args=[sel.pk, app.pk])
    for c in sel.criteria:
        response = client.post(
            assess_url, {"criterion": c, "verdict": "meets", "evidence": "绩点3.8"}
        )
        assert response.status_code == 302
    response = client.post(
        reverse("cadres:selection-action", args=[sel.pk, "shortlist"]),
        {"applications": [app.pk]},
    )
    assert response.status_code == 302
    sel.refresh_from_db()
    assert sel.state == SelectionState.SHORTLISTED
    # The decision waits for the notice period: refused with an explanation.
    response = client.post(
        reverse("cadres:selection-action", args=[sel.pk, "decide"]),
        {"application": app.pk},
    )
    assert response.status_code == 400
    assert 'id="selection-error"' in response.content.decode()
    client.force_login(UserFactory())
    assert client.post(assess_url, {"criterion": "political"}).status_code == 403


@pytest.mark.parametrize("applicants", [1, 6])
def test_the_managers_selection_page_has_bounded_queries(
    client, cs, applicants, django_assert_num_queries
):
    course = CourseFactory(organisation=cs.union)
    session = TrainingSessionFactory(course=course)
    sel = services.advertise(
        actor=None,
        organisation=cs.department,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        closes=TODAY,
        term_start=TODAY + dt.timedelta(days=30),
        public_contact="vp@su.example.edu.cn",
    )
    for _ in range(applicants):
        p = student(cs.dept_union)
        services.apply(actor=p.user, selection=sel, statement="x")
        Attendance.objects.create(session=session, person=p)
    services.start_assessment(
        actor=None, selection=sel, today=TODAY + dt.timedelta(days=1)
    )
    for app in Application.objects.filter(selection=sel):
        services.assess(
            actor=cs.admin,
            application=app,
            criterion="political",
            verdict="meets",
            evidence="x",
        )
    client.force_login(cs.admin)
    url = reverse("cadres:selection", args=[sel.pk])
    client.get(url)
    # +1: the header's unread-notifications count (#14)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_record_page_for_the_cadre_and_admins_only(client, cs):
    user = UserFactory()
    person = cs.president.person
    person.user = user
    person.save()
    url = reverse("cadres:record", args=[person.pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(user)
    html = client.get(url).content.decode()
    assert 'id="record-messages"' in html and "no-evaluations" in html
    assert client.get(reverse("cadres:me")).status_code == 302
    client.force_login(cs.admin)
    html = client.get(url).content.decode()
    assert 'id="record-posts"' in html and 'id="record-messages"' not in html
    assert reverse("cadres:exit-new") + f"?position={cs.president.pk}" in html


@pytest.mark.parametrize("posts", [1, 8])
def test_the_record_page_has_bounded_queries(
    client, cs, posts, django_assert_num_queries
):
    user = UserFactory()
    person = cs.president.person
    person.user = user
    person.save()
    for i in range(posts):
        PositionFactory(
            organisation=cs.department,
            person=person,
            role=Role.MEMBER,
            title=f"干事{i}",
            start=dt.date(2020 + i % 5, 9, 1 + i),
        )
        RelayMessage.objects.create(
            position=cs.president, sender=UserFactory(), text=f"m{i}"
        )
    client.force_login(user)
    url = reverse("cadres:record", args=[person.pk])
    client.get(url)
    # +1: the header's unread-notifications count (#14); +1: the projects the cadre
    # owned or joined (ORG-11, CAD-3: the projects app's section of the record)
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def test_exit_pages_and_their_authorisation(client, cs):
    cadre = UserFactory()
    vp = PositionFactory(
        organisation=cs.union,
        person=student(cs.dept_union),
        role=Role.VICE_PRESIDENT,
        title="副主席",
        public_contact="vp@su.example.edu.cn",
    )
    vp.person.user = cadre
    vp.person.save()
    failed_evaluation(vp)
    new = reverse("cadres:exit-new") + f"?position={vp.pk}&ground=failed-evaluation"
    client.force_login(UserFactory())
    assert client.get(new).status_code == 403
    client.force_login(cs.admin)
    html = client.get(new).content.decode()
    assert 'value="failed-evaluation" selected' in html or (
        'value="failed-evaluation"' in html and "selected" in html
    )
    response = client.post(
        new, {"position": vp.pk, "ground": "failed-evaluation", "evidence": "测评58分"}
    )
    case = ExitCase.objects.get()
    assert response.status_code == 302
    page = reverse("cadres:exit", args=[case.pk])
    act = lambda a: reverse("cadres:exit-action", args=[case.pk, a])  # noqa: E731
    assert client.post(act("notify"), {"text": "请说明"}).status_code == 302
    # The cadre sees the case and writes a statement; a stranger cannot see it.
    client.force_login(UserFactory())
    assert client.get(page).status_code == 403
    assert client.post(act("statement"), {"text": "冒名"}).status_code == 403
    client.force_login(cadre)
    assert 'id="statement-form"' in client.get(page).content.decode()
    assert client.post(act("statement"), {"text": "我会改进"}).status_code == 302
    assert client.post(act("decide"), {"measure": "dismiss"}).status_code == 403
    client.force_login(cs.admin)
    response = client.post(
        act("decide"), {"measure": "recall", "body": "学代会", "reasons": "x"}
    )
    assert response.status_code == 400  # a recall needs a vote
    response = client.post(
        act("decide"), {"measure": "dismiss", "body": "主席团", "reasons": "测评不合格"}
    )
    assert response.status_code == 302
    assert client.post(act("publish")).status_code == 302
    case.refresh_from_db()
    assert case.state == "published"
    vp.refresh_from_db()
    assert vp.end == TODAY - dt.timedelta(days=1)
    html = client.get(reverse("cadres:roster", args=[cs.union.code])).content.decode()
    assert 'class="vacant" data-role="vice_president"' in html
    client.force_login(cadre)
    assert 'id="appeal-form"' in client.get(page).content.decode()


def test_record_page_rejects_garbage_and_phone_numbers(client, cs):
    user = UserFactory()
    person = cs.president.person
    person.user = user
    person.save()
    client.force_login(user)
    url = reverse("cadres:record", args=[person.pk])
    assert client.post(url, {"read": "x"}).status_code == 404
    response = client.post(url, {"position": cs.president.pk, "contact": "13800138000"})
    assert response.status_code == 400
    cs.president.refresh_from_db()
    assert cs.president.public_contact == "su@example.edu.cn"
    response = client.post(
        url, {"position": cs.president.pk, "contact": "zhuxi@su.example.edu.cn"}
    )
    assert response.status_code == 302
    cs.president.refresh_from_db()
    assert cs.president.public_contact == "zhuxi@su.example.edu.cn"


def test_the_index_lists_advertised_posts_publicly(client, cs):
    sel = services.advertise(
        actor=None,
        organisation=cs.department,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        closes=TODAY + dt.timedelta(days=3),
        term_start=TODAY + dt.timedelta(days=30),
    )
    html = client.get(reverse("cadres:index")).content.decode()
    assert f'id="selection-{sel.pk}"' in html and "权益部部长" in html


def test_my_record_without_a_linked_person_explains_and_goes_to_my_account(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nolink"))
    response = client.get("/cadres/me/", follow=True)
    assert response.redirect_chain[-1][0] == "/people/me/"
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
