"""Benchmark: Tongxue's apportionment against the PyPI packages ``apportionment`` and ``biprop``.

Prints figures; asserts nothing about time. Usage::

    .venv/bin/pip install apportionment biprop   # the ``bench`` extra, never the product
    .venv/bin/python bench/apportionment.py --repeat 5 --interleave 200

Inputs (all seeded, so every run sees the same numbers):

* "national": 50 units with populations drawn between 0.5 and 40 million, house 435 —
  shaped like the US House; the real 2020 state populations are not used because they
  could not be checked from this environment;
* "mid": 1,000 units, house 2,000 (a size both libraries can run);
* "100k": 100,000 units with random weights, house 150,000 (Tongxue only when the peer
  cannot: ``apportionment`` builds a units × seats table);
* a 50 × 6 matrix (departments × grades) for the biproportional method, with ``biprop``
  (``--repeat`` is raised to at least 20 for it: both sides take milliseconds, and the
  best of a few runs is at the mercy of the machine's noise).

For each input the script checks that the results are identical, and prints the best of
``--repeat`` times and the speed ratio. ``--interleave N`` alternates Tongxue and the peer
run by run and keeps the best of N of each (on a shared machine a busy spell then hits
both sides alike; the peer's slow exact runs on the larger inputs still run once);
``--only national|mid|100k|matrix`` (repeatable) runs only those inputs.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# this file is itself named "apportionment": keep its folder off the path so that
# ``import apportionment`` finds the PyPI package
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

from tongxue.domain.apportionment import (  # noqa: E402
    ApportionmentTie,
    Method,
    apportion,
    biproportional,
)

PEER_NAMES = {
    Method.HAMILTON: "hamilton",
    Method.DHONDT: "dhondt",
    Method.SAINTE_LAGUE: "saintelague",
    Method.HUNTINGTON_HILL: "huntington",
    Method.ADAMS: "adams",
}
#: the peer's divisor methods build a units × seats array: skip above this many cells
PEER_CELLS = 5_000_000


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return min(times), value


def interleaved(
    ours: Callable[[], Any], theirs: Callable[[], Any], repeat: int
) -> tuple[float, Any, float, Any]:
    """Best of ``repeat`` runs of each side, alternating them run by run (so that a busy
    spell on the machine hits both sides alike)."""
    t_ours, t_theirs = float("inf"), float("inf")
    v_ours: Any = None
    v_theirs: Any = None
    for _ in range(repeat):
        t = time.perf_counter()
        v_ours = ours()
        t_ours = min(t_ours, time.perf_counter() - t)
        t = time.perf_counter()
        v_theirs = theirs()
        t_theirs = min(t_theirs, time.perf_counter() - t)
    return t_ours, v_ours, t_theirs, v_theirs


#: set by ``--interleave N``: alternate the two sides, best of N each
INTERLEAVE = 0


def single(name: str, weights: list[int], house: int, repeat: int) -> None:
    try:
        from apportionment import methods as peer
    except ImportError:
        peer = None
    units = [(f"u{i}", w) for i, w in enumerate(weights)]
    for method in Method:
        try:
            t_ours, ours = best(
                lambda m=method: apportion(units, house, method=m), repeat
            )
        except ApportionmentTie as tie:
            print(f"{name:9} {method:16} tie ({len(tie.units)} units): skipped")
            continue
        ours_list = [u.seats for u in ours.units]
        line = f"{name:9} {method:16} tongxue {t_ours * 1000:9.3f} ms"
        if peer is None:
            print(line + "   apportionment: not installed")
            continue
        if method.is_divisor and len(weights) * house > PEER_CELLS:
            print(
                line
                + f"   apportionment: cannot run ({len(weights):,} × {house:,} table)"
            )
            continue
        # exact mode where the peer has one (not for Huntington–Hill)
        exact = method is not Method.HUNTINGTON_HILL
        peer_repeat = 1 if exact and len(weights) > 100 else repeat
        labels = [f"u{i}" for i in range(len(weights))]

        def run_peer(m: Method = method, x: bool = exact, p: list[str] = labels) -> Any:
            return peer.compute(
                PEER_NAMES[m], weights, house, fractions=x, parties=p, tiesallowed=True
            )

        try:
            if INTERLEAVE and peer_repeat > 1:
                t_ours, ours, t_peer, theirs = interleaved(
                    lambda m=method: apportion(units, house, method=m),
                    run_peer,
                    INTERLEAVE,
                )
                ours_list = [u.seats for u in ours.units]
                line = f"{name:9} {method:16} tongxue {t_ours * 1000:9.3f} ms"
            else:
                t_peer, theirs = best(run_peer, peer_repeat)
        except Exception as exc:  # a peer failure is a figure, not a crash
            print(line + f"   apportionment: failed ({type(exc).__name__}: {exc})")
            continue
        same = "identical" if list(theirs) == ours_list else "DIFFERENT"
        mode = "fractions" if exact else "floats"
        print(
            line + f"   apportionment ({mode}) {t_peer * 1000:9.3f} ms"
            f"   ×{t_peer / t_ours:7.1f}   {same}"
        )


def matrix(repeat: int) -> None:
    rng = random.Random(20261123)
    rows = [f"dept{i:02d}" for i in range(50)]
    cols = [f"grade{j}" for j in range(6)]
    w = [[rng.randint(50, 3000) for _ in cols] for _ in rows]
    row_seats = [max(1, sum(r) // 400) for r in w]
    repeat = max(repeat, 20)
    t_ours, ours = best(lambda: biproportional(rows, cols, w, row_seats), repeat)
    path = "exact fallback" if ours.exact_fallback else "certified fast path"
    line = (
        f"50 × 6    biproportional   tongxue {t_ours * 1000:9.3f} ms "
        f"({ours.iterations} steps, {path})"
    )
    try:
        import biprop
        import numpy as np
    except ImportError:
        print(line + "   biprop: not installed")
        return

    def run_peer() -> Any:
        e = biprop.Election(np.array(w), party_names=rows, region_names=cols)
        return e.lower_apportionment(
            party_seats=np.array(row_seats), region_seats=np.array(ours.column_seats)
        )

    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            if INTERLEAVE:
                t_ours, ours, t_peer, theirs = interleaved(
                    lambda: biproportional(rows, cols, w, row_seats),
                    run_peer,
                    INTERLEAVE,
                )
                line = (
                    f"50 × 6    biproportional   tongxue {t_ours * 1000:9.3f} ms "
                    f"({ours.iterations} steps, {path})"
                )
            else:
                t_peer, theirs = best(run_peer, repeat)
    except Exception as exc:  # a peer failure is a figure, not a crash
        print(line + f"   biprop: failed ({type(exc).__name__}: {exc})")
        return
    same = (
        "identical"
        if [list(map(int, r)) for r in theirs] == [list(r) for r in ours.seats]
        else "DIFFERENT"
    )
    print(
        line + f"   biprop {t_peer * 1000:9.3f} ms   ×{t_peer / t_ours:7.1f}   {same}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--interleave",
        type=int,
        default=0,
        metavar="N",
        help="alternate Tongxue and the peer run by run, best of N each (the peer's "
        "slow exact runs on the larger inputs are still run once)",
    )
    parser.add_argument(
        "--only",
        choices=["national", "mid", "100k", "matrix"],
        action="append",
        help="run only these inputs (repeatable)",
    )
    args = parser.parse_args()
    global INTERLEAVE
    INTERLEAVE = args.interleave
    only = set(args.only or ["national", "mid", "100k", "matrix"])
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}"
    )
    rng = random.Random(20261123)
    national = [rng.randint(500_000, 40_000_000) for _ in range(50)]
    mid = [rng.randint(1_000, 1_000_000) for _ in range(1_000)]
    big = [rng.randint(1, 10**12) for _ in range(100_000)]
    if "national" in only:
        single("national", national, 435, args.repeat)
    if "mid" in only:
        single("mid", mid, 2_000, args.repeat)
    if "100k" in only:
        single("100k", big, 150_000, args.repeat)
    if "matrix" in only:
        matrix(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
