"""The JSON API (django-ninja) at /api/: organisations, audits and justifications."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.django_plugin import build_school_with_deviation
from tests.factories import A_YEAR_AHEAD, OrganisationFactory, UserFactory
from tongxue.compliance.models import Justification

pytestmark = pytest.mark.django_db


def test_organisations_are_listed_paginated_and_filtered(client, school_with_deviation):
    body = client.get("/api/organisations").json()
    assert body["count"] == 3
    assert {o["code"] for o in body["items"]} == {"SCH", "SSU", "SDEPT"}
    children = client.get("/api/organisations", {"parent": "SSU"}).json()
    assert [o["code"] for o in children["items"]] == ["SDEPT"]
    assert children["items"][0]["parent"] == "SSU"
    schools = client.get("/api/organisations", {"kind": "school"}).json()
    assert [o["code"] for o in schools["items"]] == ["SCH"]
    roots = client.get("/api/organisations", {"root": "true"}).json()
    assert [o["code"] for o in roots["items"]] == ["SCH"]
    bad = client.get("/api/organisations", {"kind": "castle"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_pages_hold_fifty_organisations(client):
    root = OrganisationFactory(code="ROOT")
    for i in range(55):
        OrganisationFactory(code=f"C{i:02d}", parent=root)
    first = client.get("/api/organisations").json()
    second = client.get("/api/organisations", {"page": 2}).json()
    assert first["count"] == 56 and len(first["items"]) == 50
    assert len(second["items"]) == 6


def test_one_organisation_and_404(client, school_with_deviation):
    assert client.get("/api/organisations/SSU").json()["kind"] == "school_union"
    assert client.get("/api/organisations/NOPE").status_code == 404
    assert client.get("/api/organisations/NOPE/audit").status_code == 404


def test_audit_returns_the_report_shape_in_the_language_asked(
    client, school_with_deviation
):
    body = client.get(
        "/api/organisations/SSU/audit", {"as_of": "2026-03-01", "language": "en"}
    ).json()
    assert body["as_of"] == "2026-03-01"
    assert set(body) >= {"profile", "summary", "failing", "findings"}
    org4 = [f for f in body["findings"] if f["rule"] == "ORG-4.department-deputies"]
    assert org4 and org4[0]["severity"] == "deviation"
    assert org4[0]["requirement"] == "ORG-4" and org4[0]["clauses"]
    assert org4[0]["evidence"]["deputies"] == 3
    assert "deputy" in org4[0]["message"]
    # Before the deputies took office (ORG-4 looks at active positions) no finding.
    early = client.get("/api/organisations/SSU/audit", {"as_of": "2025-01-01"}).json()
    assert not [f for f in early["findings"] if f["rule"].startswith("ORG-4")]


def test_audit_rejects_unknown_profile_and_language(client, school_with_deviation):
    bad = client.get("/api/organisations/SSU/audit", {"profile": "atlantis-1999"})
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_profile"
    lang = client.get("/api/organisations/SSU/audit", {"language": "fr"})
    assert lang.status_code == 400
    override = client.get("/api/organisations/SSU/audit", {"profile": "cqtgu-2017"})
    assert override.json()["profile"] == "cqtgu-2017"


PAYLOAD = {
    "rule": "ORG-4.department-deputies",
    "reason": "过渡期",
    "approved_by": "校团委",
    "approved_on": "2026-01-10",
    "valid_until": A_YEAR_AHEAD,
}


def post(client, code: str, payload: dict) -> object:  # type: ignore[type-arg]
    return client.post(
        f"/api/organisations/{code}/justifications",
        data=json.dumps(payload),
        content_type="application/json",
    )


def test_an_admin_records_a_justification(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = post(client, "SDEPT", PAYLOAD)
    assert response.status_code == 201
    assert response.json()["organisation"] == "SDEPT"
    assert Justification.objects.filter(organisation__code="SDEPT").exists()
    audit = client.get("/api/organisations/SSU/audit").json()
    org4 = [f for f in audit["findings"] if f["rule"] == PAYLOAD["rule"]]
    assert org4[0]["justified"] is True


def test_refusals_are_json_with_code_message_params(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    binding = post(client, "SSU", PAYLOAD | {"rule": "ORG-2.vice-presidents-min"})
    assert binding.status_code == 400
    assert binding.json()["code"] == "not_justifiable"
    assert {"code", "message", "params"} <= set(binding.json())
    other = build_school_with_deviation(prefix="T")
    forbidden = post(client, other.department.code, PAYLOAD)
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "forbidden"
    assert not Justification.objects.exists()


def test_anonymous_cannot_post_and_csrf_is_enforced(school_with_deviation):
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    assert post(anonymous, "SDEPT", PAYLOAD).status_code in (401, 403)
    anonymous.get("/")
    with_token = anonymous.post(
        "/api/organisations/SDEPT/justifications",
        data=json.dumps(PAYLOAD),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=anonymous.cookies["csrftoken"].value,
    )
    assert with_token.status_code == 401  # a token is not a session
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(school_with_deviation.admin)
    assert post(strict, "SDEPT", PAYLOAD).status_code == 403  # no CSRF token
    strict.get("/")  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    ok = strict.post(
        "/api/organisations/SDEPT/justifications",
        data=json.dumps(PAYLOAD),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert ok.status_code == 201
    assert Justification.objects.count() == 1


def test_openapi_docs_are_published(client):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/organisations/{code}/audit" in schema["paths"]


@pytest.mark.parametrize(
    "url",
    ["/api/organisations", "/api/organisations/SSU", "/api/organisations/SCH/audit"],
)
def test_api_reads_run_a_bounded_number_of_queries(
    client, school_with_deviation, django_assert_num_queries, url
):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    small = len(ctx.captured_queries)
    for i in range(4):
        build_school_with_deviation(prefix=f"X{i}", admin_username=f"x{i}")
    user = UserFactory(username="reader")
    client.force_login(user)
    client.logout()
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200
