"""An invitation's link and its QR code, for the pages that show them once.

Shared by the accounts views (one invitation) and the congresses app's sheet of a
congress's delegates (:mod:`tongxue.congresses.invitation_views`).
"""

from __future__ import annotations

import segno
from django.http import HttpRequest
from django.urls import reverse


def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as inline SVG."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111")


def redeem_url(request: HttpRequest, token: str) -> str:
    """Return the absolute URL at which ``token`` is redeemed."""
    return request.build_absolute_uri(reverse("accounts:redeem", args=[token]))
