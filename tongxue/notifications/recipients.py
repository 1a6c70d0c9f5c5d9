"""A notification's recipients as a description a background job can carry.

A large audience is not handed to the job as millions of ids. It is one of:

- ``{"sql": …, "params": […], "low": i, "high": j}``: the SQL of the caller's QuerySet
  (users, or ``values_list`` of one field of user ids), filtered on that field to a
  window ``[low, high)`` whose bounds are the parameters at positions ``i`` and ``j``.
  The job evaluates it again, window by window, so each statement reads a slice of ids
  through the indexes (the SQL is Django's own compilation of the caller's QuerySet;
  the parameters travel apart from it, encoded as JSON).
- ``{"runs": [[first, last], …]}``: a list of ids as runs of consecutive ids (what a
  roster import creates); the fallback for a long list, which is better passed as a
  QuerySet.
- ``{"ids": […]}``: a short list (the channel delivery of a small notification).

Every statement also joins the user table and keeps active accounts only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tongxue.notifications.models import Preference

#: Ids per window of the INSERT … SELECT (one statement, one transaction each).
WINDOW = 50_000
#: Runs per statement when the recipients are runs of ids.
RUNS_PER_STATEMENT = 200
#: Sentinels standing for a window's bounds in a recipient query's parameters (within
#: a 32-bit id column's range: Django drops a lookup outside it).
_LOW, _HIGH = -2_147_314_159, -2_147_271_828


def recipient_ids(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The user ids of ``qs`` as a one-column query (users, or values_list of ids)."""
    return qs.values_list(_id_field(qs), flat=True).order_by()


def _id_field(qs: QuerySet[Any]) -> str:
    selected = qs.query.values_select
    if qs.query.annotation_select and not selected:
        raise TypeError("recipients: a values_list of one field holding user ids")
    if len(selected) == 1:
        return str(selected[0])
    if not selected and qs.model is get_user_model():
        return "pk"
    raise TypeError("recipients: users, or a values_list of one field of user ids")


def from_queryset(qs: QuerySet[Any]) -> dict[str, Any]:
    """The description of ``qs``: its SQL with the window bounds as marked parameters."""
    field = _id_field(qs)
    windowed = (
        qs.filter(**{f"{field}__gte": _LOW, f"{field}__lt": _HIGH})
        .values_list(field, flat=True)
        .order_by()
    )
    sql, params = windowed.query.sql_with_params()
    params = list(params)
    if params.count(_LOW) != 1 or params.count(_HIGH) != 1:
        raise TypeError("recipients: the window of ids could not be placed")
    return {
        "sql": sql,
        "params": [_encode(p) for p in params],
        "low": params.index(_LOW),
        "high": params.index(_HIGH),
    }


def from_ids(ids: Sequence[int]) -> dict[str, Any]:
    """The description of sorted distinct ids, as runs of consecutive ids."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return {"runs": runs}


# -- parameters as JSON ---------------------------------------------------------------------

_TYPES: tuple[tuple[str, type], ...] = (
    ("datetime", dt.datetime),  # before date: a datetime is a date
    ("date", dt.date),
    ("time", dt.time),
    ("decimal", decimal.Decimal),
    ("uuid", uuid.UUID),
)
_DECODE: dict[str, Any] = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "decimal": decimal.Decimal,
    "uuid": uuid.UUID,
}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return {"list": [_encode(v) for v in value]}
    for tag, kind in _TYPES:
        if isinstance(value, kind):
            return {
                tag: value.isoformat() if hasattr(value, "isoformat") else str(value)
            }
    raise TypeError(f"recipients: a query parameter of type {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((tag, raw),) = value.items()
        if tag == "list":
            return [_decode(v) for v in raw]
        return _DECODE[tag](raw)
    return value


def _query(source: dict[str, Any], low: int, high: int) -> tuple[str, list[Any]]:
    params = [_decode(p) for p in source["params"]]
    params[source["low"]], params[source["high"]] = low, high
    return source["sql"], params


# -- the statements ---------------------------------------------------------------------------


def user_table() -> tuple[str, str]:
    user = get_user_model()
    qn = connection.ops.quote_name
    return qn(user._meta.db_table), qn(user._meta.pk.column)


def id_bounds() -> tuple[int, int] | None:
    """The smallest and largest user id (an index lookup each), or None."""
    table, pk = user_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({pk}), MAX({pk}) FROM {table}")
        low, high = cursor.fetchone()
    return None if low is None else (int(low), int(high))


def windows(
    source: dict[str, Any], *, size: int = WINDOW
) -> Iterator[tuple[str, list[Any]]]:
    """WHERE clauses (on the user table as ``u``) that together select the recipients.

    Each clause covers a slice of ids; the slices do not overlap.
    """
    _table, pk = user_table()
    active = "u.is_active"
    if "sql" in source:
        bounds = id_bounds()
        if bounds is None:
            return
        low = bounds[0]
        while low <= bounds[1]:
            high = low + size
            sql, params = _query(source, low, high)
            yield (
                f"{active} AND u.{pk} >= %s AND u.{pk} < %s AND u.{pk} IN ({sql})",
                [low, high, *params],
            )
            low = high
    elif "runs" in source:
        group: list[list[int]] = []
        count = 0
        for run in source["runs"]:
            group.append(run)
            count += run[1] - run[0] + 1
            if count >= size or len(group) >= RUNS_PER_STATEMENT:
                yield _runs_clause(group, pk)
                group, count = [], 0
        if group:
            yield _runs_clause(group, pk)
    else:
        ids = list(source["ids"])
        for k in range(0, len(ids), 1000):
            chunk = ids[k : k + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            yield f"{active} AND u.{pk} IN ({marks})", chunk


def _runs_clause(group: list[list[int]], pk: str) -> tuple[str, list[Any]]:
    ranges = " OR ".join([f"u.{pk} BETWEEN %s AND %s"] * len(group))
    return f"u.is_active AND ({ranges})", [b for run in group for b in run]


def count(source: dict[str, Any]) -> int:
    """How many active users the description selects."""
    table, _pk = user_table()
    total = 0
    with connection.cursor() as cursor:
        for where, params in windows(source, size=WINDOW * 10):
            cursor.execute(f"SELECT COUNT(*) FROM {table} u WHERE {where}", params)
            total += cursor.fetchone()[0]
    return total


def preferences_of(source: dict[str, Any]) -> Iterator[Preference]:
    """The notification settings, with their user, of the recipients of ``source``."""
    rows = Preference.objects.filter(user__is_active=True).select_related("user")
    if "ids" in source:
        rows = rows.filter(user_id__in=source["ids"])
    elif "sql" in source:
        bounds = id_bounds() or (0, 0)
        rows = rows.filter(
            user_id__in=RawSQL(*_query(source, bounds[0], bounds[1] + 1))
        )
    else:
        starts = [run[0] for run in source["runs"]]
        for pref in rows.order_by("user_id").iterator(chunk_size=500):
            k = bisect.bisect_right(starts, pref.user_id) - 1
            if k >= 0 and pref.user_id <= source["runs"][k][1]:
                yield pref
        return
    yield from rows.order_by("user_id").iterator(chunk_size=500)
