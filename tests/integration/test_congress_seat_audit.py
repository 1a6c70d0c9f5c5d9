"""CON-4 in the database: the audit reads a congress's seat plan from its allocation or,
for an imported congress, from the plan the snapshot recorded (GS-8, CQ-3: 名额分配要
覆盖各个院系、年级及主要社团)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories_congress import build_union, planned
from tongxue.congresses import services
from tongxue.congresses.models import Meeting
from tongxue.domain.audit import audit
from tongxue.domain.snapshot import registry_to_tables
from tongxue.organisations.mappers import load_registry
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db


def _con4(code: str) -> list[str]:
    report = audit(load_registry(code), as_of=date.today())
    return sorted(f.rule for f in report.findings if f.requirement == "CON-4")


def test_an_allocation_by_grade_with_a_club_covers_everything():
    u = build_union()
    m = planned(u)
    services.allocate_seats_by_grade(
        actor=u.admin, meeting=m, clubs=["UCL0"], tie="lot", seed=7
    )
    assert _con4(u.union.code) == []
    plan = next(x for x in load_registry(u.union.code).meetings if x.code == m.code)
    assert plan.seats is not None and plan.seats.by_grade
    assert set(plan.seats.clubs) == {"UCL0"}


def test_an_allocation_by_department_only_is_reported():
    u = build_union()
    m = planned(u)
    services.allocate_seats(actor=u.admin, meeting=m, method="sainte-lague")
    # the registry's students have grades: the allocation covers none, nor a club
    assert _con4(u.union.code) == [
        "CON-4.clubs-uncovered",
        "CON-4.grades-not-allocated",
    ]


def test_the_grades_are_read_without_loading_every_student():
    u = build_union()
    registry = load_registry(u.union.code)
    # the union's students are not all people of the registry, yet their grades are known
    assert registry.grades_of["UD0"] == {1, 2, 3, 4}


def test_an_imported_seat_plan_is_stored_audited_and_kept_by_a_file_without_it():
    u = build_union()
    doc = {
        "format": "tongxue-snapshot",
        "version": 1,
        "meetings": [
            {
                "code": "IMP-C1",
                "organisation": u.union.code,
                "kind": "congress",
                "opened": "2025-10-01",
                "seats_by_grade": False,
                "seat_departments": "UD0, UD1, UD2",
                "seat_clubs": "UCL1",
            }
        ],
    }
    import_tables(doc)
    stored = Meeting.objects.get(code="IMP-C1").recorded_seats
    assert stored == {
        "by_grade": False,
        "departments": ["UD0", "UD1", "UD2"],
        "grades": [],
        "clubs": ["UCL1"],
    }
    assert _con4(u.union.code) == ["CON-4.grades-not-allocated"]
    # a file without the columns keeps the plan; export writes it back
    for key in ("seats_by_grade", "seat_departments", "seat_clubs"):
        doc["meetings"][0].pop(key)
    import_tables(doc)
    assert Meeting.objects.get(code="IMP-C1").recorded_seats == stored
    exported = registry_to_tables(load_registry(u.union.code))
    row = next(r for r in exported["meetings"] if r["code"] == "IMP-C1")
    assert row["seats_by_grade"] is False and row["seat_clubs"] == ["UCL1"]
