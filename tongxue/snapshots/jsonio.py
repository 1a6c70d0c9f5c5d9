"""Read and write snapshots as JSON (UTF-8, the format of docs/snapshot.md)."""

from __future__ import annotations

import json
from typing import Any

from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.snapshot import DOCUMENT, FORMAT, TABLES, SnapshotError
from tongxue.snapshots import limits
from tongxue.snapshots.errors import SnapshotInvalid


def _fail(field: str | None, text: str, **params: Any) -> SnapshotInvalid:
    return SnapshotInvalid([SnapshotError(DOCUMENT, 0, field, Message(text, params))])


def read_json(data: bytes | str) -> dict[str, Any]:
    """Return the snapshot document in ``data``; raise SnapshotInvalid if it is not one.

    A file larger than ``SNAPSHOT_MAX_JSON_BYTES`` is refused before it is parsed, one
    with more rows than ``SNAPSHOT_MAX_ROWS`` before its rows are checked; nesting too
    deep for the parser and numbers too long to convert are refused as bad JSON.
    """
    limit = limits.max_json_bytes()
    size = (
        len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "replace"))
    )
    if size > limit:
        raise _fail(
            None,
            gettext_noop(
                "The file is too large: {size} MB; a JSON snapshot may have at most "
                "{limit} MB."
            ),
            size=limits.megabytes(size),
            limit=limits.megabytes(limit),
        )
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        doc = json.loads(text)
    except UnicodeDecodeError:
        raise _fail(None, gettext_noop("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise _fail(
            None,
            gettext_noop("The file is not valid JSON (line {line}, column {column})."),
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise _fail(
            None,
            gettext_noop(
                "The file is nested too deeply: a snapshot is a JSON object of "
                "tables, each a list of rows."
            ),
        ) from None
    except ValueError:  # an integer of more digits than Python converts
        raise _fail(
            None,
            gettext_noop("The file holds a number too long to read."),
        ) from None
    if not isinstance(doc, dict):
        raise _fail(None, gettext_noop("A snapshot must be a JSON object."))
    rows = sum(len(doc[t]) for t in TABLES if isinstance(doc.get(t), list))
    if rows > limits.max_rows():
        raise _fail(
            None,
            gettext_noop(
                "The file has {rows} rows; a snapshot may have at most {limit}."
            ),
            rows=rows,
            limit=limits.max_rows(),
        )
    if "format" not in doc:
        raise _fail(
            "format",
            gettext_noop("The snapshot has no “format”; it must be “{expected}”."),
            expected=FORMAT,
        )
    return doc


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a snapshot")


def dump_json(doc: dict[str, Any]) -> bytes:
    """Return the document as indented UTF-8 JSON (Chinese kept readable)."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, default=_default)
    return (text + "\n").encode("utf-8")
