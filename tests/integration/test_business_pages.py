"""Business pages: public reads, managers' forms, refusals as form errors, the audit
of a recorded congress (CON-7 through the registry) and query counts at two sizes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.factories_business import (
    AgendaItemFactory,
    CharterVersionFactory,
    union_with_congress,
)
from tongxue.business import services
from tongxue.business.models import (
    AgendaItem,
    CharterVersion,
    StandingDelegate,
    StudentOpinion,
)
from tongxue.congresses.models import MeetingKind, MeetingStatus
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def u():
    return union_with_congress(opened=dt.date.today() + dt.timedelta(days=30))


def url(u, tail: str = "") -> str:
    return f"/org/{u.union.code}/meetings/{u.congress.code}/business/{tail}"


# -- registry and audit --------------------------------------------------------------


def test_the_registry_carries_the_recorded_business(u):
    AgendaItemFactory(meeting=u.congress, kind="leadership")
    StudentOpinion.objects.create(meeting=u.congress, text="x")
    reg = load_registry(u.union.code)
    m = next(m for m in reg.meetings if m.code == u.congress.code)
    assert set(m.agenda) == {"leadership", "opinions"}
    assert not m.charter_in_force
    CharterVersionFactory(union=u.union, adopted_on=u.congress.opened)
    m = next(
        m for m in load_registry(u.union.code).meetings if m.code == u.congress.code
    )
    assert m.charter_in_force


def test_a_charter_adopted_after_the_congress_is_not_in_force_at_it(u):
    CharterVersionFactory(union=u.union, adopted_on=u.congress.opened + dt.timedelta(1))
    m = next(
        m for m in load_registry(u.union.code).meetings if m.code == u.congress.code
    )
    assert not m.charter_in_force


def test_a_charter_adopted_by_a_motion_of_the_congress_counts(u):
    motion = services.propose_charter_motion(
        actor=u.admin, meeting=u.congress, kind="adoption", title="t", text="章程"
    )
    services.record_motion_vote(
        actor=u.admin,
        motion=motion,
        yes=6,
        no=0,
        abstain=0,
        method="votes_cast",
        voted_on=u.congress.opened + dt.timedelta(days=3),
    )
    m = next(
        m for m in load_registry(u.union.code).meetings if m.code == u.congress.code
    )
    assert m.charter_in_force and "charter_adoption" in m.agenda


def test_the_business_page_shows_the_con_7_finding_of_a_held_congress(client):
    u = union_with_congress(prefix="H", opened=dt.date.today() - dt.timedelta(days=3))
    AgendaItemFactory(meeting=u.congress, kind="leadership")
    response = client.get(url(u))
    rules = {f.rule for f in response.context["findings"]}
    assert {"CON-7.work-report", "CON-7.charter", "CON-7.opinions"} <= rules
    assert "CON-7.leadership" not in rules
    assert b'data-rule="CON-7.work-report"' in response.content


# -- public pages --------------------------------------------------------------------


def test_the_business_page_is_public_with_empty_states_and_no_forms(client, u):
    response = client.get(url(u))
    assert response.status_code == 200
    html = response.content.decode()
    for empty in ("agenda-empty", "report-empty", "motions-empty", "opinions-empty"):
        assert f'id="{empty}"' in html
    assert 'id="agenda-form"' not in html and 'id="opinion-form"' not in html


def test_opinions_are_public_without_their_authors(client, u):
    services.submit_opinion(actor=u.outsider, meeting=u.congress, text="图书馆延长开放")
    html = client.get(url(u)).content.decode()
    assert "图书馆延长开放" in html
    assert u.outsider.username not in html


def test_the_standing_page_is_public_without_identifiers(client, u):
    person = u.delegates_a[0]
    services.recommend_standing_delegate(
        actor=u.dept_admin, union=u.union, department=u.dept_a, person=person
    )
    response = client.get(f"/org/{u.union.code}/standing/")
    html = response.content.decode()
    assert response.status_code == 200
    assert person.name in html and u.dept_a.name in html
    assert person.ident not in html and person.student_number not in html
    assert 'id="standing-form"' not in html


def test_the_standing_page_shows_the_con_9_finding(client):
    u = union_with_congress(prefix="N", opened=dt.date(2020, 10, 1))
    response = client.get(f"/org/{u.union.code}/standing/")
    rules = {f.rule for f in response.context["findings"]}
    # optional until adopted: a union without standing delegates gets no CON-9
    assert "CON-9.standing-conference" not in rules
    services.recommend_standing_delegate(
        actor=u.dept_admin,
        union=u.union,
        department=u.dept_a,
        person=u.delegates_a[0],
        on=dt.date(2020, 11, 1),
    )
    response = client.get(f"/org/{u.union.code}/standing/")
    rules = {f.rule for f in response.context["findings"]}
    assert "CON-9.standing-conference" in rules
    assert b'data-rule="CON-9.standing-conference"' in response.content
    # a planned meeting in last year counts for nothing; one that convened does
    planned = MeetingFactory(
        organisation=u.union,
        kind=MeetingKind.STANDING_CONFERENCE,
        code="NSC",
        opened=dt.date(dt.date.today().year - 1, 6, 1),
        status=MeetingStatus.PLANNED,
    )
    response = client.get(f"/org/{u.union.code}/standing/")
    assert "CON-9.standing-conference" in {f.rule for f in response.context["findings"]}
    planned.status = MeetingStatus.CLOSED
    planned.save()
    response = client.get(f"/org/{u.union.code}/standing/")
    assert "CON-9.standing-conference" not in {
        f.rule for f in response.context["findings"]
    }


def test_the_charter_page_shows_the_text_and_history(client, u):
    CharterVersionFactory(union=u.union, text="旧章程")
    CharterVersionFactory(
        union=u.union, number=2, text="新章程", adopted_on=dt.date(2024, 5, 1)
    )
    html = client.get(f"/org/{u.union.code}/charter/").content.decode()
    assert (
        "新章程" in html and 'data-version="1"' in html and 'data-version="2"' in html
    )
    response = client.get(f"/org/{u.union.code}/charter/2/")
    assert response.status_code == 200 and "<del>" in response.content.decode()
    assert client.get(f"/org/{u.union.code}/charter/9/").status_code == 404


def test_the_charter_page_empty_state(client, u):
    assert b'id="charter-empty"' in client.get(f"/org/{u.union.code}/charter/").content


# -- managers' forms -----------------------------------------------------------------


def test_a_manager_sees_the_forms_and_adds_an_item(client, u):
    client.force_login(u.admin)
    assert b'id="agenda-form"' in client.get(url(u)).content
    response = client.post(
        url(u, "agenda/"), {"agenda-kind": "work_report", "agenda-title": "工作报告"}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get().title == "工作报告"


def test_a_refusal_becomes_a_form_error(client, u):
    meeting = MeetingFactory(
        organisation=u.union, kind=MeetingKind.STANDING_CONFERENCE, code="BSC"
    )
    client.force_login(u.admin)
    response = client.post(
        f"/org/{u.union.code}/meetings/BSC/business/agenda/",
        {"agenda-kind": "rights_case", "agenda-title": "处理投诉"},
    )
    assert response.status_code == 400
    assert "CON-10" in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("tail", "data"),
    [
        ("agenda/", {"agenda-kind": "other", "agenda-title": "x"}),
        ("report/", {"report-title": "t", "report-text": "x"}),
        (
            "motions/",
            {"motion-kind": "adoption", "motion-title": "t", "motion-text": "x"},
        ),
        ("opinions/groups/", {"group-title": "t"}),
    ],
)
def test_writes_need_a_manager(client, u, tail, data):
    assert client.post(url(u, tail), data).status_code == 403
    client.force_login(u.outsider)
    assert client.post(url(u, tail), data).status_code == 403


def test_removing_an_item_asks_to_confirm_first(client, u):
    item = AgendaItemFactory(meeting=u.congress)
    client.force_login(u.admin)
    target = url(u, f"agenda/{item.pk}/remove/")
    response = client.get(target)
    assert response.status_code == 200 and b'id="confirm-form"' in response.content
    assert client.post(target, {}).status_code == 400
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert client.post(target, {"confirm": "on"}).status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_report_submission_with_attachment_and_review(client, u):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(u.admin)
    response = client.post(
        url(u, "report/"),
        {
            "report-title": "年度工作报告",
            "report-text": "过去一年",
            "report-attachment": SimpleUploadedFile("报告.pdf", b"%PDF-1.4 x"),
        },
    )
    assert response.status_code == 302
    download = client.get(url(u, "report/attachment/"))
    assert download.status_code == 200 and download.content == b"%PDF-1.4 x"
    response = client.post(
        url(u, "report/review/"),
        {
            "review-method": "votes_cast",
            "review-yes": 5,
            "review-no": 1,
            "review-abstain": 0,
            "review-voted_on": "2026-10-20",
        },
    )
    assert response.status_code == 302
    u.congress.refresh_from_db()
    assert u.congress.work_report


def test_proposing_a_motion_shows_its_diff_and_the_vote_makes_it_the_charter(client, u):
    CharterVersionFactory(union=u.union, text="第一条 甲\n第二条 乙")
    client.force_login(u.admin)
    response = client.post(
        url(u, "motions/"),
        {
            "motion-kind": "amendment",
            "motion-title": "修改第二条",
            "motion-text": "第一条 甲\n第二条 丙",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<del>" in page and "<ins>" in page and "第二条 丙" in page
    assert "style=" not in page
    response = client.post(
        response["Location"],
        {
            "vote-method": "delegates_two_thirds",
            "vote-yes": 4,
            "vote-no": 2,
            "vote-abstain": 0,
            "vote-voted_on": "2026-10-20",
        },
    )
    assert response.status_code == 302
    assert CharterVersion.objects.filter(union=u.union).count() == 2
    client.logout()
    assert "第二条 丙" in client.get(f"/org/{u.union.code}/charter/").content.decode()


def test_a_student_submits_an_opinion(client, u):
    client.force_login(u.outsider)
    response = client.post(url(u, "opinions/"), {"opinion-text": "宿舍热水"})
    assert response.status_code == 302
    assert StudentOpinion.objects.get().author == u.outsider
    client.logout()
    assert client.post(url(u, "opinions/"), {"opinion-text": "x"}).status_code == 403


def test_a_department_admin_recommends_on_the_standing_page(client, u):
    client.force_login(u.dept_admin)
    page = client.get(f"/org/{u.union.code}/standing/")
    assert b'id="standing-form"' in page.content
    response = client.post(
        f"/org/{u.union.code}/standing/",
        {
            "standing-department": u.dept_a.code,
            "standing-person": u.delegates_b[0].ident,
        },
    )
    assert response.status_code == 400 and "CON-8" in response.content.decode()
    response = client.post(
        f"/org/{u.union.code}/standing/",
        {
            "standing-department": u.dept_a.code,
            "standing-person": u.delegates_a[0].ident,
        },
    )
    assert response.status_code == 302
    standing = StandingDelegate.objects.get()
    end = f"/org/{u.union.code}/standing/{standing.pk}/end/"
    assert b'id="confirm-form"' in client.get(end).content
    assert client.post(end, {"confirm": "on"}).status_code == 302
    standing.refresh_from_db()
    assert standing.ended_on is not None


def test_an_outsider_cannot_recommend_or_end(client, u):
    standing = services.recommend_standing_delegate(
        actor=u.admin, union=u.union, department=u.dept_a, person=u.delegates_a[0]
    )
    client.force_login(u.outsider)
    response = client.post(
        f"/org/{u.union.code}/standing/",
        {
            "standing-department": u.dept_a.code,
            "standing-person": u.delegates_a[1].ident,
        },
    )
    assert response.status_code == 403
    assert (
        client.get(f"/org/{u.union.code}/standing/{standing.pk}/end/").status_code
        == 403
    )


def test_a_department_admin_sees_only_their_own_delegates_identifiers(client, u):
    # The recommend form offers the congress delegates the user may recommend: a
    # department's admin, those of their department only (CON-8 refuses the others).
    client.force_login(u.dept_admin)
    html = client.get(f"/org/{u.union.code}/standing/").content.decode()
    assert all(p.ident in html and p.name in html for p in u.delegates_a)
    assert not any(p.ident in html or p.name in html for p in u.delegates_b)
    response = client.post(
        f"/org/{u.union.code}/standing/",
        {
            "standing-department": u.dept_a.code,
            "standing-person": u.delegates_b[0].ident,
        },
    )
    assert response.status_code == 400  # not a choice (the error echoes the input)
    assert not any(p.ident in response.content.decode() for p in u.delegates_b[1:])
    assert not StandingDelegate.objects.exists()


def test_the_union_admin_sees_every_departments_delegates(client, u):
    client.force_login(u.admin)
    html = client.get(f"/org/{u.union.code}/standing/").content.decode()
    assert all(p.ident in html for p in u.delegates_a + u.delegates_b)


def test_a_signed_in_student_sees_names_only(client, u):
    services.recommend_standing_delegate(
        actor=u.dept_admin, union=u.union, department=u.dept_a, person=u.delegates_a[0]
    )
    client.force_login(u.outsider)
    html = client.get(f"/org/{u.union.code}/standing/").content.decode()
    assert u.delegates_a[0].name in html
    assert not any(p.ident in html for p in u.delegates_a + u.delegates_b)


# -- query counts --------------------------------------------------------------------


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _grow(u, n: int) -> None:
    CharterVersionFactory(union=u.union, number=100 + n, text="x\n" * n)
    for i in range(n):
        AgendaItemFactory(meeting=u.congress)
        StudentOpinion.objects.create(meeting=u.congress, text=f"意见{i}")
        services.propose_charter_motion(
            actor=u.admin,
            meeting=u.congress,
            kind="amendment",
            title=f"m{i}",
            text=f"t{i}",
        )
        dept = OrganisationFactory(
            code=f"G{n}-D{i}", kind=OrgKind.DEPARTMENT_UNION, parent=u.union
        )
        person = PersonFactory(ident=f"G{n}-{i}", department=dept)
        DelegateFactory(meeting=u.congress, person=person)
        StandingDelegate.objects.create(
            union=u.union,
            congress=u.congress,
            person=person,
            department=dept,
            recommended_on=dt.date(2026, 1, 1),
        )


@pytest.mark.parametrize("who", ["anonymous", "admin", "dept_admin"])
@pytest.mark.parametrize("page", ["business", "standing", "charter"])
def test_pages_run_a_bounded_number_of_queries(
    client, u, django_assert_num_queries, who, page
):
    if who != "anonymous":
        client.force_login(getattr(u, who))
    path = {
        "business": url(u),
        "standing": f"/org/{u.union.code}/standing/",
        "charter": f"/org/{u.union.code}/charter/",
    }[page]
    _grow(u, 1)
    small = _count(client, path)
    _grow(u, 12)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


# -- JSON API ------------------------------------------------------------------------


def test_the_api_publishes_the_charter_standing_delegates_and_business(client, u):
    CharterVersionFactory(union=u.union, text="甲")
    motion = services.propose_charter_motion(
        actor=u.admin, meeting=u.congress, kind="amendment", title="t", text="乙"
    )
    services.record_motion_vote(
        actor=u.admin, motion=motion, yes=5, no=1, abstain=0, method="votes_cast"
    )
    services.recommend_standing_delegate(
        actor=u.admin, union=u.union, department=u.dept_a, person=u.delegates_a[0]
    )
    versions = client.get(f"/api/business/{u.union.code}/charter").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[0]["text"] == "乙"
    standing = client.get(f"/api/business/{u.union.code}/standing-delegates").json()
    assert standing == [
        {
            "name": u.delegates_a[0].name,
            "department": u.dept_a.name,
            "congress": u.congress.code,
            "recommended_on": standing[0]["recommended_on"],
        }
    ]
    data = client.get(f"/api/business/{u.union.code}/meetings/{u.congress.code}").json()
    assert data["motions"][0]["status"] == "passed"
    assert data["motions"][0]["vote"]["yes"] == 5
    assert data["agenda"] == [{"kind": "charter_amendment", "title": "t"}]


def test_a_manager_hides_an_opinion_after_confirming_with_a_reason(client, u):
    opinion = services.submit_opinion(
        actor=u.outsider, meeting=u.congress, text="某某同学电话13800000000"
    )
    hide = url(u, f"opinions/{opinion.pk}/hide/")
    assert client.get(hide).status_code == 403
    client.force_login(u.admin)
    assert b'id="confirm-form"' in client.get(hide).content
    assert client.post(hide, {"confirm": "on"}).status_code == 400  # no reason
    assert (
        client.post(hide, {"confirm": "on", "reason": "含个人信息"}).status_code == 302
    )
    opinion.refresh_from_db()
    assert opinion.hidden_reason == "含个人信息"
    client.logout()
    html = client.get(url(u)).content.decode()
    assert "13800000000" not in html and 'id="opinions-empty"' in html
    # Still collected: the audit counts it.
    m = next(
        m for m in load_registry(u.union.code).meetings if m.code == u.congress.code
    )
    assert "opinions" in m.agenda
