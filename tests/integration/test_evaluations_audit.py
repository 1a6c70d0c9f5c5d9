"""CAD-3 · GS-12, CQ-7 on the database: evaluation periods run here and evaluations
recorded by an import, read by the audit in counts (never a rating), exported and
imported again; the planted files' CAD-3 findings are the same in the database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.domain.test_planted import AS_OF as PLANTED_AS_OF
from tests.domain.test_planted import FILES, expected
from tests.factories_evaluations import DURING, END, START, build_union, full_scores
from tongxue.compliance.selectors import audit_organisation
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.domain.snapshot import parse_tables
from tongxue.evaluations import services
from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    Rater,
    RecordedEvaluation,
    Subject,
)
from tongxue.organisations.mappers import load_registry
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.services import import_file, import_tables

pytestmark = pytest.mark.django_db

AFTER = END + dt.timedelta(days=1)


def run_period(u: Any, *, code: str = "2026-1", raters: int = 3, close: bool = True):
    """Plan, open and rate a period of ``u.union``; each of ``raters`` raters rates
    every cadre; close it (publish) unless ``close`` is False."""
    period = services.create_period(
        actor=None, organisation=u.union, code=code, name=code, start=START, end=END
    )
    services.open_period(actor=None, period=period, seed="s", as_of=DURING)
    listed = list(
        Rater.objects.filter(period=period, kind=Kind.EVALUATION)
        .select_related("person")
        .order_by("person__ident")
    )
    subjects = list(
        Subject.objects.filter(period=period, kind=Kind.EVALUATION).select_related(
            "position"
        )
    )
    done = 0
    for rater in listed:
        if done == raters:
            break
        mine = [s for s in subjects if s.position.person_id != rater.person_id]
        if len(mine) < len(subjects):
            continue  # a cadre on the list: keep the counts simple
        for s in mine:
            services.rate(
                actor=None, rater=rater.person, subject=s, scores=full_scores(4)
            )
        done += 1
    if close:
        services.close_period(actor=None, period=period)
    period.refresh_from_db()
    return period, len(subjects), len(listed)


def cad3(code: str, as_of: dt.date) -> list[tuple[str, str]]:
    report = audit_organisation(code=code, as_of=as_of)
    return sorted(
        (f.organisation, f.rule) for f in report.findings if f.requirement == "CAD-3"
    )


def test_a_period_run_here_is_read_in_counts() -> None:
    u = build_union()
    _, cadres, listed = run_period(u, raters=3)
    (e,) = [e for e in load_registry(u.school.code).evaluations]
    assert (e.organisation, e.code, e.start, e.end) == ("ESU", "2026-1", START, END)
    assert e.dimensions == DIMENSIONS
    assert (e.cadres, e.participants, e.eligible, e.published) == (
        cadres,
        3,
        listed,
        True,
    )
    assert cadres == 6 and listed > 3  # president, 4 vice-presidents, a head
    # Compliant (the department union, not evaluated, is reported); one day more
    # than 12 months later it is overdue.
    assert cad3(u.school.code, AFTER) == [("ED1", "CAD-3.no-evaluation")]
    late = dt.date(2027, 7, 16)
    assert ("ESU", "CAD-3.evaluation-overdue") in cad3(u.school.code, late)
    assert ("ESU", "CAD-3.evaluation-overdue") not in cad3(
        u.school.code, dt.date(2027, 7, 15)
    )


def test_a_period_not_closed_after_its_last_day_has_unpublished_results() -> None:
    u = build_union()
    run_period(u, close=False)
    assert ("ESU", "CAD-3.results-unpublished") in cad3(u.school.code, AFTER)
    # on its last day it is still under way: not counted, not judged
    assert ("ESU", "CAD-3.no-evaluation") in cad3(u.school.code, END)


def test_a_period_nobody_rated_in_does_not_count() -> None:
    u = build_union()
    run_period(u, raters=0)
    found = audit_organisation(code=u.union.code, as_of=AFTER).findings
    (f,) = [f for f in found if f.requirement == "CAD-3"]
    assert f.rule == "CAD-3.no-evaluation" and f.evidence["not_counted"] == "2026-1"


def test_the_registry_reads_evaluations_in_a_fixed_number_of_queries() -> None:
    u = build_union()
    counts = []
    for n in (1, 3):
        for i in range(n):
            EvaluationPeriod.objects.get_or_create(
                organisation=u.union,
                code=f"P{i}",
                defaults={"name": "p", "start": START, "end": END},
            )
        RecordedEvaluation.objects.get_or_create(
            organisation=u.department_union,
            code=f"R{n}",
            defaults={"start": START, "end": END},
        )
        with CaptureQueriesContext(connection) as ctx:
            reg = load_registry(u.school.code)
        counts.append(len(ctx.captured_queries))
        assert len(reg.evaluations) == n + (1 if n == 1 else 2)
    assert counts[0] == counts[1]


# ------------------------------------------------------------------------ snapshots

ROW = {
    "organisation": "ESU",
    "code": "2026-1",
    "start": "2026-03-01",
    "end": "2026-07-15",
    "dimensions": ["political", "moral", "learning", "duties"],
    "cadres": 6,
    "participants": 30,
    "eligible": 50,
    "published": True,
}


def test_an_imported_evaluation_is_recorded_and_audited_like_the_file() -> None:
    u = build_union()
    doc = {"format": "tongxue-snapshot", "version": 1, "evaluations": [dict(ROW)]}
    result = import_tables(doc)
    assert result.counts["evaluations"].created == 1
    stored = RecordedEvaluation.objects.get()
    assert (stored.organisation, stored.dimensions, stored.participants) == (
        u.union,
        ROW["dimensions"],
        30,
    )
    # a second import changes nothing; a changed count updates the row
    assert import_tables(doc).counts["evaluations"].unchanged == 1
    doc["evaluations"][0]["participants"] = 31
    assert import_tables(doc).counts["evaluations"].updated == 1
    # the audit reads it: discipline and work style were not rated
    assert ("ESU", "CAD-3.dimension-missing") in cad3(u.school.code, AFTER)
    # exported in counts, never a rating, and read back the same
    exported = export_tables(u.school.code)
    (row,) = exported["evaluations"]
    assert row == {**ROW, "participants": 31}
    again, errors = parse_tables(exported)
    assert (
        errors == [] and again.evaluations == load_registry(u.school.code).evaluations
    )


def test_a_period_run_here_that_rated_cadres_wins_over_a_recorded_one() -> None:
    u = build_union()
    import_tables({"evaluations": [dict(ROW)]})
    period, _, _ = run_period(u)
    (e,) = [e for e in load_registry(u.union.code).evaluations]
    assert e.dimensions == DIMENSIONS and e.participants == 3  # the run one
    period.subjects.all().delete()  # a period without cadres (an imported semester)
    (e,) = [e for e in load_registry(u.union.code).evaluations]
    assert e.participants == 30  # the recorded one


def test_an_evaluation_is_recorded_only_for_a_student_union_in_scope() -> None:
    u = build_union()
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables({"evaluations": [{**ROW, "organisation": "ESCH"}]})
    assert [(e.table, e.row, e.field) for e in exc.value.errors] == [
        ("evaluations", 1, "organisation")
    ]
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables({"evaluations": [dict(ROW)]}, within=u.department_union.code)
    assert [(e.table, e.field) for e in exc.value.errors] == [
        ("evaluations", "organisation")
    ]
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables({"evaluations": [{**ROW, "participants": 51}]})
    assert [(e.table, e.field) for e in exc.value.errors] == [
        ("evaluations", "participants")
    ]
    assert not RecordedEvaluation.objects.exists()


@pytest.mark.parametrize("profile", sorted(FILES))
def test_the_planted_files_cad3_findings_are_found_in_the_database(
    profile: str,
) -> None:
    import_file(FILES[profile])
    doc = json.loads(FILES[profile].read_text(encoding="utf-8"))
    assert RecordedEvaluation.objects.count() == len(doc["evaluations"])
    report = audit_organisation(code="PL", as_of=PLANTED_AS_OF)
    found = {
        (f.organisation, f.rule) for f in report.findings if f.requirement == "CAD-3"
    }
    planted = {
        (org, rule)
        for org, rules in expected(profile).items()
        for rule in rules
        if rule.startswith("CAD-3.")
    }
    assert found == planted and len(planted) == 4


def test_an_evaluation_reads_the_same_from_a_workbook() -> None:
    import io

    from tongxue.snapshots.xlsxio import read_xlsx, write_xlsx

    u = build_union()
    doc = {"format": "tongxue-snapshot", "version": 1, "evaluations": [dict(ROW)]}
    read, errors = read_xlsx(io.BytesIO(write_xlsx(doc)))
    # A workbook of one table adds to the organisations stored (#16).
    assert errors == []
    assert read["evaluations"][0]["dimensions"] == "political, moral, learning, duties"
    import_tables(read, workbook=True, row_offset=2)
    (stored,) = RecordedEvaluation.objects.filter(organisation=u.union)
    assert (stored.dimensions, stored.cadres, stored.published) == (
        ROW["dimensions"],
        6,
        True,
    )


def test_the_union_page_reports_the_participation_of_a_closed_period(
    client, settings
) -> None:
    """CAD-3's "广泛吸纳广大同学参与" has no number: reported, not judged."""
    from django.urls import reverse

    settings.LANGUAGE_CODE = "en"
    u = build_union()
    _, _, listed = run_period(u, raters=3)
    url = reverse("evaluations:union", args=[u.union.code])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    share = f"{300 / listed:.2f}".rstrip("0").rstrip(".")
    assert f"3 of {listed} raters took part ({share}%)" in html
    run_period(u, code="2026-2", raters=1, close=False)
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("raters took part") == 1  # not while a period is open
