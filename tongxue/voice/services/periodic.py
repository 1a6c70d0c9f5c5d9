"""Periodic work on concerns: escalate the overdue (督办), close the unrated (回访).

Registered in ``VoiceConfig.ready()`` (:mod:`tongxue.jobs.periodic`): hourly and
daily. Both are safe with several workers at once: each takes the rows it works on
with ``SELECT … FOR UPDATE SKIP LOCKED`` in batches, one transaction per batch, and
checks each row again under its lock, so a concern is escalated once per deadline
(``escalated_for`` holds the due date it was escalated for) and closed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from tongxue.domain.rights import OPEN_STATUSES, Deadline, next_handler, overdue
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.voice import access, notifying
from tongxue.voice.models import Concern, ConcernStatus, EventKind
from tongxue.voice.services.shared import audit, event, moment, move, today_or

#: Rows taken per transaction.
BATCH = 200

ESCALATE = "voice.escalate-overdue"
CLOSE = "voice.close-unrated"


def _batches(candidates: Q, work: Callable[[Concern], bool]) -> int:
    """Run ``work`` on each candidate row, locked, in batches; return how many did."""
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Concern.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(candidates, pk__gt=last)
                .select_related("union", "handler", "category")
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return done
            last = batch[-1].pk
            for concern in batch:
                if work(concern):
                    done += 1


def _department_union(handler: Organisation) -> str | None:
    """The department union at or above ``handler`` (its code), or None."""
    codes = [c for c in handler.path.split("/") if c]
    found = dict(
        Organisation.objects.filter(
            code__in=codes, kind=OrgKind.DEPARTMENT_UNION
        ).values_list("code", "path")
    )
    if not found:
        return None
    return max(found, key=lambda c: len(found[c]))


def _escalate_one(concern: Concern, today: dt.date) -> bool:
    late = overdue(
        status=concern.status,
        acknowledged=concern.acknowledged_at is not None
        or concern.answered_at is not None,
        acknowledge_due=concern.acknowledge_due,
        answer_due=concern.answer_due,
        today=today,
    )
    if late is None:
        return False
    deadline, due = late
    if (
        deadline == Deadline.ACKNOWLEDGE
        and concern.escalated_for == due
        and today > concern.answer_due
    ):
        # escalated for the acknowledgement and still untouched past the answer's
        # deadline too: that one escalates once more
        deadline, due = Deadline.ANSWER, concern.answer_due
    if concern.escalated_for == due:
        return (
            False  # escalated for this deadline already (another worker, an hour ago)
        )
    old = concern.handler
    code = next_handler(
        old.kind,
        old.code,
        department_union=_department_union(old),
        school_union=concern.union.code,
    )
    new = Organisation.objects.get(code=code) if code and code != old.code else None
    concern.escalated_for = due
    if new is not None:
        concern.handler = new
    concern.save(update_fields=["escalated_for", "handler"])
    access.forget_handed(concern)
    event(
        concern,
        EventKind.ESCALATED,
        at=moment(today),
        from_org=old,
        to_org=new,
        text=str(deadline),
        public_text=str(deadline),
    )
    audit(
        concern,
        "voice.concern.escalate",
        actor=None,
        role="system",
        data={
            "deadline": str(deadline),
            "due": due.isoformat(),
            "from": old.code,
            "to": new.code if new is not None else "",
        },
    )
    notifying.escalated(concern, old=old, new=new, deadline=str(deadline), due=due)
    return True


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate each concern past a deadline one level, once per deadline (RGT-1:
    督办); return how many were escalated. Both levels and the author are told; at the
    top (the school union, a federation) it stays and the League advisors are told."""
    day = today_or(today)
    candidates = (
        Q(status__in=sorted(OPEN_STATUSES))
        & (
            Q(
                acknowledged_at__isnull=True,
                answered_at__isnull=True,
                acknowledge_due__lt=day,
            )
            | Q(answer_due__lt=day)
        )
        & (Q(escalated_for__isnull=True) | Q(escalated_for__lt=F("answer_due")))
        # an idea sent to a federation's consultation waits for the federation's
        # public response: RGT-5 judges a late response, nothing escalates per idea
        & Q(consultation__isnull=True)
    )
    return _batches(candidates, lambda c: _escalate_one(c, day))


def _close_one(concern: Concern, today: dt.date) -> bool:
    if concern.status != ConcernStatus.ANSWERED or concern.rating_due is None:
        return False
    if concern.rating_due >= today:
        return False
    now = moment(today)
    move(
        concern,
        ConcernStatus.CLOSED,
        actor=None,
        action="voice.concern.close_unrated",
        role="system",
        changes={"closed_at": now},
        data={"rating_due": concern.rating_due.isoformat()},
    )
    event(concern, EventKind.CLOSED, at=now)
    return True


def close_unrated(*, today: dt.date | None = None) -> int:
    """Close the answered concerns whose student did not rate them in time (after the
    last day to rate); return how many. Closed unrated, they count as solved only if
    the union verified them."""
    day = today_or(today)
    candidates = Q(status=ConcernStatus.ANSWERED, rating_due__lt=day)
    return _batches(candidates, lambda c: _close_one(c, day))


def remind_rating(*, today: dt.date | None = None) -> int:
    """Remind, once, each author whose last day to rate an answer is today or
    tomorrow; return how many were reminded."""
    day = today_or(today)
    concerns = (
        Concern.objects.filter(
            status=ConcernStatus.ANSWERED,
            author__isnull=False,
            rating_due__gte=day,
            rating_due__lte=day + dt.timedelta(days=1),
        )
        .select_related("union", "category")
        .order_by("pk")
    )
    return sum(notifying.rate_reminder(c) for c in concerns)


# -- the jobs (``func(job)``) ---------------------------------------------------------------


def escalate_job(job: Any = None) -> int:
    return escalate_overdue()


def close_job(job: Any = None) -> int:
    """Close the unrated, then remind those whose window ends soon."""
    closed = close_unrated()
    remind_rating()
    return closed
