"""Closing a period: its results, and its ballots reshuffled (CAD-3, CAD-4 · GS-12,
CQ-7; docs/evaluations.md)."""

from __future__ import annotations

import random
import uuid

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tongxue.core import erasure
from tongxue.core.auditlog import Actor
from tongxue.core.lifecycle import transition
from tongxue.domain import evaluation as ev
from tongxue.domain.lifecycle import EVALUATION_PERIOD
from tongxue.evaluations.models import (
    Ballot,
    EvaluationPeriod,
    Participation,
    PeriodStatus,
    Result,
    Subject,
)
from tongxue.evaluations.services.shared import (
    fixed_settings,
    locked_period,
    require_manage,
)


@transaction.atomic
def close_period(*, actor: Actor, period: EvaluationPeriod) -> EvaluationPeriod:
    """Close a period, compute and publish its results, and reshuffle its ballots.

    Each subject's result is aggregated by :func:`tongxue.domain.evaluation.aggregate`;
    below ``min_raters`` it is stored as "not enough ratings" with no number at all.
    The ratings are then rewritten in a random order with new keys, and the
    participations with new keys, so that neither the order in which rows were stored
    nor their transaction ids link a rating to a participation; the ratings of
    unpublished subjects are deleted. On PostgreSQL both tables are rebuilt right
    after the commit so that no page keeps an old row version (docs/evaluations.md).
    """
    given, period = period, locked_period(period)
    union = period.organisation
    role = require_manage(actor, union)
    EVALUATION_PERIOD.require(period.status, PeriodStatus.CLOSED)
    settings = fixed_settings(period)
    subjects = list(Subject.objects.filter(period=period).order_by("pk"))
    ballots: dict[int, list[dict[str, int]]] = {s.pk: [] for s in subjects}
    for subject_id, scores in Ballot.objects.filter(subject__period=period).values_list(
        "subject_id", "scores"
    ):
        ballots[subject_id].append(scores)
    groups: dict[int, dict[str, int]] = {s.pk: {} for s in subjects}
    for row in (
        Participation.objects.filter(subject__period=period)
        .values("subject_id", "rater__group")
        .annotate(n=Count("pk"))
    ):
        groups[row["subject_id"]][row["rater__group"]] = row["n"]
    results = []
    published = failed = 0
    hidden: set[int] = set()
    for s in subjects:
        r = ev.aggregate(
            ballots[s.pk],
            dimensions=ev.dimensions_for(s.kind),
            settings=settings,
            groups=groups[s.pk],
        )
        published += r.published
        failed += r.failed
        if not r.published:
            hidden.add(s.pk)
        results.append(_result_row(s, r))
    Result.objects.bulk_create(results)
    _reshuffle(period, discard=hidden)
    transition(
        period,
        EVALUATION_PERIOD,
        PeriodStatus.CLOSED,
        actor=actor,
        action="evaluation.period_close",
        organisation=union.code,
        role=role,
        subject=period.code,
        changes={"closed_at": timezone.now()},
        data={"subjects": len(subjects), "published": published, "failed": failed},
    )
    given.refresh_from_db()
    return period


def _result_row(subject: Subject, r: ev.Result) -> Result:
    if not r.published or r.overall is None:
        return Result(subject=subject, published=False)
    return Result(
        subject=subject,
        published=True,
        raters=r.raters,
        overall=round(float(r.overall), 3),
        dimensions=[d.as_dict() for d in r.dimensions],
        groups=dict(r.groups) if r.groups is not None else None,
        failed=r.failed,
    )


def _reshuffle(period: EvaluationPeriod, *, discard: set[int]) -> None:
    """Rewrite the period's ratings and participations; drop ratings never published.

    Each rating was written in the same transaction as its participation, so on
    PostgreSQL both carry that transaction's id (``xmin``) and lie in the table in
    the order of the ratings. Both are rewritten here, in the close's transaction:
    the ratings in a random order with new random ids, the participations sorted by
    subject and rater with new ids, every row carrying the close's transaction id.
    The old row versions are then erased from the data pages by
    :func:`tongxue.core.erasure.rebuild` once the close commits.

    A subject with fewer raters than the minimum has a result of "not enough ratings";
    its few ratings are deleted so that they can never be matched to its few
    participations, not even by someone reading the database.
    """
    ballots = Ballot.objects.filter(subject__period=period)
    rows = [
        (subject_id, scores)
        for subject_id, scores in ballots.values_list("subject_id", "scores")
        if subject_id not in discard
    ]
    ballots.delete()
    random.SystemRandom().shuffle(rows)
    Ballot.objects.bulk_create(
        [Ballot(id=uuid.uuid4(), subject_id=s, scores=sc) for s, sc in rows]
    )
    participations = Participation.objects.filter(subject__period=period)
    pairs = sorted(participations.values_list("subject_id", "rater_id"))
    participations.delete()
    Participation.objects.bulk_create(
        [Participation(id=uuid.uuid4(), subject_id=s, rater_id=r) for s, r in pairs]
    )
    erasure.rebuild_after_commit(Ballot, Participation)
