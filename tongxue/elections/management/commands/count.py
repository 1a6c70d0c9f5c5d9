"""``tongxue count``: count an election from a CSV of ballots (ELE-4, ELE-5 · GS-8, GS-12,
CQ-3, CQ-7), for scrutineers and independent recounts.

``tongxue count BALLOTS.csv --seats N --present P [--entitled E] [--issued I]
[--form marks|yes-no-abstain] [--threshold 1/2] [--denominator present|entitled|valid]
[--format text|json]``

BALLOTS.csv: the header names the candidates; one row per returned ballot; cells ``1``/``0``
or empty (marks form), ``Y``/``N``/``A`` or empty (yes/no/abstain form). An empty line is
skipped; a row of empty cells is a blank ballot. A name in the header that starts with an
apostrophe followed by ``= + - @``, a tab, a carriage return or another apostrophe is read
without that apostrophe (``board.csv`` escapes such names so that no spreadsheet takes them
for a formula).

Exit status: 0 for a result that can be certified, 3 when the rules require another round
(tie revote, supplementary election, or the whole vote held again), 2 on bad input (the
message names the line and the problem). The command needs no database. See
docs/counting.md.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxue.core.errors import punctuation, render_message
from tongxue.core.spreadsheets import unescape_cell
from tongxue.domain.counting import (
    FORM_LABELS,
    VOID_REASONS,
    BallotForm,
    CountingError,
    CountResult,
    Denominator,
    ElectionMethod,
    TiePolicy,
    count,
    percent,
)

#: Exit status when the rules require another round.
ANOTHER_ROUND = 3

_CELLS = {
    BallotForm.MARKS: {"1", "0", ""},
    BallotForm.YES_NO_ABSTAIN: {"Y", "N", "A", ""},
}


class BadInput(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


def read_ballots(
    path: Path, form: BallotForm
) -> tuple[list[str], list[dict[str, str]]]:
    """Return (candidates, ballots) of a ballots CSV; line numbers count the header as 1."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(
            _("%(path)s: cannot read (%(error)s).") % {"path": path, "error": exc}
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise BadInput(
            _("%(path)s: not a CSV file (%(error)s).") % {"path": path, "error": exc}
        ) from None
    if not rows:
        raise BadInput(
            _("%(path)s line 1: the header must name the candidates.") % {"path": path}
        )
    # board.csv writes a name a spreadsheet would evaluate with a leading ' (=1+1 as
    # '=1+1, tongxue.core.spreadsheets): read back as the name.
    candidates = [unescape_cell(cell).strip() for cell in rows[0]]
    if not candidates or not all(candidates):
        raise BadInput(
            _("%(path)s line 1: the header must name the candidates.") % {"path": path}
        )
    if len(set(candidates)) != len(candidates):
        raise BadInput(
            _("%(path)s line 1: a candidate is named twice.") % {"path": path}
        )
    allowed = _CELLS[form]
    ballots: list[dict[str, str]] = []
    for line, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) != len(candidates):
            raise BadInput(
                _("%(path)s line %(line)d: expected %(n)d cells, found %(found)d.")
                % {"path": path, "line": line, "n": len(candidates), "found": len(row)}
            )
        cells = [cell.strip().upper() for cell in row]
        for name, cell in zip(candidates, cells, strict=True):
            if cell not in allowed:
                raise BadInput(
                    _(
                        "%(path)s line %(line)d: %(value)r for %(name)s is not a mark of "
                        "the %(form)s form (allowed: %(allowed)s)."
                    )
                    % {
                        "path": path,
                        "line": line,
                        "value": cell,
                        "name": name,
                        "form": form.value,
                        "allowed": ", ".join(repr(a) for a in sorted(allowed)),
                    }
                )
        ballots.append(dict(zip(candidates, cells, strict=True)))
    return candidates, ballots


def _fraction(text: str, option: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise BadInput(
            _("%(option)s %(value)r is not a fraction such as 1/2.")
            % {"option": option, "value": text}
        ) from None
    return value


def _method(opts: dict[str, Any]) -> ElectionMethod:
    data: dict[str, Any] = {}
    if opts["method"] is not None:
        try:
            loaded = json.loads(Path(opts["method"]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise BadInput(
                _("%(path)s: cannot read the election method (%(error)s).")
                % {"path": opts["method"], "error": exc}
            ) from None
        if not isinstance(loaded, dict):
            raise BadInput(
                _("%(path)s: the election method must be a JSON object.")
                % {"path": opts["method"]}
            )
        data.update(loaded)
    if opts["seats"] is not None:
        data["seats"] = opts["seats"]
    if "seats" not in data:
        raise BadInput(_("--seats is required."))
    for option in ("form", "denominator", "tie"):
        if opts[option] is not None:
            data[option] = opts[option]
    for option in ("threshold", "quorum", "margin"):
        if opts[option] is not None:
            data[option] = _fraction(opts[option], f"--{option}")
    if opts["compare_with"] is not None:
        data["compare_returned_with"] = opts["compare_with"]
    if opts["not_strict"]:
        data["threshold_strict"] = False
    if opts["blank_void"]:
        data["blank_void"] = True
    try:
        return ElectionMethod.from_dict(data)
    except CountingError as exc:
        raise BadInput(render_message(exc.message)) from None


def render_text(result: CountResult) -> str:
    """Return a human-readable (translated) report of a count."""
    b = result.ballots
    out: list[str] = []
    out.append(
        _(
            "Ballots: %(issued)s issued, %(returned)d returned, %(valid)d valid, %(void)d void."
        )
        % {
            "issued": "?" if b.issued is None else b.issued,
            "returned": b.returned,
            "valid": b.valid,
            "void": b.void,
        }
    )
    for reason, number in b.void_reasons.items():
        out.append(f"  {_(VOID_REASONS.get(reason, reason))}: {number}")
    out.append("")
    header = [
        _("Candidate"),
        _("Yes votes"),
        _("No votes"),
        _("Abstentions"),
        _("Share"),
        _("Elected"),
    ]
    rows = [
        [
            c.name,
            str(c.yes),
            str(c.no),
            str(c.abstain),
            percent(c.share),
            _("elected") if c.elected else "",
        ]
        for c in result.candidates
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out.append(
            "  ".join(
                cell.ljust(w) for cell, w in zip(row, widths, strict=True)
            ).rstrip()
        )
    out.append("")
    # Names joined by the language's list separator (、 in Chinese) (#16).
    comma = pgettext("list separator", ", ")
    out.append(_("Elected: %(names)s") % {"names": comma.join(result.elected) or "-"})
    out.append(_("Seats unfilled: %(n)d") % {"n": result.unfilled})
    step = result.next_step
    if step is None:
        out.append(
            _("Result: can be certified.")
            if result.valid
            else _("Result: the vote is void.")
        )
    else:
        kinds = {
            "tie-revote": _("a new vote among the tied candidates"),
            "supplementary": _("a supplementary election"),
            "revote-all": _("the whole vote held again"),
        }
        out.append(
            _("Next step: %(kind)s for %(seats)d seat(s) with %(names)s.")
            % {
                "kind": kinds.get(step.kind, step.kind),
                "seats": step.seats,
                "names": comma.join(step.candidates) or "-",
            }
        )
    out.append("")
    out.append(
        _("Election method: %(form)s; parameters: %(params)s")
        % {
            "form": _(FORM_LABELS[result.method.form]),
            "params": json.dumps(result.method.to_dict(), ensure_ascii=False),
        }
    )
    out.append(_("How the count went:"))
    out.extend(f"  - {render_message(m)}" for m in result.explanation)
    return "\n".join(out) + "\n"


class Command(BaseCommand):
    help = "Count an election from a CSV of ballots (header: candidates; a row per ballot)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="ballots CSV: header = candidates, a row per ballot"
        )
        parser.add_argument("--seats", type=int, help="seats to fill")
        parser.add_argument("--present", type=int, required=True, help="voters present")
        parser.add_argument("--entitled", type=int, help="voters entitled (quorum)")
        parser.add_argument("--issued", type=int, help="ballots issued")
        parser.add_argument("--form", choices=[f.value for f in BallotForm])
        parser.add_argument("--threshold", help="fraction to exceed, e.g. 1/2 or 2/3")
        parser.add_argument("--denominator", choices=[d.value for d in Denominator])
        parser.add_argument("--tie", choices=[t.value for t in TiePolicy])
        parser.add_argument("--quorum", help="fraction of entitled to exceed, e.g. 2/3")
        parser.add_argument("--margin", help="差额 margin for the next round, e.g. 1/5")
        parser.add_argument(
            "--compare-with",
            choices=["issued", "present"],
            help="compare ballots returned with ballots issued or voters present",
        )
        parser.add_argument(
            "--not-strict", action="store_true", help="exactly the threshold is enough"
        )
        parser.add_argument(
            "--blank-void", action="store_true", help="a blank ballot is void"
        )
        parser.add_argument(
            "--method", help="election method JSON (as printed); flags override it"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **opts: Any) -> None:
        method = _method(opts)
        for option in ("present", "entitled", "issued"):
            if opts[option] is not None and opts[option] < 0:
                raise BadInput(
                    _("--%(option)s must be zero or more.") % {"option": option}
                )
        candidates, ballots = read_ballots(Path(opts["file"]), method.form)
        try:
            result = count(
                candidates,
                ballots,
                method=method,
                present=opts["present"],
                entitled=opts["entitled"],
                issued=opts["issued"],
            )
        except CountingError as exc:
            raise BadInput(render_message(exc.message)) from None
        if opts["format"] == "json":
            self.stdout.write(
                json.dumps(
                    result.to_json(_, punctuation=punctuation()),
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            self.stdout.write(render_text(result), ending="")
        if not result.certified:
            self.stdout.flush()
            sys.exit(ANOTHER_ROUND)
