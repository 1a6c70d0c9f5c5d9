"""What the concern services share: texts, dates, deadlines, events, the audit record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.lifecycle import transition
from tongxue.core.permissions import Perm, acting_role
from tongxue.domain.lifecycle import CONCERN
from tongxue.domain.profiles import Profile
from tongxue.domain.rights import OPEN_STATUSES, due_date
from tongxue.organisations.models import Organisation
from tongxue.organisations.profiles import governing_profile
from tongxue.voice import access
from tongxue.voice.models import Category, Concern, ConcernEvent

#: The profile parameters (RGT-1, RGT-7; the plans give no number: each carries a
#: note) and Tongxue's value when a profile does not have them.
DEFAULTS = {
    "concern_acknowledge_working_days": 2,
    "concern_answer_working_days": 10,
    "sensitive_acknowledge_working_days": 1,
    "sensitive_answer_working_days": 5,
    "concern_rating_days": 7,
    "concerns_per_day_max": 5,
}
MAX_TITLE = 120
MAX_TEXT = 5000
MAX_PLACE = 120
MAX_REASON = 2000


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def moment(today: dt.date | None) -> dt.datetime:
    """The time stamped on an act: now, or noon of ``today`` when a past (or future)
    day is given (the demo, tests)."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(today, dt.time(12, 0)))


def clean_text(
    field: str, value: str, *, limit: int = MAX_TEXT, required: bool = True
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def parameter(org: Organisation, name: str, *, profile: Profile | None = None) -> int:
    """An integer parameter of the profile governing ``org`` (Tongxue's default when
    the profile does not have it); ``profile``: that profile, when the caller has it
    already (reading it is a query and a file)."""
    profile = profile or governing_profile(org)
    return profile.int(name) if profile.has(name) else DEFAULTS[name]


def calendar() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The installation's holidays and the weekend days worked instead (调休)."""
    from tongxue.publicity.services import extra_working_days, holidays

    return holidays(), extra_working_days()


def deadline_days(
    union: Organisation,
    category: Category,
    *,
    sensitive: bool,
    profile: Profile | None = None,
) -> tuple[int, int]:
    """Working days to acknowledge and to answer: the category's, else the profile's
    (the shorter sensitive ones for a sensitive concern, RGT-7)."""
    prefix = "sensitive" if sensitive else "concern"
    if profile is None and not (category.acknowledge_days and category.answer_days):
        profile = governing_profile(union)
    ack = category.acknowledge_days or parameter(
        union, f"{prefix}_acknowledge_working_days", profile=profile
    )
    answer = category.answer_days or parameter(
        union, f"{prefix}_answer_working_days", profile=profile
    )
    return ack, max(answer, ack)


def deadlines(
    union: Organisation,
    category: Category,
    *,
    sensitive: bool,
    raised_on: dt.date,
    profile: Profile | None = None,
) -> tuple[dt.date, dt.date]:
    """The acknowledge and answer due dates of a concern raised on ``raised_on``."""
    ack, answer = deadline_days(union, category, sensitive=sensitive, profile=profile)
    hol, extra = calendar()
    return (
        due_date(raised_on, ack, holidays=hol, extra_working_days=extra),
        due_date(raised_on, answer, holidays=hol, extra_working_days=extra),
    )


def answer_due_from(concern: Concern, day: dt.date) -> dt.date:
    """A new answer deadline counted from ``day`` (a reopened concern, 重办)."""
    _ack, answer = deadline_days(
        concern.union, concern.category, sensitive=concern.sensitive
    )
    hol, extra = calendar()
    return due_date(day, answer, holidays=hol, extra_working_days=extra)


def subject(concern: Concern) -> str:
    """The audit record's target: the union and the concern's reference."""
    return f"{concern.union.code} {concern.reference}"


def event(
    concern: Concern,
    kind: str,
    *,
    at: dt.datetime | None = None,
    actor: Actor = None,
    from_org: Organisation | None = None,
    to_org: Organisation | None = None,
    text: str = "",
    public_text: str = "",
    public: bool = True,
    suggested_to: Organisation | None = None,
    suggestion_used: bool = False,
) -> ConcernEvent:
    """Add a step to the concern's timeline (``actor``: a handler, never the author;
    ``suggested_to``, ``suggestion_used``: a hand-over's routing suggestion)."""
    user = (
        actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    return ConcernEvent.objects.create(
        concern=concern,
        at=at or timezone.now(),
        kind=kind,
        from_org=from_org,
        to_org=to_org,
        actor=user,
        text=text,
        public_text=public_text,
        public=public,
        suggested_to=suggested_to,
        suggestion_used=suggestion_used,
    )


def audit(
    concern: Concern,
    action: str,
    *,
    actor: Actor,
    role: str,
    data: dict[str, Any] | None = None,
    withhold: bool = False,
) -> None:
    """The audit record of an act on a concern: never its text, and no author for an
    anonymous concern (``withhold``)."""
    auditlog.record(
        actor=actor,
        action=action,
        organisation=concern.union.code,
        target=subject(concern),
        role=role,
        data={"concern": concern.pk, **(data or {})},
        withhold_actor=withhold,
    )


def lock(concern: Concern) -> Concern:
    """Lock the concern's row and refresh what may have changed under us."""
    fresh = (
        Concern.objects.select_for_update()
        .only(
            "status",
            "handler_id",
            "acknowledged_at",
            "answered_at",
            "rating",
            "reopened_count",
            "escalated_for",
            "supporters",
            "verified",
            "merged_into_id",
            "answer_due",
            "rating_due",
        )
        .get(pk=concern.pk)
    )
    for name in (
        "status",
        "handler_id",
        "acknowledged_at",
        "answered_at",
        "rating",
        "reopened_count",
        "escalated_for",
        "supporters",
        "verified",
        "merged_into_id",
        "answer_due",
        "rating_due",
    ):
        setattr(concern, name, getattr(fresh, name))
    if concern.handler_id != getattr(concern.handler, "pk", None):
        concern.handler = Organisation.objects.get(pk=concern.handler_id)
    return concern


def move(
    concern: Concern,
    target: str,
    *,
    actor: Actor,
    action: str,
    role: str,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    withhold: bool = False,
) -> Concern:
    """Move the concern along :data:`~tongxue.domain.lifecycle.CONCERN` and audit it.

    Through :func:`tongxue.core.lifecycle.transition`; an act of an anonymous
    concern's author (``withhold``) is recorded without any actor: the row is locked
    and the move checked the same way, the record written with the actor withheld.
    """
    if not withhold:
        return transition(
            concern,
            CONCERN,
            target,
            actor=actor,
            action=action,
            organisation=concern.union.code,
            role=role,
            subject=subject(concern),
            data={"concern": concern.pk, **(data or {})},
            changes=changes,
        )
    current = (
        Concern.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=concern.pk)
    )
    concern.status = current
    CONCERN.require(current, target)
    concern.status = target
    for name, value in (changes or {}).items():
        setattr(concern, name, value)
    concern.save(update_fields=["status", *(changes or {})])
    audit(
        concern,
        action,
        actor=None,
        role=role,
        data={"from": current, "to": target, **(data or {})},
        withhold=True,
    )
    return concern


def handling_role(actor: Actor, concern: Concern) -> str:
    """The role under which ``actor`` handles the concern (a refusal when none)."""
    if actor is None:
        return "system"
    if not access.can_handle(actor, concern):
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to handle concern {target}."),
            target=concern.reference,
        )
    if concern.sensitive or concern.about_person_id is not None:
        return "named_handler"
    for path in (concern.handler.path, concern.union.path):
        role = acting_role(actor, Perm.HANDLE, path)
        if role:
            return role
    return "handler"


def require_open(concern: Concern) -> None:
    """Refuse unless the concern waits for its handler (received, in hand, reopened)."""
    if concern.status not in OPEN_STATUSES:
        raise refuse(
            "not-open",
            gettext_noop("Concern {target} is no longer waiting for its handler."),
            target=concern.reference,
        )


def author_or_holder(concern: Concern, actor: Actor, tracking_code: str | None) -> bool:
    """Whether the one acting is the concern's author; ``True`` for a code holder
    means the act is anonymous (recorded without an actor). Refuses anyone else."""
    if access.code_matches(concern, tracking_code):
        return True
    if (
        actor is not None
        and concern.author_id is not None
        and getattr(actor, "pk", None) == concern.author_id
    ):
        return False
    raise refuse(
        "forbidden",
        gettext_noop("Only the student who raised concern {target} can do this."),
        target=concern.reference,
    )


__all__ = [
    "DEFAULTS",
    "Refusal",
    "answer_due_from",
    "audit",
    "author_or_holder",
    "calendar",
    "clean_text",
    "deadline_days",
    "deadlines",
    "event",
    "handling_role",
    "lock",
    "moment",
    "move",
    "parameter",
    "require_open",
    "subject",
    "today_or",
]
