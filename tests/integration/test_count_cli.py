"""``tongxue count`` (ELE-4, ELE-5 · GS-8, GS-12, CQ-3, CQ-7): exit 0 for a certified result,
3 when another round is required, 2 on bad input naming the line. No ``django_db`` mark:
the command must work without the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils.translation import override

from tongxue.cli import main


def write(tmp_path: Path, text: str, name: str = "ballots.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in English (the product's default is Chinese)."""
    with override("en"):
        code = main(["count", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def csv_of(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


# A 4, B 3, C 1 of 6 present; 2 seats; one ballot marks three names (void).
SIMPLE = csv_of("A,B,C", ["1,1,0", "1,1,0", "1,0,1", "1,1,0", "0,0,0", "1,1,1"])


def test_json_has_the_documented_shape(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    code, out, _ = run(
        capsys,
        path,
        "--seats",
        "2",
        "--present",
        "6",
        "--issued",
        "6",
        "--format",
        "json",
    )
    assert code == 3  # a supplementary election for the second seat
    doc = json.loads(out)
    assert doc["valid"] is True
    assert doc["ballots"] == {"issued": 6, "returned": 6, "valid": 5, "void": 1}
    assert doc["void_reasons"] == {"too-many-marks": 1}
    assert [
        (c["name"], c["yes"], c["no"], c["abstain"], c["elected"])
        for c in doc["candidates"]
    ] == [
        ("A", 4, 1, 0, True),
        ("B", 3, 2, 0, False),  # 3 of 6 present is exactly half: not elected
        ("C", 1, 4, 0, False),
    ]
    assert doc["elected"] == ["A"] and doc["unfilled"] == 1
    assert doc["next_step"] == {
        "kind": "supplementary",
        "candidates": ["B", "C"],
        "seats": 1,
        "margin_met": True,
    }
    assert doc["method"]["seats"] == 2 and doc["explanation"]


def test_another_round_exits_3(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    code, out, _ = run(capsys, path, "--seats", "2", "--present", "6")
    assert code == 3
    assert "B, C" in out  # the next step names the candidates


def test_valid_ballots_denominator_elects_both(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    code, out, _ = run(
        capsys,
        path,
        *("--seats", "2", "--present", "6", "--denominator", "valid"),
        *("--threshold", "1/2", "--format", "json"),
    )
    # B has 3 of 5 valid: more than half.
    assert code == 0
    assert json.loads(out)["elected"] == ["A", "B"]


def test_text_output_is_readable(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    code, out, _ = run(
        capsys, path, "--seats", "2", "--present", "6", "--denominator", "valid"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Ballots:") and "5 valid" in lines[0]
    row = next(line for line in lines if line.startswith("A "))
    assert row.split()[:5] == ["A", "4", "1", "0", "80.00%"]
    assert any(line.startswith("Elected: A, B") for line in lines)


def test_returned_more_than_issued_voids_the_vote(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    code, out, _ = run(
        capsys,
        path,
        "--seats",
        "2",
        "--present",
        "6",
        "--issued",
        "5",
        "--format",
        "json",
    )
    assert code == 3
    doc = json.loads(out)
    assert doc["valid"] is False and doc["elected"] == []
    assert doc["next_step"]["kind"] == "revote-all" and doc["next_step"]["seats"] == 2


def test_quorum_from_entitled(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    args = (
        "--seats",
        "2",
        "--present",
        "6",
        "--denominator",
        "valid",
        "--format",
        "json",
    )
    code, out, _ = run(capsys, path, *args, "--entitled", "9")  # 6 = 2/3 of 9
    assert code == 3 and json.loads(out)["quorum_met"] is False
    code, out, _ = run(capsys, path, *args, "--entitled", "8")
    assert code == 0 and json.loads(out)["quorum_met"] is True


def test_tie_revote_and_empty(tmp_path, capsys):
    path = write(
        tmp_path, csv_of("A,B,C", ["1,1,0", "1,0,1", "1,1,0", "1,0,1", "0,1,1"])
    )
    args = (
        "--seats",
        "2",
        "--present",
        "5",
        "--denominator",
        "valid",
        "--format",
        "json",
    )
    code, out, _ = run(capsys, path, *args)
    assert code == 3
    assert json.loads(out)["next_step"] == {
        "kind": "tie-revote",
        "candidates": ["B", "C"],
        "seats": 1,
        "margin_met": True,
    }
    code, out, _ = run(capsys, path, *args, "--tie", "empty")
    assert code == 0 and json.loads(out)["unfilled"] == 1


def test_yes_no_abstain_worked_tally(tmp_path, capsys):
    """The university's published tally: 400 yes of 553 valid (72.33%) > 2/3."""
    rows = ["Y"] * 400 + ["N"] * 114 + ["A"] * 39 + [""] * 0
    path = write(tmp_path, csv_of("motion", rows))
    code, out, _ = run(
        capsys,
        path,
        *("--seats", "1", "--present", "642", "--issued", "642"),
        *("--form", "yes-no-abstain", "--threshold", "2/3", "--denominator", "valid"),
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["candidates"][0]["percent"] == "72.33%"
    assert doc["elected"] == ["motion"]


def test_method_file_with_flag_overrides(tmp_path, capsys):
    method = tmp_path / "method.json"
    method.write_text(json.dumps({"seats": 2, "denominator": "valid"}))
    path = write(tmp_path, SIMPLE)
    code, out, _ = run(
        capsys, path, "--method", str(method), "--present", "6", "--format", "json"
    )
    assert code == 0 and json.loads(out)["elected"] == ["A", "B"]
    code, out, _ = run(
        capsys,
        path,
        "--method",
        str(method),
        "--denominator",
        "present",
        "--present",
        "6",
    )
    assert code == 3


@pytest.mark.parametrize(
    ("text", "args", "expected"),
    [
        ("A,B\n1,0\n1\n", (), "line 3"),
        ("A,B\n1,0\n0,X\n", (), "line 3"),
        ("A,A\n1,0\n", (), "line 1"),
        ("", (), "line 1"),
        ("A,B\n1,0\n", ("--threshold", "half"), "--threshold"),
        ("A,B\nY,N\n", (), "line 2"),
        ("A,B\n1,0\n", ("--present", "0", "--entitled", "-1"), "--entitled"),
        ("A,B\n1,0\n", ("--threshold", "3/2"), "threshold"),
    ],
)
def test_bad_input_exits_2_and_names_the_problem(
    tmp_path, capsys, text, args, expected
):
    path = write(tmp_path, text)
    code, _, err = run(capsys, path, "--seats", "1", "--present", "2", *args)
    assert code == 2
    assert expected in err


def test_missing_file_and_missing_seats(tmp_path, capsys):
    code, _, err = run(
        capsys, str(tmp_path / "nope.csv"), "--seats", "1", "--present", "1"
    )
    assert code == 2 and "nope.csv" in err
    code, _, err = run(capsys, write(tmp_path, SIMPLE), "--present", "1")
    assert code == 2 and "--seats" in err


def test_recount_of_the_same_file_is_identical(tmp_path, capsys):
    path = write(tmp_path, SIMPLE)
    args = ("--seats", "2", "--present", "6", "--format", "json")
    first = run(capsys, path, *args)
    assert run(capsys, path, *args) == first
