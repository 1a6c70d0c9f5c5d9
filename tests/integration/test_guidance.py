"""Records of guidance (GOV-1, GOV-2 · GS-14, CQ-9): the service, the page, the public
union page, the registry, snapshot import/export and the guard on appointments.

The union's admins record either kind; the League's advisors the League's guidance,
the Party committee's approvers the reports it heard; students and other unions'
admins are refused.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from jsonschema import Draft202012Validator

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tests.integration.test_snapshots import SCHEMA
from tongxue.business import services
from tongxue.business.models import Guidance
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.model import GuidanceKind
from tongxue.organisations import services as org_services
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import DepartmentFunction, OrgKind, PersonKind, Role
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@dataclass
class Tree:
    school: Any
    union: Any
    other: Any
    admin: Any
    other_admin: Any
    advisor: Any
    approver: Any
    student: Any
    cadre: Any


def _user(role: str, org: Any, name: str) -> Any:
    user = UserFactory(username=name)
    RoleFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def t() -> Tree:
    school = SchoolFactory(code="GSCH", name="指导大学")
    union = OrganisationFactory(code="GSU", name="指导大学学生会", parent=school)
    other_school = SchoolFactory(code="OSCH", name="别的大学")
    other = OrganisationFactory(code="OSU", name="别的大学学生会", parent=other_school)
    return Tree(
        school=school,
        union=union,
        other=other,
        admin=_user(RoleKind.UNION_ADMIN, union, "g-admin"),
        other_admin=_user(RoleKind.UNION_ADMIN, other, "o-admin"),
        advisor=_user(RoleKind.LEAGUE_ADVISOR, school, "g-advisor"),
        approver=_user(RoleKind.PARTY_APPROVER, school, "g-approver"),
        student=_user(RoleKind.STUDENT, union, "g-student"),
        cadre=_user(RoleKind.UNION_CADRE, union, "g-cadre"),
    )


def record(actor: Any, union: Any, **kw: Any) -> Guidance:
    fields: dict[str, Any] = {
        "kind": GuidanceKind.PARTY_HEARING,
        "held": TODAY - dt.timedelta(days=10),
        "by": "校党委常委会",
        "summary": "听取学生会工作汇报，要求精简机构。",
    }
    fields.update(kw)
    return services.record_guidance(actor=actor, union=union, **fields)


# -- the service ----------------------------------------------------------------------


def test_an_admin_records_both_kinds_with_an_audit_entry(t: Tree) -> None:
    record(t.admin, t.union)
    record(
        t.admin, t.union, kind=GuidanceKind.LEAGUE_GUIDANCE, by="校团委", public=True
    )
    assert Guidance.objects.filter(union=t.union).count() == 2
    events = AuditEvent.objects.filter(action="business.record_guidance")
    assert events.count() == 2
    event = events.order_by("pk").first()
    assert event is not None
    assert (event.organisation, event.role) == ("GSU", RoleKind.UNION_ADMIN)
    assert event.data["kind"] == "party_hearing"
    stored = Guidance.objects.get(union=t.union, kind="league_guidance")
    assert stored.public and stored.recorded_by == t.admin


def test_the_league_records_its_guidance_and_the_party_its_hearings(t: Tree) -> None:
    record(t.advisor, t.union, kind=GuidanceKind.LEAGUE_GUIDANCE)
    record(t.approver, t.union, kind=GuidanceKind.PARTY_HEARING)
    with pytest.raises(Refusal) as exc:
        record(t.advisor, t.union, kind=GuidanceKind.PARTY_HEARING, held=TODAY)
    assert exc.value.code == "forbidden"
    with pytest.raises(Refusal):
        record(t.approver, t.union, kind=GuidanceKind.LEAGUE_GUIDANCE, held=TODAY)
    assert AuditEvent.objects.filter(action="business.record_guidance").count() == 2


@pytest.mark.parametrize("who", ["student", "cadre", "other_admin"])
def test_others_may_not_record(t: Tree, who: str) -> None:
    with pytest.raises(Refusal) as exc:
        record(getattr(t, who), t.union)
    assert exc.value.code == "forbidden"
    assert not Guidance.objects.exists()


def test_a_day_still_to_come_a_second_record_and_a_non_union_are_refused(
    t: Tree,
) -> None:
    with pytest.raises(Refusal) as exc:
        record(t.admin, t.union, held=TODAY + dt.timedelta(days=1))
    assert exc.value.field == "held"
    record(t.admin, t.union, held=TODAY)  # today is fine
    with pytest.raises(Refusal) as exc:
        record(t.admin, t.union, held=TODAY)
    assert (exc.value.code, exc.value.field) == ("duplicate", "held")
    dept = OrganisationFactory(
        code="GDSU", kind=OrgKind.DEPARTMENT_UNION, parent=t.union
    )
    with pytest.raises(Refusal) as exc:
        record(t.admin, dept)
    assert exc.value.code == "invalid"
    with pytest.raises(Refusal) as exc:
        record(t.admin, t.union, summary="  ", held=TODAY - dt.timedelta(days=3))
    assert exc.value.field == "summary"
    assert Guidance.objects.count() == 1


def test_the_registry_and_the_audit_read_the_records(t: Tree) -> None:
    def gov() -> set[str]:
        from tongxue.compliance.selectors import audit_organisation

        report = audit_organisation(code="GSU", as_of=TODAY)
        return {f.rule for f in report.findings if f.requirement.startswith("GOV")}

    assert gov() == {"GOV-1.party-hearing-overdue", "GOV-2.league-guidance-overdue"}
    record(t.admin, t.union)
    record(t.admin, t.union, kind=GuidanceKind.LEAGUE_GUIDANCE)
    reg = load_registry("GSU")
    assert {(g.organisation, g.kind) for g in reg.guidance} == {
        ("GSU", GuidanceKind.PARTY_HEARING),
        ("GSU", GuidanceKind.LEAGUE_GUIDANCE),
    }
    assert gov() == set()


# -- the page -------------------------------------------------------------------------


def page(code: str = "GSU") -> str:
    return f"/org/{code}/guidance/"


def post_data(**kw: str) -> dict[str, str]:
    data = {
        "guidance-kind": "party_hearing",
        "guidance-held": (TODAY - dt.timedelta(days=5)).isoformat(),
        "guidance-by": "校党委常委会",
        "guidance-summary": "听取学生会工作汇报，提出指导要求。",
    }
    data.update({f"guidance-{k}": v for k, v in kw.items()})
    return data


def test_anonymous_users_are_sent_to_sign_in(client, t: Tree) -> None:
    response = client.get(page())
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(page(), post_data())
    assert response.status_code == 302
    assert not Guidance.objects.exists()


@pytest.mark.parametrize("who", ["student", "other_admin"])
def test_a_student_and_another_unions_admin_are_refused(
    client, t: Tree, who: str
) -> None:
    client.force_login(getattr(t, who))
    assert client.get(page()).status_code == 403
    assert client.post(page(), post_data()).status_code == 403
    assert not Guidance.objects.exists()


def test_an_admin_sees_the_empty_page_and_records(client, t: Tree) -> None:
    client.force_login(t.admin)
    body = client.get(page()).content.decode()
    assert 'id="guidance-empty"' in body
    assert 'type="date"' in body and 'id="guidance-form"' in body
    assert "GOV-1.party-hearing-overdue" in body  # the audit of both, on the page
    response = client.post(page(), post_data(public="on"))
    assert response.status_code == 302 and response["Location"] == page()
    g = Guidance.objects.get()
    assert (g.kind, g.by, g.public) == ("party_hearing", "校党委常委会", True)
    body = client.get(page()).content.decode()
    assert "听取学生会工作汇报，提出指导要求。" in body
    assert 'id="guidance-empty"' not in body


def test_a_bad_date_is_named_on_its_field(client, t: Tree) -> None:
    client.force_login(t.admin)
    response = client.post(page(), post_data(held="2026-13-45"))
    assert response.status_code == 400
    assert _error_after_field(response, "held") == _(
        "Enter the day it was held as a date, YYYY-MM-DD (for example 2026-03-15)."
    )
    response = client.post(
        page(), post_data(held=(TODAY + dt.timedelta(days=2)).isoformat())
    )
    assert response.status_code == 400
    assert _error_after_field(response, "held") == _(
        "Guidance cannot be recorded for a day still to come."
    )
    assert not Guidance.objects.exists()


def _(text: str) -> str:
    """The message as the page shows it (in the site's default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(text)


def _error_after_field(response: Any, name: str) -> str:
    """Return the first error shown after the form field ``name``: the one it names."""
    body = response.content.decode()
    at = body.index(f'id="id_guidance-{name}"')
    found = re.search(r'<ul class="errorlist"[^>]*>\s*<li>(.*?)</li>', body[at:])
    assert found is not None, body[at : at + 500]
    return html.unescape(found.group(1))


def test_the_league_advisor_may_record_only_the_leagues_guidance(
    client, t: Tree
) -> None:
    client.force_login(t.advisor)
    body = client.get(page()).content.decode()
    assert 'value="league_guidance"' in body
    assert 'value="party_hearing"' not in body
    response = client.post(page(), post_data(kind="party_hearing"))
    assert response.status_code == 400  # not a choice offered
    assert not Guidance.objects.exists()
    response = client.post(page(), post_data(kind="league_guidance"))
    assert response.status_code == 302
    assert Guidance.objects.get().kind == "league_guidance"


def test_a_union_cadre_reads_without_a_form(client, t: Tree) -> None:
    record(t.admin, t.union)
    client.force_login(t.cadre)
    body = client.get(page()).content.decode()
    assert "校党委常委会" in body and 'id="guidance-form"' not in body
    assert client.post(page(), post_data()).status_code == 403


def test_only_school_level_unions_have_the_page(client, t: Tree) -> None:
    client.force_login(t.admin)
    assert client.get(page("GSCH")).status_code == 404


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_a_bounded_number_of_queries_and_pages(client, t: Tree) -> None:
    client.force_login(t.admin)
    for k in range(3):
        record(t.admin, t.union, held=TODAY - dt.timedelta(days=k))
    small = _queries(client, page())
    for k in range(3, 45):
        record(t.admin, t.union, held=TODAY - dt.timedelta(days=k))
    assert _queries(client, page()) == small
    body = client.get(page()).content.decode()
    assert body.count("<li data-kind=") == 20
    assert "?page=2" in body
    body = client.get(page() + "?page=3").content.decode()
    assert body.count("<li data-kind=") == 5


def test_public_records_are_on_the_unions_public_page(client, t: Tree) -> None:
    record(t.admin, t.union, summary="公开的指导意见", public=True)
    record(
        t.admin,
        t.union,
        kind=GuidanceKind.LEAGUE_GUIDANCE,
        summary="内部的指导意见",
    )
    body = client.get("/org/GSU/").content.decode()
    assert 'id="public-guidance"' in body and "公开的指导意见" in body
    assert "内部的指导意见" not in body
    assert 'id="guidance-link"' not in body  # anonymous: no link to the records
    client.force_login(t.admin)
    assert 'id="guidance-link"' in client.get("/org/GSU/").content.decode()


# -- snapshots ------------------------------------------------------------------------


def test_export_and_import_round_trip(t: Tree) -> None:
    record(t.admin, t.union)
    record(t.admin, t.union, kind=GuidanceKind.LEAGUE_GUIDANCE, public=True)
    doc = export_tables("GSCH")
    assert list(Draft202012Validator(SCHEMA).iter_errors(doc)) == []
    # by union, day and kind
    assert [(g["kind"], g["public"]) for g in doc["guidance"]] == [
        ("league_guidance", True),
        ("party_hearing", False),
    ]
    result = import_tables(copy.deepcopy(doc))
    assert result.counts["guidance"].as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }
    changed = copy.deepcopy(doc)
    changed["guidance"][1]["summary"] = "改过的纪要"
    changed["guidance"].append(
        {**changed["guidance"][1], "held": "2020-01-02", "summary": "旧的汇报"}
    )
    result = import_tables(changed)
    assert result.counts["guidance"].as_dict() == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
    }
    assert Guidance.objects.filter(union=t.union).count() == 3
    assert Guidance.objects.get(summary="旧的汇报").recorded_by is None
    assert export_tables("GSCH")["guidance"][0]["summary"] == "旧的汇报"


def test_an_old_snapshot_without_guidance_still_imports(t: Tree) -> None:
    doc = export_tables("GSCH")
    assert "guidance" not in doc
    result = import_tables(doc)
    assert result.counts["guidance"].created == 0
    assert not Guidance.objects.exists()


def test_import_stores_rows_for_a_new_union_and_refuses_a_non_union(t: Tree) -> None:
    row = {
        "organisation": "NSU",
        "kind": "league_guidance",
        "held": "2026-03-01",
        "by": "校团委",
        "summary": "指导",
    }
    doc = {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {"code": "NSCH", "name": "新大学", "kind": "school"},
            {
                "code": "NSU",
                "name": "新大学学生会",
                "kind": "school_union",
                "parent": "NSCH",
            },
        ],
        "guidance": [row],
    }
    assert import_tables(copy.deepcopy(doc)).counts["guidance"].created == 1
    assert Guidance.objects.get().union.code == "NSU"
    bad = {"format": "tongxue-snapshot", "version": 1}
    bad["guidance"] = [{**row, "organisation": "GSCH"}]  # a stored school
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(bad)
    assert [(e.table, e.row, e.field) for e in exc.value.errors] == [
        ("guidance", 1, "organisation")
    ]


def test_a_scoped_import_refuses_guidance_of_another_union(t: Tree) -> None:
    row = {
        "organisation": "OSU",
        "kind": "party_hearing",
        "held": "2026-03-01",
        "by": "校党委",
        "summary": "听取汇报",
    }
    doc = {"format": "tongxue-snapshot", "version": 1, "guidance": [row]}
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(copy.deepcopy(doc), actor=t.admin)
    assert [(e.table, e.field) for e in exc.value.errors] == [
        ("guidance", "organisation")
    ]
    assert not Guidance.objects.exists()
    doc["guidance"][0]["organisation"] = "GSU"
    assert import_tables(doc, actor=t.admin).counts["guidance"].created == 1


# -- the guard ------------------------------------------------------------------------


def test_appointing_a_league_cadre_to_head_a_department_is_refused(t: Tree) -> None:
    """GOV-2: League roles do not run the union's daily executive work; the guards
    refuse the appointment that would create the violation."""
    dept = OrganisationFactory(
        code="GSU-QY",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        function=DepartmentFunction.RIGHTS,
        parent=t.union,
    )
    cadre = PersonFactory(kind=PersonKind.LEAGUE_CADRE)
    with pytest.raises(Refusal) as exc:
        org_services.appoint(
            actor=None,
            organisation=dept,
            person=cadre,
            role=Role.DEPARTMENT_HEAD,
            title="部长",
            start=TODAY,
        )
    assert exc.value.requirement == "GOV-2"
    org_services.appoint(
        actor=None,
        organisation=dept,
        person=PersonFactory(),
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        start=TODAY,
    )
    org_services.appoint(
        actor=None,
        organisation=t.union,
        person=cadre,
        role=Role.SECRETARY_GENERAL,
        title="秘书长",
        start=TODAY,
    )
