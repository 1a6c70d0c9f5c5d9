"""Public notices and objections."""

from __future__ import annotations

from django.db import models  # noqa: F401
