"""Snapshots with elections (ELE-1, ELE-3) and semesters (CAD-4): elections stored on
import as recorded elections, semesters as evaluation periods with their 述职 reports
filed, both exported from the database and audited from a file (JSON or Excel)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.domain.test_planted import DB_ONLY_RULES
from tests.factories_elections import ElectionFactory
from tests.integration.test_audit_cli import AS_OF as AUDIT_AS_OF
from tests.integration.test_audit_cli import clean_snapshot, run, write
from tests.integration.test_snapshots import SCHEMA, build_tree, counts, sample
from tongxue.cli import main
from tongxue.compliance.selectors import audit_organisation
from tongxue.congresses.models import Meeting
from tongxue.core.models import AuditEvent
from tongxue.domain.snapshot import TABLES, parse_tables
from tongxue.elections.models import Election, ElectionStatus, RecordedElection
from tongxue.evaluations.models import EvaluationPeriod, Subject
from tongxue.organisations.models import Organisation, Position
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.selectors import export_json, export_tables, export_xlsx
from tongxue.snapshots.services import import_tables
from tongxue.snapshots.xlsxio import read_xlsx, write_xlsx

pytestmark = pytest.mark.django_db

ELECTION = {
    "code": "E-LZU-P",
    "organisation": "LZU-SU",
    "meeting": "LZU-SU-C7",
    "post": "president",
    "status": "effective",
}
SEMESTER = {
    "organisation": "LZU-SU",
    "code": "2026-1",
    "start": "2026-02-20",
    "end": "2026-07-10",
    "closed": True,
    "reports": ["P001"],
}


def richer() -> dict[str, Any]:
    doc = sample()
    doc["elections"] = [dict(ELECTION)]
    doc["semesters"] = [dict(SEMESTER)]
    return doc


def test_an_old_file_imports_as_before_with_nothing_left_unstored() -> None:
    result = import_tables(sample())
    assert set(result.counts) == set(TABLES)  # every table is stored (issue #12)
    assert result.counts["elections"].as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }
    assert result.not_stored == {}
    assert result.created == sum(
        len(v) for k, v in sample().items() if isinstance(v, list)
    )


def test_elections_are_recorded_and_semesters_stored_with_their_reports() -> None:
    result = import_tables(richer())
    assert result.not_stored == {}
    assert result.counts["elections"].created == 1
    assert result.counts["semesters"].as_dict() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert Organisation.objects.count() == 7  # the rest is imported as usual
    assert Election.objects.count() == 0  # recorded, not an election run here
    assert list(
        RecordedElection.objects.values_list(
            "code", "organisation__code", "meeting", "post", "status"
        )
    ) == [("E-LZU-P", "LZU-SU", "LZU-SU-C7", "president", "effective")]
    # CAD-4: the semester is an evaluation period, closed as the file says, and P001
    # filed the report of the post held then (president of LZU-SU).
    period = EvaluationPeriod.objects.get()
    assert (period.organisation.code, period.code, period.status) == (
        "LZU-SU",
        "2026-1",
        "closed",
    )
    assert (period.start, period.end) == (dt.date(2026, 2, 20), dt.date(2026, 7, 10))
    subject = Subject.objects.select_related("position__person").get(period=period)
    assert (subject.kind, subject.position.person.ident, subject.position.role) == (
        "report",
        "P001",
        "president",
    )
    assert subject.filed_at is not None
    event = AuditEvent.objects.get(action="snapshot.import")
    assert event.data["not_stored"] == {}
    assert event.data["counts"]["elections"]["created"] == 1
    assert event.data["counts"]["semesters"]["created"] == 1
    # Importing the file again changes nothing.
    again = import_tables(richer())
    assert again.created == again.updated == 0
    assert Subject.objects.count() == 1


def test_a_bad_election_or_semester_row_leaves_the_database_untouched() -> None:
    doc = richer()
    doc["elections"][0]["meeting"] = "NOWHERE"
    doc["semesters"][0]["reports"] = "P001, NOBODY"
    before = counts()
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(doc)
    assert {(e.table, e.row, e.field) for e in exc.value.errors} == {
        ("elections", 1, "meeting"),
        ("semesters", 1, "reports"),
    }
    assert counts() == before


def test_references_may_point_to_stored_meetings_people_and_organisations() -> None:
    import_tables(sample())
    doc = {
        "format": "tongxue-snapshot",
        "version": 1,
        "elections": [dict(ELECTION)],
        "semesters": [{**SEMESTER, "reports": "P001, P002"}],
    }
    result = import_tables(doc)
    assert result.not_stored == {}
    assert result.counts["elections"].created == 1
    # P002 held the vice-presidency of LZU-SU (stored) during the semester.
    assert sorted(
        Subject.objects.values_list("position__person__ident", flat=True)
    ) == ["P001", "P002"]


def test_the_import_command_counts_the_semesters_it_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "richer.json"
    path.write_text(json.dumps(richer(), ensure_ascii=False), "utf-8")
    assert main(["import", str(path), "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "elections: 1 created, 0 updated, 0 unchanged" in out
    assert "semesters: 1 created, 0 updated, 0 unchanged" in out
    assert "not stored" not in out


def _stored_elections_and_semester() -> None:
    """On build_tree's union SU: a president elected by congress C7, vice-presidents
    by a standing conference (ELE-1), and a closed semester in which A1 reported."""
    build_tree()
    union = Organisation.objects.get(code="SU")
    congress = Meeting.objects.get(code="C7")
    standing = Meeting.objects.create(
        code="SC1",
        organisation=union,
        kind="standing_conference",
        opened=dt.date(2026, 3, 1),
    )
    ElectionFactory(
        code="E-P",
        organisation=union,
        meeting=congress,
        post="president",
        status=ElectionStatus.EFFECTIVE,
    )
    ElectionFactory(
        code="E-VP",
        organisation=union,
        meeting=standing,
        post="vice_president",
        status=ElectionStatus.EFFECTIVE,
    )
    period = EvaluationPeriod.objects.create(
        organisation=union,
        code="2026-1",
        name="2026 春季学期",
        start=dt.date(2026, 2, 20),
        end=dt.date(2026, 6, 30),
        status="closed",
    )
    Subject.objects.create(
        period=period,
        kind="report",
        position=Position.objects.get(person__ident="A1"),
        report="述职报告",
        filed_at=dt.datetime(2026, 6, 20, tzinfo=dt.UTC),
    )


def test_an_export_carries_the_stored_elections_and_semesters() -> None:
    _stored_elections_and_semester()
    doc = export_tables("ROOT")
    assert doc["elections"] == [
        {
            "code": "E-P",
            "organisation": "SU",
            "meeting": "C7",
            "post": "president",
            "status": "effective",
        },
        {
            "code": "E-VP",
            "organisation": "SU",
            "meeting": "SC1",
            "post": "vice_president",
            "status": "effective",
        },
    ]
    assert doc["semesters"] == [
        {
            "organisation": "SU",
            "code": "2026-1",
            "start": "2026-02-20",
            "end": "2026-06-30",
            "closed": True,
            "reports": ["A1"],
        }
    ]
    assert (
        list(Draft202012Validator(SCHEMA).iter_errors(json.loads(export_json("ROOT"))))
        == []
    )
    # The workbook holds the same rows: one sheet per table, reports as one cell.
    book, errors = read_xlsx(io.BytesIO(export_xlsx("ROOT")))
    assert errors == []
    assert book["semesters"][0]["reports"] == "A1"
    from_book, errors = parse_tables(book)
    from_json, _ = parse_tables(doc)
    assert errors == []
    assert from_book.elections == from_json.elections
    assert from_book.semesters == from_json.semesters


def test_the_audit_of_an_exported_file_sees_what_the_database_audit_sees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stored_elections_and_semester()
    path = tmp_path / "root.json"
    path.write_bytes(export_json("ROOT"))
    stored = audit_organisation(code="ROOT", as_of=dt.date(2026, 11, 1))
    # a file carries no concerns (tests/domain/test_planted.py, DB_ONLY_RULES)
    assert ("RGT-1.no-channel", "SU") in {
        (f.rule, f.organisation) for f in stored.findings
    }
    from_db = {
        (f.rule, f.organisation) for f in stored.findings if f.rule not in DB_ONLY_RULES
    }
    assert ("ELE-1.wrong-body", "SU") in from_db
    # B1, the vice-president serving on the semester's last day, filed no report.
    assert ("CAD-4.report-missing", "SU") in from_db
    # The command last: it closes the database connection when it exits.
    code, out, _ = run(capsys, str(path), "--as-of", "2026-11-01", "--format", "json")
    assert code == 1
    assert {(f["rule"], f["organisation"]) for f in json.loads(out)["findings"]} == (
        from_db
    )


def _with_wrong_body(snap: dict[str, Any]) -> dict[str, Any]:
    snap = copy.deepcopy(snap)
    snap["meetings"].append(
        {
            "code": "SC",
            "organisation": "U",
            "kind": "standing_conference",
            "opened": "2026-01-10",
        }
    )
    snap["elections"] = [
        {
            "code": "E1",
            "organisation": "U",
            "meeting": "C1",
            "post": "president",
            "status": "effective",
        },
        {
            "code": "E2",
            "organisation": "U",
            "meeting": "SC",
            "post": "vice_president",
            "status": "effective",
        },
    ]
    # The holders record these elections (ELE-1): only E2's body is wrong.
    for row in snap["positions"]:
        if row["role"] in ("president", "vice_president"):
            row["election"] = "E1" if row["role"] == "president" else "E2"
    return snap


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_tongxue_audit_file_reports_an_election_by_the_wrong_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    snap = _with_wrong_body(clean_snapshot())
    if suffix == ".json":
        path = write(tmp_path, snap)
    else:
        target = tmp_path / "snap.xlsx"
        target.write_bytes(write_xlsx(snap))
        path = str(target)
    code, out, _ = run(capsys, path, "--as-of", AUDIT_AS_OF, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(f["rule"], f["evidence"]["election"]) for f in findings] == [
        ("ELE-1.wrong-body", "E2")
    ]
    assert "the election E2 is held by the meeting SC" in findings[0]["messages"]["en"]


def test_tongxue_audit_file_reports_a_missing_semester_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = clean_snapshot()
    presidium = [
        p["person"] for p in snap["positions"] if p["role"] != "secretary_general"
    ]
    snap["semesters"] = [
        {
            "organisation": "U",
            "code": "2025-2",
            "start": "2025-09-01",
            "end": "2026-01-15",
            "reports": ", ".join(presidium),
        }
    ]
    path = write(tmp_path, snap)
    assert run(capsys, path, "--as-of", AUDIT_AS_OF)[0] == 0
    snap["semesters"][0]["reports"] = ", ".join(presidium[1:])
    path = write(tmp_path, snap, "missing.json")
    code, out, _ = run(capsys, path, "--as-of", AUDIT_AS_OF, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(f["rule"], f["evidence"]["person"]) for f in findings] == [
        ("CAD-4.report-missing", presidium[0])
    ]
