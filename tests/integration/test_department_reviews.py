"""The school union records its department reviews on the web (TRN-3 · GS-7, CQ-2).

"每年至少1次……听取全部院（系）学生会组织工作报告及意见建议……考核结果进行公开": the pages
record the hearing of each department union's work report and its opinions, the
assessment and its publication; the "still to complete" list is the audit's own
reading; the published assessments are public. Services check permission and scope,
write in one transaction with an audit record; the pages run a bounded number of
queries; the database round-trips through snapshots, old ones included.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory, RoleFactory, SchoolFactory, UserFactory
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.audit import audit
from tongxue.organisations import review_services
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Organisation, OrgKind, Review
from tongxue.snapshots.selectors import export_tables, export_xlsx
from tongxue.snapshots.services import import_file, import_tables

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1


@dataclass
class Tree:
    school: Organisation
    union: Organisation
    d1: Organisation  # under the union
    d2: Organisation  # directly under the school
    other: Organisation  # another school's union
    other_dept: Organisation
    admin: Any
    dept_admin: Any
    other_admin: Any
    student: Any
    advisor: Any


@pytest.fixture
def t() -> Tree:
    school = SchoolFactory(code="RS", name="评议大学")
    union = OrganisationFactory(code="RS-SU", name="评议大学学生会", parent=school)
    d1 = OrganisationFactory(
        code="RS-D1", name="文学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    d2 = OrganisationFactory(
        code="RS-D2", name="理学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=school
    )
    other_school = SchoolFactory(code="OS", name="别的大学")
    other = OrganisationFactory(
        code="OS-SU", name="别的大学学生会", parent=other_school
    )
    other_dept = OrganisationFactory(
        code="OS-D1", name="别的学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=other
    )
    admin = UserFactory(username="rsadmin")
    RoleFactory(user=admin, organisation=union)
    dept_admin = UserFactory(username="rsdept")
    RoleFactory(user=dept_admin, organisation=d1)
    other_admin = UserFactory(username="osadmin")
    RoleFactory(user=other_admin, organisation=other)
    student = UserFactory(username="rsstudent")
    RoleFactory(user=student, organisation=union, role=RoleKind.STUDENT)
    advisor = UserFactory(username="rsadvisor")
    RoleFactory(user=advisor, organisation=union, role=RoleKind.LEAGUE_ADVISOR)
    return Tree(
        school,
        union,
        d1,
        d2,
        other,
        other_dept,
        admin,
        dept_admin,
        other_admin,
        student,
        advisor,
    )


def _record(t: Tree, **kw: Any) -> Review:
    fields: dict[str, Any] = {
        "actor": t.admin,
        "union": t.union,
        "reviewed": t.d1,
        "held": dt.date(LAST_YEAR, 6, 30),
        "report_heard": True,
        "opinions_heard": True,
        "opinions": "建议增加活动场地",
        "assessment": "工作扎实",
        "rating": "good",
        "publish": True,
    }
    fields.update(kw)
    return review_services.record_review(**fields)


def _trn3(t: Tree) -> dict[str, list[str]]:
    report = audit(load_registry(t.school.code), as_of=TODAY)
    return {
        f.rule: f.evidence["missing_codes"]
        for f in report.findings
        if f.requirement == "TRN-3"
    }


# -- services ------------------------------------------------------------------------


def test_a_complete_review_of_each_department_satisfies_the_audit(t: Tree) -> None:
    assert _trn3(t) == {"TRN-3.department-reviews-missing": ["RS-D1", "RS-D2"]}
    review = _record(t)
    assert (review.opinions_heard, review.assessment_published) == (True, True)
    assert review.published_on == TODAY
    _record(t, reviewed=t.d2, opinions="", rating="")  # heard, none raised
    assert _trn3(t) == {}


def test_each_missing_part_is_found_after_a_web_record(t: Tree) -> None:
    _record(t, opinions_heard=False, opinions="")
    _record(t, reviewed=t.d2, publish=False)
    assert _trn3(t) == {
        "TRN-3.opinions-not-heard": ["RS-D1"],
        "TRN-3.assessment-unpublished": ["RS-D2"],
    }


def test_opinions_written_down_were_heard(t: Tree) -> None:
    review = _record(t, opinions_heard=False, opinions="  建议  ")
    assert (review.opinions_heard, review.opinions) == (True, "建议")


@pytest.mark.parametrize(
    ("kw", "field", "code"),
    [
        ({"reviewed": "other_dept"}, "reviewed", "invalid"),
        ({"reviewed": "union"}, "reviewed", "invalid"),
        ({"held": TODAY + dt.timedelta(days=1)}, "held", "invalid"),
        ({"rating": "great"}, "rating", "invalid"),
        ({"assessment": "  "}, "assessment", "required"),
        ({"opinions": "字" * 10001}, "opinions", "invalid"),
    ],
)
def test_refusals_name_the_field(
    t: Tree, kw: dict[str, Any], field: str, code: str
) -> None:
    if isinstance(kw.get("reviewed"), str):
        kw = {**kw, "reviewed": getattr(t, kw["reviewed"])}
    with pytest.raises(Refusal) as caught:
        _record(t, **kw)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert not Review.objects.exists()


def test_today_is_not_in_the_future(t: Tree) -> None:
    assert _record(t, held=TODAY).held == TODAY


def test_the_same_department_and_day_twice_is_refused(t: Tree) -> None:
    _record(t)
    with pytest.raises(Refusal) as caught:
        _record(t)
    assert caught.value.field == "held"
    assert "文学院学生会" in caught.value.message.render()


@pytest.mark.parametrize("who", ["dept_admin", "other_admin", "student", "advisor"])
def test_only_the_unions_administrators_record(t: Tree, who: str) -> None:
    with pytest.raises(Refusal) as caught:
        _record(t, actor=getattr(t, who))
    assert caught.value.code == "forbidden"


def test_a_department_administrator_does_not_record_its_own_review(t: Tree) -> None:
    """Even one who also administers the school union."""
    RoleFactory(user=t.dept_admin, organisation=t.union)
    with pytest.raises(Refusal) as caught:
        _record(t, actor=t.dept_admin)
    assert (caught.value.code, caught.value.field) == ("forbidden", "reviewed")
    assert _record(t, actor=t.dept_admin, reviewed=t.d2).reviewed == t.d2


def test_only_a_school_union_reviews(t: Tree) -> None:
    grad = OrganisationFactory(
        code="RS-GU", kind=OrgKind.GRADUATE_UNION, parent=t.school
    )
    with pytest.raises(Refusal):
        _record(t, union=grad)


def test_each_write_is_one_audit_record(t: Tree) -> None:
    review = _record(t, publish=False)
    review_services.update_review(
        actor=t.admin,
        review=review,
        held=review.held,
        report_heard=True,
        opinions_heard=True,
        opinions="新的意见",
        assessment="修改后的考核",
        rating="excellent",
    )
    review_services.publish_review(actor=t.admin, review=review)
    actions = list(
        AuditEvent.objects.filter(organisation="RS-SU")
        .order_by("pk")
        .values_list("action", "target", "actor_label")
    )
    assert actions == [
        ("organisations.review.record", "RS-D1", "rsadmin"),
        ("organisations.review.update", "RS-D1", "rsadmin"),
        ("organisations.review.publish", "RS-D1", "rsadmin"),
    ]


def test_a_published_assessment_is_kept_on_record(t: Tree) -> None:
    review = _record(t)
    with pytest.raises(Refusal) as caught:
        review_services.update_review(
            actor=t.admin,
            review=review,
            held=review.held,
            report_heard=True,
            opinions_heard=True,
            opinions="",
            assessment="改写",
            rating="",
        )
    assert caught.value.code == "published"
    with pytest.raises(Refusal):
        review_services.publish_review(actor=t.admin, review=review)
    review.refresh_from_db()
    assert review.assessment == "工作扎实"


def test_publishing_needs_an_assessment_and_a_day_not_before_the_review(
    t: Tree,
) -> None:
    review = _record(t, assessment="", publish=False)
    with pytest.raises(Refusal) as caught:
        review_services.publish_review(actor=t.admin, review=review)
    assert caught.value.field == "assessment"
    review = _record(t, reviewed=t.d2, publish=False)
    with pytest.raises(Refusal) as caught:
        review_services.publish_review(
            actor=t.admin, review=review, published_on=review.held - dt.timedelta(1)
        )
    assert caught.value.field == "published_on"
    review_services.publish_review(
        actor=t.admin, review=review, published_on=review.held
    )
    assert Review.objects.get(pk=review.pk).published_on == review.held


# -- pages ---------------------------------------------------------------------------


def _get(client: Any, t: Tree, who: str | None, path: str) -> int:
    if who is not None:
        client.force_login(getattr(t, who))
    return client.get(path).status_code


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 403),
        ("student", 403),
        ("dept_admin", 403),
        ("other_admin", 403),
        ("advisor", 200),
        ("admin", 200),
    ],
)
def test_who_sees_the_reviews(client: Any, t: Tree, who: str | None, expected: int):
    assert _get(client, t, who, "/org/RS-SU/reviews/") == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 403),
        ("student", 403),
        ("dept_admin", 403),
        ("other_admin", 403),
        ("advisor", 403),
        ("admin", 200),
    ],
)
def test_who_records_a_review(client: Any, t: Tree, who: str | None, expected: int):
    assert _get(client, t, who, "/org/RS-SU/reviews/new/") == expected
    review = _record(t, publish=False)
    edit = f"/org/RS-SU/reviews/{review.pk}/edit/"
    publish = f"/org/RS-SU/reviews/{review.pk}/publish/"
    assert client.get(edit).status_code == expected
    assert client.get(publish).status_code == expected
    post = client.post(publish, {"confirm": "on"})
    assert post.status_code == (302 if expected == 200 else 403)
    review.refresh_from_db()
    assert review.assessment_published is (expected == 200)


def test_the_pages_are_for_school_unions_only(client: Any, t: Tree) -> None:
    client.force_login(t.admin)
    assert client.get("/org/RS-D1/reviews/").status_code == 404
    assert client.get("/org/RS-D1/assessments/").status_code == 404
    assert client.get("/org/NOPE/reviews/").status_code == 404
    other = _record(t, publish=False)
    client.force_login(t.other_admin)
    assert client.get(f"/org/OS-SU/reviews/{other.pk}/edit/").status_code == 404


def test_recording_on_the_web(client: Any, t: Tree) -> None:
    client.force_login(t.admin)
    page = client.get("/org/RS-SU/reviews/new/?department=RS-D2")
    html = page.content.decode()
    assert 'type="date"' in html
    assert f'value="{TODAY.isoformat()}"' in html
    # only the union's own department unions are offered
    assert "RS-D1" in html and "RS-D2" in html and "OS-D1" not in html
    response = client.post(
        "/org/RS-SU/reviews/new/",
        {
            "reviewed": "RS-D2",
            "held": f"{LAST_YEAR}-11-20",
            "report_heard": "on",
            "opinions_heard": "on",
            "opinions": "希望延长图书馆开放时间",
            "assessment": "成效明显",
            "rating": "excellent",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/org/RS-SU/reviews/?year={LAST_YEAR}"
    review = Review.objects.get()
    assert (review.reviewed, review.rating, review.assessment_published) == (
        t.d2,
        "excellent",
        True,
    )


def test_web_refusals_show_on_their_field(client: Any, t: Tree) -> None:
    client.force_login(t.admin)
    base = {"reviewed": "RS-D1", "held": f"{LAST_YEAR}-06-30", "report_heard": "on"}
    # a department union of another school
    response = client.post("/org/RS-SU/reviews/new/", {**base, "reviewed": "OS-D1"})
    assert response.status_code == 400
    assert "reviewed" in response.context["form"].errors
    assert "OS-D1" in str(response.context["form"].errors["reviewed"])
    # a day still to come
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = client.post("/org/RS-SU/reviews/new/", {**base, "held": tomorrow})
    assert response.status_code == 400
    assert "held" in response.context["form"].errors
    # publishing without an assessment
    response = client.post("/org/RS-SU/reviews/new/", {**base, "publish": "on"})
    assert "assessment" in response.context["form"].errors
    assert not Review.objects.exists()


def test_the_list_shows_the_audits_reading_of_the_year(client: Any, t: Tree) -> None:
    client.force_login(t.admin)
    _record(t, publish=False)
    html = client.get(f"/org/RS-SU/reviews/?year={LAST_YEAR}").content.decode()
    pending = html[html.index('id="pending"') :]
    assert 'data-department="RS-D1"' in pending  # assessment not published
    assert 'data-department="RS-D2"' in pending  # not reviewed
    assert "考核结果未公开" in pending or "Assessment not published" in pending
    _record(t, reviewed=t.d2)
    review = Review.objects.get(reviewed=t.d1)
    client.post(f"/org/RS-SU/reviews/{review.pk}/publish/", {"confirm": "on"})
    html = client.get(f"/org/RS-SU/reviews/?year={LAST_YEAR}").content.decode()
    assert 'id="status-complete"' in html
    assert _trn3(t) == {}


def test_empty_states(client: Any, t: Tree) -> None:
    client.force_login(t.admin)
    html = client.get("/org/RS-SU/reviews/").content.decode()
    assert 'id="reviews-empty"' in html
    assert 'id="pending"' in html  # nobody reviewed yet this year
    html = client.get("/org/RS-SU/assessments/").content.decode()
    assert 'id="assessments-empty"' in html
    lonely = OrganisationFactory(code="LONE-SU", parent=SchoolFactory(code="LONE"))
    RoleFactory(user=t.admin, organisation=lonely)
    html = client.get("/org/LONE-SU/reviews/").content.decode()
    assert 'id="status-empty"' in html


def test_a_year_out_of_range_shows_this_year(client: Any, t: Tree) -> None:
    client.force_login(t.admin)
    for year in ("abc", str(TODAY.year + 1), "1999"):
        response = client.get(f"/org/RS-SU/reviews/?year={year}")
        assert response.status_code == 200
        assert response.context["year"] == TODAY.year


def test_the_public_page_lists_published_assessments_only(client: Any, t: Tree) -> None:
    _record(t, opinions="私下的意见", assessment="公开的考核")
    _record(t, reviewed=t.d2, assessment="尚未公开的考核", publish=False)
    html = client.get("/org/RS-SU/assessments/").content.decode()
    assert "公开的考核" in html and "文学院学生会" in html
    assert "尚未公开的考核" not in html
    assert "私下的意见" not in html  # the opinions are not published
    assert "rsadmin" not in html
    assert 'id="follow-link"' not in html
    detail = client.get("/org/RS-SU/").content.decode()
    assert 'id="reviews-link"' in detail


def _grow(t: Tree, n: int) -> None:
    for i in range(n):
        dept = OrganisationFactory(
            code=f"RS-X{i:02d}-{n}",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=t.union,
        )
        _record(t, reviewed=dept, held=dt.date(LAST_YEAR, 3, 1 + i))


def _count(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path", [f"/org/RS-SU/reviews/?year={LAST_YEAR}", "/org/RS-SU/assessments/"]
)
def test_pages_run_a_bounded_number_of_queries(
    client: Any, t: Tree, django_assert_num_queries: Any, path: str
) -> None:
    client.force_login(t.admin)
    _grow(t, 1)
    small = _count(client, path)
    _grow(t, 12)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


# -- snapshots -----------------------------------------------------------------------


def test_a_review_round_trips_through_a_snapshot(t: Tree) -> None:
    _record(t, opinions_heard=False, opinions="", rating="fail")
    _record(t, reviewed=t.d2, publish=False)
    first = export_tables("RS")
    rows = {r["reviewed"]: r for r in first["reviews"]}
    assert rows["RS-D1"]["opinions_heard"] is False
    assert rows["RS-D1"]["published_on"] == TODAY.isoformat()
    assert rows["RS-D2"]["assessment_published"] is False
    Review.objects.all().delete()
    result = import_tables(first)
    assert result.counts["reviews"].created == 2
    assert export_tables("RS") == first
    again = import_tables(first)
    assert again.counts["reviews"].unchanged == 2


def test_a_review_round_trips_through_a_workbook(t: Tree) -> None:
    _record(t, opinions="第一条意见\n第二条意见", rating="excellent")
    _record(t, reviewed=t.d2, opinions_heard=False, opinions="", publish=False)
    first = export_tables("RS")
    data = export_xlsx("RS")
    Review.objects.all().delete()
    import_file(io.BytesIO(data), filename="rs.xlsx")
    assert export_tables("RS") == first


def test_an_old_snapshot_imports_and_keeps_what_the_pages_recorded(t: Tree) -> None:
    review = _record(t)
    old_row = {
        "reviewer": "RS-SU",
        "reviewed": "RS-D1",
        "held": review.held.isoformat(),
        "assessment_published": True,
    }
    new_row = {**old_row, "reviewed": "RS-D2"}
    doc = {"format": "tongxue-snapshot", "version": 1, "reviews": [old_row, new_row]}
    result = import_tables(doc)
    assert (result.counts["reviews"].created, result.counts["reviews"].unchanged) == (
        1,
        1,
    )
    kept = Review.objects.get(pk=review.pk)
    assert (kept.opinions_heard, kept.opinions, kept.assessment, kept.rating) == (
        True,
        "建议增加活动场地",
        "工作扎实",
        "good",
    )
    assert kept.published_on == TODAY
    imported = Review.objects.get(reviewed=t.d2)
    assert (imported.report_heard, imported.opinions_heard) == (True, None)
    # the old row cannot say whether opinions were heard: incomplete, not a violation
    assert _trn3(t) == {"TRN-3.opinions-not-recorded": ["RS-D2"]}


def test_the_edit_page_says_when_opinions_were_not_recorded(client: Any, t: Tree):
    old = Review.objects.create(
        reviewer=t.union, reviewed=t.d1, held=dt.date(LAST_YEAR, 5, 1)
    )
    client.force_login(t.admin)
    html = client.get(f"/org/RS-SU/reviews/{old.pk}/edit/").content.decode()
    assert 'id="opinions-unrecorded"' in html
    complete = _record(t, reviewed=t.d2, publish=False)
    html = client.get(f"/org/RS-SU/reviews/{complete.pk}/edit/").content.decode()
    assert 'id="opinions-unrecorded"' not in html
