"""Read and write snapshots as JSON (UTF-8, the format of docs/snapshot.md)."""

from __future__ import annotations

import json
from typing import Any

from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.snapshot import DOCUMENT, FORMAT, SnapshotError
from tongxue.snapshots.errors import SnapshotInvalid


def _fail(field: str | None, text: str, **params: Any) -> SnapshotInvalid:
    return SnapshotInvalid([SnapshotError(DOCUMENT, 0, field, Message(text, params))])


def read_json(data: bytes | str) -> dict[str, Any]:
    """Return the snapshot document in ``data``; raise SnapshotInvalid if it is not one."""
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
    if not isinstance(doc, dict):
        raise _fail(None, gettext_noop("A snapshot must be a JSON object."))
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
