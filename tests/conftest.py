from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _default_language(settings):  # type: ignore[no-untyped-def]
    """Tests see the product as a user does: Chinese by default."""
    settings.LANGUAGE_CODE = "zh-hans"
