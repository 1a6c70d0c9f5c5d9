"""Only meetings that took place count, in the database's audit too (CON-1, CON-7, …).

The registry carries each meeting's status (``load_registry``), when a union adopted its
standing conference (its first standing delegate) and its work reports filed in
writing; snapshot imports keep a meeting's status.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.factories import MeetingFactory, UserFactory
from tests.factories_business import union_with_congress
from tests.integration.test_congress_demo import small_demo_school
from tongxue.business import services
from tongxue.business.models import WrittenReport
from tongxue.cli import main
from tongxue.congresses.models import Meeting, MeetingKind, MeetingStatus
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.demo import congresses as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.domain import model as dm
from tongxue.domain.audit import audit
from tongxue.organisations.mappers import load_registry
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db


def _rules(code: str, as_of: dt.date, requirement: str) -> list[str]:
    report = audit(load_registry(code), as_of=as_of)
    return sorted(
        f.rule
        for f in report.findings
        if f.requirement == requirement and f.organisation == code
    )


def test_the_registry_carries_each_meetings_status():
    u = union_with_congress(prefix="R", opened=dt.date(2025, 5, 1))
    MeetingFactory(
        organisation=u.union,
        code="R-NEXT",
        opened=dt.date(2026, 12, 1),
        status=MeetingStatus.DELEGATES_ELECTED,
    )
    status = {m.code: m.status for m in load_registry(u.union.code).meetings}
    assert status == {
        "RC1": dm.MeetingStatus.CLOSED,
        "R-NEXT": dm.MeetingStatus.DELEGATES_ELECTED,
    }


def test_a_25_month_gap_since_the_last_congress_held_is_con1(capsys):
    """The issue's case: `tongxue audit --as-of 2027-06-01` on the database."""
    u = union_with_congress(prefix="G", opened=dt.date(2025, 5, 1))
    MeetingFactory(
        organisation=u.union,
        code="G-NEVER",
        opened=dt.date(2026, 12, 1),
        status=MeetingStatus.DELEGATES_ELECTED,
    )
    assert _rules(u.union.code, dt.date(2027, 5, 1), "CON-1") == []  # 24 months
    assert _rules(u.union.code, dt.date(2027, 5, 2), "CON-1") == [
        "CON-1.congress-overdue"
    ]
    # the CLI last: it closes the database connection when it is done
    code = main(["audit", u.union.code, "--as-of", "2027-06-01", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    con1 = [f for f in out["findings"] if f["rule"] == "CON-1.congress-overdue"]
    assert len(con1) == 1
    assert con1[0]["evidence"]["last_congress"] == "2025-05-01"


def test_a_congress_counts_once_it_convened():
    u = union_with_congress(prefix="H", opened=dt.date(2025, 5, 1))
    MeetingFactory(
        organisation=u.union,
        code="H-NEXT",
        opened=dt.date(2026, 12, 1),
        status=MeetingStatus.DELEGATES_ELECTED,
    )
    assert _rules(u.union.code, dt.date(2027, 6, 1), "CON-1") == [
        "CON-1.congress-overdue"
    ]
    Meeting.objects.filter(code="H-NEXT").update(status=MeetingStatus.CONVENED)
    assert _rules(u.union.code, dt.date(2027, 6, 1), "CON-1") == []


def test_the_demo_congress_that_never_convened_is_not_judged_by_con7():
    """The demo school union's next congress reaches "delegates elected" only: once its
    day has passed, CON-7 judges the congress held before it, not this one."""
    as_of = dt.date(2026, 11, 1)
    small_demo_school()
    union = f"{SCHOOL_CODE}-XSH"
    from tongxue.organisations.models import Organisation

    MeetingFactory(
        organisation=Organisation.objects.get(code=union),
        code="HELD",
        opened=dt.date(2025, 5, 1),
        work_report=True,
    )
    demo.seed(scale="school", as_of=as_of)
    nxt = Meeting.objects.get(organisation__code=union, status="delegates_elected")
    later = nxt.opened + dt.timedelta(days=7)
    assert _rules(union, later, "CON-7") == []
    # the old, status-blind reading judged the unconvened congress
    Meeting.objects.filter(pk=nxt.pk).update(status=MeetingStatus.CLOSED)
    assert _rules(union, later, "CON-7") == ["CON-7.work-report"]


# --------------------------------------------------------------------------- CON-8…10


def test_a_standing_delegate_adopts_the_standing_conference():
    u = union_with_congress(prefix="A", opened=dt.date(2024, 10, 1))
    as_of = dt.date(2026, 3, 1)
    assert _rules(u.union.code, as_of, "CON-9") == []  # optional until adopted
    services.recommend_standing_delegate(
        actor=u.dept_admin,
        union=u.union,
        department=u.dept_a,
        person=u.delegates_a[0],
        on=dt.date(2024, 12, 31),
    )
    reg = load_registry(u.union.code)
    assert reg.standing_conferences == (
        dm.StandingConference(u.union.code, dt.date(2024, 12, 31)),
    )
    assert _rules(u.union.code, as_of, "CON-9") == ["CON-9.standing-conference"]
    MeetingFactory(
        organisation=u.union,
        kind=MeetingKind.STANDING_CONFERENCE,
        opened=dt.date(2025, 11, 1),
    )
    assert _rules(u.union.code, as_of, "CON-9") == []


def test_standing_delegates_come_from_a_congress_that_convened():
    u = union_with_congress(prefix="P", opened=dt.date(2024, 10, 1))
    MeetingFactory(
        organisation=u.union,
        code="P-NEXT",
        opened=dt.date(2025, 10, 1),
        status=MeetingStatus.DELEGATES_ELECTED,
    )
    assert services.latest_congress(u.union).code == "PC1"


# --------------------------------------------------------------------------- CON-13


def test_a_written_report_counts_for_con13():
    u = union_with_congress(prefix="W", opened=dt.date(2024, 10, 1))
    as_of = dt.date(2026, 3, 1)  # judges 2025
    assert _rules(u.union.code, as_of, "CON-13") == ["CON-13.work-report-overdue"]
    report = services.file_written_report(
        actor=u.admin,
        union=u.union,
        title="2025年度工作报告",
        text="……",
        filed_on=dt.date(2025, 12, 31),
    )
    assert AuditEvent.objects.filter(action="business.file_written_report").exists()
    assert _rules(u.union.code, as_of, "CON-13") == []
    report.filed_on = dt.date(2026, 1, 1)
    report.save()
    assert _rules(u.union.code, as_of, "CON-13") == ["CON-13.work-report-overdue"]


def test_filing_a_written_report_is_refused_when_it_should_be():
    u = union_with_congress(prefix="F", opened=dt.date(2024, 10, 1))
    with pytest.raises(Refusal) as exc:
        services.file_written_report(
            actor=UserFactory(), union=u.union, title="t", text="x"
        )
    assert exc.value.code == "forbidden"
    with pytest.raises(Refusal) as exc:
        services.file_written_report(
            actor=u.admin,
            union=u.union,
            title="t",
            text="x",
            filed_on=dt.date.today() + dt.timedelta(days=1),
        )
    assert exc.value.field == "filed_on"
    with pytest.raises(Refusal):
        services.file_written_report(actor=u.admin, union=u.dept_a, title="t", text="x")
    with pytest.raises(Refusal) as exc:
        services.file_written_report(actor=u.admin, union=u.union, title=" ", text="x")
    assert exc.value.field == "title"
    assert not WrittenReport.objects.exists()
    services.file_written_report(
        actor=u.admin, union=u.union, title="t", text="x", filed_on=dt.date.today()
    )
    assert WrittenReport.objects.count() == 1


def test_the_standing_page_files_a_written_report(client):
    u = union_with_congress(prefix="S", opened=dt.date(2024, 10, 1))
    assert b'id="written-form"' not in client.get("/org/SSU/standing/").content
    client.force_login(u.admin)
    page = client.get("/org/SSU/standing/")
    assert b'id="written-form"' in page.content
    url = "/org/SSU/standing/written-report/"
    bad = client.post(
        url,
        {
            "written-title": "报告",
            "written-text": "正文",
            "written-filed_on": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "written-title": "报告",
            "written-text": "正文",
            "written-filed_on": dt.date.today().isoformat(),
        },
    )
    assert ok.status_code == 302
    assert WrittenReport.objects.get().title == "报告"
    assert "报告" in client.get("/org/SSU/standing/").content.decode()
    client.force_login(u.dept_admin)
    assert client.post(url, {}).status_code == 403


# --------------------------------------------------------------------------- import


def _snapshot(status: str | None) -> dict:
    meeting = {
        "code": "IC1",
        "organisation": "ISU",
        "kind": "congress",
        "opened": "2026-12-01",
    }
    if status is not None:
        meeting["status"] = status
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {"code": "IS", "name": "I大学", "kind": "school"},
            {"code": "ISU", "name": "I学生会", "kind": "school_union", "parent": "IS"},
        ],
        "meetings": [meeting],
    }


def test_an_import_keeps_a_meetings_status():
    import_tables(_snapshot("planned"), actor=None)
    assert Meeting.objects.get(code="IC1").status == MeetingStatus.PLANNED
    import_tables(_snapshot(None), actor=None)  # an old file: keeps the stored one
    assert Meeting.objects.get(code="IC1").status == MeetingStatus.PLANNED
    import_tables(_snapshot("convened"), actor=None)
    assert Meeting.objects.get(code="IC1").status == MeetingStatus.CONVENED
    Meeting.objects.all().delete()
    import_tables(_snapshot(None), actor=None)  # new and blank: a record of one held
    assert Meeting.objects.get(code="IC1").status == MeetingStatus.CLOSED
