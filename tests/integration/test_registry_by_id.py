"""A small subtree's registry is read by its organisations' and people's keys (#15):
the same registry as reading it by path and by subqueries, organisation by
organisation of the planted provinces, and its people in one query either way.

docs/audit.md, "Re-audit after writes" (the school's synchronous re-audit).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.domain.test_planted import FILES, ROOTS
from tongxue.organisations import mappers
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.snapshots.services import import_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("profile", sorted(FILES))
def test_by_keys_and_by_path_read_the_same_registry(
    profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(FILES[profile])
    schools = list(
        Organisation.objects.filter(kind=OrgKind.SCHOOL).values_list("code", flat=True)
    )
    codes = [*ROOTS, *schools]
    assert schools
    by_keys = {code: load_registry(code) for code in codes}
    # Each school is read by keys (well under the limits) …
    with CaptureQueriesContext(connection) as ctx:
        load_registry(schools[0])
    sql = [q["sql"] for q in ctx.captured_queries]
    # (only the organisations' query selects by path)
    assert sum("LIKE" in q for q in sql) == 1
    assert not any("IN (SELECT" in q for q in sql)  # the people by key
    # … and with the limits at zero by path and by subqueries: the same registries.
    monkeypatch.setattr(mappers, "SUBTREE_BY_ID", 0)
    monkeypatch.setattr(mappers, "PEOPLE_BY_ID", 0)
    with CaptureQueriesContext(connection) as by_path_queries:
        load_registry(schools[0])
    assert "IN (SELECT" in " ".join(q["sql"] for q in by_path_queries.captured_queries)
    assert len(by_path_queries) == len(ctx)
    for code in codes:
        assert load_registry(code) == by_keys[code], code


def test_an_unknown_root_reads_an_empty_registry() -> None:
    registry = load_registry("NOWHERE")
    assert registry.organisations == () and registry.people == ()


def test_a_person_placed_in_another_school_keeps_their_department_and_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A school's people's department and class unit are read from the organisations
    already loaded; one outside the subtree (a cadre enrolled elsewhere) is looked up
    once and named as when the registry is read by path."""
    from tests.django_plugin import build_school_with_deviation
    from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

    here = build_school_with_deviation(prefix="A")
    there = build_school_with_deviation(prefix="B")
    dept = OrganisationFactory(
        code="B-D01", kind=OrgKind.DEPARTMENT_UNION, parent=there.union
    )
    klass = OrganisationFactory(
        code="B-D01-C1", kind=OrgKind.CLASS_COMMITTEE, parent=dept
    )
    person = PersonFactory(department=dept, class_unit=klass, grade=2024)
    PositionFactory(organisation=here.department, person=person, title="部长")
    with CaptureQueriesContext(connection) as ctx:
        by_keys = load_registry("ACH")
    found = {p.id: p for p in by_keys.people}[person.ident]
    assert (found.department, found.class_code) == ("B-D01", "B-D01-C1")
    monkeypatch.setattr(mappers, "SUBTREE_BY_ID", 0)
    monkeypatch.setattr(mappers, "PEOPLE_BY_ID", 0)
    with CaptureQueriesContext(connection) as by_path:
        assert load_registry("ACH") == by_keys
    assert len(ctx) == len(by_path) + 1  # the one lookup of the keys outside
