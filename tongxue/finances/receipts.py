"""The scan of a receipt (凭证): checked by its content, re-encoded without metadata.

As students' photos of concerns (``tongxue.voice.services.photos``, an app above this
one, hence the same rules written here): accepted when Pillow opens it as a JPEG, PNG or
WebP image (the file's name and declared type are not trusted), of at most
:data:`MAX_BYTES` and :data:`MAX_PIXELS`; turned upright by its EXIF orientation,
scaled to :data:`MAX_SIDE` pixels on its longest side and encoded again without any
metadata (no EXIF: no GPS position, no camera). Done before the entry's transaction.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from tongxue.core.errors import refuse

MAX_BYTES = 8 * 1024 * 1024
#: A receipt stays legible: larger than a concern's photo.
MAX_SIDE = 2400
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CleanReceipt:
    data: bytes
    content_type: str
    width: int
    height: int


def _name(upload: Any) -> str:
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name or "receipt"


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


def _read(upload: Any, name: str) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:
            raise _too_big(name)
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(name)
    return data


def clean_receipt(upload: Any) -> CleanReceipt:
    """Check and re-encode a receipt's scan (see the module); a refusal names the file."""
    name = _name(upload)
    data = _read(upload, name)
    if not data:
        raise _not_an_image(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise _not_an_image(name)
                if probe.width * probe.height > MAX_PIXELS:
                    raise _not_an_image(name)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise _not_an_image(name) from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGBA")
        upright.save(out, "PNG", optimize=True)
    else:
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
        upright.save(out, "WEBP", quality=85)
    return CleanReceipt(
        data=out.getvalue(),
        content_type=FORMATS[str(kind)],
        width=upright.width,
        height=upright.height,
    )
