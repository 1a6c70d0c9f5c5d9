"""The explanation of a result as a table (CON-4 · GS-8, CQ-3).

One row per unit (single methods: quota, remainder and rank, or priorities and the
divisor's quotient) or per cell (biproportional: weight, divisors, quotient), each with
the reason in words (:mod:`tongxue.domain.apportionment.why`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongxue.domain.apportionment.common import Method, decimal_text
from tongxue.domain.apportionment.results import Apportionment, Biproportional


def explanation_rows(
    result: Apportionment | Biproportional,
    translate: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """The explanation as a table (one dict per unit, or per cell for biproportional).

    Values are strings or integers, ready for a page or JSON; exact fractions are given
    as ``"p/q"`` next to a 4-place decimal.
    """
    if isinstance(result, Biproportional):
        rows_out: list[dict[str, Any]] = []
        for i, r in enumerate(result.rows):
            for j, c in enumerate(result.columns):
                w = result.weights[i][j]
                q = w / (result.row_divisors[i] * result.column_divisors[j])
                rows_out.append(
                    {
                        "row": r,
                        "column": c,
                        "weight": str(w),
                        "row_divisor": str(result.row_divisors[i]),
                        "column_divisor": str(result.column_divisors[j]),
                        "quotient": str(q),
                        "quotient_decimal": decimal_text(q),
                        "seats": result.seats[i][j],
                    }
                )
        return rows_out
    out: list[dict[str, Any]] = []
    for u in result.units:
        row: dict[str, Any] = {
            "unit": u.unit,
            "weight": str(u.weight),
            "quota": str(u.quota),
            "quota_decimal": decimal_text(u.quota),
            "seats": u.seats,
            "minimum": u.minimum,
            "maximum": u.maximum,
        }
        if result.method is Method.HAMILTON:
            rem = u.remainder
            row["remainder"] = decimal_text(rem) if rem is not None else None
            row["rank"] = u.remainder_rank
        else:
            if result.divisor is not None:
                row["quotient"] = decimal_text(u.weight / result.divisor)
            row["priority"] = (
                decimal_text(u.priority) if u.priority is not None else None
            )
            row["next_priority"] = (
                decimal_text(u.next_priority) if u.next_priority is not None else None
            )
        row["why"] = u.why.render(translate) if u.why is not None else ""
        out.append(row)
    return out
