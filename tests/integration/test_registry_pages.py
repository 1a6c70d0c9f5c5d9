"""Editing the registry on the web (ORG-1): children, attributes, positions.

Managers (``Perm.MANAGE``) only; guard refusals (ORG-5 · GS-9, CQ-4: no 主席助理;
ORG-2 · GS-9, CQ-4: no 7th vice-president without a branch campus) show as form
errors citing the requirement and clauses, and write nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UserFactory,
)
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.organisations.models import (
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    """Messages are checked in English (the msgids), whatever the translations say."""
    settings.LANGUAGE_CODE = "en"


def url(name: str, *args: object) -> str:
    return reverse(f"organisations:{name}", args=args)


def child_data(**overrides: str) -> dict[str, str]:
    data = {
        "child-code": "SLAW",
        "child-name": "法学院学生会",
        "child-kind": OrgKind.DEPARTMENT_UNION,
        "child-students_served": "1200",
    }
    return data | {f"child-{k}": v for k, v in overrides.items()}


def appoint_data(**overrides: str) -> dict[str, str]:
    data = {
        "appoint-person_mode": "new",
        "appoint-ident": "NEW001",
        "appoint-name": "新同学",
        "appoint-kind": "student",
        "appoint-student_number": "2025123456",
        "appoint-role": Role.MEMBER,
        "appoint-title": "干事",
        "appoint-start": "2025-09-01",
    }
    return data | {f"appoint-{k}": v for k, v in overrides.items()}


# ------------------------------------------------------------------ who sees what


def test_the_management_section_is_for_managers_only(client, school_with_deviation):
    detail = url("detail", "SSU")
    assert 'id="manage"' not in client.get(detail).content.decode()
    cadre = UserFactory(username="cadre")
    RoleFactory(
        user=cadre, organisation=school_with_deviation.union, role=RoleKind.UNION_CADRE
    )
    client.force_login(cadre)
    assert 'id="manage"' not in client.get(detail).content.decode()
    client.force_login(school_with_deviation.admin)
    page = client.get(detail).content.decode()
    assert 'id="manage"' in page
    assert "child-form" in page and "edit-form" in page and "appoint-form" in page
    # Above the union (at the school), its administrator manages nothing.
    assert 'id="manage"' not in client.get(url("detail", "SCH")).content.decode()


def test_non_managers_get_403_and_write_nothing(client, school_with_deviation):
    position = Position.objects.filter(organisation__code="SSU").first()
    posts = [
        (url("add-child", "SSU"), child_data()),
        (url("edit", "SSU"), {"edit-name": "改名"}),
        (url("positions", "SSU"), appoint_data()),
        (url("end-position", "SSU", position.pk), {"end": "2026-01-01"}),
    ]
    cadre = UserFactory(username="cadre")
    RoleFactory(
        user=cadre, organisation=school_with_deviation.union, role=RoleKind.UNION_CADRE
    )
    for user in (None, cadre, school_with_deviation.admin):
        if user is not None:
            client.force_login(user)
        # The admin of SSU is not a manager of the school above it.
        code_posts = (
            [(p.replace("/SSU/", "/SCH/"), d) for p, d in posts[:3]]
            if user is school_with_deviation.admin
            else posts
        )
        for target, data in code_posts:
            assert client.post(target, data).status_code == 403, (user, target)
        assert client.get(url("edit", code_posts[1][0].split("/")[2])).status_code == (
            403
        )
    assert not Organisation.objects.filter(code="SLAW").exists()
    assert not Person.objects.filter(ident="NEW001").exists()
    assert Organisation.objects.get(code="SSU").name == "S示范大学学生会"
    assert not AuditEvent.objects.exists()


def test_unknown_codes_and_positions_are_404(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    assert client.post(url("add-child", "NOPE"), child_data()).status_code == 404
    assert client.get(url("positions", "NOPE")).status_code == 404
    other = PositionFactory(organisation=school_with_deviation.department)
    # A position of another organisation is not found under this one.
    assert client.get(url("end-position", "SSU", other.pk)).status_code == 404
    assert client.get(url("end-position", "SSU", 999999)).status_code == 404


# ------------------------------------------------------------------ add a child


def test_a_manager_adds_a_child_organisation(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = client.post(url("add-child", "SSU"), child_data(), **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("detail", "SSU")
    child = Organisation.objects.get(code="SLAW")
    assert (child.parent.code, child.path) == ("SSU", "/SCH/SSU/SLAW/")
    assert child.students_served == 1200
    assert AuditEvent.objects.filter(
        action="organisation.create", target="SLAW"
    ).exists()
    page = client.get(url("detail", "SSU")).content.decode()
    assert "法学院学生会" in page
    assert "was added under" in page  # the success message


def test_a_functional_department_gets_its_function_without_htmx(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    data = child_data(
        code="SCLUB", kind=OrgKind.FUNCTIONAL_DEPARTMENT, function="clubs"
    )
    response = client.post(url("add-child", "SSU"), data)
    assert response.status_code == 302
    assert Organisation.objects.get(code="SCLUB").function == "clubs"


def test_child_form_errors_are_shown_and_nothing_is_written(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    # A code already in use: the service refuses it on the code field.
    response = client.post(url("add-child", "SSU"), child_data(code="SDEPT"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="child-form"' in html and "errorlist" in html
    assert "The code SDEPT is already used by another organisation." in html
    # School attributes on a union, a function on a school, a missing name.
    bad = child_data(code="SBAD", county="城关区", name="")
    html = client.post(url("add-child", "SSU"), bad, **HTMX).content.decode()
    assert "Only a school has this attribute." in html
    assert "This field is required." in html
    wrong = child_data(code="SBAD", kind=OrgKind.SCHOOL, function="clubs")
    html = client.post(url("add-child", "SSU"), wrong, **HTMX).content.decode()
    assert "Only a functional department has a function." in html
    # Without htmx the form comes back on a page of its own, with status 400.
    full = client.post(url("add-child", "SSU"), child_data(code="A/B"))
    assert full.status_code == 400 and "<html" in full.content.decode()
    assert not Organisation.objects.filter(code__in=["SBAD", "A/B"]).exists()
    assert not AuditEvent.objects.exists()


# ------------------------------------------------------------------ edit


def test_a_manager_edits_the_organisation(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    form = client.get(url("edit", "SSU")).content.decode()
    assert 'value="S示范大学学生会"' in form
    assert "edit-branch_campuses" not in form  # only a school has branch campuses
    data = {"edit-name": "示范大学学生会（新）", "edit-students_served": "20000"}
    response = client.post(url("edit", "SSU"), data, **HTMX)
    assert response.status_code == 204
    union = Organisation.objects.get(code="SSU")
    assert (union.name, union.students_served) == ("示范大学学生会（新）", 20000)
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.data["after"] == {
        "name": "示范大学学生会（新）",
        "students_served": 20000,
    }


def test_edit_errors_are_form_errors(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    data = {"edit-name": "新名字", "edit-profile": "no-such-plan"}
    html = client.post(url("edit", "SSU"), data, **HTMX).content.decode()
    assert "Unknown profile “no-such-plan”." in html
    bad = {"edit-name": "", "edit-students_served": "-5"}
    html = client.post(url("edit", "SSU"), bad, **HTMX).content.decode()
    assert "This field is required." in html
    assert "greater than or equal to 0" in html
    assert Organisation.objects.get(code="SSU").name == "S示范大学学生会"


def test_a_school_manager_edits_branch_campuses(client, school_with_deviation):
    manager = UserFactory(username="schooladmin")
    RoleFactory(user=manager, organisation=school_with_deviation.school)
    client.force_login(manager)
    assert "edit-branch_campuses" in client.get(url("edit", "SCH")).content.decode()
    data = {"edit-name": "S示范大学", "edit-branch_campuses": "2"}
    assert client.post(url("edit", "SCH"), data).status_code == 302
    assert Organisation.objects.get(code="SCH").branch_campuses == 2


# ------------------------------------------------------------------ appoint


def test_a_manager_appoints_an_existing_person(client, school_with_deviation):
    person = PersonFactory(ident="EXIST1", name="老同学")
    client.force_login(school_with_deviation.admin)
    data = appoint_data(
        person_mode="existing",
        ident="EXIST1",
        name="",
        role=Role.CORE_MEMBER,
        title="委员",
        public_contact="member@example.edu.cn",
    )
    response = client.post(url("positions", "SSU"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="positions"' in html and "老同学" in html
    assert "老同学 was appointed 委员." in html
    position = Position.objects.get(person=person)
    assert (position.organisation.code, position.role) == ("SSU", Role.CORE_MEMBER)
    assert position.public_contact == "member@example.edu.cn"
    assert position.election == ""  # not a presidium post: no election needed
    assert AuditEvent.objects.filter(action="position.appoint").count() == 1


def test_an_unknown_identifier_is_a_form_error(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    data = appoint_data(person_mode="existing", ident="NOBODY")
    html = client.post(url("positions", "SSU"), data, **HTMX).content.decode()
    assert "No person has the identifier NOBODY." in html
    assert not Position.objects.filter(person__ident="NOBODY").exists()


def test_a_manager_appoints_a_new_person_in_one_step(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = client.post(url("positions", "SSU"), appoint_data())
    assert response.status_code == 302
    assert response["Location"] == url("detail", "SSU") + "#positions"
    person = Person.objects.get(ident="NEW001")
    assert (person.name, person.student_number) == ("新同学", "2025123456")
    assert Position.objects.get(person=person).title == "干事"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"person.create", "position.appoint"}


def test_a_new_person_needs_a_name_and_a_free_identifier(client, school_with_deviation):
    PersonFactory(ident="TAKEN")
    client.force_login(school_with_deviation.admin)
    html = client.post(
        url("positions", "SSU"), appoint_data(name=""), **HTMX
    ).content.decode()
    assert "Give the new person&#x27;s name." in html
    html = client.post(
        url("positions", "SSU"), appoint_data(ident="TAKEN"), **HTMX
    ).content.decode()
    assert "The identifier TAKEN is already used by another person." in html
    dates = appoint_data(start="2026-01-10", end="2026-01-01")
    html = client.post(url("positions", "SSU"), dates, **HTMX).content.decode()
    assert "The end date cannot be before the start date." in html
    assert not Person.objects.filter(ident="NEW001").exists()
    assert not AuditEvent.objects.exists()


def test_an_assistant_title_is_refused_with_its_clauses_and_writes_nothing(
    client, school_with_deviation
):
    """ORG-5 · GS-9, CQ-4: no 主席助理, neither for a new person nor an existing one."""
    existing = PersonFactory(ident="EXIST2")
    client.force_login(school_with_deviation.admin)
    before = Position.objects.count()
    for data in (
        appoint_data(title="主席助理"),
        appoint_data(person_mode="existing", ident="EXIST2", title="主席助理"),
    ):
        response = client.post(url("positions", "SSU"), data, **HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "form-errors" in html  # above the form: it is no single field's fault
        assert (
            "assistant posts (主席助理, 部长助理 and the like) are not allowed" in html
        )
        # The requirement and the clauses of the organisation's profile (Gansu here).
        assert "(ORG-5 · GS-9)" in html
        # the plan's own words and what to do instead, as a finding says them (#12)
        assert "「不得设置主席助理、部长助理等岗位」" in html
        assert "Abolish the assistant post" in html or "撤销该助理岗位" in html
        assert '<details id="appoint" open>' in html  # the form stays open
    assert Position.objects.count() == before
    assert not Person.objects.filter(ident="NEW001").exists()  # rolled back too
    assert not Position.objects.filter(person=existing).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "title", "post_label", "bodies"),
    [
        (Role.VICE_PRESIDENT, "副主席", "Vice-president", "the congress"),
        (
            Role.PRESIDENT,
            "主席",
            "President",
            "the congress or the standing conference",
        ),
    ],
)
@pytest.mark.parametrize("person_mode", ["new", "existing"])
def test_a_presidium_post_is_not_filled_by_appointment(
    client, school_with_deviation, role, title, post_label, bodies, person_mode
):
    """ELE-1 · GS-8: the presidium is elected; the page says, at the role, to run an
    election, citing the governing profile's clause, and writes nothing (nor the new
    person)."""
    PersonFactory(ident="EXIST3")
    client.force_login(school_with_deviation.admin)
    before = Position.objects.count()
    ident = "NEW001" if person_mode == "new" else "EXIST3"
    data = appoint_data(
        person_mode=person_mode, ident=ident, role=role, title=title, public_contact="x"
    )
    response = client.post(url("positions", "SSU"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" in html
    assert (
        f"The post “{post_label}” is filled only by an election of {bodies}, not by "
        "appointment: run an election for it (Elections → Set up an election)"
    ) in html
    assert "(ELE-1 · GS-8)" in html
    assert Position.objects.count() == before
    assert not Person.objects.filter(ident="NEW001").exists()
    assert not AuditEvent.objects.filter(action="position.appoint").exists()


# ------------------------------------------------------------------ end a position


def test_ending_a_position_asks_for_confirmation_then_ends_it(
    client, school_with_deviation
):
    member = PositionFactory(
        organisation=school_with_deviation.union,
        person=PersonFactory(name="将卸任"),
        title="干事",
        start=dt.date(2025, 9, 1),
    )
    client.force_login(school_with_deviation.admin)
    end_url = url("end-position", "SSU", member.pk)
    confirm = client.get(end_url, **HTMX).content.decode()
    assert "end-form" in confirm and "End the position of 将卸任 as 干事?" in confirm
    member.refresh_from_db()
    assert member.end is None  # asking changes nothing
    full = client.get(end_url)
    assert full.status_code == 200 and "end-form" in full.content.decode()

    too_early = client.post(end_url, {"end": "2025-08-01"}, **HTMX).content.decode()
    assert "The end date cannot be before the start date." in too_early
    member.refresh_from_db()
    assert member.end is None

    response = client.post(end_url, {"end": "2026-01-31"}, **HTMX)
    html = response.content.decode()
    assert "将卸任 no longer holds the position 干事." in html
    member.refresh_from_db()
    assert member.end == dt.date(2026, 1, 31)
    assert AuditEvent.objects.filter(action="position.end").count() == 1
    assert "end-form" not in html


def test_ending_without_htmx_redirects(client, school_with_deviation):
    member = PositionFactory(organisation=school_with_deviation.union)
    client.force_login(school_with_deviation.admin)
    response = client.post(url("end-position", "SSU", member.pk), {"end": "2026-01-31"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.end == dt.date(2026, 1, 31)


# ------------------------------------------------------------------ query budget


def count_queries(client, target: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["detail", "positions"])
def test_the_management_section_runs_a_bounded_number_of_queries(
    client, school_with_deviation, django_assert_num_queries, name
):
    client.force_login(school_with_deviation.admin)
    target = url(name, "SSU")
    small = count_queries(client, target)
    union = school_with_deviation.union
    for i in range(15):
        OrganisationFactory(code=f"Q{i:02d}", parent=union, students_served=None)
        PositionFactory(organisation=union, title=f"干事{i}")
    with django_assert_num_queries(small):
        page = client.get(target).content.decode()
    assert "干事14" in page


def test_date_inputs_carry_iso_dates_in_chinese_too(
    client, school_with_deviation, settings
):
    """``<input type=date>`` only understands YYYY-MM-DD, whatever the language."""
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(school_with_deviation.admin)
    page = client.get(url("detail", "SSU")).content.decode()
    today = timezone.localdate().isoformat()
    assert f'name="appoint-start" value="{today}"' in page
    position = Position.objects.filter(organisation__code="SSU").first()
    confirm = client.get(url("end-position", "SSU", position.pk), **HTMX).content
    assert f'name="end" value="{today}"'.encode() in confirm
