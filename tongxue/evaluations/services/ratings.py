"""Ratings and 述职 reports of an open period (CAD-3, CAD-4 · GS-12, CQ-7).

The rating service records *that* someone rated in the period, never whom or what.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain import evaluation as ev
from tongxue.evaluations.models import (
    Ballot,
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    Subject,
)
from tongxue.evaluations.services.shared import locked_period
from tongxue.organisations.models import Person

REPORT_MAX_CHARS = 20_000


def _own_rater(
    *, actor: Actor, person: Person, period: EvaluationPeriod, kind: str
) -> Rater:
    if actor is not None and getattr(actor, "pk", None) != person.user_id:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=period.name,
        )
    rater = Rater.objects.filter(period=period, kind=kind, person=person).first()
    if rater is None:
        raise refuse(
            "forbidden",
            gettext_noop("You are not on the rater list of {period}."),
            period=period.name,
        )
    return rater


@transaction.atomic
def rate(
    *,
    actor: Actor,
    rater: Person,
    subject: Subject,
    scores: dict[str, int | None],
) -> None:
    """Record one rating of a cadre or a 述职 report by a rater on the period's list.

    Writes two unlinked rows: a ``Participation`` (the database refuses a second one for
    the same rater and subject) and a ``Ballot`` with the scores. A dimension scored
    ``None`` ("不了解", the rater does not know) is left out of the ballot: it counts as
    no rating of that dimension, in neither its mean nor its count (#16). The audit log
    records that the rater rated in the period, not whom and not what.
    """
    period = locked_period(subject.period)
    subject.period = period
    own = _own_rater(actor=actor, person=rater, period=period, kind=subject.kind)
    if period.status != PeriodStatus.OPEN:
        raise refuse("closed", gettext_noop("This period is not open for ratings."))
    position = subject.position  # usually loaded with the subject
    if position.person_id == rater.pk:
        raise refuse("own", gettext_noop("You cannot rate yourself."))
    if (
        subject.kind == Kind.REPORT
        and not Subject.objects.filter(pk=subject.pk, filed_at__isnull=False).exists()
    ):
        raise refuse("not-filed", gettext_noop("This work report has not been filed."))
    refusal = ev.validate_scores(
        scores, ev.dimensions_for(subject.kind), period.scale_max or 0
    )
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            Participation.objects.create(subject=subject, rater=own)
    except IntegrityError:
        raise refuse(
            "already-rated",
            gettext_noop("You have already rated this in this period."),
        ) from None
    Ballot.objects.create(
        subject=subject,
        scores={
            d: scores[d]
            for d in ev.dimensions_for(subject.kind)
            if scores[d] is not None
        },
    )
    auditlog.record(
        actor=actor,
        action="evaluation.rate",
        organisation=period.organisation.code,
        target=period.code,
        role="rater",
        data={"kind": subject.kind},
    )


@transaction.atomic
def file_report(
    *, actor: Actor, person: Person, subject: Subject, text: str
) -> Subject:
    """File a presidium member's 述职 report for the period (CAD-4 · GS-12, CQ-7)."""
    period = locked_period(subject.period)
    subject.period = period
    position = subject.position  # usually loaded with the subject
    if subject.kind != Kind.REPORT or position.person_id != person.pk:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=period.name,
        )
    if actor is not None and getattr(actor, "pk", None) != person.user_id:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=period.name,
        )
    if period.status != PeriodStatus.OPEN:
        raise refuse("closed", gettext_noop("This period is not open for reports."))
    if subject.filed_at is not None:
        raise refuse(
            "already-filed", gettext_noop("Your work report is already filed.")
        )
    text = text.strip()
    if not text:
        raise refuse("invalid", gettext_noop("Write your report."), field="text")
    if len(text) > REPORT_MAX_CHARS:
        raise refuse(
            "invalid",
            gettext_noop("A report has at most {limit} characters."),
            field="text",
            limit=REPORT_MAX_CHARS,
        )
    subject.report = text
    subject.filed_at = timezone.now()
    subject.save(update_fields=["report", "filed_at"])
    auditlog.record(
        actor=actor,
        action="evaluation.report_file",
        organisation=period.organisation.code,
        target=period.code,
        role="cadre",
        data={"position": subject.position_id, "chars": len(text)},
    )
    return subject
