"""System checks of the server's setup (``tongxue manage check``).

``tongxue.W001``: no font with Chinese glyphs, so the printable 公示 notices (WeasyPrint)
would show empty boxes for every Chinese character. ``tongxue.W002``: fontconfig is not
installed, so the check cannot tell (WeasyPrint needs it anyway). docs/deployment.md
installs the fonts (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.utils.translation import gettext as _

#: Where the usual CJK fonts are installed when fontconfig cannot be asked.
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/System/Library/Fonts"),
    Path("/Library/Fonts"),
)
FONT_PATTERNS = (
    "*NotoSansCJK*",
    "*NotoSerifCJK*",
    "*SourceHan*",
    "*wqy*",
    "*PingFang*",
    "*Songti*",
)


def find_cjk_font() -> bool | None:
    """Return whether a font covering Chinese is installed; None if it cannot tell.

    Asks fontconfig (``fc-list :lang=zh``, what WeasyPrint uses through Pango) when it
    is installed, else looks for the usual font files.
    """
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh", "family"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        return bool(out.strip())
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for pattern in FONT_PATTERNS:
            if next(folder.rglob(pattern), None) is not None:
                return True
    return None


@register(Tags.compatibility)
def cjk_font_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the printable notices would lose their Chinese characters."""
    found = find_cjk_font()
    hint = _(
        "Install a CJK font, e.g. on Debian or Ubuntu: apt-get install fonts-noto-cjk "
        "(see docs/deployment.md)."
    )
    if found is False:
        return [
            CheckWarning(
                _(
                    "No font with Chinese characters is installed: the printable "
                    "public notices (PDF) would show empty boxes instead of Chinese."
                ),
                hint=hint,
                id="tongxue.W001",
            )
        ]
    if found is None:
        return [
            CheckWarning(
                _(
                    "Cannot tell whether a font with Chinese characters is installed "
                    "(fontconfig's fc-list is missing); without one the printable "
                    "public notices (PDF) show empty boxes instead of Chinese."
                ),
                hint=hint,
                id="tongxue.W002",
            )
        ]
    return []
