"""A closed survey's results counted by the database in one pass (TRN-2, #18).

:func:`tongxue.domain.surveys.aggregate` reads every response into Python: at the demo
province's 2.5 M responses that is minutes. On PostgreSQL the same
:class:`~tongxue.domain.surveys.Tally` is counted by one statement instead — each
response's answers unpacked once (``jsonb_to_record``), grouped by department and grade,
every scale's sum, count and count per point, every option's count as ``FILTER``
aggregates — and turned into the results by the same
:func:`~tongxue.domain.surveys.results_from`, so that the results are identical
(tests/integration/test_surveys_fastpath.py compares them). The open texts, a tenth of
the responses or so, are read by a second query for the keyword grouping.
Measured in docs/performance.md (bench/survey.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from tongxue.domain import surveys as ds
from tongxue.organisations.models import Organisation
from tongxue.surveys.models import Response, Survey


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _statement(questions: Sequence[ds.Question]) -> tuple[str, list[tuple[Any, ...]]]:
    """The SQL and, for each aggregate column after the group's count, what it counts:
    ``("n", key)`` answered, ``("sum", key)`` a scale's sum, ``("is", key, answer)`` a
    point's or an option's count."""
    columns: list[str] = []
    meaning: list[tuple[Any, ...]] = []
    record: list[str] = []
    for q in questions:
        col = "x." + _ident(q.key)
        if q.kind == ds.QuestionKind.SCALE:
            record.append(f"{_ident(q.key)} int")
            columns += [f"count({col})", f"sum({col})"]
            meaning += [("n", q.key), ("sum", q.key)]
            for p in range(1, ds.SCALE_POINTS + 1):
                columns.append(f"count(*) FILTER (WHERE {col} = {p})")
                meaning.append(("is", q.key, str(p)))
        elif q.kind == ds.QuestionKind.SINGLE:
            record.append(f"{_ident(q.key)} text")
            columns.append(f"count({col})")
            meaning.append(("n", q.key))
            for o in q.option_keys():
                columns.append(f"count(*) FILTER (WHERE {col} = {_literal(o)})")
                meaning.append(("is", q.key, o))
        elif q.kind == ds.QuestionKind.MULTIPLE:
            record.append(f"{_ident(q.key)} jsonb")
            columns.append(f"count({col})")
            meaning.append(("n", q.key))
            for o in q.option_keys():
                columns.append(f"count(*) FILTER (WHERE {col} ? {_literal(o)})")
                meaning.append(("is", q.key, o))
        else:
            record.append(f"{_ident(q.key)} text")
            columns.append(f"count({col})")
            meaning.append(("n", q.key))
    sql = (
        "SELECT r.department_id, r.grade, count(*), "
        + ", ".join(columns)
        + f" FROM {Response._meta.db_table} r,"
        + " jsonb_to_record(r.answers) AS x("
        + ", ".join(record)
        + ") WHERE r.survey_id = %s GROUP BY r.department_id, r.grade"
    )
    return sql, meaning


def texts_of(survey: Survey, questions: Sequence[ds.Question]) -> dict[str, list[str]]:
    """The open texts of the survey's responses, by question."""
    out: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for q in questions:
            if q.kind != ds.QuestionKind.TEXT:
                continue
            cursor.execute(
                f"SELECT answers ->> %s FROM {Response._meta.db_table}"
                " WHERE survey_id = %s AND answers ? %s",
                [q.key, survey.pk, q.key],
            )
            found = [row[0] for row in cursor.fetchall()]
            if found:
                out[q.key] = found
    return out


def aggregate_sql(
    survey: Survey,
    questions: Sequence[ds.Question],
    *,
    min_group: int,
    tokenize: Callable[[str], list[str]] | None = None,
    public_text: Callable[[str], str] | None = None,
) -> ds.SurveyResults:
    """The survey's results counted by PostgreSQL (the module's docstring): the same as
    :func:`tongxue.domain.surveys.aggregate` over its responses. ``public_text`` is
    applied to each open text before grouping (as the close does)."""
    sql, meaning = _statement(questions)
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk])
        rows = cursor.fetchall()
    codes = dict(
        Organisation.objects.filter(
            pk__in={r[0] for r in rows if r[0] is not None}
        ).values_list("pk", "code")
    )
    dims = {
        q.key: q.dimension
        for q in questions
        if q.kind == ds.QuestionKind.SCALE and q.dimension is not None
    }
    tally = ds.Tally(
        total=0,
        answered=Counter(),
        counts={q.key: Counter() for q in questions},
        overall=ds.new_sums(),
        by_department=defaultdict(ds.new_sums),
        by_grade=defaultdict(ds.new_sums),
        department_sizes=Counter(),
        grade_sizes=Counter(),
        texts=defaultdict(list),
    )
    for row in rows:
        dept_id, grade, n = row[0], row[1], row[2]
        dept = codes.get(dept_id) if dept_id is not None else None
        dept = dept or None
        grade_key = str(grade) if grade is not None else None
        tally.total += n
        if dept is not None:
            tally.department_sizes[dept] += n
        if grade_key is not None:
            tally.grade_sizes[grade_key] += n
        sums = [tally.overall]
        if dept is not None:
            sums.append(tally.by_department[dept])
        if grade_key is not None:
            sums.append(tally.by_grade[grade_key])
        answered_here: dict[str, int] = {}
        for what, value in zip(meaning, row[3:], strict=True):
            if what[0] == "n":
                tally.answered[what[1]] += value
                answered_here[what[1]] = value
            elif what[0] == "is":
                if value:
                    tally.counts[what[1]][what[2]] += value
            elif value is not None:  # a scale's sum over this group
                key = what[1]
                count = answered_here[key]
                for s in sums:
                    s.total[key] += value
                    s.n[key] += count
                    dim = dims.get(key)
                    if dim is not None:
                        s.total[f"dim:{dim}"] += value
                        s.n[f"dim:{dim}"] += count
    texts = texts_of(survey, questions)
    for key, found in texts.items():
        tally.texts[key] = [public_text(t) for t in found] if public_text else found
    return ds.results_from(questions, tally, min_group=min_group, tokenize=tokenize)
