"""The student's follow-up (回访): rate the answer, or withdraw the concern.

By the author, or by the holder of the follow-up code of an anonymous (or offline)
concern — then recorded without any actor. 不满意 needs a reason and reopens the
concern once (重办) with a new answer deadline; after that, and for any other rating,
it closes (:func:`tongxue.domain.rights.after_rating`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain.rights import after_rating
from tongxue.voice import notifying
from tongxue.voice.models import Concern, ConcernStatus, EventKind, Rating
from tongxue.voice.services.shared import (
    MAX_REASON,
    answer_due_from,
    author_or_holder,
    clean_text,
    event,
    lock,
    moment,
    move,
)


@transaction.atomic
def rate(
    *,
    concern: Concern,
    rating: str,
    reason: str = "",
    actor: Actor = None,
    tracking_code: str | None = None,
    today: dt.date | None = None,
) -> None:
    """Rate the answer: 满意, 基本满意 or 不满意 (with a reason)."""
    anonymous = author_or_holder(concern, actor, tracking_code)
    if rating not in Rating.values:
        raise refuse("invalid", gettext_noop("Choose a rating."), field="rating")
    reason = clean_text(
        "reason",
        reason,
        limit=MAX_REASON,
        required=rating == Rating.UNSATISFIED,
    )
    lock(concern)
    if concern.status != ConcernStatus.ANSWERED:
        raise refuse(
            "not-answered",
            gettext_noop("Concern {target} has no answer to rate."),
            target=concern.reference,
        )
    target = after_rating(rating=rating, reopened_count=concern.reopened_count)
    now = moment(today)
    who = {
        "actor": None if anonymous else actor,
        "role": "anonymous" if anonymous else "author",
        "withhold": anonymous,
    }
    event(concern, EventKind.RATED, at=now, text=reason)
    if target == ConcernStatus.REOPENED:
        move(
            concern,
            ConcernStatus.REOPENED,
            action="voice.concern.reopen",
            changes={
                "rating": rating,
                "reopened_count": concern.reopened_count + 1,
                # 重办: the answer that counts (on time or not) is the next one; the
                # first answer acknowledged it, whatever happens next
                "acknowledged_at": concern.acknowledged_at or concern.answered_at,
                "answered_at": None,
                "answer_due": answer_due_from(concern, timezone.localdate(now)),
                "rating_due": None,
                "escalated_for": None,
            },
            data={"rating": rating},
            **who,
        )
        event(concern, EventKind.REOPENED, at=now, to_org=concern.handler)
        notifying.received(concern)
        return
    move(
        concern,
        ConcernStatus.CLOSED,
        action="voice.concern.rate",
        changes={"rating": rating, "closed_at": now},
        data={"rating": rating},
        **who,
    )
    event(concern, EventKind.CLOSED, at=now)


@transaction.atomic
def withdraw(
    *,
    concern: Concern,
    actor: Actor = None,
    tracking_code: str | None = None,
    today: dt.date | None = None,
) -> None:
    """The student takes the concern back before it is answered."""
    anonymous = author_or_holder(concern, actor, tracking_code)
    move(
        concern,
        ConcernStatus.WITHDRAWN,
        actor=None if anonymous else actor,
        action="voice.concern.withdraw",
        role="anonymous" if anonymous else "author",
        changes={"closed_at": moment(today)},
        withhold=anonymous,
    )
    event(concern, EventKind.WITHDRAWN, at=moment(today))
