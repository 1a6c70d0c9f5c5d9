"""The faster whole-province pass (#15): the registry loader's prefix filter, its rows
built without ``Enum`` calls, and fresh statistics after a large import. The registry
and the findings must be those of before, on every subtree."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.domain import model as dm
from tongxue.domain.audit import audit
from tongxue.organisations import mappers
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.snapshots.bulk import TableCounts
from tongxue.snapshots.services import analyze

pytestmark = pytest.mark.django_db


def _tree() -> list[str]:
    """Codes that are prefixes of one another, and LIKE's wildcards in codes."""
    root = OrganisationFactory(code="P", kind=OrgKind.PROVINCIAL_FEDERATION)
    city = OrganisationFactory(code="PC", kind=OrgKind.CITY_FEDERATION, parent=root)
    other = OrganisationFactory(code="P_C", kind=OrgKind.CITY_FEDERATION, parent=root)
    codes = ["P", "PC", "P_C"]
    for parent, names in ((city, ("S1", "S%")), (other, ("S10", "S1_"))):
        for name in names:
            school = SchoolFactory(code=name, parent=parent)
            union = OrganisationFactory(
                code=f"{name}-U", kind=OrgKind.SCHOOL_UNION, parent=school
            )
            dept = OrganisationFactory(
                code=f"{name}-D", kind=OrgKind.DEPARTMENT_UNION, parent=union
            )
            person = PersonFactory(department=dept)
            PositionFactory(organisation=union, person=person)
            MeetingFactory(code=f"{name}-M", organisation=union)
            codes += [name, f"{name}-U", f"{name}-D"]
    return codes


def test_the_prefix_filter_selects_the_rows_the_code_filter_did() -> None:
    codes = _tree()
    for code in codes:
        path = Organisation.objects.get(code=code).path
        by_code = set(
            Organisation.objects.filter(mappers.subtree_filter(code)).values_list(
                "code", flat=True
            )
        )
        by_prefix = set(
            Organisation.objects.filter(
                mappers.subtree_filter(code, path=path)
            ).values_list("code", flat=True)
        )
        assert by_prefix == by_code and code in by_prefix, code
    assert mappers.subtree_filter(None, path="/P/") == mappers.subtree_filter(None)


def test_every_subtree_s_registry_and_findings_are_those_of_the_code_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    codes = _tree()
    original = mappers.subtree_filter

    def by_code(root_code, field="", *, path=None):  # type: ignore[no-untyped-def]
        return original(root_code, field)

    for code in [*codes, None, "NOPE"]:
        fast = mappers.load_registry(code)
        monkeypatch.setattr(mappers, "subtree_filter", by_code)
        slow = mappers.load_registry(code)
        monkeypatch.setattr(mappers, "subtree_filter", original)
        # the meetings come by opening day; those of one day in the plan's order
        assert _by_code(fast) == _by_code(slow), code
        day = dt.date(2026, 11, 1)
        assert sorted(map(repr, audit(fast, as_of=day).findings)) == sorted(
            map(repr, audit(slow, as_of=day).findings)
        )


def _by_code(registry: dm.Registry) -> dm.Registry:
    return dataclasses.replace(
        registry, meetings=tuple(sorted(registry.meetings, key=lambda m: m.code))
    )


def test_the_prefix_filter_reads_through_the_path_index() -> None:
    """PostgreSQL: ``db_index`` gives ``Organisation.path`` a ``varchar_pattern_ops``
    index, which serves ``LIKE 'prefix%'`` whatever the database's collation."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
            [Organisation._meta.db_table],
        )
        indexes = [row[0] for row in cursor.fetchall()]
    assert any("(path varchar_pattern_ops)" in i for i in indexes), indexes


def test_rows_become_the_domain_s_objects_as_the_enum_calls_made_them() -> None:
    row = (
        "C1",
        "名",
        "Name",
        "school",
        "P",
        100,
        "middle_school",
        "",
        2,
        "",
        "",
    )
    (org,) = mappers.organisations_from_rows([row])
    assert org == dm.Organisation(
        code="C1",
        name="名",
        name_en="Name",
        kind=dm.OrgKind.SCHOOL,
        parent="P",
        students_served=100,
        school_type=dm.SchoolType.MIDDLE_SCHOOL,
        county=None,
        branch_campuses=2,
        function=None,
        profile=None,
    )
    assert mappers.organisation_from_row(row) == org
    assert type(org.kind) is dm.OrgKind
    person = mappers.person_from_row(
        ("X", "某", "student", "1", "", "汉族", None, 2024, None, "enrolled")
    )
    assert (person.gender, person.enrolment) == (None, dm.Enrolment.ENROLLED)
    with pytest.raises(KeyError):
        mappers.person_from_row(
            ("X", "某", "alien", "1", "", "", None, None, None, "enrolled")
        )


def test_only_tables_a_large_import_wrote_are_analysed() -> None:
    counts = {
        "people": TableCounts(created=499),
        "positions": TableCounts(created=300, updated=200),
        "delegates": TableCounts(unchanged=10_000),
    }
    assert analyze.tables_to_analyze(counts) == ["organisations_position"]
    counts["delegates"] = TableCounts(created=500)
    assert analyze.tables_to_analyze(counts) == [
        "congresses_delegate",
        "congresses_delegateelection",
        "organisations_position",
    ]
    # every table an import counts is known
    from tongxue.snapshots.services.importing import WRITTEN

    assert set(WRITTEN) == set(analyze.TABLES_OF)


def test_the_analysis_runs_after_the_commit_on_postgresql_only(
    django_capture_on_commit_callbacks,
) -> None:
    counts = {"people": TableCounts(created=1_000)}
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        tables = analyze.analyze_after_commit(counts)
    ran = [q["sql"] for q in queries.captured_queries if "ANALYZE" in q["sql"]]
    if connection.vendor == "postgresql":
        assert tables == ["organisations_person"] and len(callbacks) == 1
        assert ran == ['ANALYZE "organisations_person"']
    else:
        assert tables == [] and callbacks == [] and ran == []


def test_the_import_service_registers_the_analysis(
    django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real import through ``import_tables``; a dry run registers nothing."""
    import json
    from pathlib import Path

    from tongxue.snapshots.services import import_tables

    doc = json.loads(
        (Path(__file__).parent.parent / "data" / "sample.json").read_text("utf-8")
    )
    seen: list[object] = []
    original = analyze.tables_to_analyze

    def spy(counts):  # type: ignore[no-untyped-def]
        seen.append(dict(counts))
        return original(counts)

    monkeypatch.setattr(analyze, "tables_to_analyze", spy)
    import_tables(doc, dry_run=True)
    assert seen == []
    with django_capture_on_commit_callbacks(execute=False):
        import_tables(doc)
    assert len(seen) == (1 if connection.vendor == "postgresql" else 0)
