"""``GET /api/organisations/CODE/audit`` (#15): a page of findings, filtered as the
compliance page filters them (severity, requirement, organisation, city), the counts of
the whole subtree, ``stored_at``; stored or computed now, the same answer; a bounded
number of queries at any size.

docs/audit.md, "Stored findings" (the API).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import OrganisationFactory, PositionFactory
from tests.factories_federation import build_federation
from tongxue.compliance.services import store_audit
from tongxue.organisations.models import Organisation, OrgKind, Role

pytestmark = pytest.mark.django_db

URL = "/api/organisations/{}/audit"


def assistants(union: Organisation, n: int) -> None:
    """``n`` assistant posts at ``union``: ``n`` ORG-5 violations (GS-9, CQ-4)."""
    for _ in range(n):
        PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")


def federation() -> None:
    """FED (cities FC1, FC2); an assistant post at FS-V1-U (FC1) and FS-M1-U (FC2)."""
    build_federation()
    assistants(Organisation.objects.get(code="FS-V1-U"), 1)
    assistants(Organisation.objects.get(code="FS-M1-U"), 1)


def get(client: Any, code: str = "FED", **params: Any) -> dict[str, Any]:
    response = client.get(URL.format(code), {"language": "en", **params})
    assert response.status_code == 200, response.content
    return dict(response.json())


def every_page(client: Any, **params: Any) -> list[tuple[str, str]]:
    """(organisation, rule) of every finding, walking the pages of ``page_size``."""
    first = get(client, **params)
    out = [(f["organisation"], f["rule"]) for f in first["findings"]]
    for n in range(2, first["pages"] + 1):
        page = get(client, **params, page=n)
        assert page["page"] == n
        out += [(f["organisation"], f["rule"]) for f in page["findings"]]
    assert len(out) == first["count"]
    return out


def today() -> str:
    return timezone.localdate().isoformat()


def test_pages_of_the_stored_audit_hold_every_finding_in_order(client: Any) -> None:
    federation()
    fresh = get(client, as_of=today(), page_size=500)
    assert fresh["stored_at"] is None and fresh["pages"] == 1
    everything = [(f["organisation"], f["rule"]) for f in fresh["findings"]]
    assert len(everything) == fresh["count"] > 3
    store_audit(root=None)
    first = get(client, page_size=2)
    assert first["stored_at"] is not None
    assert (first["page"], first["page_size"], first["count"]) == (
        1,
        2,
        len(everything),
    )
    assert first["pages"] == (len(everything) + 1) // 2
    assert len(first["findings"]) == 2
    assert every_page(client, page_size=2) == everything
    # The counts are the whole subtree's, on every page.
    assert first["summary"] == fresh["summary"]
    assert first["failing"] == fresh["failing"]
    assert first["coverage"] == fresh["coverage"]
    assert first["verdict"] == fresh["verdict"]
    # Past the last page: the last.
    last = get(client, page_size=2, page=999)
    assert last["page"] == first["pages"]
    # The default: 50 to a page, the first.
    default = get(client)
    assert (default["page"], default["page_size"]) == (1, 50)
    assert [(f["organisation"], f["rule"]) for f in default["findings"]] == everything[
        :50
    ]


@pytest.mark.parametrize("stored", [False, True])
def test_the_filters_narrow_the_findings_not_the_counts(
    client: Any, stored: bool
) -> None:
    federation()
    if stored:
        store_audit(root=None)
    whole = get(client, page_size=500)
    assert (whole["stored_at"] is not None) is stored
    assert whole["filters"] == {
        "severity": "",
        "requirement": "",
        "organisation": "",
        "city": "",
    }
    findings = whole["findings"]

    def check(expected: list[dict[str, Any]], **filters: str) -> None:
        got = get(client, page_size=500, **filters)
        assert got["filters"] == {
            "severity": "",
            "requirement": "",
            "organisation": "",
            "city": "",
            **filters,
        }
        assert got["count"] == len(expected)
        assert got["findings"] == expected
        assert got["summary"] == whole["summary"]
        assert got["failing"] == whole["failing"]

    violations = [f for f in findings if f["severity"] == "violation"]
    others = [f for f in findings if f["severity"] != "violation"]
    assert violations and others
    check(violations, severity="violation")
    check([f for f in findings if f["severity"] == "deviation"], severity="deviation")
    org5 = [f for f in findings if f["requirement"] == "ORG-5"]
    assert org5 and len(org5) < len(findings)
    check(org5, requirement="ORG-5")
    check(
        [f for f in findings if f["organisation"] == "FS-V1-U"],
        organisation="FS-V1-U",
    )
    check([], organisation="NOWHERE")
    in_fc1 = [f for f in findings if f["organisation"].startswith("FS-V")]
    in_fc2 = [f for f in findings if f["organisation"].startswith("FS-M")]
    assert in_fc1 and in_fc2
    by_city = {
        city: get(client, page_size=500, city=city)["findings"]
        for city in ("FC1", "FC2")
    }
    assert {f["organisation"] for f in by_city["FC1"]} >= {"FS-V1-U"}
    assert "FS-M1-U" not in {f["organisation"] for f in by_city["FC1"]}
    assert {f["organisation"] for f in by_city["FC2"]} >= {"FS-M1-U"}
    assert "FS-V1-U" not in {f["organisation"] for f in by_city["FC2"]}
    # Combined: the assistant's violation at FC1's union, and only it.
    both = get(
        client,
        page_size=500,
        city="FC1",
        requirement="ORG-5",
        severity="violation",
    )
    assert {(f["organisation"], f["requirement"]) for f in both["findings"]} == {
        ("FS-V1-U", "ORG-5")
    }


def test_stored_and_computed_now_answer_the_same_filtered_page(client: Any) -> None:
    federation()
    params = {"severity": "violation", "page_size": 1, "page": 2}
    fresh = get(client, **params)
    store_audit(root=None)
    stored = get(client, **params)
    assert fresh["stored_at"] is None and stored["stored_at"] is not None
    for name in ("findings", "count", "pages", "page", "summary", "failing"):
        assert stored[name] == fresh[name], name


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"severity": "fatal"}, "severity"),
        ({"requirement": "ORG-999"}, "requirement"),
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 501}, "page_size"),
    ],
)
def test_invalid_filters_and_pages_are_refused(
    client: Any, params: dict[str, Any], field: str
) -> None:
    federation()
    store_audit(root=None)
    response = client.get(URL.format("FED"), params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field


def test_the_largest_page_and_known_values_are_accepted(client: Any) -> None:
    federation()
    store_audit(root=None)
    assert get(client, page_size=500, page=1)["page_size"] == 500
    assert get(client, severity="incomplete", requirement="ORG-1")["count"] >= 0


def test_the_stored_audit_takes_the_same_queries_at_any_size(client: Any) -> None:
    federation()
    store_audit(root=None)
    with CaptureQueriesContext(connection) as small:
        first = get(client, city="FC1", page_size=5)
    assert first["count"] > 0
    assert len(small) <= 8
    # Ten times the schools, each with findings, on many pages.
    fc1 = Organisation.objects.get(code="FC1")
    for i in range(40):
        school = OrganisationFactory(code=f"GS{i}", kind=OrgKind.SCHOOL, parent=fc1)
        assistants(OrganisationFactory(code=f"GS{i}-U", parent=school), 2)
    store_audit(root=None)
    with CaptureQueriesContext(connection) as large:
        big = get(client, city="FC1", page_size=5, page=3)
    assert big["count"] > 80 and big["pages"] > 3 and len(big["findings"]) == 5
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as unfiltered:
        get(client)
    assert len(unfiltered) <= len(small)


def test_the_openapi_schema_names_the_report_and_its_parts(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    names = set(schema["components"]["schemas"])
    assert {"AuditReportOut", "AuditFindingOut", "AuditCoverageOut"} <= names
    audit = schema["paths"]["/api/organisations/{code}/audit"]["get"]
    params = {p["name"] for p in audit["parameters"]}
    assert {
        "severity",
        "requirement",
        "organisation",
        "city",
        "page",
        "page_size",
    } <= params
