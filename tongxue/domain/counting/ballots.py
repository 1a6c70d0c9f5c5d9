"""Ballots: whether one is void, and the tally of those returned (ELE-4).

In the marks form a cell is ``1`` (marked: a yes) or ``0``/empty (not marked: counted
as a no); in the yes/no/abstain form ``Y``, ``N``, ``A`` or empty (an abstain).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tongxue.domain.counting.method import BallotForm, ElectionMethod

_MARKS_VALUES = {"1": "Y", "0": "", "": ""}
_YNA_VALUES = {"Y": "Y", "N": "N", "A": "A", "": ""}


def _normalise(
    marks: Mapping[str, str], candidates: Sequence[str], method: ElectionMethod
) -> tuple[str | None, dict[str, str]]:
    """Return (void reason, candidate → "Y"/"N"/"A"/"") of one ballot."""
    known = set(candidates)
    if any(name not in known for name in marks):
        return "unknown-candidate", {}
    table = _MARKS_VALUES if method.form is BallotForm.MARKS else _YNA_VALUES
    out: dict[str, str] = {}
    for name, raw in marks.items():
        value = table.get(str(raw).strip().upper())
        if value is None:
            return "bad-mark", {}
        out[name] = value
    yes = sum(1 for v in out.values() if v == "Y")
    if yes > method.seats:
        return "too-many-marks", {}
    if method.blank_void and not any(out.values()):
        return "blank", {}
    return None, out


def ballot_void_reason(
    marks: Mapping[str, str], candidates: Sequence[str], method: ElectionMethod
) -> str | None:
    """Return why a ballot is void (a code of :data:`VOID_REASONS`), or ``None``.

    ``marks`` maps candidates to cells: ``1``/``0``/empty in the marks form, ``Y``/``N``/
    ``A``/empty in the yes/no/abstain form (case and surrounding spaces ignored); a
    candidate left out is an empty cell. Checked in order: a name that is not a candidate,
    a mark the form does not allow, more yes marks than seats, blank (only with
    ``blank_void``).
    """
    return _normalise(marks, candidates, method)[0]


@dataclass(frozen=True)
class Tally:
    """The counts of one vote: what scrutineers enter, or what SQL aggregation returns.

    ``yes``/``no``/``abstain`` count valid ballots only. A candidate missing from ``no`` has
    ``no = valid - yes - abstain`` (convenient in the marks form, where a valid ballot that
    does not mark a candidate is a no).
    """

    issued: int | None
    returned: int
    valid: int
    void: int
    void_reasons: Mapping[str, int]
    yes: Mapping[str, int]
    no: Mapping[str, int]
    abstain: Mapping[str, int]


def tally(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, str]],
    method: ElectionMethod,
    *,
    issued: int | None,
) -> Tally:
    """Return the tally of returned ballots (each a candidate → cell mapping)."""
    yes: Counter[str] = Counter()
    no: Counter[str] = Counter()
    abstain: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    returned = valid = 0
    for ballot in ballots:
        returned += 1
        reason, cells = _normalise(ballot, candidates, method)
        if reason is not None:
            reasons[reason] += 1
            continue
        valid += 1
        for name in candidates:
            value = cells.get(name, "")
            if value == "Y":
                yes[name] += 1
            elif value == "N" or method.form is BallotForm.MARKS:
                no[name] += 1
            else:
                abstain[name] += 1
    return Tally(
        issued=issued,
        returned=returned,
        valid=valid,
        void=returned - valid,
        void_reasons=dict(sorted(reasons.items())),
        yes={name: yes[name] for name in candidates},
        no={name: no[name] for name in candidates},
        abstain={name: abstain[name] for name in candidates},
    )
