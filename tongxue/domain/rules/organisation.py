"""Rules on the structure of unions: ORG-2 … ORG-8, ORG-12."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding, gettext_noop as _
from tongxue.domain.profiles import Profile

# Traditional forms of the characters that spell the forbidden titles, mapped to
# simplified ones, so that 執行主席助理 or 部長助理 are caught (ORG-5).
_SIMPLIFY = str.maketrans({"長": "长", "執": "执", "務": "务", "書": "书", "會": "会",
                           "際": "际", "門": "门", "幹": "干", "員": "员", "劃": "划"})
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """Return a title folded for matching: NFKC, simplified, lower case, no punctuation."""
    folded = unicodedata.normalize("NFKC", title).translate(_SIMPLIFY).casefold()
    return _NOISE.sub("", folded)


@lru_cache(maxsize=16)
def _forbidden(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def forbidden_title(title: str, profile: Profile) -> bool:
    """Return whether a position title is an assistant post the plan forbids (ORG-5)."""
    pattern = _forbidden(profile.strings("forbidden_title_patterns"))
    return pattern.search(normalise_title(title)) is not None


@rule("ORG-5")
def no_assistant_positions(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-5 · GS-9, CQ-4: no 主席助理 or 部长助理 posts, under any spelling of the title."""
    reg = ctx.registry
    for pos in reg.positions:
        if pos.organisation not in reg.org or not pos.active_on(ctx.as_of):
            continue
        if forbidden_title(pos.title, ctx.profile(pos.organisation)):
            yield ctx.finding(
                rule="ORG-5.assistant-title",
                org=pos.organisation,
                params=("forbidden_title_patterns",),
                message=_("{org} has a position titled “{title}”: assistant posts to the president or a minister are not allowed."),
                evidence={"title": pos.title, "person": pos.person},
            )
