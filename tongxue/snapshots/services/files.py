"""Read a snapshot file and import it (ORG-1): a ``.json`` or ``.xlsx`` document,
refused unread over its size limit (:mod:`tongxue.snapshots.limits`)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.utils.translation import gettext

from tongxue.core import auditlog
from tongxue.domain.findings import gettext_noop
from tongxue.domain.snapshot import DOCUMENT
from tongxue.snapshots import limits
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.jsonio import read_json
from tongxue.snapshots.services.checks import snapshot_error
from tongxue.snapshots.services.importing import (
    ImportResult,
    Report,
    Steps,
    import_tables,
)
from tongxue.snapshots.xlsxio import check_workbook, declared_size, read_workbook


def read_bytes(source: str | Path | IO[bytes] | bytes, suffix: str) -> bytes:
    """Return the bytes of a snapshot file, refusing one over its size limit unread.

    The limit is ``SNAPSHOT_MAX_JSON_BYTES`` for JSON and
    ``SNAPSHOT_MAX_UNCOMPRESSED_BYTES`` for a workbook (which cannot be larger than
    its contents unpacked).
    """
    is_json = suffix == ".json"
    limit = limits.max_json_bytes() if is_json else limits.max_uncompressed_bytes()
    if isinstance(source, (str, Path)):
        size = Path(source).stat().st_size
        data = b"" if size > limit else Path(source).read_bytes()
    elif isinstance(source, bytes):
        size, data = len(source), source
    else:
        data = source.read(limit + 1)
        size = len(data)
    if size > limit:
        raise SnapshotInvalid(
            [
                snapshot_error(
                    DOCUMENT,
                    0,
                    None,
                    gettext_noop(
                        "The file is too large: {size} MB; a snapshot file may have "
                        "at most {limit} MB."
                    ),
                    size=limits.megabytes(size),
                    limit=limits.megabytes(limit),
                )
            ],
            workbook=not is_json,
        )
    return data


def _suffix(name: str) -> str:
    """The file's suffix, refused unless it is .json or .xlsx."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise SnapshotInvalid(
            [
                snapshot_error(
                    DOCUMENT,
                    0,
                    None,
                    gettext_noop(
                        "Unsupported file type “{value}”: use .json or .xlsx."
                    ),
                    value=suffix or name,
                )
            ]
        )
    return suffix


def content_size(data: bytes, filename: str) -> int:
    """The size an import of ``data`` is measured by, to choose between the request and
    a background job (#14): a JSON file's bytes, a workbook's parts unpacked as its
    archive declares them (read from its directory, nothing unpacked; the file's own
    size when it is no archive: its import says why). Checks nothing."""
    if Path(filename).suffix.lower() == ".xlsx":
        declared = declared_size(data)
        return len(data) if declared is None else declared
    return len(data)


def precheck(data: bytes, filename: str) -> None:
    """Check a snapshot file cheaply, before it is kept and queued for import (#14).

    Refuses (:class:`SnapshotInvalid`) a file of another type, one over a size limit,
    JSON that is not UTF-8 text of one object, and a workbook whose archive is damaged
    or over a limit (:func:`tongxue.snapshots.xlsxio.check_workbook`). The rows are
    checked by the import itself.
    """
    suffix = _suffix(filename)
    data = read_bytes(data, suffix)
    if suffix == ".xlsx":
        check_workbook(data)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SnapshotInvalid(
            [
                snapshot_error(
                    DOCUMENT, 0, None, gettext_noop("The file is not UTF-8 text.")
                )
            ]
        ) from None
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        raise SnapshotInvalid(
            [
                snapshot_error(
                    DOCUMENT, 0, None, gettext_noop("A snapshot must be a JSON object.")
                )
            ]
        )


def import_file(
    source: str | Path | IO[bytes] | bytes,
    *,
    filename: str | None = None,
    actor: auditlog.Actor = None,
    within: str | None = None,
    dry_run: bool = False,
    progress: Report | None = None,
) -> ImportResult:
    """Import a ``.json`` or ``.xlsx`` snapshot from a path or an open binary file.

    ``actor`` and ``within`` as for :func:`import_tables`; the file is refused unread
    when it is over a size limit and unparsed when its layout is over another
    (:mod:`tongxue.snapshots.limits`). ``progress(done, total, message)`` is told of
    each step: reading the file, then those of :func:`import_tables`.
    """
    name = filename or (str(source) if isinstance(source, (str, Path)) else "")
    suffix = _suffix(name)
    steps = Steps(progress, reading=True)
    steps.step(gettext("Reading the file"))
    data = read_bytes(source, suffix)
    if suffix == ".json":
        return import_tables(
            read_json(data),
            actor=actor,
            within=within,
            dry_run=dry_run,
            progress=steps,
        )
    doc, errors, names = read_workbook(data)
    # Problems name the sheets and columns as the workbook does (人员 · 姓名, #16).
    if errors:
        # Report the layout problems together with those of the cells.
        try:
            import_tables(doc, actor=actor, within=within, dry_run=True, workbook=True)
        except SnapshotInvalid as exc:
            errors = errors + exc.errors
        raise SnapshotInvalid(errors, workbook=True, names=names)
    try:
        return import_tables(
            doc,
            actor=actor,
            within=within,
            dry_run=dry_run,
            workbook=True,
            progress=steps,
        )
    except SnapshotInvalid as exc:
        exc.names = exc.names or names
        raise
