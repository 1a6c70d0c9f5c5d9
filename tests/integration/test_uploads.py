"""The one reading and re-encoding of uploaded pictures (tongxue.core.uploads), used by
a concern's photos, a receipt's scan and a work-affairs attachment: content decides,
metadata is dropped, the limits hold on both sides."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tongxue.core.uploads import clean_image, read_upload, upload_name


class TooBig(Exception):
    pass


def _jpeg(size: tuple[int, int], *, gps: bool = False) -> bytes:
    img = Image.new("RGB", size, (20, 120, 40))
    buf = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x0112] = 6  # to be turned upright
        exif[0x010F] = "PhoneMaker"
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2] = "N", (36.0, 3.0, 12.0)
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


class Reader:
    """An upload that records how much was read."""

    def __init__(self, data: bytes, size: int | None) -> None:
        self.data, self.size, self.asked = data, size, 0
        self.name = "C:\\photos\\IMG_1.jpg"

    def seek(self, _pos: int) -> None:
        pass

    def read(self, n: int) -> bytes:
        self.asked = n
        return self.data[:n]


def test_a_picture_is_upright_scaled_and_without_its_metadata() -> None:
    data = _jpeg((1200, 600), gps=True)
    clean = clean_image(data, max_side=1000)
    assert clean is not None and clean.content_type == "image/jpeg"
    assert (clean.width, clean.height) == (500, 1000)  # turned, then scaled
    assert b"Exif" not in clean.data and b"PhoneMaker" not in clean.data
    kept = clean_image(_jpeg((1200, 600)), max_side=None)
    assert kept is not None and (kept.width, kept.height) == (1200, 600)


def test_what_is_not_an_accepted_picture_is_none() -> None:
    gif = io.BytesIO()
    Image.new("RGB", (5, 5)).save(gif, "GIF")
    assert clean_image(gif.getvalue(), max_side=100) is None
    assert clean_image(b"%PDF-1.7 not a picture", max_side=100) is None
    assert clean_image(_jpeg((50, 50))[:100], max_side=100) is None  # truncated
    assert clean_image(b"", max_side=100) is None
    # the pixel limit, both sides
    assert clean_image(_jpeg((100, 50)), max_side=None, max_pixels=5000) is not None
    assert clean_image(_jpeg((100, 51)), max_side=None, max_pixels=5000) is None


def test_an_upload_is_read_up_to_its_limit_and_refused_above_it() -> None:
    def too_big() -> Exception:
        return TooBig()

    assert read_upload(b"x" * 10, 10, too_big) == b"x" * 10
    with pytest.raises(TooBig):
        read_upload(b"x" * 11, 10, too_big)
    declared = Reader(b"x" * 50, size=50)
    with pytest.raises(TooBig):
        read_upload(declared, 10, too_big)
    assert declared.asked == 0  # refused by its declared size, nothing read
    lying = Reader(b"x" * 50, size=5)
    with pytest.raises(TooBig):
        read_upload(lying, 10, too_big)
    assert lying.asked == 11  # one byte more than the limit, never the whole
    assert upload_name(declared, "#1") == "IMG_1.jpg"
    assert upload_name(b"raw", "#1") == "#1"
