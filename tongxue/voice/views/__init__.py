"""The concern pages (RGT-1 … RGT-7, CAD-8), mounted at /voice/.

Views parse input through :mod:`tongxue.voice.forms`, call :mod:`tongxue.voice.services`
or :mod:`tongxue.voice.selectors` and map a ``Refusal`` to the form (400) or to 403/404;
who may see a concern is :mod:`tongxue.voice.access`'s alone. The public list and the
public figures are :mod:`tongxue.voice.views.public`.
"""

from __future__ import annotations

from tongxue.voice.views.detail import CONCERN_STEPS, action, detail
from tongxue.voice.views.handling import queue, record, settings
from tongxue.voice.views.student import (
    photo,
    raise_concern,
    raised,
    similar,
    start,
    support,
    track,
)

__all__ = [
    "CONCERN_STEPS",
    "action",
    "detail",
    "photo",
    "queue",
    "raise_concern",
    "raised",
    "record",
    "settings",
    "similar",
    "start",
    "support",
    "track",
]
