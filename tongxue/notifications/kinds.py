"""The kinds of notification: their title and body, rendered in the reader's language.

A kind is registered once with translatable texts naming its values as ``%(name)s``::

    register("vote.opened",
             title=_("Voting has opened: %(title)s"),
             body=_("You can vote until %(closes)s."))

A notification stores the kind and the values (``params``); the text is rendered when it
is shown (the inbox, an e-mail, a digest) in the reader's language. A value may itself be
a phrase, ``[msgid, {name: value}]``, translated the same way (a state's label). A value
the text names but the notification lacks, or one of the wrong type, never breaks the
page: the problem is logged and the title is shown alone (with "…" in the gap if the title
itself cannot be filled). An unknown kind (one removed from the code) shows a general
title.

**Content rule**: the values are what the recipient may see, nothing else (docs/
notifications.md). The kinds below are the interface the apps notify through; an app may
register more in its ``AppConfig.ready()``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: A %-placeholder of a text: %(name)s, %(count)d, %(share).1f …
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


@dataclass(frozen=True)
class Kind:
    name: str
    title: str | Promise
    body: str | Promise = ""


@dataclass(frozen=True)
class Text:
    """A notification as one reader reads it: what channels deliver."""

    kind: str
    title: str
    body: str
    #: The notification's link, absolute when the site's address is set, else a path.
    url: str = ""


KINDS: dict[str, Kind] = {}


def register(kind: str, *, title: str | Promise, body: str | Promise = "") -> Kind:
    """Register ``kind`` with its title and body (lazy translations, %(name)s values)."""
    entry = Kind(kind, title, body)
    if KINDS.get(kind, entry) != entry:
        raise ValueError(f"notification kind {kind!r} is registered twice differently")
    KINDS[kind] = entry
    return entry


def names(template: str | Promise) -> set[str]:
    """The value names a text uses."""
    return set(PLACEHOLDER.findall(str(template)))


def _value(value: Any) -> Any:
    """A value as shown: a phrase ``[msgid, {..}]`` translated, anything else as is."""
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    ):
        msgid, params = value
        text = gettext(msgid)
        return text % {k: _value(v) for k, v in params.items()} if params else text
    return value


def _fill(template: str | Promise, params: Mapping[str, Any]) -> str:
    text = str(template)  # translated now, in the active language
    if not PLACEHOLDER.search(text):
        return text.replace("%%", "%")
    return text % {k: _value(v) for k, v in params.items()}


def _gaps(template: str | Promise) -> str:
    """The text with each value replaced by "…" (a title that cannot be filled)."""
    return PLACEHOLDER.sub("…", str(template)).replace("%%", "%")


def render(kind: str, params: Mapping[str, Any] | None) -> tuple[str, str]:
    """Return (title, body) of a notification in the active language; never raises."""
    entry = KINDS.get(kind)
    params = params if isinstance(params, Mapping) else {}
    if entry is None:
        logger.warning("notification kind %r is not registered", kind)
        return gettext("Notification"), ""
    try:
        title = _fill(entry.title, params)
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("notification %r: title cannot be filled (%r)", kind, exc)
        return _gaps(entry.title), ""
    try:
        body = _fill(entry.body, params) if entry.body else ""
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("notification %r: body cannot be filled (%r)", kind, exc)
        body = ""
    return title, body


# -- the kinds the apps notify through (docs/notifications.md lists who sends each) -------

#: A vote opened where the recipient may vote. params: title, closes (a date and time).
VOTE_OPENED = register(
    "vote.opened",
    title=_("Voting has opened: %(title)s"),
    body=_("You can vote until %(closes)s."),
)
#: A rating (evaluation) period opened for the recipient. params: title, closes.
RATING_OPENED = register(
    "rating.opened",
    title=_("Rating has opened: %(title)s"),
    body=_("You can give your ratings until %(closes)s."),
)
#: The recipient's own objection to a public notice was answered. params: notice.
OBJECTION_ANSWERED = register(
    "objection.answered",
    title=_("Your objection has been answered"),
    body=_("The answer to your objection to “%(notice)s” is published."),
)
#: The recipient's candidate file was returned for changes. params: election.
CANDIDATE_RETURNED = register(
    "candidate.returned",
    title=_("Your candidate file was returned: %(election)s"),
    body=_("Open it to see what to change, and hand it in again."),
)
#: A deadline of the recipient's approaches. params: what, due (a date and time).
DEADLINE_APPROACHING = register(
    "deadline.approaching",
    title=_("Deadline approaching: %(what)s"),
    body=_("Due by %(due)s."),
)
#: A background job the recipient started finished. params: title.
JOB_FINISHED = register(
    "job.finished",
    title=_("Finished: %(title)s"),
    body=_("The work you started is done."),
)
#: A background job the recipient started failed. params: title, message.
JOB_FAILED = register(
    "job.failed",
    title=_("Failed: %(title)s"),
    body=_("%(message)s"),
)
