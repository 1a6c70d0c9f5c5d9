"""``tongxue apportion`` (CON-4 · GS-8, CQ-3): exit 0 on success, 2 on bad input, 3 on a
refused tie. No ``django_db`` mark: the command must work without the database."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from django.utils.translation import override

from tongxue.cli import main

WEIGHTS = "unit,weight\nA,51\nB,33\nC,14\nD,2\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in English (the product's default is Chinese)."""
    with override("en"):
        code = main(["apportion", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("hamilton", "5,3,2,0"),
        ("dhondt", "6,3,1,0"),
        ("sainte-lague", "5,4,1,0"),
        ("huntington-hill", "5,3,1,1"),
        ("adams", "4,3,2,1"),
    ],
)
def test_csv_output_in_input_order(tmp_path, capsys, method, expected):
    path = write(tmp_path, "w.csv", WEIGHTS)
    code, out, _ = run(capsys, path, "--seats", "10", "--method", method)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "unit,seats"
    assert [line.split(",")[0] for line in lines[1:]] == ["A", "B", "C", "D"]
    assert ",".join(line.split(",")[1] for line in lines[1:]) == expected


def test_json_carries_the_explanation(tmp_path, capsys):
    path = write(tmp_path, "w.csv", WEIGHTS)
    code, out, _ = run(
        capsys, path, "--seats", "10", "--method", "dhondt", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["allocation"] == {"A": 6, "B": 3, "C": 1, "D": 0}
    assert doc["divisor_interval"] == ["33/4", "17/2"]
    rows = {row["unit"]: row for row in doc["explanation"]}
    assert rows["A"]["priority"] == "8.5000"
    assert rows["B"]["why"]


def test_min_seats(tmp_path, capsys):
    path = write(tmp_path, "w.csv", "unit,weight\nA,900\nB,95\nC,5\n")
    code, out, _ = run(capsys, path, "--seats", "10", "--method", "hamilton")
    assert code == 0 and out.strip().endswith("C,0")
    code, out, _ = run(
        capsys, path, "--seats", "10", "--method", "hamilton", "--min-seats", "1"
    )
    assert code == 0 and out.strip().endswith("C,1")


def test_refused_tie_exits_3_and_lot_resolves_it(tmp_path, capsys):
    path = write(tmp_path, "w.csv", "unit,weight\nB,2\nA,2\n")
    code, _, err = run(capsys, path, "--seats", "3", "--method", "sainte-lague")
    assert code == 3
    assert "A, B" in err
    code, out, _ = run(
        capsys,
        path,
        "--seats",
        "3",
        "--method",
        "sainte-lague",
        "--tie",
        "lot",
        "--seed",
        "42",
    )
    assert code == 0
    winner = random.Random(42).sample(["A", "B"], 1)[0]
    assert f"{winner},2" in out
    code, _, err = run(capsys, path, "--seats", "3", "--tie", "lot")
    assert code == 2 and "--seed" in err


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("unit,weight\nA,1\nB,-3\n", ["--seats", "3"], "line 3"),
        ("unit,weight\nA,1\nB,lots\n", ["--seats", "3"], "not a number"),
        ("unit,weight\nA,1\nA,2\n", ["--seats", "3"], "appears twice"),
        ("name,students\nA,1\n", ["--seats", "3"], "line 1"),
        ("unit,weight\nA,1\nB,2\n", ["--seats", "1", "--min-seats", "1"], "fewer than"),
        ("unit,weight\nA,1\n", [], "--seats"),
        ("unit,weight\nA,1\n", ["--seats", "3", "--method", "borda"], "invalid choice"),
    ],
)
def test_bad_input_exits_2(tmp_path, capsys, text, args, message):
    path = write(tmp_path, "w.csv", text)
    code, _, err = run(capsys, path, *args)
    assert code == 2
    assert message in err


MATRIX = ",g1,g2,g3\nr1,123,57,11\nr2,31,87,43\nr3,7,19,61\n"
ROWS = "unit,seats\nr1,10\nr2,9\nr3,6\n"


def test_biproportional_matrix(tmp_path, capsys):
    matrix = write(tmp_path, "m.csv", MATRIX)
    rows = write(tmp_path, "r.csv", ROWS)
    code, out, _ = run(capsys, matrix, "--biproportional", "--row-seats", rows)
    assert code == 0
    assert out.strip().splitlines() == [",g1,g2,g3", "r1,6,3,1", "r2,2,5,2", "r3,1,1,4"]
    cols = write(tmp_path, "c.csv", "unit,seats\ng1,9\ng2,9\ng3,7\n")
    code, out, _ = run(
        capsys,
        matrix,
        "--biproportional",
        "--row-seats",
        rows,
        "--column-seats",
        cols,
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["seats"] == [[6, 3, 1], [2, 5, 2], [1, 1, 4]]
    assert doc["row_divisors"] == ["19", "18", "41/3"]


def test_biproportional_bad_input(tmp_path, capsys):
    matrix = write(tmp_path, "m.csv", MATRIX)
    rows = write(tmp_path, "r.csv", ROWS)
    cols = write(tmp_path, "c.csv", "unit,seats\ng1,9\ng2,9\ng3,8\n")
    code, _, err = run(
        capsys, matrix, "--biproportional", "--row-seats", rows, "--column-seats", cols
    )
    assert code == 2 and "sum to" in err
    unsolvable = write(tmp_path, "u.csv", ",p,q\na,1,0\nb,1,1\n")
    r2 = write(tmp_path, "r2.csv", "unit,seats\na,2\nb,1\n")
    c2 = write(tmp_path, "c2.csv", "unit,seats\np,1\nq,2\n")
    code, _, err = run(
        capsys, unsolvable, "--biproportional", "--row-seats", r2, "--column-seats", c2
    )
    assert code == 2 and "No seat matrix" in err
    bad = write(tmp_path, "b.csv", ",p,q\na,1,x\n")
    code, _, err = run(capsys, bad, "--biproportional", "--row-seats", r2)
    assert code == 2 and "line 2" in err
    code, _, err = run(capsys, matrix, "--biproportional")
    assert code == 2 and "--row-seats" in err


def test_a_biproportional_tie_exits_3_and_names_the_cells_without_a_lot(
    tmp_path, capsys
):
    # equal weights, one seat per line: the two diagonals fit equally well
    matrix = write(tmp_path, "t.csv", ",x,y\na,1,1\nb,1,1\n")
    rows = write(tmp_path, "tr.csv", "unit,seats\na,1\nb,1\n")
    cols = write(tmp_path, "tc.csv", "unit,seats\nx,1\ny,1\n")
    code, _, err = run(
        capsys, matrix, "--biproportional", "--row-seats", rows, "--column-seats", cols
    )
    assert code == 3
    assert "not unique" in err and "a/x" in err and "b/y" in err
    assert "--tie lot" not in err  # no lot for a matrix
