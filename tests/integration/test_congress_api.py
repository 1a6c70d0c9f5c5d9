"""The congress JSON API: list, one congress with its allocation, its public delegates."""

from __future__ import annotations

import pytest

from tests.factories_congress import allocated, build_union, enter, planned
from tongxue.congresses import services

pytestmark = pytest.mark.django_db

MATRIX = {
    "UD0": {1: 150, 2: 130, 3: 120, 4: 100},
    "UD1": {1: 90, 2: 80, 3: 70, 4: 60},
    "UD2": {1: 70, 2: 60, 3: 40, 4: 30},
}


def test_list_congresses_of_an_organisation(client):
    u = build_union()
    planned(u, code="UC1")
    allocated(u, code="UC2")
    data = client.get("/api/congresses", {"organisation": "USU"}).json()
    assert {c["code"]: c["status"] for c in data["items"]} == {
        "UC1": "planned",
        "UC2": "seats_allocated",
    }
    assert client.get("/api/congresses", {"organisation": "NOPE"}).status_code == 404


def test_one_congress_with_its_allocation_and_explanation(client):
    u = build_union()
    m = planned(u)
    services.allocate_seats_by_grade(
        actor=u.admin, meeting=m, seats=20, matrix=MATRIX, clubs=["UCL0"]
    )
    data = client.get(f"/api/congresses/{m.code}").json()
    a = data["allocation"]
    assert data["status"] == "planned" and data["next_steps"] == ["seats_allocated"]
    assert a["mode"] == "grades" and a["seats"] == 20 and not a["frozen"]
    assert sum(c["seats"] for c in a["cells"]) == 19
    assert [g["grade"] for g in a["grades"]] == [1, 2, 3, 4]
    assert set(a["row_divisors"]) == {"UD0", "UD1", "UD2"}
    assert {r["unit"]: r["kind"] for r in a["rows"]}["UCL0"] == "club"
    assert all(r["why"] is not None for r in a["rows"])
    assert client.get("/api/congresses/NOPE").status_code == 404


def test_public_delegates_without_identifiers(client):
    u = build_union()
    m = allocated(u)
    p = u.students["UD0"][0]
    enter(u, m, p, votes=31)
    response = client.get(f"/api/congresses/{m.code}/delegates")
    item = response.json()["items"][0]
    assert item["name"] == p.name and item["votes"] == 31
    assert item["electing_unit"] == u.classes["UD0"].name
    assert p.ident not in response.content.decode()
