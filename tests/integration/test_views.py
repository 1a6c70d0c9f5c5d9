"""Web pages: browse, organisation detail, compliance (ORG-4 · GS-9, CQ-4), audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.django_plugin import build_school_with_deviation
from tests.factories import (
    A_YEAR_AHEAD,
    JustificationFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UserFactory,
)
from tongxue.compliance.models import Justification
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.organisations.models import OrgKind, Role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def justify_url(code: str) -> str:
    return reverse("compliance:justify", args=[code])


def justification_data(rule: str = "ORG-4.department-deputies") -> dict[str, str]:
    return {
        "rule": rule,
        "reason": "新生扩招，过渡一学期",
        "approved_by": "校团委",
        "approved_on": "2026-01-10",
        "valid_until": A_YEAR_AHEAD,
    }


# ------------------------------------------------------------------ public pages


def test_home_lists_top_level_organisations_and_searches(client, school_with_deviation):
    page = client.get(reverse("home")).content.decode()
    assert "S示范大学" in page
    assert "S学生会权益部" not in page  # not a root
    # one place for search (#16): the front page's old ?q= goes to the search page
    found = client.get(reverse("home"), {"q": "权益"})
    assert found.status_code == 302
    assert found["Location"] == "/search/?q=%E6%9D%83%E7%9B%8A"
    assert "S学生会权益部" in client.get(found["Location"]).content.decode()


def test_pages_are_in_chinese_by_default_and_english_on_request(
    client, school_with_deviation
):
    assert '<html lang="zh-Hans">' in client.get(reverse("home")).content.decode()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, follow=True
    )
    assert '<html lang="en">' in response.content.decode()


def test_organisation_detail_shows_main_cadres_but_no_private_data(
    client, school_with_deviation
):
    union = school_with_deviation.union
    member = PersonFactory(name="普通干事", student_number="2025000111")
    PositionFactory(organisation=union, person=member, role=Role.MEMBER, title="干事")
    page = client.get(
        reverse("organisations:detail", args=[union.code])
    ).content.decode()
    assert "主席" in page and "su@example.edu.cn" in page  # CAD-2 · GS-12, CQ-7
    assert "S示范大学" in page  # breadcrumb to the school
    assert "S学生会权益部" in page  # its department
    assert "普通干事" not in page  # not a main cadre
    assert "2025000111" not in page  # never a student number


def test_unknown_codes_are_404(client):
    for name in ("organisations:detail", "compliance:report", "compliance:log"):
        assert client.get(reverse(name, args=["NOPE"])).status_code == 404


def test_children_are_paginated(client):
    root = OrganisationFactory(code="ROOT", kind=OrgKind.PROVINCIAL_FEDERATION)
    for i in range(30):
        OrganisationFactory(code=f"C{i:02d}", name=f"下级{i:02d}", parent=root)
    first = client.get(reverse("organisations:detail", args=["ROOT"])).content.decode()
    second = client.get(
        reverse("organisations:detail", args=["ROOT"]), {"page": 2}
    ).content.decode()
    assert "下级00" in first and "下级29" not in first
    assert "下级29" in second and "下级00" not in second


# ------------------------------------------------------------------ compliance page


def test_compliance_page_is_public_with_counts_and_the_deviation(
    client, school_with_deviation
):
    page = client.get(reverse("compliance:report", args=["SCH"])).content.decode()
    assert 'id="finding-SDEPT--ORG-4-department-deputies"' in page
    assert "ORG-4 · GS-9" in page
    assert "badge-deviation" in page
    assert "justify-form" not in page  # anonymous: nothing to record
    assert "export.json" not in page


def test_severity_filter_returns_the_findings_partial(client, school_with_deviation):
    response = client.get(
        reverse("compliance:report", args=["SCH"]),
        {"severity": "deviation"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="findings",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "ORG-4.department-deputies" in html
    assert "finding-violation" not in html
    violations = client.get(
        reverse("compliance:report", args=["SCH"]),
        {"severity": "violation"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="findings",
    ).content.decode()
    assert "ORG-4.department-deputies" not in violations
    assert "finding-violation" in violations


def test_admin_sees_the_form_and_export_buttons(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    page = client.get(reverse("compliance:report", args=["SSU"])).content.decode()
    assert "justify-form" in page
    assert "export.json" in page and "export.xlsx" in page
    # Above the union (at the school) the union's administrator exports nothing, yet
    # may still justify the deviation inside the union.
    school = client.get(reverse("compliance:report", args=["SCH"])).content.decode()
    assert "export.json" not in school and "justify-form" in school
    # The form sits only on deviations, not on violations (M rules).
    assert page.count("justify-form") == 1


def test_recording_a_justification_swaps_the_finding_to_justified(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    response = client.post(justify_url("SDEPT"), justification_data(), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "justified-marker" in html and "新生扩招" in html
    assert "withdraw" in html
    j = Justification.objects.get(organisation__code="SDEPT")
    assert (j.rule, j.approved_by) == ("ORG-4.department-deputies", "校团委")
    assert AuditEvent.objects.filter(action="justification.record").count() == 1


def test_without_htmx_a_justification_redirects_to_the_report(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    response = client.post(justify_url("SDEPT"), justification_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:report", args=["SDEPT"])


def test_a_binding_rule_is_refused_with_a_form_error(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = client.post(
        justify_url("SSU"), justification_data("ORG-2.vice-presidents-min"), **HTMX
    )
    html = response.content.decode()
    assert "errorlist" in html
    assert not Justification.objects.exists()


def test_missing_fields_are_form_errors(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    data = justification_data() | {"approved_on": "not a date"}
    response = client.post(justify_url("SDEPT"), data, **HTMX)
    assert "errorlist" in response.content.decode()
    assert not Justification.objects.exists()
    full = client.post(justify_url("SDEPT"), data)
    assert full.status_code == 400


def test_withdrawing_puts_the_deviation_back(client, school_with_deviation):
    JustificationFactory(
        organisation=school_with_deviation.department, rule="ORG-4.department-deputies"
    )
    client.force_login(school_with_deviation.admin)
    page = client.get(reverse("compliance:report", args=["SCH"])).content.decode()
    assert "justified-marker" in page
    response = client.post(
        reverse("compliance:withdraw", args=["SDEPT"]),
        {"rule": "ORG-4.department-deputies"},
        **HTMX,
    )
    html = response.content.decode()
    assert "justified-marker" not in html and "justify-form" in html
    assert not Justification.objects.exists()


def test_withdrawing_an_unknown_justification_is_404(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = client.post(
        reverse("compliance:withdraw", args=["SDEPT"]), {"rule": "ORG-4.nothing"}
    )
    assert response.status_code == 404


def test_a_cadre_may_read_but_not_justify(client, school_with_deviation):
    cadre = UserFactory(username="cadre")
    RoleFactory(
        user=cadre, organisation=school_with_deviation.union, role=RoleKind.UNION_CADRE
    )
    client.force_login(cadre)
    page = client.get(reverse("compliance:report", args=["SCH"])).content.decode()
    assert "justify-form" not in page and "export.json" not in page
    assert client.post(justify_url("SDEPT"), justification_data()).status_code == 403
    assert client.get(reverse("compliance:log", args=["SSU"])).status_code == 200
    assert client.get(reverse("snapshots:export-json", args=["SSU"])).status_code == 403


def test_exports_for_an_exporter(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = client.get(reverse("snapshots:export-json", args=["SSU"]))
    assert response.status_code == 200
    assert "SDEPT" in response.content.decode()
    workbook = client.get(reverse("snapshots:export-xlsx", args=["SSU"]))
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"  # a zip: the xlsx container


# ------------------------------------------------------------------ audit log


def test_audit_log_lists_the_subtree_only_for_private_viewers(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    client.post(justify_url("SDEPT"), justification_data())
    other = build_school_with_deviation(prefix="T")
    client.force_login(other.admin)
    client.post(justify_url("TDEPT"), justification_data())

    client.force_login(school_with_deviation.admin)
    page = client.get(reverse("compliance:log", args=["SSU"])).content.decode()
    assert "justification.record · SDEPT" in page
    assert "TDEPT" not in page
    assert client.get(reverse("compliance:log", args=["TSU"])).status_code == 403
    client.logout()
    assert client.get(reverse("compliance:log", args=["SSU"])).status_code == 403


# ------------------------------------------------------------------ query budgets


def add_schools(n: int, start: int = 0) -> None:
    """Add ``n`` schools, each with a union and a department with three deputies."""
    for i in range(start, start + n):
        build_school_with_deviation(prefix=f"X{i}", admin_username=f"x{i}admin")


def grow_subtree(school_with_deviation, n: int) -> None:
    """Add ``n`` departments with three deputies each under the union, and log events."""
    union = school_with_deviation.union
    for i in range(n):
        dept = OrganisationFactory(
            code=f"D{i:03d}",
            kind=OrgKind.FUNCTIONAL_DEPARTMENT,
            parent=union,
            students_served=None,
        )
        for _ in range(3):
            PositionFactory(
                organisation=dept,
                role=Role.DEPARTMENT_DEPUTY,
                title="副部长",
                start=dt.date(2025, 9, 1),
            )
        JustificationFactory(organisation=dept, rule="ORG-4.department-deputies")


def count_queries(client, url: str, **extra) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/org/",
        "/org/SCH/",
        "/org/SSU/",
        "/org/SCH/compliance/",
        "/org/SSU/log/",
    ],
)
def test_pages_run_a_bounded_number_of_queries(
    client, school_with_deviation, django_assert_num_queries, url
):
    client.force_login(school_with_deviation.admin)
    client.post(justify_url("SDEPT"), justification_data())
    small = count_queries(client, url)
    add_schools(3)
    grow_subtree(school_with_deviation, 12)
    for i in range(12):
        client.post(
            justify_url(f"D{i:03d}"), {"rule": "ORG-4.department-deputies"}, **HTMX
        )  # invalid forms: no event, but the page still grows
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_severity_partial_runs_a_bounded_number_of_queries(
    client, school_with_deviation, django_assert_num_queries
):
    url = "/org/SCH/compliance/?severity=deviation"
    small = count_queries(
        client, url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="findings"
    )
    grow_subtree(school_with_deviation, 15)
    with django_assert_num_queries(small):
        client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="findings")


def test_public_compliance_page_hides_who_but_managers_see_it(client):
    """No private data on public pages: evidence naming a person is for VIEW_PRIVATE."""
    from tests.factories import (
        OrganisationFactory,
        PersonFactory,
        PositionFactory,
        RoleFactory,
        SchoolFactory,
        UserFactory,
    )

    school = SchoolFactory(code="PRIV")
    union = OrganisationFactory(code="PRIV-SU", parent=school)
    PositionFactory(
        organisation=union,
        person=PersonFactory(ident="STU-2024000123"),
        role="member",
        title="主席助理",  # ORG-5: a finding whose evidence names the holder
    )
    url = "/org/PRIV-SU/compliance/"
    public = client.get(url).content.decode()
    assert "主席助理" in public and "STU-2024000123" not in public

    cadre = UserFactory(username="cadre-priv")
    RoleFactory(user=cadre, organisation=union, role="union_cadre")
    client.force_login(cadre)
    assert "STU-2024000123" in client.get(url).content.decode()


def test_public_api_audit_hides_who(client):
    from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

    union = OrganisationFactory(code="PAPI")
    PositionFactory(
        organisation=union,
        person=PersonFactory(ident="STU-77"),
        role="member",
        title="部长助理",
    )
    data = client.get("/api/organisations/PAPI/audit").json()
    org5 = [f for f in data["findings"] if f["requirement"] == "ORG-5"]
    assert org5 and all("person" not in f["evidence"] for f in org5)
    assert "STU-77" not in client.get("/api/organisations/PAPI/audit").content.decode()


def test_chinese_is_the_default_even_for_an_english_browser(client):
    """The site speaks zh-hans unless the user picks English with the switch."""
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page["Content-Language"] == "en"
