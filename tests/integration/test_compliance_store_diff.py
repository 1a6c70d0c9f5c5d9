"""The store writes the difference (#15): an unchanged finding keeps its row, a changed
one is updated in place, a new one inserted, one gone deleted; every organisation's
coverage gets the new time. An import's subtree is stored once, by the import.

docs/audit.md, "Stored findings" and "Re-audit after writes, nightly pass, history".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from tests.factories import OrganisationFactory, PositionFactory
from tests.factories_federation import build_federation
from tests.integration.test_reaudit import assert_stored_is_fresh
from tongxue.compliance import reaudit
from tongxue.compliance.models import (
    AuditRun,
    DirtyOrganisation,
    StoredCoverage,
    StoredFinding,
)
from tongxue.compliance.store import store_audit
from tongxue.jobs.testing import run_queued_jobs
from tongxue.organisations.models import Organisation, OrgKind, Position, Role
from tongxue.organisations.services.positions import end_position
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db

DEPUTY = "ORG-4.department-deputies"
START = dt.date(2025, 9, 1)


def federation() -> None:
    """FED with a functional department at FS-U1's union with two deputy heads (the
    limit), everything stored."""
    build_federation()
    department = OrganisationFactory(
        code="FS-U1-R",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=Organisation.objects.get(code="FS-U1-U"),
        students_served=None,
    )
    for _ in range(2):
        deputy(department)
    store_audit(root=None)


def deputy(department: Organisation | None = None) -> Position:
    return PositionFactory(
        organisation=department or Organisation.objects.get(code="FS-U1-R"),
        role=Role.DEPARTMENT_DEPUTY,
        title="副部长",
        start=START,
    )


def rows() -> dict[int, tuple[Any, ...]]:
    return {
        pk: tuple(rest)
        for pk, *rest in StoredFinding.objects.values_list(
            "pk", "organisation__code", "rule", "data", "computed_at", "run_id"
        )
    }


def test_a_reaudit_writes_what_changed_and_leaves_the_rest() -> None:
    federation()
    before = rows()
    assert before and not StoredFinding.objects.filter(rule=DEPUTY).exists()
    coverage = StoredCoverage.objects.count()

    # A third deputy: one finding more, inserted; nothing else written.
    deputy()
    run = store_audit(root="FS-U1", kind=AuditRun.Kind.INCREMENTAL)
    assert run.changed == 1  # type: ignore[attr-defined]
    after = rows()
    [new] = set(after) - set(before)
    assert after[new][:2] == ("FS-U1-R", DEPUTY)
    assert {pk: after[pk] for pk in before} == before  # same rows, same times
    assert_stored_is_fresh()
    # Every organisation of the school: its coverage computed at this run's time.
    school = StoredCoverage.objects.filter(
        organisation__path__startswith="/FED/FC1/FS-U1/"
    )
    assert {c.computed_at for c in school} == {after[new][3]}
    assert StoredCoverage.objects.count() == coverage

    # A fourth: the same finding with other evidence, updated in place.
    deputy()
    run = store_audit(root="FS-U1", kind=AuditRun.Kind.INCREMENTAL)
    assert run.changed == 1  # type: ignore[attr-defined]
    changed = rows()
    assert set(changed) == set(after)
    assert changed[new][2] != after[new][2]  # its data (four deputies, not three)
    assert changed[new][4] == run.pk
    assert {pk: changed[pk] for pk in before} == before
    assert_stored_is_fresh()

    # Two posts end: the finding is gone, its row deleted.
    for position in Position.objects.filter(organisation__code="FS-U1-R")[:2]:
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        end_position(actor=None, position=position, end=yesterday)
    run = store_audit(root="FS-U1", kind=AuditRun.Kind.INCREMENTAL)
    assert run.changed == 1  # type: ignore[attr-defined]
    assert rows() == before
    assert_stored_is_fresh()

    # Nothing changed: nothing written but the coverage's time.
    run = store_audit(root=None)
    assert run.changed == 0  # type: ignore[attr-defined]
    assert rows() == before


def test_stored_rows_changed_behind_the_stores_back_are_put_right() -> None:
    federation()
    row = StoredFinding.objects.exclude(severity="info").first()
    assert row is not None
    StoredFinding.objects.filter(pk=row.pk).update(justified=not row.justified)
    StoredFinding.objects.create(
        organisation=Organisation.objects.get(code="FC2"),
        org_path="/FED/FC2/",
        rule=DEPUTY,
        requirement="ORG-4",
        severity="deviation",
        data={"bogus": True},
        computed_at=timezone.now(),
    )
    StoredCoverage.objects.filter(organisation__code="FS-M2").delete()
    run = store_audit(root=None)
    assert run.changed == 3  # type: ignore[attr-defined]
    assert StoredFinding.objects.get(pk=row.pk).justified == row.justified
    assert_stored_is_fresh()


# -- an import is stored once ----------------------------------------------------------------


def document(parent: str, code: str = "NEW-D") -> dict[str, Any]:
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {
                "code": code,
                "name": "新系学生会",
                "kind": "department_union",
                "parent": parent,
                "students_served": 300,
            }
        ],
    }


def runs() -> list[tuple[str, int]]:
    return list(AuditRun.objects.order_by("pk").values_list("root", "organisations"))


def imported(within: str, parent: str) -> list[tuple[str, int]]:
    """Import one department union under ``parent`` at ``within`` (its commit's
    callbacks run), then the queued jobs; return the runs the two stored."""
    federation()
    stored = len(runs())
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_tables(document(parent), within=within)
    run_queued_jobs()
    assert_stored_is_fresh()
    assert not DirtyOrganisation.objects.exists()
    return runs()[stored:]


def test_an_import_at_the_top_is_stored_once() -> None:
    """Before, the re-audit job stored the whole federation a second time."""
    assert imported("FED", "FS-M1-U") == [("FED", Organisation.objects.count())]


def test_an_import_at_a_city_is_stored_once_and_the_federation_alone() -> None:
    city = imported("FC2", "FS-M1-U")
    in_city = Organisation.objects.filter(path__startswith="/FED/FC2/").count()
    assert city == [("FC2", in_city), ("FED", 1)]


def test_an_import_inside_a_school_leaves_the_school_to_the_reaudit() -> None:
    """A change at a school union reaches the school's other organisations (TRN-3):
    the import's store of the union's subtree does not cover it, the marks stay."""
    school = imported("FS-M1-U", "FS-M1-U")
    assert school[0] == (
        "FS-M1-U",
        Organisation.objects.filter(path__startswith="/FED/FC2/FS-M1/FS-M1-U/").count(),
    )
    # The school at commit, then the job: the school again with everything above.
    assert [root for root, _n in school[1:]] == ["FS-M1", "FED"]


def test_marks_made_after_the_store_in_the_same_transaction_are_kept() -> None:
    federation()
    with TestCase.captureOnCommitCallbacks(execute=False), transaction.atomic():
        import_tables(document("FS-M1-U"), within="FED")
        assert not DirtyOrganisation.objects.exists()  # covered by the import's store
        reaudit.mark(["FS-V1-D"])
        assert list(DirtyOrganisation.objects.values_list("code", flat=True)) == [
            "FS-V1-D"
        ]
