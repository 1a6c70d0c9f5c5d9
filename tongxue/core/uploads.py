"""Uploaded files checked by their content (#17, #18): the one place that reads an
upload within a size limit and re-encodes a picture without its metadata.

Used by a concern's photos (``voice.services.photos``), a receipt's scan
(``finances.receipts``) and a work-affairs attachment (``disclosure.files``); each keeps
its own limits and refusals (they name the file and the form's field).

A picture is accepted when Pillow opens it as a JPEG, PNG or WebP image — the file's
name and declared type are not trusted — of at most ``max_pixels`` (a bigger one is
refused before it is decoded: a "decompression bomb"). It is turned upright by its EXIF
orientation, scaled down to ``max_side`` pixels on its longest side (None: kept) and
encoded again in its own format without any metadata: no EXIF, so no GPS position, no
camera, no comment.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

#: The picture formats accepted, and their content types.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
#: A bigger picture is refused before it is decoded.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def upload_name(upload: Any, fallback: str) -> str:
    """The upload's file name without its folders (``fallback`` when it has none)."""
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name or fallback


def read_upload(upload: Any, limit: int, too_big: Callable[[], Exception]) -> bytes:
    """The upload's bytes (an uploaded file or bytes), refused with ``too_big()`` above
    ``limit`` bytes — by its declared size before reading, else after reading one byte
    more than the limit (never the whole of a larger file)."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise too_big()
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big()
    return data


def clean_image(
    data: bytes,
    *,
    max_side: int | None,
    quality: int = 85,
    max_pixels: int = MAX_PIXELS,
) -> CleanImage | None:
    """``data`` re-encoded as the module says, or None when it is not a JPEG, PNG or
    WebP picture Pillow can read (or is larger than ``max_pixels``)."""
    if not data:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = str(probe.format)
                if kind not in IMAGE_FORMATS:
                    return None
                if probe.width * probe.height > max_pixels:
                    return None
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
    ):
        return None
    if max_side is not None:
        upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=quality, optimize=True)
    elif kind == "PNG":
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGBA")
        upright.save(out, "PNG", optimize=True)
    else:
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
        upright.save(out, "WEBP", quality=quality)
    return CleanImage(
        data=out.getvalue(),
        content_type=IMAGE_FORMATS[kind],
        width=upright.width,
        height=upright.height,
    )
