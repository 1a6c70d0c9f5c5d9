"""The limits on a snapshot file, read from the settings (docs/snapshot.md, "Limits").

Each is checked before the work it bounds: the size of a file before it is parsed, a
workbook's declared sizes before it is decompressed, its actual bytes while they are
read, its sheets and declared dimensions before its rows are read, and the rows while
they are read. The defaults (``tongxue/config/settings.py``) leave the demo province
room to spare.
"""

from __future__ import annotations

from django.conf import settings

#: Problems listed in full by the command line, the web page and any other report; the
#: rest are counted ("… and N more").
SHOWN_ERRORS = 200
#: Parts of a workbook archive (a snapshot workbook has about twenty).
MAX_PARTS = 1000
#: The compression ratio is checked on parts larger than this (small parts of
#: repetitive XML legitimately compress well).
RATIO_FLOOR = 1 << 20


def max_upload_bytes() -> int:
    return int(getattr(settings, "SNAPSHOT_MAX_UPLOAD_BYTES", 48 << 20))


def max_json_bytes() -> int:
    return int(getattr(settings, "SNAPSHOT_MAX_JSON_BYTES", 64 << 20))


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "SNAPSHOT_MAX_UNCOMPRESSED_BYTES", 128 << 20))


def max_compression_ratio() -> int:
    return int(getattr(settings, "SNAPSHOT_MAX_COMPRESSION_RATIO", 100))


def max_rows() -> int:
    return int(getattr(settings, "SNAPSHOT_MAX_ROWS", 500_000))


def max_sheets() -> int:
    return int(getattr(settings, "SNAPSHOT_MAX_SHEETS", 20))


def import_job_bytes() -> int:
    """Above this size a web import runs as a background job (#14): the JSON file's
    size, or a workbook's parts unpacked (its XML, about twice the JSON of the same
    rows)."""
    return int(getattr(settings, "SNAPSHOT_IMPORT_JOB_BYTES", 2 << 20))


def export_job_organisations() -> int:
    """Above this many organisations in the subtree a web export runs as a job (#14)."""
    return int(getattr(settings, "SNAPSHOT_EXPORT_JOB_ORGANISATIONS", 500))


#: How long an exported file can be downloaded, and an import's result page shown.
FILE_KEEP_HOURS = 24


def megabytes(size: int) -> str:
    """Return ``size`` in MB (MiB) with one decimal, as the messages show it."""
    return f"{size / (1 << 20):.1f}"
