"""Participation in the school's decisions (RGT-4) and the union's written requests: who
records them, what is public, the audit both sides and the page's bounded queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories_voice import build_voice_school
from tongxue.advocacy import services
from tongxue.advocacy.models import Committee, Participation, WrittenRequest
from tongxue.business.selectors import union_findings
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def vs():  # type: ignore[no-untyped-def]
    return build_voice_school("P")


def committee(
    vs: Any, name: str = "膳食委员会", *, by: Any = None, **kw: Any
) -> Committee:
    return services.save_committee(
        actor=by or vs.union_admin,
        union=vs.union,
        kind=kw.pop("kind", "catering"),
        name=name,
        seat=kw.pop("seat", "权益部部长"),
        since=kw.pop("since", TODAY - dt.timedelta(days=400)),
        **kw,
    )


def attend(
    vs: Any, c: Committee, held: dt.date = TODAY, *, by: Any = None, **kw: Any
) -> Participation:
    return services.record_participation(
        actor=by or vs.union_officer,
        committee=c,
        held=held,
        matter=kw.pop("matter", "食堂窗口调价"),
        attended_by="权益部部长",
        position=kw.pop("position", "调价前须听取学生意见，保留平价窗口"),
        outcome=kw.pop("outcome", "partly"),
        **kw,
    )


@pytest.mark.parametrize(
    "who", ["union_admin", "union_officer", "federation_admin", "operator"]
)
def test_the_unions_officers_record_participation(vs: Any, who: str) -> None:
    c = committee(vs, by=vs.users[who])
    p = attend(vs, c, by=vs.users[who], outcome_text="保留两个平价窗口")
    assert (p.committee, p.outcome) == (c, "partly")
    record = AuditEvent.objects.get(action="advocacy.participation.record")
    assert record.data["outcome"] == "partly" and "平价" not in str(record.data)


@pytest.mark.parametrize(
    "who", ["class_officer", "dept_officer", "office_handler", "advisor", "author"]
)
def test_others_do_not(vs: Any, who: str) -> None:
    with pytest.raises(Refusal) as refused:
        committee(vs, by=vs.users[who])
    assert refused.value.code == "forbidden"
    c = committee(vs)
    with pytest.raises(Refusal):
        attend(vs, c, by=vs.users[who])


@pytest.mark.parametrize(
    ("offset", "ok"),
    [(0, True), (1, False)],  # today is fine, tomorrow is still to come
)
def test_a_meeting_attended_is_not_in_the_future(
    vs: Any, offset: int, ok: bool
) -> None:
    c = committee(vs)
    day = TODAY + dt.timedelta(days=offset)
    if ok:
        attend(vs, c, day)
    else:
        with pytest.raises(Refusal) as refused:
            attend(vs, c, day)
        assert refused.value.field == "held"


def test_a_meeting_outside_the_seat_is_refused(vs: Any) -> None:
    since = TODAY - dt.timedelta(days=30)
    c = committee(vs, since=since, until=TODAY - dt.timedelta(days=10))
    attend(vs, c, since)  # the first day of the seat
    for day in (since - dt.timedelta(days=1), TODAY - dt.timedelta(days=9)):
        with pytest.raises(Refusal) as refused:
            attend(vs, c, day)
        assert refused.value.field == "held"
    with pytest.raises(Refusal) as backwards:
        committee(
            vs,
            "校务委员会",
            kind="school_affairs",
            since=TODAY,
            until=TODAY - dt.timedelta(days=1),
        )
    assert backwards.value.field == "until"


def test_committee_names_are_unique_per_union(vs: Any) -> None:
    committee(vs)
    with pytest.raises(Refusal) as refused:
        committee(vs)
    assert refused.value.field == "name"
    with pytest.raises(Refusal):
        committee(vs, "x", by=vs.operator, kind="nonsense")


def test_the_public_page_shows_public_records_only(vs: Any, client: Client) -> None:
    c = committee(vs)
    attend(vs, c, matter="食堂窗口调价")
    attend(vs, c, matter="保密议题：学生处分", public=False, position="从轻")
    url = reverse("advocacy:participation", args=[vs.union.code])
    page = client.get(url).content.decode()
    assert "膳食委员会" in page and "食堂窗口调价" in page
    assert "保密议题" not in page and 'id="participation-form"' not in page
    assert 'id="findings"' not in page  # the audit is for the union's readers
    client.force_login(vs.advisor)
    page = client.get(url).content.decode()
    assert (
        "保密议题" in page
        and 'id="participation-form"' not in page
        and 'id="findings"' in page
    )
    client.force_login(vs.union_officer)
    page = client.get(url).content.decode()
    assert 'id="participation-form"' in page and 'id="committee-form"' in page


def test_recording_through_the_pages(vs: Any, client: Client) -> None:
    client.force_login(vs.union_officer)
    add = reverse("advocacy:committee_add", args=[vs.union.code])
    form = {
        "committee-kind": "school_affairs",
        "committee-name": "校务委员会",
        "committee-seat": "学生会主席",
        "committee-since": (TODAY - dt.timedelta(days=10)).isoformat(),
    }
    assert client.post(add, {**form, "committee-seat": ""}).status_code == 400
    assert client.post(add, form).status_code == 302
    c = Committee.objects.get(name="校务委员会")
    edit = reverse("advocacy:committee_edit", args=[vs.union.code, c.pk])
    assert client.get(edit).status_code == 200
    assert (
        client.post(edit, {**form, "committee-seat": "学生会主席、副主席"}).status_code
        == 302
    )
    record = reverse("advocacy:participation_add", args=[vs.union.code])
    entry = {
        "participation-committee": c.pk,
        "participation-held": TODAY.isoformat(),
        "participation-matter": "学费调整",
        "participation-attended_by": "学生会主席",
        "participation-position": "反对本学年上调",
        "participation-outcome": "not_adopted",
        "participation-public": "on",
    }
    future = {**entry, "participation-held": (TODAY + dt.timedelta(days=2)).isoformat()}
    assert client.post(record, future).status_code == 400
    assert client.post(record, entry).status_code == 302
    assert Participation.objects.get().matter == "学费调整"
    client.force_login(vs.author)
    assert client.post(record, entry).status_code == 403
    assert client.post(add, form).status_code == 403
    assert client.get(edit).status_code == 403


# -- written requests ----------------------------------------------------------------------


def test_written_requests_and_the_schools_answer(vs: Any, client: Client) -> None:
    url = reverse("advocacy:requests", args=[vs.union.code])
    assert client.get(url).status_code == 302  # sign in
    client.force_login(vs.author)
    assert client.get(url).status_code == 403
    client.force_login(vs.advisor)  # reads, does not record
    page = client.get(url).content.decode()
    assert 'id="request-form"' not in page
    client.force_login(vs.union_officer)
    form = {
        "request-kind": "committee_seat",
        "request-addressed_to": "校党委办公室",
        "request-sent_on": TODAY.isoformat(),
        "request-summary": "请学校吸收学生会主席为校务委员会成员",
    }
    assert client.post(url, {**form, "request-summary": ""}).status_code == 400
    assert client.post(url, form).status_code == 302
    req = WrittenRequest.objects.get()
    answer = reverse("advocacy:request_answer", args=[vs.union.code, req.pk])
    early = (TODAY - dt.timedelta(days=1)).isoformat()
    client.post(
        answer,
        {f"answer-{req.pk}-outcome": "agreed", f"answer-{req.pk}-answered_on": early},
    )
    req.refresh_from_db()
    assert req.outcome == "pending"  # before it was sent: refused
    client.post(
        answer,
        {
            f"answer-{req.pk}-outcome": "agreed",
            f"answer-{req.pk}-answered_on": TODAY.isoformat(),
            f"answer-{req.pk}-answer": "同意，下学期起列席",
        },
    )
    req.refresh_from_db()
    assert (req.outcome, req.answer) == ("agreed", "同意，下学期起列席")
    with pytest.raises(Refusal):
        services.answer_request(
            actor=vs.advisor, request=req, outcome="declined", answered_on=TODAY
        )


# -- the audit (RGT-4) ---------------------------------------------------------------------


def rgt4(vs: Any, as_of: dt.date = TODAY) -> list[tuple[str, str]]:
    return [
        (f.rule, str(f.severity))
        for f in union_findings(vs.union, "RGT-4", as_of=as_of)
    ]


def test_rgt4_no_participation_then_one_in_the_term(vs: Any) -> None:
    assert rgt4(vs) == [
        ("RGT-4.no-participation", "violation"),
        ("RGT-4.no-committee-seat", "recommendation"),
    ]
    c = committee(vs)
    attend(vs, c, TODAY - dt.timedelta(days=20))
    assert rgt4(vs) == [("RGT-4.no-committee-seat", "recommendation")]
    # six months after the meeting it is still within the term; well after, not
    assert ("RGT-4.no-participation", "violation") in rgt4(
        vs, TODAY + dt.timedelta(days=200)
    )


def test_rgt4_a_seat_on_the_school_affairs_committee_or_a_request(vs: Any) -> None:
    attend(vs, committee(vs))
    services.record_request(
        actor=vs.union_admin,
        union=vs.union,
        kind="committee_seat",
        addressed_to="校长办公室",
        sent_on=TODAY,
        summary="请求校务委员会席位",
    )
    assert rgt4(vs) == []
    WrittenRequest.objects.all().delete()
    committee(vs, "校务委员会", kind="school_affairs", seat="学生会主席")
    assert rgt4(vs) == []


def test_the_participation_page_runs_a_fixed_number_of_queries(
    vs: Any, client: Client
) -> None:
    url = reverse("advocacy:participation", args=[vs.union.code])
    client.force_login(vs.union_officer)
    c = committee(vs)
    attend(vs, c)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(8):
        other = committee(vs, f"委员会{i}", kind="awards")
        attend(vs, other, matter=f"评审{i}")
    assert count() == few
