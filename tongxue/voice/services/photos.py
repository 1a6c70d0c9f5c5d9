"""Photos of a concern: checked by their content, re-encoded without metadata.

A photo is accepted when Pillow opens it as a JPEG, PNG or WebP image (the file's
name and declared type are not trusted), of at most :data:`MAX_BYTES` and
:data:`MAX_PIXELS`, at most :data:`MAX_PHOTOS` per concern. It is turned upright by
its EXIF orientation, scaled down to :data:`MAX_SIDE` pixels on its longest side and
encoded again in its own format without any metadata (no EXIF, so no GPS position, no
camera, no comment): ``tongxue.core.uploads``. A refusal names the file. Done before
the concern's transaction: it is the slow part.
"""

from __future__ import annotations

from collections.abc import Iterable
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

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
FORMATS = IMAGE_FORMATS
#: A checked photo (``tongxue.core.uploads``).
CleanPhoto = CleanImage


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
    name = upload_name(upload, f"#{index + 1}")
    data = read_upload(upload, MAX_BYTES, lambda: _too_big(name))
    photo = clean_image(data, max_side=MAX_SIDE, quality=85)
    if photo is None:
        raise _not_a_photo(name)
    return photo


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
