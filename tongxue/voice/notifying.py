"""Notifications of the rights channel (RGT-1, RGT-7, CAD-8; #14's one service).

* ``voice.concern_received`` — to the handlers of the organisation a concern reaches
  (raised, forwarded, reopened by the student's 不满意);
* ``voice.concern_answered`` — to the author;
* ``voice.concern_escalated`` — overdue: to the handlers of both levels (or the
  League advisors when it stays at the top) and to the author;
* ``voice.concern_rate_reminder`` — the author's last day to rate an answer.

Recipients: the rights officers and office handlers *at* the organisation (its union
or federation administrators when it has none); for a sensitive concern the union's
named handlers for sensitive concerns only, for one about a cadre those for cadres and
the union's League advisors — never the person it is about. An anonymous concern's
author gets nothing (there is no author to reach). Values are what every recipient
may see: the reference and the category, never the text (a notification may go out
by e-mail).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.notifications.kinds import register
from tongxue.notifications.reminders import remind_once
from tongxue.notifications.services import Prepared, notify, prepare, send_prepared
from tongxue.organisations.models import Organisation, Person
from tongxue.voice.models import Concern, NamedHandler

RECEIVED = register(
    "voice.concern_received",
    title=_("Concern %(reference)s to handle: %(category)s"),
    body=_("Acknowledge it by %(acknowledge_due)s and answer it by %(answer_due)s."),
)
ANSWERED = register(
    "voice.concern_answered",
    title=_("Your concern %(reference)s has been answered"),
    body=_("Read the answer and rate it by %(rating_due)s."),
)
ESCALATED = register(
    "voice.concern_escalated",
    title=_("Concern %(reference)s is overdue and escalated"),
    body=_("Its %(deadline)s deadline was %(due)s; it is now with %(handler)s."),
)
RATE_REMINDER = register(
    "voice.concern_rate_reminder",
    title=_("Rate the answer to your concern %(reference)s"),
    body=_(
        "You can rate it until %(rating_due)s; without a rating it is closed as "
        "unrated."
    ),
)

#: The deadlines, as phrases each reader reads in their language.
DEADLINE_PHRASES = {
    "acknowledge": gettext_noop("acknowledgement"),
    "answer": gettext_noop("answer"),
}

_ACTING = (RoleKind.RIGHTS_OFFICER, RoleKind.OFFICE_HANDLER)
_ADMINS = (RoleKind.UNION_ADMIN, RoleKind.FEDERATION_ADMIN)


def concern_url(concern: Concern) -> str:
    """The concern's page (a path of this site)."""
    args = [concern.union.code, concern.number]
    try:
        return reverse("voice:detail", args=args)
    except NoReverseMatch:  # the pages are not installed (a command, a test)
        return f"/voice/{args[0]}/{args[1]}/"


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def _cadre_user(concern: Concern) -> int | None:
    if concern.about_person_id is None:
        return None
    return (
        Person.objects.filter(pk=concern.about_person_id)
        .values_list("user_id", flat=True)
        .first()
    )


def handler_ids(concern: Concern, org: Organisation | None = None) -> list[int]:
    """The users told of the concern at ``org`` (its handler by default)."""
    org = org or concern.handler
    if concern.about_person_id is not None:
        named = NamedHandler.objects.filter(
            union_id=concern.union_id, about_cadres=True
        ).values_list("user_id", flat=True)
        advisors = RoleAssignment.objects.filter(
            role=RoleKind.LEAGUE_ADVISOR,
            organisation__code__in=_codes(concern.union.path),
        ).values_list("user_id", flat=True)
        ids = set(named) | set(advisors)
        ids.discard(_cadre_user(concern))  # type: ignore[arg-type]
        return sorted(ids)
    if concern.sensitive:
        return sorted(
            NamedHandler.objects.filter(
                union_id=concern.union_id, sensitive=True
            ).values_list("user_id", flat=True)
        )
    rows = list(
        RoleAssignment.objects.filter(
            organisation_id=org.pk, role__in=(*_ACTING, *_ADMINS)
        ).values_list("user_id", "role")
    )
    acting = {u for u, r in rows if r in _ACTING}
    return sorted(acting or {u for u, _r in rows})


def advisor_ids(concern: Concern) -> list[int]:
    """The League advisors of the concern's union (told when nothing is above)."""
    ids = set(
        RoleAssignment.objects.filter(
            role=RoleKind.LEAGUE_ADVISOR,
            organisation__code__in=_codes(concern.union.path),
        ).values_list("user_id", flat=True)
    )
    if concern.about_person_id is not None:
        ids.discard(_cadre_user(concern))  # type: ignore[arg-type]
    return sorted(ids)


def _base(concern: Concern) -> dict[str, Any]:
    return {"reference": concern.reference, "category": concern.category.name}


def _send(kind: str, concern: Concern, ids: Iterable[int], **params: Any) -> int:
    ids = sorted(set(ids))
    if not ids:
        return 0
    return notify(
        kind,
        user_ids=ids,
        params={**_base(concern), **params},
        url=concern_url(concern),
        organisation=concern.union.code,
    )


def received(
    concern: Concern,
    org: Organisation | None = None,
    *,
    user_ids: Iterable[int] | None = None,
) -> int:
    """Tell the handlers at ``org`` (the concern's handler) that it reached them
    (``user_ids``: those handlers, when the caller worked them out already)."""
    return _send(
        RECEIVED.name,
        concern,
        handler_ids(concern, org) if user_ids is None else user_ids,
        acknowledge_due=concern.acknowledge_due.isoformat(),
        answer_due=concern.answer_due.isoformat(),
    )


def prepare_received(user_ids: Iterable[int]) -> Prepared:
    """:func:`received`'s recipients read ahead (before the union's lock, #17)."""
    return prepare(RECEIVED.name, user_ids=user_ids)


def send_received(concern: Concern, prepared: Prepared) -> int:
    """:func:`received` to the recipients :func:`prepare_received` read."""
    return send_prepared(
        prepared,
        params={
            **_base(concern),
            "acknowledge_due": concern.acknowledge_due.isoformat(),
            "answer_due": concern.answer_due.isoformat(),
        },
        url=concern_url(concern),
        organisation=concern.union.code,
    )


def answered(concern: Concern) -> int:
    """Tell the author (nobody for an anonymous or offline concern)."""
    if concern.author_id is None or concern.rating_due is None:
        return 0
    return _send(
        ANSWERED.name,
        concern,
        [concern.author_id],
        rating_due=concern.rating_due.isoformat(),
    )


def escalated(
    concern: Concern,
    *,
    old: Organisation,
    new: Organisation | None,
    deadline: str,
    due: Any,
) -> int:
    """Tell both levels (the League advisors when it stays) and the author."""
    ids = set(handler_ids(concern, old))
    if new is not None:
        ids |= set(handler_ids(concern, new))
    else:
        ids |= set(advisor_ids(concern))
    if concern.author_id is not None:
        ids.add(concern.author_id)
    now_with = new or old
    return _send(
        ESCALATED.name,
        concern,
        ids,
        deadline=[DEADLINE_PHRASES.get(deadline, deadline), {}],
        due=due.isoformat(),
        handler=now_with.name,
    )


def rate_reminder(concern: Concern) -> int:
    """Remind the author, once per rating deadline."""
    if concern.author_id is None or concern.rating_due is None:
        return 0
    return remind_once(
        RATE_REMINDER.name,
        key=f"voice.rate:{concern.pk}:{concern.rating_due.isoformat()}",
        user_ids=[concern.author_id],
        params={**_base(concern), "rating_due": concern.rating_due.isoformat()},
        url=concern_url(concern),
        organisation=concern.union.code,
    )


__all__ = [
    "ANSWERED",
    "ESCALATED",
    "RATE_REMINDER",
    "RECEIVED",
    "advisor_ids",
    "answered",
    "concern_url",
    "escalated",
    "handler_ids",
    "rate_reminder",
    "received",
]
