"""网上学联 (RGT-5 · GS-5): a federation asks students for needs and ideas and answers
publicly in time.

Who may open, change and answer a consultation (each role); the days it takes ideas
(both sides of the opening and closing days); each idea a concern of the student's
school union handled by the federation; the public response in time on both sides of
its due date, National Day holidays and 调休 counted; RGT-5 on both sides of each limit
from the database; who sees which idea (public page, handlers, other students), 同意;
the home item; the pages in bounded queries.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, RoleFactory, UserFactory
from tests.factories_voice import build_voice_school, student
from tongxue.accounts.selectors import my_home
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.findings import Severity
from tongxue.notifications.models import Notification
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import OrgKind
from tongxue.voice import consultation_selectors as cs
from tongxue.voice import services
from tongxue.voice.models import (
    Concern,
    ConcernEvent,
    ConcernStatus,
    Consultation,
    EventKind,
)
from tongxue.voice.services import consultations as cservices

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
#: 2026: National Day holidays, with two weekend days worked instead (调休).
HOLIDAYS = [f"2026-10-0{d}" for d in range(1, 8)]
EXTRA = ["2026-09-27", "2026-10-10"]
CLOSES = dt.date(2026, 9, 30)  # a Wednesday
#: 10 working days after 09-30: 10-08, 09, 10 (调休), 12 … 16, 19, 20.
DUE = dt.date(2026, 10, 20)


@pytest.fixture
def vs():  # type: ignore[no-untyped-def]
    return build_voice_school("C")


@pytest.fixture
def holidays(settings):  # type: ignore[no-untyped-def]
    settings.TONGXUE_HOLIDAYS = HOLIDAYS
    settings.TONGXUE_EXTRA_WORKING_DAYS = EXTRA


def code_of(call: Any) -> str:
    with pytest.raises(Refusal) as e:
        call()
    return e.value.code


def open_consultation(
    vs: Any,
    *,
    opens: dt.date = TODAY,
    closes: dt.date | None = None,
    today: dt.date | None = None,
    federation: Any = None,
    title: str = "你希望省学联今年做哪些事？",
) -> Consultation:
    return cservices.save_consultation(
        actor=vs.federation_admin,
        federation=federation or vs.federation,
        title=title,
        question="请告诉我们你的需求和建议。",
        opens=opens,
        closes=closes or opens + 14 * DAY,
        today=today or opens,
    )


def idea(
    vs: Any,
    c: Consultation,
    *,
    user: Any = None,
    visibility: str = "public",
    today: dt.date | None = None,
    title: str = "多开一些实习招聘会",
    body: str = "希望学联联系企业办招聘会，联系我 13812345678",
) -> Concern:
    return cservices.submit_idea(
        actor=user or vs.author,
        consultation=c,
        title=title,
        body=body,
        visibility=visibility,
        today=today or c.opens,
    ).concern


# -- who may open, change and answer ------------------------------------------------------


def test_only_the_federations_managers_open_a_consultation(vs):  # type: ignore[no-untyped-def]
    city = OrganisationFactory(
        code="CCF", name="C市学联", kind=OrgKind.CITY_FEDERATION, parent=vs.federation
    )
    city_admin = UserFactory(username="c-city-admin")
    RoleFactory(user=city_admin, organisation=city, role=RoleKind.FEDERATION_ADMIN)

    def call(actor: Any, federation: Any = None) -> str:
        return code_of(
            lambda: cservices.save_consultation(
                actor=actor,
                federation=federation or vs.federation,
                title="问题",
                question="内容",
                opens=TODAY,
                closes=TODAY,
            )
        )

    for name in ("author", "union_admin", "union_officer", "advisor", "named"):
        assert call(vs.users[name]) == "forbidden", name
    assert call(AnonymousUser()) == "forbidden"
    assert call(city_admin) == "forbidden"  # a city federation below: not above
    assert call(vs.federation_admin, federation=vs.union) == "not-a-federation"
    assert not Consultation.objects.exists()
    # the federation's administrator, the operator, and a province over its city
    assert open_consultation(vs).number == 1
    c2 = cservices.save_consultation(
        actor=vs.operator,
        federation=vs.federation,
        title="二",
        question="二",
        opens=TODAY,
        closes=TODAY,
    )
    assert c2.number == 2
    assert open_consultation(vs, federation=city).number == 1  # province admin
    record = AuditEvent.objects.get(action="voice.consultation.create", target="CPF 1")
    assert record.actor_id == vs.federation_admin.pk


def test_the_pages_of_the_federations_managers_per_role(vs, client):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    urls = [
        reverse("voice:consultation_new", args=[vs.federation.code]),
        reverse("voice:consultation_edit", args=[vs.federation.code, c.number]),
        reverse("voice:consultation_respond", args=[vs.federation.code, c.number]),
    ]
    for url in urls:
        client.logout()
        assert client.get(url).status_code == 302  # sign in first
        for name in ("author", "union_admin", "union_officer", "advisor"):
            client.force_login(vs.users[name])
            assert client.get(url).status_code == 403, (name, url)
        for name in ("federation_admin", "operator"):
            client.force_login(vs.users[name])
            assert client.get(url).status_code == 200, (name, url)
    # the public pages: everyone, signed in or not
    client.logout()
    page = reverse("voice:consultation", args=[vs.federation.code, c.number])
    assert client.get(page).status_code == 200
    listing = reverse("voice:consultations", args=[vs.federation.code])
    assert client.get(listing).status_code == 200
    # a union is not a federation
    assert (
        client.get(reverse("voice:consultations", args=[vs.union.code])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("voice:consultation", args=[vs.federation.code, 99])
        ).status_code
        == 404
    )


def test_open_through_the_page(vs, client):  # type: ignore[no-untyped-def]
    client.force_login(vs.federation_admin)
    url = reverse("voice:consultation_new", args=[vs.federation.code])
    data = {
        "title": "毕业生就业",
        "question": "你在求职中需要什么帮助？",
        "opens": TODAY.isoformat(),
        "closes": (TODAY - DAY).isoformat(),
    }
    r = client.post(url, data)
    assert r.status_code == 400 and not Consultation.objects.exists()
    data["closes"] = (TODAY + 7 * DAY).isoformat()
    r = client.post(url, data)
    c = Consultation.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(
        f"/consultations/{c.number}/"
    )
    assert c.created_by == vs.federation_admin


def test_dates_a_consultation_may_have_and_keep(vs, holidays):  # type: ignore[no-untyped-def]
    start = dt.date(2026, 9, 1)

    def save(**kw: Any) -> Consultation:
        args = {
            "actor": vs.federation_admin,
            "federation": vs.federation,
            "title": "问题",
            "question": "内容",
            "opens": start,
            "closes": CLOSES,
            "today": start,
        } | kw
        return cservices.save_consultation(**args)

    assert code_of(lambda: save(opens=start - DAY)) == "invalid"  # in the past
    assert code_of(lambda: save(closes=start - DAY)) == "invalid"  # before opening
    assert code_of(lambda: save(closes=start + 366 * DAY)) == "invalid"
    c = save(closes=start + 365 * DAY)
    c = save(consultation=c, closes=CLOSES)
    assert c.answer_due == DUE  # the due date follows the closing day
    # open: only the closing day may move, not before today
    on = start + 3 * DAY
    assert code_of(lambda: save(consultation=c, title="改", today=on)) == "open"
    assert code_of(lambda: save(consultation=c, closes=on - DAY, today=on)) == "invalid"
    c = save(consultation=c, closes=on, today=on)
    assert c.answer_due == on + 14 * DAY  # 10 working days, no holiday in September
    # closed: nothing changes
    assert (
        code_of(lambda: save(consultation=c, closes=CLOSES, today=on + DAY)) == "closed"
    )
    assert AuditEvent.objects.filter(action="voice.consultation.edit").count() == 2


# -- ideas ---------------------------------------------------------------------------------


def test_ideas_are_taken_from_the_opening_to_the_closing_day(vs):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=TODAY + 5 * DAY, today=TODAY)
    assert code_of(lambda: idea(vs, c, today=c.opens - DAY)) == "not-open"
    assert idea(vs, c, today=c.opens).number == 1
    assert idea(vs, c, today=c.closes).number == 2
    assert code_of(lambda: idea(vs, c, today=c.closes + DAY)) == "not-open"


def test_only_students_of_the_federations_schools_send_ideas(vs):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    other = build_voice_school("O")  # another province
    assert code_of(lambda: idea(vs, c, user=other.author)) == "forbidden"
    assert code_of(lambda: idea(vs, c, user=vs.federation_admin)) == "forbidden"
    assert code_of(lambda: idea(vs, c, user=AnonymousUser())) == "forbidden"
    # a student of another school of the same province
    school = OrganisationFactory(
        code="C2SCH", name="C2大学", kind=OrgKind.SCHOOL, parent=vs.federation
    )
    union2 = OrganisationFactory(code="C2SU", name="C2学生会", parent=school)
    dept = OrganisationFactory(
        code="C2DU", kind=OrgKind.DEPARTMENT_UNION, parent=union2, students_served=500
    )
    k = OrganisationFactory(
        code="C2K", kind=OrgKind.CLASS_COMMITTEE, parent=dept, students_served=None
    )
    services.ensure_default_categories(union2)
    assert idea(vs, c, user=student(k, "c2-student")).union == union2
    # a union without a category an idea can take
    school3 = OrganisationFactory(
        code="C3SCH", kind=OrgKind.SCHOOL, parent=vs.federation
    )
    union3 = OrganisationFactory(code="C3SU", parent=school3)
    dept3 = OrganisationFactory(
        code="C3DU", kind=OrgKind.DEPARTMENT_UNION, parent=union3, students_served=500
    )
    k3 = OrganisationFactory(
        code="C3K", kind=OrgKind.CLASS_COMMITTEE, parent=dept3, students_served=None
    )
    assert code_of(lambda: idea(vs, c, user=student(k3, "c3-student"))) == "no-category"


def test_an_idea_is_a_concern_of_the_students_union_handled_by_the_federation(vs):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    i = Concern.objects.select_related("category").get(pk=idea(vs, c).pk)
    assert (i.union, i.handler, i.consultation, i.author) == (
        vs.union,
        vs.federation,
        c,
        vs.author,
    )
    assert i.category.code == "other" and i.status == ConcernStatus.RECEIVED
    assert i.acknowledge_due == i.answer_due == c.answer_due
    assert "13812345678" not in i.public_body
    event = ConcernEvent.objects.get(concern=i)
    assert (event.kind, event.to_org) == (EventKind.RAISED, vs.federation)
    # no notification per idea to the federation (the page lists them)
    assert not Notification.objects.filter(user=vs.federation_admin).exists()
    assert AuditEvent.objects.get(action="voice.consultation.idea").actor_id == (
        vs.author.pk
    )
    # anonymous: no author, a follow-up code, the audit record names nobody
    raised = cservices.submit_idea(
        actor=vs.classmate,
        consultation=c,
        title="匿名建议",
        body="内容",
        visibility="anonymous",
        today=c.opens,
    )
    assert raised.tracking_code and raised.concern.author_id is None
    anon = AuditEvent.objects.filter(action="voice.consultation.idea").latest("pk")
    assert anon.actor_id is None and str(vs.classmate.pk) not in str(anon.data)
    # the day's limit (5) counts ideas with concerns
    for n in range(4):
        idea(vs, c, title=f"建议{n}")
    assert code_of(lambda: idea(vs, c)) == "throttled"


def test_ideas_wait_for_the_federation_not_the_union_in_rgt1(vs):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=TODAY - 60 * DAY, today=TODAY - 60 * DAY)
    idea(vs, c)  # due long ago, never answered
    registry = load_registry(vs.union.code)
    assert registry.open_concerns_of.get(vs.union.code, []) == []


def test_an_idea_past_its_due_date_is_not_escalated_one_by_one(vs):  # type: ignore[no-untyped-def]
    from tongxue.voice.services import escalate_overdue

    c = open_consultation(vs, opens=TODAY - 60 * DAY, today=TODAY - 60 * DAY)
    waiting = idea(vs, c)  # due long ago, never answered: RGT-5 judges the federation
    assert escalate_overdue(today=TODAY) == 0
    waiting.refresh_from_db()
    assert (waiting.handler, waiting.escalated_for) == (vs.federation, None)
    assert not ConcernEvent.objects.filter(
        concern=waiting, kind=EventKind.ESCALATED
    ).exists()


# -- the response -------------------------------------------------------------------------


def test_the_response_after_closing_answers_the_waiting_ideas(vs, holidays):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=dt.date(2026, 9, 14), closes=CLOSES)
    assert c.answer_due == DUE
    first = idea(vs, c)
    second = idea(vs, c, user=vs.classmate, visibility="private")
    anonymous = idea(vs, c, user=vs.other, visibility="anonymous")
    alone = idea(vs, c, title="单独回复的建议")
    services.answer(
        actor=vs.federation_admin, concern=alone, text="已单独答复", today=CLOSES
    )

    def respond(today: dt.date, actor: Any = None) -> int:
        return cservices.respond(
            actor=actor or vs.federation_admin,
            consultation=c,
            text="我们将举办三场招聘会。电话 13812345678",
            today=today,
        )

    assert code_of(lambda: respond(CLOSES)) == "still-open"  # closing day: still open
    assert code_of(lambda: respond(CLOSES + DAY, vs.union_admin)) == "forbidden"
    assert respond(CLOSES + DAY) == 3
    c.refresh_from_db()
    assert timezone.localdate(c.responded_at) == CLOSES + DAY
    for i in (first, second, anonymous):
        i.refresh_from_db()
        assert i.status == ConcernStatus.ANSWERED
        assert i.rating_due == CLOSES + DAY + 7 * DAY
        e = ConcernEvent.objects.get(concern=i, kind=EventKind.ANSWERED)
        assert e.from_org == vs.federation and "13812345678" not in e.public_text
    alone.refresh_from_db()
    assert (
        ConcernEvent.objects.filter(concern=alone, kind=EventKind.ANSWERED).count() == 1
    )
    # each author told once; the anonymous idea has nobody to tell
    told = Notification.objects.filter(kind="voice.consultation_responded")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        [vs.author.pk, vs.classmate.pk]
    )
    # the student rates it as any answer
    services.rate(concern=first, rating="satisfied", actor=vs.author)
    first.refresh_from_db()
    assert first.status == ConcernStatus.CLOSED
    # a correction keeps the date and answers nothing again
    assert respond(CLOSES + 3 * DAY) == 0
    c.refresh_from_db()
    assert timezone.localdate(c.responded_at) == CLOSES + DAY
    assert timezone.localdate(c.response_edited_at) == CLOSES + 3 * DAY
    assert ConcernEvent.objects.filter(kind=EventKind.ANSWERED).count() == 4
    actions = set(
        AuditEvent.objects.filter(
            action__startswith="voice.consultation.respond"
        ).values_list("action", flat=True)
    )
    assert actions == {"voice.consultation.respond", "voice.consultation.respond_edit"}


@pytest.mark.parametrize(
    ("published", "in_time", "late"),
    [(DUE, True, 0), (DUE + DAY, False, 1), (dt.date(2026, 10, 8), True, 0)],
)
def test_in_time_on_both_sides_of_the_due_date(vs, holidays, published, in_time, late):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=dt.date(2026, 9, 14), closes=CLOSES)
    cservices.respond(
        actor=vs.federation_admin, consultation=c, text="答复", today=published
    )
    c.refresh_from_db()
    t = cs.timeliness(
        c,
        today=DUE + 30 * DAY,
        holidays=[dt.date.fromisoformat(d) for d in HOLIDAYS],
        extra_working_days=[dt.date.fromisoformat(d) for d in EXTRA],
    )
    assert (t.phase, t.in_time, t.late) == ("responded", in_time, late)


def test_a_missing_response_is_late_from_the_day_after_the_due_date(vs, holidays):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=dt.date(2026, 9, 14), closes=CLOSES)
    hol = [dt.date.fromisoformat(d) for d in HOLIDAYS]
    # during the holidays, nothing is late yet; on the due day neither
    for day, late in ((dt.date(2026, 10, 7), 0), (DUE, 0), (DUE + DAY, 1)):
        t = cs.timeliness(c, today=day, holidays=hol)
        assert (t.phase, t.late, t.in_time) == ("closed", late, False), day


# -- RGT-5 from the database --------------------------------------------------------------


def rgt5(vs: Any, as_of: dt.date) -> list[tuple[str, str]]:
    report = audit_organisation(code=vs.federation.code, as_of=as_of)
    return sorted(
        (f.rule, f.severity) for f in report.findings if f.requirement == "RGT-5"
    )


def test_rgt5_a_response_missing_past_its_due_date(vs, holidays):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=dt.date(2026, 9, 14), closes=CLOSES)
    assert rgt5(vs, DUE) == []  # due today: in time
    assert rgt5(vs, DUE + DAY) == [("RGT-5.response-missing", Severity.VIOLATION)]
    cservices.respond(
        actor=vs.federation_admin, consultation=c, text="答复", today=DUE + DAY
    )
    assert rgt5(vs, DUE + DAY) == []  # late, but no longer missing
    assert load_registry(vs.federation.code).consultations[0].responded_on == (
        DUE + DAY
    )


def test_rgt5_no_consultation_within_twelve_months(vs):  # type: ignore[no-untyped-def]
    opened = dt.date(2025, 11, 18)
    c = open_consultation(vs, opens=opened, closes=opened)
    cservices.respond(
        actor=vs.federation_admin, consultation=c, text="答复", today=opened + DAY
    )
    assert rgt5(vs, dt.date(2026, 11, 18)) == []  # exactly twelve months
    assert rgt5(vs, dt.date(2026, 11, 19)) == [
        ("RGT-5.no-consultation", Severity.DEVIATION)
    ]
    # a school's audit does not judge the federation above it
    report = audit_organisation(code=vs.union.code, as_of=dt.date(2026, 11, 19))
    assert not [f for f in report.findings if f.requirement == "RGT-5"]


# -- who sees which idea --------------------------------------------------------------------


def test_the_public_page_lists_public_ideas_without_identity(vs, client):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    public = idea(vs, c, title="公开建议 13900001111")
    idea(vs, c, user=vs.classmate, visibility="private", title="私密建议内容")
    idea(vs, c, user=vs.other, visibility="anonymous", title="匿名建议内容")
    page = reverse("voice:consultation", args=[vs.federation.code, c.number])
    secrets = (
        "私密建议内容",
        "匿名建议内容",
        "13900001111",
        vs.author.get_username(),
        vs.author.person.name,
        vs.classmate.get_username(),
    )
    viewers = [None, vs.other, vs.union_officer]
    for user in viewers:
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in (page, page + "?show=all"):
            html = client.get(url).content.decode()
            assert public.reference in html and "公开建议" in html
            for secret in secrets:
                assert secret not in html, (user, url, secret)
    # the federation's handler lists every idea, titles as written, never who sent it
    client.force_login(vs.federation_admin)
    html = client.get(page + "?show=all").content.decode()
    assert "私密建议内容" in html and "匿名建议内容" in html
    for name in (vs.author, vs.classmate, vs.other):
        assert name.get_username() not in html and name.person.name not in html
    # the author sees their own idea, its visibility with it
    client.force_login(vs.classmate)
    html = client.get(page).content.decode()
    assert 'id="my-ideas"' in html and "私密建议内容" in html


def test_a_private_idea_is_seen_by_its_handlers_not_other_students(vs, client):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    private = idea(vs, c, visibility="private")
    url = reverse("voice:detail", args=[vs.union.code, private.number])
    client.force_login(vs.other)
    assert client.get(url).status_code == 404
    client.force_login(vs.federation_admin)
    html = client.get(url).content.decode()
    assert "多开一些实习招聘会" in html and 'id="concern-consultation"' in html


def test_agree_with_a_public_idea(vs, client):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    public = idea(vs, c)
    private = idea(vs, c, visibility="private", title="私密")
    url = reverse("voice:consultation_agree", args=[vs.federation.code, c.number])
    client.force_login(vs.other)
    r = client.post(url, {"idea": public.pk})
    assert r.status_code == 302 and r["Location"].endswith(f"#idea-{public.pk}")
    public.refresh_from_db()
    assert public.supporters == 1
    html = client.get(
        reverse("voice:consultation", args=[vs.federation.code, c.number])
    ).content.decode()
    assert "agree-withdraw" in html
    client.post(url, {"idea": public.pk, "withdraw": "on"})
    public.refresh_from_db()
    assert public.supporters == 0
    assert client.post(url, {"idea": private.pk}).status_code == 404
    # one's own idea: refused, nothing counted
    client.force_login(vs.author)
    client.post(url, {"idea": public.pk})
    public.refresh_from_db()
    assert public.supporters == 0
    client.logout()
    assert client.post(url, {"idea": public.pk}).status_code == 302  # sign in


def test_send_an_idea_through_the_page(vs, client):  # type: ignore[no-untyped-def]
    c = open_consultation(vs)
    page = reverse("voice:consultation", args=[vs.federation.code, c.number])
    url = reverse("voice:consultation_idea", args=[vs.federation.code, c.number])
    html = client.get(page).content.decode()
    assert 'id="idea-sign-in"' in html and 'id="idea-form"' not in html
    client.force_login(build_voice_school("O").author)
    html = client.get(page).content.decode()
    assert 'id="idea-who"' in html and 'id="idea-form"' not in html
    client.force_login(vs.author)
    assert 'id="idea-form"' in client.get(page).content.decode()
    r = client.post(url, {"title": "", "body": "内容", "visibility": "public"})
    assert r.status_code == 400 and not Concern.objects.exists()
    r = client.post(url, {"title": "建议", "body": "内容", "visibility": "public"})
    assert r.status_code == 302 and r["Location"].endswith("#my-ideas")
    r = client.post(url, {"title": "匿名", "body": "内容", "visibility": "anonymous"})
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    assert re.search(r'id="follow-up-code" value="[0-9A-Z-]{14}"', r.content.decode())


# -- the home ----------------------------------------------------------------------------


def test_the_home_shows_an_open_consultation_to_the_federations_students(vs):  # type: ignore[no-untyped-def]
    c = open_consultation(vs, opens=TODAY + DAY, today=TODAY)
    other = build_voice_school("O")

    def kinds(user: Any, now: dt.datetime) -> list[str]:
        return [
            i.kind for i in my_home(user, now).items if i.kind == "voice-consultation"
        ]

    noon = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12)))
    assert kinds(vs.author, noon) == []  # not yet open
    assert kinds(vs.author, noon + DAY) == ["voice-consultation"]
    assert kinds(vs.author, noon + 15 * DAY) == ["voice-consultation"]  # closing day
    assert kinds(vs.author, noon + 16 * DAY) == []  # closed
    assert kinds(other.author, noon + DAY) == []  # another province
    assert kinds(vs.federation_admin, noon + DAY) == []  # not a student
    item = next(
        i
        for i in my_home(vs.author, noon + DAY).items
        if i.kind == "voice-consultation"
    )
    assert item.item.url == reverse(
        "voice:consultation", args=[vs.federation.code, c.number]
    )
    assert item.item.due == c.closes


# -- bounded queries ------------------------------------------------------------------------


def test_the_pages_read_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    vs, client, django_assert_max_num_queries
):
    c = open_consultation(vs)
    users = [student(vs.k1, f"c-many-{n}") for n in range(12)]
    for n, user in enumerate(users):
        idea(vs, c, user=user, title=f"建议{n}")
        idea(vs, c, user=user, title=f"私密{n}", visibility="private")
    for n in range(2, 6):
        open_consultation(vs, title=f"第{n}次")
    page = reverse("voice:consultation", args=[vs.federation.code, c.number])
    listing = reverse("voice:consultations", args=[vs.federation.code])
    # session, user, roles (3), counts, a page of ideas, 同意, own ideas, the
    # student's union (2), the unread count …: not one per idea nor per consultation
    for user in (None, vs.other, users[0], vs.federation_admin):
        client.logout()
        if user is not None:
            client.force_login(user)
        with django_assert_max_num_queries(16):
            assert client.get(page).status_code == 200
        with django_assert_max_num_queries(16):
            assert client.get(page + "?show=all").status_code == 200
        with django_assert_max_num_queries(7):
            assert client.get(listing).status_code == 200
