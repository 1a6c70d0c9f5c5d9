"""``tongxue apportion``: apportion seats from a CSV file (CON-4 · GS-8, CQ-3).

Exit status: 0 on success, 2 on bad input (the message names the line and the problem),
3 on a tie for the last seat(s) refused by ``--tie refuse`` (the default). The command
needs no database. See docs/apportionment.md.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tongxue.core.spreadsheets import safe_row, unescape_cell
from tongxue.domain.apportionment import (
    ApportionmentError,
    ApportionmentTie,
    Method,
    TieBreak,
    apportion,
    biproportional,
    explanation_rows,
)


class BadInput(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(
            _("%(path)s: cannot read (%(error)s).") % {"path": path, "error": exc}
        ) from None
    # A label this command wrote with a leading ' (tongxue.core.spreadsheets) reads back.
    return [[unescape_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]


def _number(path: Path, line: int, text: str, what: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise BadInput(
            _("%(path)s line %(line)d: %(what)s %(value)r is not a number.")
            % {"path": path, "line": line, "what": what, "value": text}
        ) from None
    if value < 0:
        raise BadInput(
            _("%(path)s line %(line)d: %(what)s %(value)s is negative.")
            % {"path": path, "line": line, "what": what, "value": text}
        )
    return value


def read_pairs(
    path: Path, column: str, *, integer: bool = False
) -> list[tuple[str, Fraction]]:
    """Rows of a ``unit,<column>`` file; line numbers count the header as line 1."""
    rows = _rows(path)
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["unit", column]:
        raise BadInput(
            _("%(path)s line 1: the header must be 'unit,%(column)s'.")
            % {"path": path, "column": column}
        )
    out: list[tuple[str, Fraction]] = []
    seen: set[str] = set()
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise BadInput(
                _("%(path)s line %(line)d: expected 'unit,%(column)s'.")
                % {"path": path, "line": line, "column": column}
            )
        unit = row[0].strip()
        if not unit:
            raise BadInput(
                _("%(path)s line %(line)d: the unit is empty.")
                % {"path": path, "line": line}
            )
        if unit in seen:
            raise BadInput(
                _("%(path)s line %(line)d: unit %(unit)s appears twice.")
                % {"path": path, "line": line, "unit": unit}
            )
        seen.add(unit)
        value = _number(path, line, row[1], column)
        if integer and value.denominator != 1:
            raise BadInput(
                _("%(path)s line %(line)d: %(what)s %(value)s is not a whole number.")
                % {"path": path, "line": line, "what": column, "value": row[1]}
            )
        out.append((unit, value))
    if not out:
        raise BadInput(_("%(path)s: no units.") % {"path": path})
    return out


def read_matrix(path: Path) -> tuple[list[str], list[str], list[list[Fraction]]]:
    rows = _rows(path)
    if not rows or len(rows[0]) < 2:
        raise BadInput(
            _("%(path)s line 1: the header must name the columns after a first cell.")
            % {"path": path}
        )
    columns = [c.strip() for c in rows[0][1:]]
    if len(set(columns)) != len(columns) or not all(columns):
        raise BadInput(
            _("%(path)s line 1: column labels must be distinct and not empty.")
            % {"path": path}
        )
    labels: list[str] = []
    weights: list[list[Fraction]] = []
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(columns) + 1:
            raise BadInput(
                _("%(path)s line %(line)d: expected %(n)d cells.")
                % {"path": path, "line": line, "n": len(columns) + 1}
            )
        label = row[0].strip()
        if not label or label in labels:
            raise BadInput(
                _("%(path)s line %(line)d: row label %(label)r is empty or repeated.")
                % {"path": path, "line": line, "label": label}
            )
        labels.append(label)
        weights.append([_number(path, line, c, _("weight")) for c in row[1:]])
    if not labels:
        raise BadInput(_("%(path)s: no rows.") % {"path": path})
    return labels, columns, weights


def _margin(path: Path, labels: list[str], what: str) -> list[int]:
    pairs = dict(read_pairs(path, "seats", integer=True))
    missing = [label for label in labels if label not in pairs]
    extra = [unit for unit in pairs if unit not in labels]
    if missing or extra:
        raise BadInput(
            _(
                "%(path)s: %(what)s seats do not match the matrix (missing: %(missing)s; unknown: %(extra)s)."
            )
            % {
                "path": path,
                "what": what,
                "missing": ", ".join(missing) or "-",
                "extra": ", ".join(extra) or "-",
            }
        )
    return [int(pairs[label]) for label in labels]


class Command(BaseCommand):
    help = "Apportion seats among units (unit,weight CSV) or biproportionally (matrix CSV)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="unit,weight CSV, or a matrix CSV with --biproportional"
        )
        parser.add_argument("--seats", type=int, help="house size")
        parser.add_argument(
            "--method",
            choices=[m.value for m in Method],
            default=Method.SAINTE_LAGUE.value,
        )
        parser.add_argument("--min-seats", type=int, default=0)
        parser.add_argument("--max-seats", type=int, default=None)
        parser.add_argument(
            "--tie", choices=[t.value for t in TieBreak], default="refuse"
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="published seed of the lot"
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--biproportional", action="store_true")
        parser.add_argument("--row-seats", type=Path)
        parser.add_argument("--column-seats", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        try:
            if opts["biproportional"]:
                self._biproportional(path, opts)
            else:
                self._single(path, opts)
        except ApportionmentTie as exc:
            if opts["biproportional"]:  # no lot for a matrix: it is not unique
                message = _(
                    "The biproportional apportionment is not unique: the cells %(units)s could trade seats."
                ) % {"units": ", ".join(exc.units)}
            else:
                message = _(
                    "Tie for the last %(seats)d seat(s) between %(units)s; rerun with --tie lot --seed S."
                ) % {"seats": exc.seats, "units": ", ".join(exc.units)}
            raise CommandError(message, returncode=3) from None
        except ApportionmentError as exc:
            raise BadInput(exc.message.render(_)) from None

    def _single(self, path: Path, opts: dict[str, Any]) -> None:
        if opts["seats"] is None:
            raise BadInput(_("--seats is required."))
        if opts["tie"] == "lot" and opts["seed"] is None:
            raise BadInput(_("--tie lot needs a published --seed."))
        pairs = read_pairs(path, "weight")
        result = apportion(
            pairs,
            opts["seats"],
            method=opts["method"],
            minimum=opts["min_seats"],
            maximum=opts["max_seats"],
            tie=opts["tie"],
            seed=opts["seed"],
        )
        if opts["format"] == "json":
            doc: dict[str, Any] = {
                "method": result.method.value,
                "seats": result.house,
                "divisor": str(result.divisor) if result.divisor is not None else None,
                "divisor_interval": (
                    [str(b) if b is not None else None for b in result.divisor_interval]
                    if result.divisor_interval
                    else None
                ),
                "tie": (
                    {
                        "units": list(result.tie.units),
                        "seats": result.tie.seats,
                        "winners": list(result.tie.winners),
                        "seed": result.tie.seed,
                    }
                    if result.tie
                    else None
                ),
                "allocation": {u.unit: u.seats for u in result.units},
                "explanation": explanation_rows(result, _),
            }
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["unit", "seats"])
        for u in result.units:
            writer.writerow(safe_row([u.unit, u.seats]))
        self.stdout.write(out.getvalue(), ending="")

    def _biproportional(self, path: Path, opts: dict[str, Any]) -> None:
        if opts["row_seats"] is None:
            raise BadInput(_("--biproportional needs --row-seats ROWS.csv."))
        rows, columns, weights = read_matrix(path)
        rseats = _margin(opts["row_seats"], rows, _("row"))
        cseats = (
            _margin(opts["column_seats"], columns, _("column"))
            if opts["column_seats"] is not None
            else None
        )
        result = biproportional(rows, columns, weights, rseats, cseats)
        if opts["format"] == "json":
            doc = {
                "rows": list(rows),
                "columns": list(columns),
                "seats": [list(r) for r in result.seats],
                "row_divisors": [str(d) for d in result.row_divisors],
                "column_divisors": [str(d) for d in result.column_divisors],
                "column_seats": list(result.column_seats),
                "iterations": result.iterations,
                "explanation": explanation_rows(result),
            }
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(safe_row(["", *columns]))
        for label, row in zip(rows, result.seats, strict=True):
            writer.writerow(safe_row([label, *row]))
        self.stdout.write(out.getvalue(), ending="")
