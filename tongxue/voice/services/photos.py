"""Photos of a concern: checked by their content, re-encoded without metadata.

A photo is accepted when Pillow opens it as a JPEG, PNG or WebP image (the file's
name and declared type are not trusted), of at most :data:`MAX_BYTES` and
:data:`MAX_PIXELS`, at most :data:`MAX_PHOTOS` per concern. It is turned upright by
its EXIF orientation, scaled down to :data:`MAX_SIDE` pixels on its longest side and
encoded again in its own format without any metadata (no EXIF, so no GPS position, no
camera, no comment). A refusal names the file. Done before the concern's transaction:
it is the slow part.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from tongxue.core.errors import refuse

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
#: A bigger picture is refused before it is decoded (a "decompression bomb").
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    width: int
    height: int


def _name(upload: Any, index: int) -> str:
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name or f"#{index + 1}"


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


def _too_big(name: str) -> Exception:
    return refuse(
        "photo-too-large",
        gettext_noop("The photo “{name}” is larger than {limit} MB."),
        field="photos",
        name=name,
        limit=MAX_BYTES // (1024 * 1024),
    )


def _not_a_photo(name: str) -> Exception:
    return refuse(
        "photo-type",
        gettext_noop("“{name}” is not a JPEG, PNG or WebP photo."),
        field="photos",
        name=name,
    )


def clean_photo(upload: Any, index: int = 0) -> CleanPhoto:
    """Check and re-encode one photo (see the module); a refusal names the file."""
    name = _name(upload, index)
    data = _read(upload, name)
    if not data:
        raise _not_a_photo(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise _not_a_photo(name)
                if probe.width * probe.height > MAX_PIXELS:
                    raise _not_a_photo(name)
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
        raise _not_a_photo(name) from exc
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
    return CleanPhoto(
        data=out.getvalue(),
        content_type=FORMATS[kind],
        width=upright.width,
        height=upright.height,
    )


def clean_photos(uploads: Iterable[Any]) -> list[CleanPhoto]:
    """Check and re-encode up to :data:`MAX_PHOTOS` photos (refused beyond)."""
    items = [u for u in (uploads or ()) if u is not None]
    if len(items) > MAX_PHOTOS:
        raise refuse(
            "too-many-photos",
            gettext_noop("At most {limit} photos per concern."),
            field="photos",
            limit=MAX_PHOTOS,
        )
    return [clean_photo(u, i) for i, u in enumerate(items)]
