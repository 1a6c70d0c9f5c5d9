"""Reports to the school (形成报告提交学校党政部门, #17, RGT-1 · GS-10, CQ-5).

A hand-made November of one union: every number of the report checked by hand (counts
by state, category and office, the four rates, topics, overdue items on both sides of
their deadlines, concerns shared by many, the previous report's items); sensitive
concerns and those about a cadre counted and never listed, no author anywhere;
generated as a job with progress; submitted with a confirmation, audit-logged, its
items followed until each is concluded; the PDF in Chinese and in English
(pdftotext) and the Excel file; who may, role by role; a bounded list page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.factories import RoleFactory, UserFactory
from tests.factories_voice_public import at, build_school, concern
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.jobs.models import Job
from tongxue.jobs.testing import run_queued_jobs
from tongxue.voice import report_services, reports
from tongxue.voice.models import (
    Concern,
    ReportItem,
    ReportStatus,
    SchoolReport,
    Visibility,
)
from tongxue.voice.text import token_string, tokens

pytestmark = pytest.mark.django_db

NOV = reports.month_period(dt.date(2026, 11, 1))
AS_OF = dt.date(2026, 12, 7)  # a Monday
D = dt.date


def _c(s, title, **kw):  # type: ignore[no-untyped-def]
    """A concern row whose words are its title's (jieba), as raising stores them."""
    c = concern(s, title=title, body=title, **kw)
    Concern.objects.filter(pk=c.pk).update(tokens=token_string(tokens(title)))
    return c


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    s = build_school()
    hq, jw = s.offices
    u = s.union
    c = {}
    # -- raised in November ------------------------------------------------------------
    # answered and acknowledged in time, concluded satisfied, shared by 6
    c["c1"] = _c(s, "二食堂饭菜太贵", handler=hq, raised=D(2026, 11, 2),
                 acknowledge_due=D(2026, 11, 4), acknowledged=D(2026, 11, 3),
                 answer_due=D(2026, 11, 16), answered=D(2026, 11, 10),
                 closed=D(2026, 11, 12), status="closed", rating="satisfied",
                 supporters=6)  # fmt: skip
    # acknowledged and answered late, waiting for the rating
    c["c2"] = _c(s, "二食堂饭菜有头发", handler=hq, raised=D(2026, 11, 5),
                 acknowledge_due=D(2026, 11, 7), acknowledged=D(2026, 11, 9),
                 answer_due=D(2026, 11, 19), answered=D(2026, 11, 25),
                 status="answered")  # fmt: skip
    # private, never acknowledged: overdue since 11-24 (9 working days on 12-07)
    c["c3"] = _c(s, "宿舍热水器坏了", handler=hq, raised=D(2026, 11, 20),
                 visibility=Visibility.PRIVATE, category="dorm",
                 acknowledge_due=D(2026, 11, 24), answer_due=D(2026, 12, 4))  # fmt: skip
    # acknowledged in time, answer overdue since 12-01 (4 working days), shared by 7
    c["c4"] = _c(s, "宿舍热水不热", handler=u, raised=D(2026, 11, 21),
                 category="dorm", status="in_hand",
                 acknowledge_due=D(2026, 11, 24), acknowledged=D(2026, 11, 23),
                 answer_due=D(2026, 12, 1), supporters=7)  # fmt: skip
    # sensitive, overdue: counted, never listed
    c["c5"] = _c(s, "心理压力很大睡不着", handler=u, raised=D(2026, 11, 10),
                 category="mind", acknowledge_due=D(2026, 11, 11),
                 answer_due=D(2026, 11, 24))  # fmt: skip
    # about a cadre, concluded basically satisfied: counted, never listed
    c["c6"] = _c(s, "班长克扣班费", handler=u, raised=D(2026, 11, 12),
                 category="cadre", about_person=s.people[1],
                 acknowledge_due=D(2026, 11, 14), acknowledged=D(2026, 11, 13),
                 answer_due=D(2026, 11, 26), answered=D(2026, 11, 20),
                 closed=D(2026, 11, 22), status="closed", rating="basically")  # fmt: skip
    # merged into c1: raised, not counted in the rates, no topic
    c["c7"] = _c(s, "二食堂饭菜贵", handler=hq, raised=D(2026, 11, 6),
                 status="merged")  # fmt: skip
    # -- raised outside November ------------------------------------------------------
    # October, answer overdue since 10-29 (27 working days)
    c["c8"] = _c(s, "宿舍空调漏水", handler=jw, raised=D(2026, 10, 15),
                 category="dorm", status="in_hand",
                 acknowledge_due=D(2026, 10, 17), acknowledged=D(2026, 10, 16),
                 answer_due=D(2026, 10, 29))  # fmt: skip
    # October, answered and waiting for the rating, shared by 9: still open
    c["c9"] = _c(s, "图书馆座位不够", handler=u, raised=D(2026, 10, 1),
                 acknowledged=D(2026, 10, 2), answered=D(2026, 10, 9),
                 status="answered", supporters=9)  # fmt: skip
    # October, concluded, shared by 10: neither in the period nor open
    c["c10"] = _c(s, "操场灯光太暗", handler=u, raised=D(2026, 10, 2),
                  acknowledged=D(2026, 10, 3), answered=D(2026, 10, 9),
                  closed=D(2026, 10, 20), status="closed", rating="satisfied",
                  supporters=10)  # fmt: skip
    # December, acknowledgement overdue since 12-04 (1 working day)
    c["c11"] = _c(s, "自习室晚上断电", handler=u, raised=D(2026, 12, 2),
                  acknowledge_due=D(2026, 12, 4), answer_due=D(2026, 12, 16))  # fmt: skip
    # December, acknowledgement due on 12-07 itself: in time, not overdue
    c["c12"] = _c(s, "快递点排队太久", handler=u, raised=D(2026, 12, 3),
                  acknowledge_due=D(2026, 12, 7), answer_due=D(2026, 12, 17),
                  supporters=4)  # fmt: skip
    s.c = {k: Concern.objects.get(pk=v.pk) for k, v in c.items()}
    # roles
    s.admin = UserFactory(username="v-admin")
    RoleFactory(user=s.admin, organisation=u, role=RoleKind.UNION_ADMIN)
    s.dept_officer = UserFactory(username="v-dept-officer")
    RoleFactory(user=s.dept_officer, organisation=s.dept, role=RoleKind.RIGHTS_OFFICER)
    s.office_handler = UserFactory(username="v-office")
    RoleFactory(user=s.office_handler, organisation=hq, role=RoleKind.OFFICE_HANDLER)
    s.advisor = UserFactory(username="v-advisor")
    RoleFactory(user=s.advisor, organisation=s.school, role=RoleKind.LEAGUE_ADVISOR)
    s.operator = UserFactory(username="v-op", is_superuser=True, is_staff=True)
    return s


def _generate(s, period=NOV, today=AS_OF, actor=None):  # type: ignore[no-untyped-def]
    return report_services.generate(
        actor=actor or s.officer, union=s.union, period=period, today=today
    )


def _by(rows, key):  # type: ignore[no-untyped-def]
    return {r[key]: r for r in rows}


# ------------------------------------------------------------------------ the content


def test_counts_rates_and_lists_of_a_hand_made_month(s):  # type: ignore[no-untyped-def]
    report = _generate(s)
    c = report.content
    assert (report.status, report.kind, report.period_start, report.period_end) == (
        ReportStatus.DRAFT,
        "monthly",
        D(2026, 11, 1),
        D(2026, 11, 30),
    )
    assert c["as_of"] == "2026-12-07"
    t = c["totals"]
    assert t["raised"] == 7  # c1 … c7
    assert t["counted"] == 6  # c7 merged
    assert t["statuses"] == {
        "answered": 1,
        "closed": 2,
        "in_hand": 1,
        "merged": 1,
        "received": 2,
    }
    assert (t["open"], t["answered"], t["closed"]) == (3, 1, 2)
    assert t["restricted"] == 2  # c5 sensitive, c6 about a cadre
    assert t["supporters"] == 13
    # overdue on 12-07: c3, c4, c5, c8 (October), c11 (December); c12 due that day: not
    assert (t["overdue"], t["overdue_outside"]) == (5, 2)

    f = reports.figures_of(c["figures"])
    # response: in time c1, c4, c6 of c1…c6 (all judged); answer: c1, c6 of six
    assert (f.responded_in_time, f.response_base) == (3, 6)
    assert (f.answered_in_time, f.answer_base) == (2, 6)
    assert (f.solved, f.closed, f.satisfied, f.rated) == (2, 2, 2, 2)

    cats = _by(c["by_category"], "category")
    assert list(cats) == ["food", "dorm", "mind", "cadre"]  # the union's order
    assert {k: (v["raised"], v["open"], v["closed"], v["solved"], v["overdue"])
            for k, v in cats.items()} == {
        "food": (3, 0, 1, 1, 0),
        "dorm": (2, 2, 0, 0, 2),
        "mind": (1, 1, 0, 0, 1),
        "cadre": (1, 0, 1, 1, 0),
    }  # fmt: skip

    hq, jw = s.offices
    offices = _by(c["by_office"], "unit")
    # the offices first, then the union's units
    assert [r["unit"] for r in c["by_office"]] == [hq.code, jw.code, s.union.code]
    assert (offices[hq.code]["raised"], offices[hq.code]["open"]) == (4, 1)
    assert offices[hq.code]["overdue"] == 1  # c3
    fh = reports.figures_of(offices[hq.code]["figures"])
    assert (fh.received, fh.responded_in_time, fh.response_base) == (3, 1, 3)
    assert (fh.answered_in_time, fh.answer_base, fh.solved, fh.closed) == (1, 3, 1, 1)
    # 教务处: no concern raised in November, one overdue from October
    assert (offices[jw.code]["raised"], offices[jw.code]["overdue"]) == (0, 1)
    assert reports.figures_of(offices[jw.code]["figures"]).response_rate is None
    assert offices[s.union.code]["raised"] == 3  # c4, c5, c6
    assert offices[s.union.code]["overdue"] == 3  # c4, c5, c11
    assert c["units"][hq.code]["name"] == hq.name

    overdue = c["overdue"]
    assert [i["reference"] for i in overdue["items"]] == [
        s.c[k].reference for k in ("c8", "c3", "c4", "c11")
    ]  # the most working days late first: 27, 9, 4, 1
    assert [(i["deadline"], i["due"], i["late"], i["outside"]) for i in overdue["items"]] == [
        ("answer", "2026-10-29", 27, True),
        ("acknowledge", "2026-11-24", 9, False),
        ("answer", "2026-12-01", 4, False),
        ("acknowledge", "2026-12-04", 1, True),
    ]  # fmt: skip
    assert (overdue["total"], overdue["restricted"], overdue["not_listed"]) == (5, 1, 0)

    # shared by at least 5: c9 (October, still open), c4, c1; not c10 (October,
    # concluded), not c12 (4)
    assert c["supported"]["min"] == reports.MANY_SUPPORTERS == 5
    assert [i["reference"] for i in c["supported"]["items"]] == [
        s.c[k].reference for k in ("c9", "c4", "c1")
    ]
    assert c["items"] == [
        {"id": s.c["c8"].pk, "reason": "overdue"},
        {"id": s.c["c3"].pk, "reason": "overdue"},
        {"id": s.c["c4"].pk, "reason": "overdue"},
        {"id": s.c["c11"].pk, "reason": "overdue"},
        {"id": s.c["c9"].pk, "reason": "supported"},
        {"id": s.c["c1"].pk, "reason": "supported"},
    ]
    assert c["previous"] is None
    # audited, without any concern's text
    event = AuditEvent.objects.get(action="voice.report.generate")
    assert event.target == f"{s.union.code} monthly 2026-11-01"
    assert event.data["raised"] == 7 and "二食堂" not in json.dumps(event.data)


def test_topics_are_keywords_grouped(s):  # type: ignore[no-untyped-def]
    c = _generate(s).content
    groups = [set(t["words"]) for t in c["topics"]]
    # the period's listable concerns: c1, c2 (食堂 饭菜) and c3, c4 (宿舍 热水)
    food = next(g for g in groups if "食堂" in g)
    dorm = next(g for g in groups if "宿舍" in g)
    assert "饭菜" in food and "热水" in dorm and food is not dorm
    topic = next(t for t in c["topics"] if "食堂" in t["words"])
    assert (topic["concerns"], topic["supporters"], topic["open"]) == (2, 6, 1)
    assert topic["categories"] == [["food", 2]]
    assert topic["examples"][0] == s.c["c1"].reference  # the most supported first
    # a word of one concern only, a sensitive concern's words: no topic
    words = {w for g in groups for w in g}
    assert not words & {"头发", "心理", "压力", "班费", "空调"}


def test_topics_merge_containing_words_and_words_of_the_same_concerns():
    docs = [
        ["二食堂", "食堂", "饭菜", "太贵"],
        ["二食堂", "食堂", "饭菜", "头发"],
        ["食堂", "排队"],
        ["空调", "维修", "宿舍"],
        ["空调", "维修", "噪音"],
        ["网速", "太慢"],
        ["网速", "断网"],
        ["孤词"],
    ]
    found = reports.topics(docs, weight=lambda w: 10.0 if w != "食堂" else 12.0)
    as_sets = [(set(words), docs_) for words, docs_ in found]
    assert ({"食堂", "二食堂", "饭菜"}, {0, 1, 2}) in as_sets
    assert ({"空调", "维修"}, {3, 4}) in as_sets
    assert ({"网速"}, {5, 6}) in as_sets
    assert len(found) == 3  # 孤词 is in one concern only
    assert found[0][0][0] == "食堂"  # the best keyword heads its topic


def test_sensitive_and_cadre_concerns_are_counted_never_listed(s):  # type: ignore[no-untyped-def]
    text = json.dumps(_generate(s).content, ensure_ascii=False)
    for k in ("c5", "c6"):
        assert s.c[k].title not in text
        assert s.c[k].reference not in text
    # nobody who raised a concern is named, and a private title is masked text only
    for p in s.people:
        assert p.name not in text
    assert "13812345678" not in text


def test_previous_reports_items_are_shown_with_what_became_of_them(s):  # type: ignore[no-untyped-def]
    october = SchoolReport.objects.create(
        union=s.union,
        kind="monthly",
        period_start=D(2026, 10, 1),
        period_end=D(2026, 10, 31),
        as_of=D(2026, 11, 3),
        generated_at=at(D(2026, 11, 3)),
        status=ReportStatus.SUBMITTED,
        submitted_at=at(D(2026, 11, 4)),
        submitted_to="学校党委",
        content={},
    )
    ReportItem.objects.create(report=october, concern=s.c["c8"], reason="overdue")
    ReportItem.objects.create(
        report=october,
        concern=s.c["c10"],
        reason="supported",
        closed_at=at(D(2026, 10, 20)),
    )
    prev = _generate(s).content["previous"]
    assert (prev["id"], prev["start"], prev["submitted_on"], prev["submitted_to"]) == (
        october.pk,
        "2026-10-01",
        "2026-11-04",
        "学校党委",
    )
    assert (prev["concluded"], prev["open"]) == (1, 1)
    # still open first
    assert [(i["reference"], i["status"], i["closed_on"], i["rating"]) for i in prev["items"]] == [
        (s.c["c8"].reference, "in_hand", None, ""),
        (s.c["c10"].reference, "closed", "2026-10-20", "satisfied"),
    ]  # fmt: skip
    # a draft, or the report on the same period, is never "the previous"
    october.status = ReportStatus.DRAFT
    october.save()
    assert _generate(s).content["previous"] is None


def test_periods():
    assert reports.month_period(D(2028, 2, 10)) == (
        "monthly",
        D(2028, 2, 1),
        D(2028, 2, 29),
    )
    assert reports.term_period(D(2026, 9, 1)) == ("term", D(2026, 9, 1), D(2027, 2, 28))
    assert reports.term_period(D(2027, 2, 28)).start == D(2026, 9, 1)
    assert reports.term_period(D(2027, 3, 1)) == ("term", D(2027, 3, 1), D(2027, 8, 31))
    assert reports.term_period(D(2027, 8, 31)).start == D(2027, 3, 1)
    assert reports.term_period(D(2028, 1, 5)).end == D(2028, 2, 29)
    periods = reports.recent_periods(D(2026, 12, 7))
    assert [p.start for p in periods if p.kind == "monthly"][:2] == [
        D(2026, 12, 1),
        D(2026, 11, 1),
    ]
    assert [p.start for p in periods if p.kind == "term"] == [
        D(2026, 9, 1),
        D(2026, 3, 1),
        D(2025, 9, 1),
    ]


def test_a_term_report_covers_the_term(s):  # type: ignore[no-untyped-def]
    report = _generate(s, period=reports.term_period(D(2026, 10, 1)))
    assert (report.period_start, report.period_end) == (D(2026, 9, 1), D(2027, 2, 28))
    assert report.content["totals"]["raised"] == 12  # October, November, December


# --------------------------------------------------------------- the job, the pages


def test_generating_runs_as_a_job_with_progress(s, client):  # type: ignore[no-untyped-def]
    client.force_login(s.officer)
    url = reverse("voice:reports", args=[s.union.code])
    response = client.post(url, {"period": "monthly:2026-11-01"})
    job = Job.objects.get(kind=report_services.GENERATE)
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.kwargs["kind"] == "monthly" and job.kwargs["start"] == "2026-11-01"
    # the list shows it while it waits
    assert f"/jobs/{job.pk}/" in client.get(url).content.decode()
    assert run_queued_jobs() == 2  # the report, then its PDF
    job.refresh_from_db()
    report = SchoolReport.objects.get(union=s.union)
    assert job.status == "done"
    assert job.result_url == reverse("voice:report", args=[s.union.code, report.pk])
    # every concern read counted, then the four stages
    assert job.progress_total == job.progress_done
    assert job.progress_total >= report.content["totals"]["raised"] + 4
    assert report.generated_by == s.officer
    # a period not begun is refused on the form
    future = client.post(url, {"period": "monthly:2027-01-01"})
    assert future.status_code == 400


def test_a_draft_is_generated_again_a_submitted_report_never(s):  # type: ignore[no-untyped-def]
    first = _generate(s)
    Concern.objects.filter(pk=s.c["c3"].pk).update(
        status="closed",
        closed_at=at(D(2026, 12, 7)),
        acknowledged_at=at(D(2026, 12, 1)),
    )
    again = _generate(s)
    assert again.pk == first.pk
    assert again.content["totals"]["overdue"] == 4
    report_services.submit(actor=s.officer, report=again, submitted_to="学校党委")
    with pytest.raises(Refusal) as refused:
        _generate(s)
    assert refused.value.code == "submitted"
    with pytest.raises(Refusal):
        report_services.start_generation(
            actor=s.officer,
            union=s.union,
            kind="monthly",
            day=D(2026, 11, 5),
            today=AS_OF,
        )


def test_submitting_records_it_and_follows_the_items(s, client):  # type: ignore[no-untyped-def]
    report = _generate(s)
    client.force_login(s.admin)
    url = reverse("voice:report_submit", args=[s.union.code, report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "学校党委" in page.content.decode()  # a suggestion
    # without the confirmation nothing happens
    refused = client.post(url, {"submitted_to": "学校党委、校长办公室"})
    assert refused.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not ReportItem.objects.exists()
    done = client.post(url, {"submitted_to": "学校党委、校长办公室", "confirm": "on"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_to == "学校党委、校长办公室"
    assert report.submitted_by == s.admin and report.submitted_at is not None
    event = AuditEvent.objects.get(action="voice.report.submit")
    assert event.actor_id == s.admin.pk
    assert event.data["from"] == "draft" and event.data["items"] == 6
    items = {i.concern_id: i for i in ReportItem.objects.filter(report=report)}
    assert set(items) == {s.c[k].pk for k in ("c8", "c3", "c4", "c11", "c9", "c1")}
    # c1 was concluded already; the others are followed
    assert items[s.c["c1"].pk].closed_at is not None
    assert [
        k for k in ("c8", "c3", "c4", "c11", "c9") if items[s.c[k].pk].closed_at
    ] == []
    # submitting again: told, nothing changes
    again = client.post(url, {"submitted_to": "别处", "confirm": "on"}, follow=True)
    assert again.status_code == 200
    report.refresh_from_db()
    assert report.submitted_to == "学校党委、校长办公室"
    # c3 is concluded, c11 withdrawn: the daily tracking marks them, once
    closed = at(D(2026, 12, 9))
    Concern.objects.filter(pk=s.c["c3"].pk).update(status="closed", closed_at=closed)
    Concern.objects.filter(pk=s.c["c11"].pk).update(status="withdrawn")
    assert report_services.track_items() == 2
    assert report_services.track_items() == 0
    assert ReportItem.objects.get(concern=s.c["c3"]).closed_at == closed
    assert ReportItem.objects.get(concern=s.c["c11"]).closed_at is not None
    # the report's page shows what became of them
    body = client.get(reverse("voice:report", args=[s.union.code, report.pk])).content
    text = body.decode()
    assert 'id="followed-items"' in text
    assert text.count('data-closed="true"') == 3
    assert "report-submit" not in text


def test_the_previous_reports_items_appear_in_the_next_one(s):  # type: ignore[no-untyped-def]
    october = _generate(s, period=reports.month_period(D(2026, 10, 1)))
    report_services.submit(actor=s.officer, report=october, submitted_to="校长办公室")
    listed = {i["id"] for i in october.content["items"]}
    november = _generate(s).content
    assert november["previous"]["id"] == october.pk
    assert {i["id"] for i in november["previous"]["items"]} == listed


ROLES = {
    "officer": True,  # rights officer of the union
    "admin": True,  # union administrator
    "operator": True,
    "dept_officer": False,  # rights officer of a department union
    "office_handler": False,  # 后勤处
    "advisor": False,  # League advisor
    "student": False,
}


@pytest.mark.parametrize(("role", "allowed"), ROLES.items())
def test_who_may_see_generate_and_submit(s, role, allowed):  # type: ignore[no-untyped-def]
    report = _generate(s)
    user = s.students[0] if role == "student" else getattr(s, role)
    client = Client()
    client.force_login(user)
    args = [s.union.code, report.pk]
    urls = [
        reverse("voice:reports", args=[s.union.code]),
        reverse("voice:report", args=args),
        reverse("voice:report_xlsx", args=args),
        reverse("voice:report_submit", args=args),
    ]
    for url in urls:
        assert client.get(url).status_code == (200 if allowed else 403), url
    posted = client.post(urls[0], {"period": "monthly:2026-11-01"})
    assert posted.status_code == (302 if allowed else 403)
    submitted = client.post(urls[3], {"submitted_to": "学校党委", "confirm": "on"})
    assert submitted.status_code == (302 if allowed else 403)
    report.refresh_from_db()
    assert (report.status == ReportStatus.SUBMITTED) is allowed
    if not allowed:
        with pytest.raises(Refusal):
            report_services.start_generation(
                actor=user,
                union=s.union,
                kind="monthly",
                day=D(2026, 11, 1),
                today=AS_OF,
            )


def test_a_visitor_is_asked_to_sign_in(s, client):  # type: ignore[no-untyped-def]
    report = _generate(s)
    for url in (
        reverse("voice:reports", args=[s.union.code]),
        reverse("voice:report_pdf", args=[s.union.code, report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url


def test_a_report_of_another_union_is_not_found(s, client):  # type: ignore[no-untyped-def]
    other = build_school("W")
    report = report_services.generate(
        actor=None, union=other.union, period=NOV, today=AS_OF
    )
    client.force_login(s.officer)
    url = reverse("voice:report", args=[s.union.code, report.pk])
    assert client.get(url).status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is not installed")
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "zh-hans",
            ["学生诉求月度报告", "逾期", "响应率", "按时办结率", "满意率", "食堂"],
        ),
        ("en", ["monthly report", "Overdue", "Response rate", "Satisfaction rate"]),
    ],
)
def test_the_pdf_in_both_languages(s, client, language, words):  # type: ignore[no-untyped-def]
    pytest.importorskip("weasyprint")
    report = _generate(s)
    client.force_login(s.officer)
    client.cookies["django_language"] = language
    response = client.get(reverse("voice:report_pdf", args=[s.union.code, report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    flat = "".join(text.split())
    for word in words:
        assert "".join(word.split()) in flat, word
    assert s.c["c3"].title in flat  # a private one, by its (masked) title
    assert s.c["c5"].title not in flat  # sensitive
    for p in s.people:
        assert p.name not in flat


def test_the_excel_file_opens_with_a_sheet_per_section(s, client):  # type: ignore[no-untyped-def]
    report = _generate(s)
    client.force_login(s.officer)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("voice:report_xlsx", args=[s.union.code, report.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    with translation.override("zh-hans"):
        from tongxue.voice.report_files import document

        titles = [t.title for t in document(report).tables]
    assert book.sheetnames == titles
    overdue = book[titles[4]]
    refs = [row[0] for row in overdue.iter_rows(values_only=True)]
    assert s.c["c8"].reference in refs
    late = next(
        r for r in overdue.iter_rows(values_only=True) if r[0] == s.c["c8"].reference
    )
    assert late[6] == 27 and isinstance(late[5], dt.datetime)  # numbers, dates


def test_the_list_page_reads_a_bounded_number_of_rows(  # type: ignore[no-untyped-def]
    s, client, django_assert_max_num_queries
):
    client.force_login(s.officer)
    url = reverse("voice:reports", args=[s.union.code])
    _generate(s)
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    n = len(few.captured_queries)
    for day in (D(2026, 6, 1), D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1)):
        _generate(s, period=reports.month_period(day))
    with django_assert_max_num_queries(n):
        assert client.get(url).content.decode().count("data-report=") == 5


def test_the_report_page_shows_every_section(s, client):  # type: ignore[no-untyped-def]
    report = _generate(s)
    client.force_login(s.officer)
    client.cookies["django_language"] = "zh-hans"
    text = client.get(
        reverse("voice:report", args=[s.union.code, report.pk])
    ).content.decode()
    for anchor in (
        "summary",
        "by-category",
        "by-office",
        "topics",
        "overdue",
        "supported",
        "previous",
    ):
        assert f'id="{anchor}"' in text
    assert s.c["c8"].reference in text and s.c["c5"].title not in text
    assert "report-submit" in text


def test_the_monthly_draft_is_generated_automatically_once(s):  # type: ignore[no-untyped-def]
    assert report_services.monthly_drafts(today=D(2026, 12, 3)) == 1
    # asked again while it waits: not twice
    assert report_services.monthly_drafts(today=D(2026, 12, 3)) == 0
    assert run_queued_jobs() == 2  # the draft, then its PDF
    report = SchoolReport.objects.get(union=s.union)
    assert (report.kind, report.period_start, report.generated_by) == (
        "monthly",
        D(2026, 11, 1),
        None,
    )
    assert report_services.monthly_drafts(today=D(2026, 12, 4)) == 0
    # a month without any concern: no draft
    assert report_services.monthly_drafts(today=D(2026, 9, 2)) == 0
    assert timezone.localdate()  # the real day is not involved


# ------------------------------------------------------------------ RGT-1 in the audit


def test_the_audit_reports_a_union_without_a_report_in_a_term(s):  # type: ignore[no-untyped-def]
    from tongxue.domain.audit import audit
    from tongxue.organisations.mappers import load_registry

    def no_report(as_of):  # type: ignore[no-untyped-def]
        found = audit(load_registry(s.union.code), as_of=as_of).findings
        return [f for f in found if f.rule == "RGT-1.no-report"]

    # the union's first concern (numbered 1) was raised on 2026-11-02: judged six
    # months later
    assert no_report(D(2027, 5, 1)) == []
    [f] = no_report(D(2027, 5, 2))
    assert f.organisation == s.union.code
    assert f.evidence["first_concern"] == "2026-11-02"
    assert f.evidence["last_report"] == "-"
    report = _generate(s)
    assert len(no_report(D(2027, 5, 2))) == 1  # a draft is no report to the school
    report_services.submit(actor=s.officer, report=report, submitted_to="学校党委")
    SchoolReport.objects.filter(pk=report.pk).update(submitted_at=at(D(2026, 12, 8)))
    channel = load_registry(s.union.code).channel_of[s.union.code]
    assert (channel.first_raised, channel.last_report) == (
        D(2026, 11, 2),
        D(2026, 12, 8),
    )
    assert no_report(D(2027, 6, 8)) == []  # exactly six months
    assert len(no_report(D(2027, 6, 9))) == 1


def test_the_periodic_work_is_registered():
    from django.utils.module_loading import import_string

    from tongxue.jobs import periodic

    names = {p.name: p for p in periodic.registered()}
    for name in (report_services.MONTHLY, report_services.TRACK):
        assert names[name].every == dt.timedelta(days=1)
        assert callable(import_string(names[name].func))
