"""The scan of a receipt (凭证): checked by its content, re-encoded without metadata.

As students' photos of concerns, by the same code (``tongxue.core.uploads``): accepted when Pillow opens it as a JPEG, PNG or
WebP image (the file's name and declared type are not trusted), of at most
:data:`MAX_BYTES` and :data:`MAX_PIXELS`; turned upright by its EXIF orientation,
scaled to :data:`MAX_SIDE` pixels on its longest side and encoded again without any
metadata (no EXIF: no GPS position, no camera). Done before the entry's transaction.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from tongxue.core.errors import refuse
from tongxue.core.uploads import (
    IMAGE_FORMATS,
    CleanImage,
    clean_image,
    read_upload,
    upload_name,
)
from tongxue.core.uploads import MAX_PIXELS as MAX_PIXELS

MAX_BYTES = 8 * 1024 * 1024
#: A receipt stays legible: larger than a concern's photo.
MAX_SIDE = 2400
FORMATS = IMAGE_FORMATS
#: A checked scan (``tongxue.core.uploads``).
CleanReceipt = CleanImage


def _too_big(name: str) -> Exception:
    return refuse(
        "receipt-too-large",
        gettext_noop("The receipt “{name}” is larger than {limit} MB."),
        field="receipt",
        name=name,
        limit=MAX_BYTES // (1024 * 1024),
    )


def _not_an_image(name: str) -> Exception:
    return refuse(
        "receipt-type",
        gettext_noop("“{name}” is not a JPEG, PNG or WebP scan."),
        field="receipt",
        name=name,
    )


def clean_receipt(upload: Any) -> CleanReceipt:
    """Check and re-encode a receipt's scan (see the module); a refusal names the file."""
    name = upload_name(upload, "receipt")
    data = read_upload(upload, MAX_BYTES, lambda: _too_big(name))
    scan = clean_image(data, max_side=MAX_SIDE, quality=85)
    if scan is None:
        raise _not_an_image(name)
    return scan
