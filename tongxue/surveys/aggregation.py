"""A survey's results counted by the database: folded while it is open, the rest at the
close (TRN-2, #18).

:func:`tongxue.domain.surveys.aggregate` reads every response into Python: at the demo
province's 2.5 M responses that is minutes, and even one SQL statement over them (each
response's ``jsonb`` unpacked with ``jsonb_to_record``, grouped by department and grade,
a ``FILTER`` count per scale point and option) takes 9–20 s on the 2 cores of the
benchmark's machine, and 2–4 s over typed answers: the per-row work of 2.5 M rows, not
the reading (docs/performance.md, "#18 results of 2.5 M responses: the partial tally").
So on PostgreSQL the counting is spread over the days the survey is open:

* **the fold** (:func:`fold`, every minute: :func:`fold_open`, periodic work) counts the
  responses not counted yet (``Response.tallied`` false, an index of those only), at
  most :data:`FOLD_LIMIT` a survey and run, with that statement, and marks them counted
  in the same statement (``UPDATE … RETURNING``); it adds the counts into the survey's
  :class:`~tongxue.surveys.models.PartialTally` rows (one per department and grade),
  keeps the open texts as shown (masked) with their digest and keywords
  (:class:`~tongxue.surveys.models.PartialText`) and counts in how many texts each
  keyword occurs (:class:`~tongxue.surveys.models.PartialWord`). It share-locks the
  open survey, as an answer does: the close (``FOR UPDATE``) waits for a fold under way
  and a fold after the close finds it closed; folds of one survey take an advisory lock
  (one at a time).
* **the close** (:func:`aggregate_sql`) counts what is not folded yet with the same
  statement (the answers of the last minute, and every response written before the
  partial tally existed), adds the partial tally and turns the sum into the results
  with :func:`~tongxue.domain.surveys.results_from`, the same function as the Python
  aggregation: identical results (tests/integration/test_surveys_fastpath.py,
  tests/integration/test_surveys_tally.py). Its keyword grouping
  (:func:`keyword_groups`) reads the folded keywords' counts and, of the folded texts,
  only the examples. The close then deletes the partial rows (:func:`discard`) and
  rebuilds their tables.

Nothing reads a partial tally but the close: no page, export or API shows anything of a
survey before it closes. The partial rows hold no more than the responses of an open
survey already do (department, grade, answers) and no link to a student.

The open texts are given to the keyword grouping in the order of their MD5 digest (a
fixed order unrelated to the order of the answers), so that the examples of a group do
not depend on when a text was written or folded.

SQLite (tests, the demo): no fold; the close counts every response in Python.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from tongxue.core import erasure
from tongxue.domain import surveys as ds
from tongxue.domain.surveys.results import KEYWORD_GROUPS, TEXTS_PER_GROUP
from tongxue.organisations.models import Organisation
from tongxue.surveys import text
from tongxue.surveys.models import (
    PartialTally,
    PartialText,
    PartialWord,
    Response,
    Survey,
    SurveyStatus,
)

#: Responses counted by one statement of the fold.
FOLD_BATCH = 100_000
#: Responses of one survey counted by one run of the fold (the rest: the next run).
FOLD_LIMIT = 1_000_000
#: The separator of a partial text's keywords.
WORD_SEP = "\x1f"

#: Counts of a department and grade: ``(department id, grade) → [responses, counts]``,
#: the counts keyed as :attr:`PartialTally.counts`.
Groups = dict[tuple[int | None, int | None], list[Any]]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _statement(
    questions: Sequence[ds.Question], *, rows: str, where: str = "", before: str = ""
) -> tuple[str, list[tuple[Any, ...]]]:
    """The counting statement over ``rows`` (``r``: department_id, grade, answers) and,
    for each column after the group's count, what it holds: ``("n", key)`` answered,
    ``("sum", key)`` a scale's sum, ``("is", key, answer)`` a point's or an option's
    count, ``("texts", key)`` a text question's texts (an array)."""
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
            columns += [
                f"count({col})",
                f"array_agg({col}) FILTER (WHERE {col} IS NOT NULL)",
            ]
            meaning += [("n", q.key), ("texts", q.key)]
    sql = (
        before
        + "SELECT r.department_id, r.grade, count(*), "
        + ", ".join(columns)
        + f" FROM {rows} r, jsonb_to_record(r.answers) AS x("
        + ", ".join(record)
        + f"){where} GROUP BY r.department_id, r.grade"
    )
    return sql, meaning


_TABLE = Response._meta.db_table

#: The close's rows: the survey's responses not counted by a fold.
_REST = " WHERE r.survey_id = %s AND NOT r.tallied"
#: The fold's rows: at most %s responses of the survey not counted yet, marked counted
#: by the same statement (those another fold is counting are skipped).
_FOLDED = (
    f"WITH r AS (UPDATE {_TABLE} SET tallied = true WHERE id IN ("
    f"SELECT id FROM {_TABLE} WHERE survey_id = %s AND NOT tallied"
    " LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING department_id, grade, answers) "
)


def _count(
    cursor: Any, sql: str, meaning: list[tuple[Any, ...]], params: Sequence[Any]
) -> tuple[Groups, dict[str, list[str]], int]:
    """Run a counting statement: its counts by department and grade, its texts by
    question, the number of responses it counted."""
    cursor.execute(sql, params)
    groups: Groups = {}
    texts: dict[str, list[str]] = defaultdict(list)
    total = 0
    for row in cursor.fetchall():
        n, counts = row[2], Counter[str]()
        total += n
        for what, value in zip(meaning, row[3:], strict=True):
            if what[0] == "texts":
                texts[what[1]].extend(value or ())
            elif value:
                counts[":".join(what)] += value
        _add(groups, (row[0], row[1]), n, counts)
    return groups, texts, total


def _add(
    groups: Groups, key: tuple[int | None, int | None], n: int, counts: Any
) -> None:
    known = groups.get(key)
    if known is None:
        groups[key] = [n, Counter(counts)]
    else:
        known[0] += n
        known[1].update(counts)


def _questions(data: Any) -> tuple[ds.Question, ...]:
    return ds.questions_from(json.loads(data) if isinstance(data, str) else data)


def _digest(value: str) -> uuid.UUID:
    """The MD5 digest of a text (the order of the examples; not a secret)."""
    return uuid.UUID(bytes=hashlib.md5(value.encode("utf-8")).digest())


def _words(value: str, tokenize: Callable[[str], list[str]]) -> set[str]:
    """The words a text is grouped by (:func:`tongxue.domain.surveys.group_texts`)."""
    return {w for w in tokenize(value) if len(w) >= 2}


#: The fold's advisory lock (with the survey's id): one fold of a survey at a time.
_FOLD_LOCK = 0x5E_F0_1D


def fold(survey_id: int, *, batch: int = FOLD_BATCH, limit: int = FOLD_LIMIT) -> int:
    """Count up to ``limit`` responses of an open survey not counted yet into its
    partial tally (the module's docstring); return how many. PostgreSQL only
    (elsewhere: 0, the close counts every response)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT questions FROM surveys_survey WHERE id = %s AND status = %s"
            " FOR SHARE",
            [survey_id, str(SurveyStatus.OPEN)],
        )
        row = cursor.fetchone()
        if row is None:
            return 0
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::int, %s::int)",
            [_FOLD_LOCK, survey_id % 2**31],
        )
        sql, meaning = _statement(_questions(row[0]), rows="r", before=_FOLDED)
        groups: Groups = {}
        texts: dict[str, list[str]] = defaultdict(list)
        total = 0
        while total < limit:
            size = min(batch, limit - total)
            found, found_texts, n = _count(cursor, sql, meaning, [survey_id, size])
            for group, (m, counts) in found.items():
                _add(groups, group, m, counts)
            for question, values in found_texts.items():
                texts[question] += values
            total += n
            if n < size:
                break
        if not total:
            return 0
        _store(survey_id, groups)
        _store_texts(cursor, survey_id, texts)
    return total


def _store(survey_id: int, groups: Groups) -> None:
    """Add ``groups`` into the survey's partial tally rows."""
    rows = {
        (p.department_id, p.grade): p
        for p in PartialTally.objects.select_for_update().filter(survey_id=survey_id)
    }
    changed, new = [], []
    for (dept, grade), (n, counts) in groups.items():
        partial = rows.get((dept, grade))
        if partial is None:
            new.append(
                PartialTally(
                    survey_id=survey_id,
                    department_id=dept,
                    grade=grade,
                    responses=n,
                    counts=dict(counts),
                )
            )
        else:
            partial.responses += n
            partial.counts = dict(Counter(partial.counts) + counts)
            changed.append(partial)
    PartialTally.objects.bulk_update(changed, ["responses", "counts"], batch_size=500)
    PartialTally.objects.bulk_create(new, batch_size=500)


def _store_texts(cursor: Any, survey_id: int, texts: dict[str, list[str]]) -> None:
    """Keep the folded texts as shown with their keywords, and add the keywords'
    counts (in how many texts each occurs) by question."""
    for key, values in texts.items():
        shown = [text.public_text(v) for v in values]
        words = [_words(v, text.keywords) for v in shown]
        PartialText.objects.bulk_create(
            [
                PartialText(
                    survey_id=survey_id,
                    question=key,
                    text=v,
                    digest=_digest(v),
                    words="".join(f"{WORD_SEP}{w}" for w in sorted(ws)) + WORD_SEP
                    if ws
                    else "",
                )
                for v, ws in zip(shown, words, strict=True)
            ],
            batch_size=2000,
        )
        freq = Counter(w for ws in words for w in ws)
        if freq:
            ordered = sorted(freq)
            cursor.execute(
                f"INSERT INTO {PartialWord._meta.db_table}"
                " (survey_id, question, word, texts)"
                " SELECT %s, %s, w, n FROM unnest(%s::text[], %s::int[]) AS t(w, n)"
                " ON CONFLICT (survey_id, question, word)"
                f" DO UPDATE SET texts = {PartialWord._meta.db_table}.texts"
                " + EXCLUDED.texts",
                [survey_id, key, ordered, [freq[w] for w in ordered]],
            )


def fold_open(job: Any = None) -> dict[str, int]:
    """Periodic work (every minute, tongxue/surveys/apps.py): fold every open survey;
    return the responses counted by survey."""
    if connection.vendor != "postgresql":
        return {}
    out = {}
    for pk in Survey.objects.filter(status=SurveyStatus.OPEN).values_list(
        "pk", flat=True
    ):
        n = fold(pk)
        if n:
            out[str(pk)] = n
    return out


def discard(survey: Survey) -> None:
    """Delete the survey's partial tally, texts and keyword counts (the close, once the
    results are counted) and rebuild their tables after the commit (no old row
    version left)."""
    deleted = 0
    for model in (PartialTally, PartialText, PartialWord):
        deleted += model.objects.filter(survey=survey).delete()[0]
    if deleted:
        erasure.rebuild_after_commit(PartialTally, PartialText, PartialWord)


def counted(
    survey: Survey, questions: Sequence[ds.Question]
) -> tuple[Groups, dict[str, list[str]]]:
    """Everything counted of the survey: the partial tally plus the responses not
    folded yet (one statement each); and the open texts of those, by question."""
    sql, meaning = _statement(questions, rows=_TABLE, where=_REST)
    with connection.cursor() as cursor:
        groups, rest, _n = _count(cursor, sql, meaning, [survey.pk])
    for dept, grade, n, counts in PartialTally.objects.filter(
        survey=survey
    ).values_list("department_id", "grade", "responses", "counts"):
        _add(groups, (dept, grade), n, counts)
    return groups, rest


def keyword_groups(
    survey: Survey,
    key: str,
    rest: Sequence[str],
    tokenize: Callable[[str], list[str]],
    *,
    limit: int = KEYWORD_GROUPS,
    examples: int = TEXTS_PER_GROUP,
) -> tuple[ds.KeywordGroup, ...]:
    """:func:`tongxue.domain.surveys.group_texts` of the question's texts in the order
    of their digest — the folded ones (their keywords and counts kept by the fold,
    grouped by one statement) and ``rest``, the texts not folded (as shown) — without
    reading the folded texts but the examples."""
    rest_words = [_words(t, tokenize) for t in rest]
    rest_freq = Counter(w for ws in rest_words for w in ws)
    table = PartialWord._meta.db_table
    with connection.cursor() as cursor:
        # The most frequent folded words and the rest's words: the top is among them.
        cursor.execute(
            f"(SELECT word, texts FROM {table} WHERE survey_id = %s AND question = %s"
            ' ORDER BY texts DESC, word COLLATE "C" LIMIT %s) UNION'
            f" SELECT word, texts FROM {table} WHERE survey_id = %s AND question = %s"
            " AND word = ANY(%s)",
            [survey.pk, key, limit, survey.pk, key, sorted(rest_freq)],
        )
        freq = Counter(dict(cursor.fetchall()))
    freq.update(rest_freq)
    top = [
        w for w, n in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2
    ][:limit]
    count: Counter[int] = Counter()
    firsts: dict[int, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    other = len(top)
    # The folded texts: each in the group of the first top word it contains; the
    # first examples of each group by digest.
    cases = "".join(f" WHEN strpos(words, %s) > 0 THEN {i}" for i in range(len(top)))
    with transaction.atomic(), connection.cursor() as cursor:
        # the examples' sort in memory (some 40 bytes a text), for this statement only
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', '64MB', true)"
        )
        work_mem = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT g, count(*), (array_agg(id ORDER BY digest))[1:%s] FROM ("
            f"SELECT CASE{cases} ELSE {other} END AS g, id, digest"
            f" FROM {PartialText._meta.db_table}"
            " WHERE survey_id = %s AND question = %s) t GROUP BY g"
            if top
            else f"SELECT {other}, count(*), (array_agg(id ORDER BY digest))[1:%s]"
            f" FROM {PartialText._meta.db_table}"
            " WHERE survey_id = %s AND question = %s HAVING count(*) > 0",
            [examples, *(f"{WORD_SEP}{w}{WORD_SEP}" for w in top), survey.pk, key],
        )
        found_groups = cursor.fetchall()
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        picked: dict[Any, int] = {}
        for g, n, ids in found_groups:
            count[g] += n
            for i in ids:
                picked[i] = g
        if picked:
            cursor.execute(
                f"SELECT id, digest, text FROM {PartialText._meta.db_table}"
                " WHERE id = ANY(%s)",
                [list(picked)],
            )
            for i, digest, found in cursor.fetchall():
                firsts[picked[i]].append((digest, found))
    position = {w: i for i, w in enumerate(top)}
    for found, ws in zip(rest, rest_words, strict=True):
        g = next((position[w] for w in top if w in ws), other)
        count[g] += 1
        firsts[g].append((_digest(found), found))
    shown = {g: [t for _d, t in sorted(v)[:examples]] for g, v in firsts.items()}
    out = [
        ds.KeywordGroup(w, count[i], tuple(shown.get(i, ())))
        for i, w in enumerate(top)
        if count[i]
    ]
    out.sort(key=lambda g: (-g.count, g.keyword))
    if count[other]:
        out.append(ds.KeywordGroup(ds.OTHER, count[other], tuple(shown[other])))
    return tuple(out)


def tally_of(
    questions: Sequence[ds.Question], groups: Groups, codes: dict[int, str]
) -> ds.Tally:
    """The :class:`~tongxue.domain.surveys.Tally` of counts by department and grade
    (``codes``: the departments' codes by id), without texts."""
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
    for (dept_id, grade), (n, counts) in groups.items():
        dept = (codes.get(dept_id) if dept_id is not None else None) or None
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
        for q in questions:
            answered = counts.get(f"n:{q.key}", 0)
            if not answered:
                continue
            tally.answered[q.key] += answered
            if q.kind == ds.QuestionKind.SCALE:
                answers: Iterable[str] = (str(p) for p in range(1, ds.SCALE_POINTS + 1))
            else:
                answers = q.option_keys()
            for a in answers:
                c = counts.get(f"is:{q.key}:{a}", 0)
                if c:
                    tally.counts[q.key][a] += c
            if q.kind == ds.QuestionKind.SCALE:
                total = counts.get(f"sum:{q.key}", 0)
                dim = dims.get(q.key)
                for s in sums:
                    s.total[q.key] += total
                    s.n[q.key] += answered
                    if dim is not None:
                        s.total[f"dim:{dim}"] += total
                        s.n[f"dim:{dim}"] += answered
    return tally


def aggregate_sql(
    survey: Survey,
    questions: Sequence[ds.Question],
    *,
    min_group: int,
    tokenize: Callable[[str], list[str]] | None = None,
    public_text: Callable[[str], str] | None = None,
) -> ds.SurveyResults:
    """The survey's results counted by PostgreSQL (the module's docstring): the same as
    :func:`tongxue.domain.surveys.aggregate` over its responses, their open texts in
    the order of their digest. ``public_text`` is applied to each open text not folded
    yet before grouping (as the close does; the fold keeps its texts masked, with the
    keywords of :func:`tongxue.surveys.text.keywords`, the close's ``tokenize``);
    without ``tokenize`` the texts are not grouped."""
    groups, rest = counted(survey, questions)
    codes = dict(
        Organisation.objects.filter(
            pk__in={d for d, _g in groups if d is not None}
        ).values_list("pk", "code")
    )
    results = ds.results_from(
        questions, tally_of(questions, groups, codes), min_group=min_group
    )
    if tokenize is None or not results.shown:
        return results
    keywords = {}
    for q in questions:
        if q.kind != ds.QuestionKind.TEXT:
            continue
        found = [public_text(t) if public_text else t for t in rest.get(q.key, ())]
        grouped = keyword_groups(survey, q.key, found, tokenize)
        if grouped:
            keywords[q.key] = grouped
    return dataclasses.replace(results, keywords=dict(sorted(keywords.items())))
