"""Read evaluation periods, rater to-do lists, progress and published results.

Each selector runs a fixed number of queries however many cadres, raters or results.
Nothing here reveals who rated what: per-subject numbers exist only for closed periods
and only from ``min_raters`` raters on; while a period is open only totals are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from tongxue.domain.evaluation import DIMENSION_LABELS
from tongxue.domain.rules.organisation import percent
from tongxue.evaluations.mappers import counts
from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    Result,
    Subject,
)
from tongxue.organisations.models import Organisation, Person

#: The page of the cadres app that opens an exit case on a failed evaluation (CAD-5).
EXIT_CASE_URL = "/cadres/exits/new/?position={position}&ground=failed-evaluation"


def periods_of(organisation: Organisation) -> list[EvaluationPeriod]:
    """Return a union's evaluation periods, newest first (one query).

    Each carries its participation (CAD-3, "广泛吸纳广大同学参与": reported, not judged):
    ``n_eligible`` raters on the cadre list, ``n_participants`` of them who rated, and
    ``participation`` as a percentage (None while nobody is listed). Totals only.
    """
    periods = list(
        EvaluationPeriod.objects.filter(organisation=organisation)
        .annotate(**counts())
        .order_by("-start", "-pk")
    )
    for p in periods:
        p.participation = (
            percent(Fraction(p.n_participants, p.n_eligible)) if p.n_eligible else None
        )
    return periods


@dataclass
class Todo:
    subject: Subject
    kind: str
    name: str
    title: str
    organisation: str


@dataclass
class TodoList:
    period: EvaluationPeriod
    items: list[Todo] = field(default_factory=list)
    done: int = 0


def todo_for(person: Person) -> list[TodoList]:
    """Return, per open period, what ``person`` still has to rate (three queries)."""
    raters = list(
        Rater.objects.filter(person=person, period__status=PeriodStatus.OPEN)
        .select_related("period", "period__organisation")
        .order_by("period__start", "period_id")
    )
    if not raters:
        return []
    lists: dict[int, TodoList] = {}
    kinds = Q()
    for r in raters:
        lists.setdefault(r.period_id, TodoList(period=r.period))
        kinds |= Q(period_id=r.period_id, kind=r.kind)
    rated = Participation.objects.filter(subject=OuterRef("pk"), rater__person=person)
    subjects = (
        Subject.objects.filter(kinds)
        .exclude(position__person=person)
        .annotate(rated=Exists(rated))
        .select_related("position__person", "position__organisation")
        .order_by("period_id", "kind", "position__organisation__code", "position_id")
    )
    for s in subjects:
        if s.kind == Kind.REPORT and s.filed_at is None:
            continue
        todo = lists[s.period_id]
        if s.rated:
            todo.done += 1
            continue
        todo.items.append(
            Todo(
                subject=s,
                kind=s.kind,
                name=s.position.person.name,
                title=s.position.title,
                organisation=s.position.organisation.name,
            )
        )
    return list(lists.values())


def reports_due(person: Person) -> list[Subject]:
    """Return the person's 述职 report subjects in open periods (one query)."""
    return list(
        Subject.objects.filter(
            kind=Kind.REPORT,
            position__person=person,
            period__status=PeriodStatus.OPEN,
        )
        .select_related("period", "period__organisation", "position")
        .order_by("period__start")
    )


def progress(period: EvaluationPeriod) -> dict[str, Any]:
    """Return totals for the manager while the period runs: never per cadre (3 queries).

    How many raters are on each list and how many of them have rated, how many ratings
    were given in total by kind, and how many 述职 reports are filed of those due.
    """
    raters = dict(
        Rater.objects.filter(period=period)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    ratings: dict[str, tuple[int, int]] = {
        kind: (n, people)
        for kind, n, people in Participation.objects.filter(subject__period=period)
        .values_list("subject__kind")
        .annotate(n=Count("pk"), people=Count("rater_id", distinct=True))
        .values_list("subject__kind", "n", "people")
    }
    subjects = Subject.objects.filter(period=period).aggregate(
        cadres=Count("pk", filter=Q(kind=Kind.EVALUATION)),
        reports_due=Count("pk", filter=Q(kind=Kind.REPORT)),
        reports_filed=Count("pk", filter=Q(kind=Kind.REPORT, filed_at__isnull=False)),
    )
    return {
        "raters": raters.get(Kind.EVALUATION, 0),
        "report_raters": raters.get(Kind.REPORT, 0),
        "ratings": ratings.get(Kind.EVALUATION, (0, 0))[0],
        "report_ratings": ratings.get(Kind.REPORT, (0, 0))[0],
        "raters_active": ratings.get(Kind.EVALUATION, (0, 0))[1],
        "report_raters_active": ratings.get(Kind.REPORT, (0, 0))[1],
        **subjects,
    }


@dataclass
class ResultRow:
    subject_id: int
    position_id: int
    person_id: int
    kind: str
    name: str
    title: str
    organisation: str
    published: bool
    raters: int | None
    overall: float | None
    dimensions: list[dict[str, Any]]
    groups: dict[str, int] | None
    failed: bool
    report: str = ""
    exit_url: str = ""


def _row(s: Subject, r: Result | None) -> ResultRow:
    dims = [
        {**d, "label": DIMENSION_LABELS.get(d["dimension"], d["dimension"])}
        for d in (r.dimensions if r is not None and r.published else [])
    ]
    published = r is not None and r.published
    return ResultRow(
        subject_id=s.pk,
        position_id=s.position_id,
        person_id=s.position.person_id,
        kind=s.kind,
        name=s.position.person.name,
        title=s.position.title,
        organisation=s.position.organisation.name,
        published=published,
        raters=r.raters if published and r is not None else None,
        overall=float(r.overall) if published and r is not None and r.overall else None,
        dimensions=dims,
        groups=r.groups if published and r is not None else None,
        failed=bool(published and r is not None and r.failed),
        report=s.report,
        exit_url=EXIT_CASE_URL.format(position=s.position_id)
        if published and r is not None and r.failed
        else "",
    )


def results(period: EvaluationPeriod) -> list[ResultRow]:
    """Return the results of a closed period, cadres then reports (one query).

    An open or planned period has no results: nothing is computed before it closes.
    """
    if period.status != PeriodStatus.CLOSED:
        return []
    subjects = (
        Subject.objects.filter(period=period)
        .select_related("result", "position__person", "position__organisation")
        .order_by("kind", "position__organisation__path", "position__role", "pk")
    )
    return [_row(s, getattr(s, "result", None)) for s in subjects]


def cadre_record_summary(person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Return the published results of each person, newest period first (one query).

    For the cadres app's record of a cadre: each item has the period (code, name,
    dates, union), the kind (``evaluation`` or ``report``), the overall score, the
    per-dimension means, the number of raters and whether it failed. Results below the
    minimum number of raters are listed as not published, without numbers.
    """
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in person_ids}
    if not person_ids:
        return out
    rows = (
        Result.objects.filter(
            subject__position__person_id__in=person_ids,
            subject__period__status=PeriodStatus.CLOSED,
        )
        .select_related("subject__period__organisation", "subject__position")
        .order_by("-subject__period__start", "subject__kind", "subject_id")
    )
    for r in rows:
        s = r.subject
        p = s.period
        out[s.position.person_id].append(
            {
                "period": {
                    "id": p.pk,
                    "code": p.code,
                    "name": p.name,
                    "start": p.start,
                    "end": p.end,
                    "organisation": p.organisation.code,
                },
                "position_id": s.position_id,
                "kind": s.kind,
                "published": r.published,
                "overall": float(r.overall) if r.published and r.overall else None,
                "dimensions": {d["dimension"]: d["mean"] for d in r.dimensions}
                if r.published
                else {},
                "raters": r.raters if r.published else None,
                "failed": r.published and r.failed,
            }
        )
    return out


def failed_evaluations(organisation: Organisation) -> list[dict[str, Any]]:
    """Return the failed published evaluations of a union's cadres (one query).

    Each item names the position and person, the period and the score, and the link
    that opens an exit case on the ground "failed evaluation" (CAD-5). A failed
    evaluation informs a decision; it never decides one.
    """
    rows = (
        Result.objects.filter(
            published=True,
            failed=True,
            subject__kind=Kind.EVALUATION,
            subject__period__organisation=organisation,
            subject__period__status=PeriodStatus.CLOSED,
        )
        .select_related("subject__period", "subject__position__person")
        .order_by("-subject__period__start", "subject__position_id")
    )
    return [
        {
            "period": r.subject.period.code,
            "period_name": r.subject.period.name,
            "position_id": r.subject.position_id,
            "person_id": r.subject.position.person_id,
            "name": r.subject.position.person.name,
            "title": r.subject.position.title,
            "overall": float(r.overall) if r.overall is not None else None,
            "raters": r.raters,
            "exit_url": EXIT_CASE_URL.format(position=r.subject.position_id),
        }
        for r in rows
    ]
