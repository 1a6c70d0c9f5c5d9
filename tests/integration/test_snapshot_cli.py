"""``tongxue import`` / ``tongxue export`` (ORG-1): exit 0 when fine, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from openpyxl import load_workbook

from tongxue.cli import main
from tongxue.organisations.models import Organisation

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "data" / "sample.json"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_from_argv`` closes every connection when a command ends; on PostgreSQL that
    would end the test's transaction, so keep it open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def bad_file(tmp_path: Path) -> Path:
    doc = json.loads(SAMPLE.read_text("utf-8"))
    doc["organisations"][1]["kind"] = "kingdom"
    doc["positions"][0]["start"] = "soon"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def test_import_prints_the_counts_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(SAMPLE), "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "organisations: 7 created, 0 updated, 0 unchanged" in out
    assert Organisation.objects.count() == 7
    assert main(["import", str(SAMPLE), "--language", "en"]) == 0
    assert "organisations: 0 created, 0 updated, 7 unchanged" in capsys.readouterr().out


def test_dry_run_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SAMPLE), "--dry-run", "--language", "en"]) == 0
    assert "Dry run" in capsys.readouterr().out
    assert Organisation.objects.count() == 0


def test_bad_input_lists_every_error_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(bad_file(tmp_path)), "--language", "en"]) == 2
    err = capsys.readouterr().err
    assert "table organisations, row 2, field kind: “kingdom” is not one of" in err
    assert "table positions, row 1, field start: Expected a date" in err
    assert "2 problem(s) found; nothing was imported." in err
    assert Organisation.objects.count() == 0


def test_workbook_errors_name_the_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK? not really")
    assert main(["import", str(path), "--language", "en"]) == 2
    assert "The file is not an Excel workbook (.xlsx)." in capsys.readouterr().err


def test_call_command_raises_with_returncode_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("import_snapshot", str(bad_file(tmp_path)))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("import_snapshot", str(tmp_path / "missing.json"))
    assert exc.value.returncode == 2


def test_export_json_to_stdout_and_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(SAMPLE)])
    capsys.readouterr()
    assert main(["export", "LZU"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["root"] == "LZU" and doc["organisations"][0]["code"] == "LZU"
    out = tmp_path / "gs.xlsx"
    assert main(["export", "GS", "-o", str(out)]) == 0
    assert load_workbook(out)["organisations"].max_row == 8
    out = tmp_path / "gs.json"
    assert main(["export", "GS", "--format", "json", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text("utf-8"))["organisations"]) == 7


def test_export_of_an_unknown_code_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err


def test_export_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In the operator's language (#16; both languages: tests/integration/test_words_16.py).
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    out = tmp_path / "template.xlsx"
    assert main(["export", "--template", "-o", str(out)]) == 0
    assert "说明" in load_workbook(out).sheetnames  # the template's "about" sheet
    assert main(["export", "--template"]) == 2
