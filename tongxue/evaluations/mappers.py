"""Map evaluation periods to the domain's :class:`~tongxue.domain.model.EvaluationPeriod`.

CAD-3 · GS-12, CQ-7: the audit reads, for each evaluation of a union's cadres, its days,
the dimensions rated, how many cadres were rated, how many raters were on the list and
took part, and whether its results were published — counts, never a rating. Two queries
whatever the number of periods: the periods run in Tongxue with their counts (correlated
sub-queries), and the evaluations recorded by an import.

:func:`registry_part` adds them and the semesters (CAD-4) to the registry, registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``EvaluationsConfig.ready()``.
"""

from __future__ import annotations

from datetime import date

from django.db.models import (
    Count,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from tongxue.domain import model as dm
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    RecordedEvaluation,
    Subject,
)
from tongxue.organisations.mappers import Part, Scope


def _count(queryset: object) -> Coalesce:
    """A correlated count per period (0 when there is none)."""
    return Coalesce(
        Subquery(queryset, output_field=IntegerField()),
        0,
    )


def counts() -> dict[str, Coalesce]:
    """Annotations of a period's counts (CAD-3): ``n_cadres`` rated, ``n_eligible``
    raters on the cadre list, ``n_participants`` of them who rated at least one cadre.
    Correlated sub-queries: one query however many periods."""
    cadres = (
        Subject.objects.filter(period=OuterRef("pk"), kind=Kind.EVALUATION)
        .order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")
    )
    eligible = (
        Rater.objects.filter(period=OuterRef("pk"), kind=Kind.EVALUATION)
        .order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")
    )
    participants = (
        Participation.objects.filter(
            subject__period=OuterRef("pk"), subject__kind=Kind.EVALUATION
        )
        .order_by()
        .values("subject__period")
        .annotate(n=Count("rater_id", distinct=True))
        .values("n")
    )
    return {
        "n_cadres": _count(cadres),
        "n_eligible": _count(eligible),
        "n_participants": _count(participants),
    }


def evaluation_periods(scope: Scope) -> tuple[dm.EvaluationPeriod, ...]:
    """Return the evaluations of the unions of ``scope`` (two queries).

    A period run here rates
    its cadres on the five dimensions of the domain (the rating service refuses any
    other), its results are published when it closes. An evaluation recorded by an
    import is read as the file gave it; a period run here at the same union with the
    same code wins when it rated cadres (one imported with a semester's 述职 reports
    and no cadre of its own does not).
    """
    run: dict[tuple[str, str], dm.EvaluationPeriod] = {}
    for (
        org,
        code,
        start,
        end,
        status,
        n_cadres,
        n_eligible,
        n_participants,
    ) in scope.rows(
        lambda s: (
            EvaluationPeriod.objects.filter(s.under("organisation__"))
            .annotate(**counts())
            .values_list(
                "organisation__code",
                "code",
                "start",
                "end",
                "status",
                "n_cadres",
                "n_eligible",
                "n_participants",
            )
        )
    ):
        run[(org, code)] = dm.EvaluationPeriod(
            organisation=org,
            code=code,
            start=start,
            end=end,
            dimensions=DIMENSIONS,
            cadres=n_cadres,
            participants=n_participants,
            eligible=n_eligible,
            published=status == PeriodStatus.CLOSED,
        )
    out = dict(run)
    for (
        org,
        code,
        start,
        end,
        dims,
        n_cadres,
        n_participants,
        n_eligible,
        pub,
    ) in scope.rows(
        lambda s: RecordedEvaluation.objects.filter(
            s.under("organisation__")
        ).values_list(
            "organisation__code",
            "code",
            "start",
            "end",
            "dimensions",
            "cadres",
            "participants",
            "eligible",
            "published",
        )
    ):
        mine = run.get((org, code))
        if mine is not None and mine.cadres:
            continue
        out[(org, code)] = dm.EvaluationPeriod(
            organisation=org,
            code=code,
            start=start,
            end=end,
            dimensions=tuple(str(d) for d in dims or ()),
            cadres=n_cadres,
            participants=n_participants,
            eligible=n_eligible,
            published=pub,
        )
    return tuple(sorted(out.values(), key=lambda e: (e.organisation, e.end, e.code)))


def registry_part(scope: Scope) -> Part:
    """The semesters and the evaluations of the subtree (three queries)."""
    return Part(
        fields={"semesters": semesters(scope), "evaluations": evaluation_periods(scope)}
    )


def semesters(scope: Scope) -> tuple[dm.Semester, ...]:
    """The evaluation periods (semesters) of ``scope`` and who filed a 述职 report.

    CAD-4: one query, a left join on the filed reports (a period without any still
    comes back).
    """
    rows: dict[int, tuple[str, str, date, date, str, list[str]]] = {}
    for pk, org, code, start, end, status, ident in scope.rows(
        lambda s: (
            EvaluationPeriod.objects.filter(s.under("organisation__"))
            .annotate(
                filed=FilteredRelation(
                    "subjects",
                    condition=Q(
                        subjects__kind="report", subjects__filed_at__isnull=False
                    ),
                )
            )
            .values_list(
                "pk",
                "organisation__code",
                "code",
                "start",
                "end",
                "status",
                "filed__position__person__ident",
            )
            .order_by("pk", "filed__position__person__ident")
        )
    ):
        row = rows.setdefault(pk, (org, code, start, end, status, []))
        if ident is not None:
            row[5].append(ident)
    return tuple(
        dm.Semester(org, code, start, end, status == "closed", tuple(idents))
        for org, code, start, end, status, idents in rows.values()
    )
