"""Attachments of a work-affairs entry: checked by their content, not their name.

A file is accepted when its content is a PDF (``%PDF-``), a JPEG, PNG or WebP picture
that Pillow opens (re-encoded without metadata, as the photos of a concern are: no
EXIF, so no GPS position), or an Office Open XML document (a ZIP holding
``[Content_Types].xml`` and ``word/``, ``xl/`` or ``ppt/``): of at most
:data:`MAX_BYTES`, at most :data:`MAX_FILES` per entry. The declared type and the
extension are not trusted; the name is kept (its last part, shortened) for the
download. A refusal names the file. Done before the entry's transaction.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from tongxue.core.errors import refuse
from tongxue.core.uploads import IMAGE_FORMATS, clean_image, read_upload

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
#: A bigger picture is refused before it is decoded (a "decompression bomb").
MAX_PIXELS = 50_000_000
IMAGES = IMAGE_FORMATS
PDF = "application/pdf"
OOXML = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xl/": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}
EXTENSIONS = {PDF: "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _name(upload: Any, index: int) -> str:
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[-150:] or f"#{index + 1}"


def _refused_type(name: str) -> Exception:
    return refuse(
        "file-type",
        gettext_noop(
            "“{name}” is not a PDF, a picture or a Word, Excel or PowerPoint file."
        ),
        field="attachments",
        name=name,
    )


def _read(upload: Any, name: str) -> bytes:
    data = read_upload(upload, MAX_BYTES, lambda: _too_big(name))
    if not data:
        raise _refused_type(name)
    return data


def _too_big(name: str) -> Exception:
    return refuse(
        "file-too-large",
        gettext_noop("The file “{name}” is larger than {limit} MB."),
        field="attachments",
        name=name,
        limit=MAX_BYTES // (1024 * 1024),
    )


def _image(data: bytes, name: str) -> tuple[bytes, str] | None:
    """The picture re-encoded without metadata (``tongxue.core.uploads``), its size
    kept, or None if it is not one."""
    image = clean_image(data, max_side=None, quality=90, max_pixels=MAX_PIXELS)
    return None if image is None else (image.data, image.content_type)


def _office(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an Office Open XML file, or None."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, found in OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return found
    return None


def _with_extension(name: str, extension: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in {extension, "jpeg" if extension == "jpg" else ""}:
        return name
    return f"{name}.{extension}"


def clean_file(upload: Any, index: int = 0) -> CleanFile:
    """Check one attachment (see the module); a refusal names the file."""
    name = _name(upload, index)
    data = _read(upload, name)
    if data.startswith(b"%PDF-"):
        return CleanFile(_with_extension(name, "pdf"), PDF, data)
    office = _office(data)
    if office is not None:
        content_type, extension = office
        return CleanFile(_with_extension(name, extension), content_type, data)
    image = _image(data, name)
    if image is not None:
        encoded, content_type = image
        return CleanFile(
            _with_extension(name, EXTENSIONS[content_type]), content_type, encoded
        )
    raise _refused_type(name)


def clean_files(uploads: Iterable[Any]) -> list[CleanFile]:
    """Check up to :data:`MAX_FILES` attachments (refused beyond)."""
    items = [u for u in (uploads or ()) if u is not None]
    if len(items) > MAX_FILES:
        raise refuse(
            "too-many-files",
            gettext_noop("At most {limit} files per entry."),
            field="attachments",
            limit=MAX_FILES,
        )
    return [clean_file(u, i) for i, u in enumerate(items)]
