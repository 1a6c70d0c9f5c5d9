"""No bare ``except Exception`` without a log line (#13).

Where an error is turned into an answer (the record page without evaluations, a file that
is not a workbook) the log keeps why; where only some errors are expected (an unknown
snapshot profile) only those are caught.
"""

from __future__ import annotations

import logging
import pathlib
import re

import pytest
from django.db import DatabaseError
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories_cadres import build_cadre_school, failed_evaluation
from tests.integration.test_snapshots import errors_of, sample
from tongxue.cadres import selectors as cadre_selectors
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.services import import_file, import_tables

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2] / "tongxue"


def test_every_except_exception_in_tongxue_writes_a_log_line():
    """An ``except Exception`` either logs (logger.…) or re-raises a refusal after
    logging; none swallows silently."""
    silent = []
    for path in ROOT.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            if re.search(r"except (Exception|BaseException)\b|except:\s*(#.*)?$", line):
                body = "\n".join(lines[k + 1 : k + 4])
                if "logger." not in body:
                    silent.append(f"{path.relative_to(ROOT)}:{k + 1}")
    assert silent == []


# -- the cadre's record without the evaluations (CAD-3, CAD-5) -------------------------


def test_evaluation_summary_logs_a_database_error_and_shows_none(monkeypatch, caplog):
    def broken(person_ids):  # type: ignore[no-untyped-def]
        raise DatabaseError("no such table: evaluations_result")

    monkeypatch.setattr(cadre_selectors, "cadre_record_summary", broken)
    with caplog.at_level(logging.ERROR, logger="tongxue.cadres.selectors"):
        assert cadre_selectors.evaluation_summary([1, 2]) == {}
    (record,) = [r for r in caplog.records if r.name == "tongxue.cadres.selectors"]
    assert record.levelno == logging.ERROR
    assert "evaluation results of 2 people could not be read" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is DatabaseError


def test_evaluation_summary_raises_any_other_error(monkeypatch, caplog):
    def buggy(person_ids):  # type: ignore[no-untyped-def]
        raise KeyError("overall")

    monkeypatch.setattr(cadre_selectors, "cadre_record_summary", buggy)
    with pytest.raises(KeyError):
        cadre_selectors.evaluation_summary([1])


def test_evaluation_summary_reads_the_evaluations_selector():
    cs = build_cadre_school()
    failed_evaluation(cs.president)
    person = cs.president.person_id
    summary = cadre_selectors.evaluation_summary([person])
    assert [r["failed"] for r in summary[person]] == [True]


def test_the_record_page_is_shown_without_evaluations_and_the_error_logged(
    client, monkeypatch, caplog
):
    cs = build_cadre_school()
    user = UserFactory()
    person = cs.president.person
    person.user = user
    person.save()

    def broken(person_ids):  # type: ignore[no-untyped-def]
        raise DatabaseError("boom")

    monkeypatch.setattr(cadre_selectors, "cadre_record_summary", broken)
    client.force_login(user)
    with caplog.at_level(logging.ERROR, logger="tongxue.cadres.selectors"):
        response = client.get(reverse("cadres:record", args=[person.pk]))
    assert response.status_code == 200
    assert "no-evaluations" in response.content.decode()
    assert any(r.name == "tongxue.cadres.selectors" for r in caplog.records)


# -- the snapshot's profiles (ORG-1) ---------------------------------------------------


def test_a_malformed_profile_file_is_refused_like_an_unknown_profile(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[profile\ncode = ", encoding="utf-8")
    doc = sample()
    doc["organisations"][0]["profile"] = str(bad)
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(doc)
    assert errors_of(exc) == {("organisations", 1, "profile")}


# -- a file that is not a workbook -----------------------------------------------------


def test_a_damaged_workbook_is_refused_and_why_is_logged(caplog):
    with (
        caplog.at_level(logging.WARNING, logger="tongxue.snapshots.xlsxio"),
        pytest.raises(SnapshotInvalid),
    ):
        import_file(b"PK\x03\x04 this is no zip archive", filename="a.xlsx")
    (record,) = [r for r in caplog.records if r.name == "tongxue.snapshots.xlsxio"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("not a workbook")
    assert record.exc_info is not None
