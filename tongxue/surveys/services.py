"""Write surveys: create from a template, open, answer, remind, close, publish (TRN-2).

TRN-2 · GS-11, CQ-6: students evaluate the union on awareness, participation and
satisfaction (知晓度、参与度、满意度) and the results are public to all students. Every
service is keyword-only and atomic, checks the actor itself (``actor=None`` is a system
command: the demo, a script; managing needs ``Perm.MANAGE`` at the union) and writes an
audit record in the same transaction — except the answer (#18): its participation row
records *that* a student answered, never what, and the close's audit record counts the
responses; a record per answer would queue every answer on the audit log's chain
(docs/surveys.md, docs/audit.md).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog, erasure
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.permissions import Perm, require
from tongxue.domain import surveys as ds
from tongxue.domain.findings import Refusal
from tongxue.domain.lifecycle import SURVEY
from tongxue.domain.profiles import ProfileError
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
)
from tongxue.organisations.profiles import governing_profile
from tongxue.surveys import aggregation, notifying, text, tokens
from tongxue.surveys.models import (
    EligibilityKind,
    Eligible,
    Participation,
    Response,
    Result,
    Survey,
    SurveyStatus,
)

#: The organisations whose students answer surveys: the unions.
UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)


def require_manage(actor: Actor, org: Organisation) -> str:
    """Check that the actor manages ``org``; return the role they act in."""
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def _locked(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=survey.pk)
    )


def min_group_size(org: Organisation) -> int:
    """The profile's smallest group shown (``survey_min_group_size``)."""
    try:
        return governing_profile(org).int(ds.MIN_GROUP)
    except ProfileError:
        raise refuse(
            "incomplete",
            gettext_noop(
                "The profile of {org} has no survey parameters: the survey cannot open."
            ),
            org=org.name,
        ) from None


@transaction.atomic
def create_survey(
    *,
    actor: Actor,
    organisation: Organisation,
    code: str,
    closes_on: date,
    title: str = "",
    template: str = ds.UNION_EVALUATION.code,
) -> Survey:
    """Create a draft survey of a union from a template (the union's evaluation)."""
    role = require_manage(actor, organisation)
    if organisation.kind not in UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop("Only a student union surveys its students."),
            field="code",
        )
    tpl = ds.TEMPLATES.get(template)
    if tpl is None:
        raise refuse("invalid", gettext_noop("Choose a template."), field="template")
    code = code.strip()
    if not code:
        raise refuse("invalid", gettext_noop("A survey needs a code."), field="code")
    if closes_on < timezone.localdate():
        raise refuse(
            "invalid",
            gettext_noop("The last day for answers cannot be in the past."),
            field="closes_on",
        )
    if Survey.objects.filter(organisation=organisation, code=code).exists():
        raise refuse(
            "duplicate",
            gettext_noop("A survey with the code {value} already exists."),
            field="code",
            value=code,
        )
    survey = Survey.objects.create(
        organisation=organisation,
        code=code,
        title=title.strip() or f"{organisation.name} · {code}",
        template=tpl.code,
        evaluation=tpl.evaluation,
        questions=[q.as_dict() for q in tpl.questions],
        closes_on=closes_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="survey.create",
        organisation=organisation.code,
        target=code,
        role=role,
        data={"template": tpl.code, "closes_on": closes_on.isoformat()},
    )
    return survey


def served_students(union: Organisation) -> QuerySet[Person]:
    """The enrolled students a union serves: a department union those of its
    department, a school-level union those of every department of its school."""
    base = union
    if union.kind != OrgKind.DEPARTMENT_UNION and union.parent_id is not None:
        base = Organisation.objects.only("path").get(pk=union.parent_id)
    return Person.objects.filter(
        kind=PersonKind.STUDENT,
        enrolment=Enrolment.ENROLLED,
        department__path__startswith=base.path,
    )


@transaction.atomic
def open_survey(
    *,
    actor: Actor,
    survey: Survey,
    eligibility: str = EligibilityKind.ALL,
    sample_size: int | None = None,
    seed: str = "",
) -> Survey:
    """Open a survey: fix who may answer and the minimum group size, notify them.

    Who may answer: every enrolled student the union serves, or ``sample_size`` of
    them drawn with ``seed`` (a random one when empty; it is published). Each is
    listed with their department and grade on this day.
    """
    given, survey = survey, _locked(survey)
    union = survey.organisation
    role = require_manage(actor, union)
    SURVEY.require(survey.status, SurveyStatus.OPEN)
    minimum = min_group_size(union)
    if survey.closes_on < timezone.localdate():
        raise refuse(
            "invalid",
            gettext_noop("The last day for answers has passed: change it first."),
            field="closes_on",
        )
    if eligibility not in EligibilityKind.values:
        raise refuse(
            "invalid", gettext_noop("Choose who may answer."), field="eligibility"
        )
    seed = seed.strip()
    if eligibility == EligibilityKind.SAMPLE:
        if not sample_size or sample_size < 1:
            raise refuse(
                "invalid",
                gettext_noop("A sample needs a size of at least 1."),
                field="sample_size",
            )
        seed = seed or secrets.token_hex(8)
    else:
        sample_size, seed = None, ""
    chosen = _list_eligible(survey, union, sample_size=sample_size or 0, seed=seed)
    if not chosen:
        raise refuse(
            "empty",
            gettext_noop("{org} serves no enrolled student: nobody could answer."),
            org=union.name,
        )
    transition(
        survey,
        SURVEY,
        SurveyStatus.OPEN,
        actor=actor,
        action="survey.open",
        organisation=union.code,
        role=role,
        subject=survey.code,
        changes={
            "eligibility": eligibility,
            "sample_size": sample_size,
            "seed": seed,
            "min_group_size": minimum,
            "eligible_count": chosen,
            "opened_at": timezone.now(),
        },
        data={
            "eligibility": eligibility,
            "seed": seed,
            "eligible": chosen,
            "min_group_size": minimum,
        },
    )
    forget(survey.pk)
    notifying.opened(survey)
    given.refresh_from_db()
    return survey


#: A sample's order (:func:`_list_eligible`): each student ranked by SHA-256 of
#: ``"seed:ident"`` as bytes (the order of the hex digest), then by identifier —
#: :func:`tongxue.domain.evaluation.draw_sample`'s order. SQLite's ``SHA256`` is Django's
#: (the hex digest).
SAMPLE_ORDER_SQL = {
    "postgresql": (
        "sha256(convert_to(%s || ':' || s.e_ident, 'UTF8')), s.e_ident COLLATE \"C\""
    ),
    "sqlite": "SHA256(%s || ':' || s.e_ident), s.e_ident",
}


def _list_eligible(
    survey: Survey, union: Organisation, *, sample_size: int, seed: str
) -> int:
    """List who may answer the survey — every enrolled student the union serves, or
    ``sample_size`` of them drawn with ``seed`` — with their department and grade, in
    ONE statement (``INSERT … SELECT``, the sample ``ORDER BY`` its rank ``LIMIT`` its
    size): no student read into Python, at 2.5 M students as at 15 (#18). The sample is
    :func:`tongxue.domain.surveys.eligible`'s (tested), so anyone holding the seed and
    the list of students can repeat the draw. Return how many were listed."""
    served = (
        served_students(union)
        .order_by()
        .values(  # named columns of the subquery, on every database
            e_person=F("pk"),
            e_ident=F("ident"),
            e_department=F("department_id"),
            e_grade=F("grade"),
        )
    )
    inner, params = served.query.sql_with_params()
    statement = (
        f"INSERT INTO {Eligible._meta.db_table}"
        " (survey_id, person_id, department_id, grade)"
        f" SELECT %s, s.e_person, s.e_department, s.e_grade FROM ({inner}) s"
    )
    args = [survey.pk, *params]
    if sample_size:
        order = SAMPLE_ORDER_SQL.get(connection.vendor, SAMPLE_ORDER_SQL["sqlite"])
        statement += f" ORDER BY {order} LIMIT %s"
        args += [seed, sample_size]
    with connection.cursor() as cursor:
        cursor.execute(statement, args)
        return int(cursor.rowcount)


#: The answer's refusals and their HTTP status in JSON (the view and the fast path).
ANSWER_STATUS = {
    "invalid": 400,
    "no-token": 403,
    "bad-token": 403,
    "expired-token": 403,
    "forbidden": 403,
    "not-eligible": 403,
    "closed": 409,
    "already-answered": 409,
    "too-large": 413,
}

#: The account's password credential (tongxue.surveys.tokens.credential) in SQL;
#: SQLite's SHA256 is Django's.
CREDENTIAL_SQL = {
    "postgresql": (
        "substr(encode(sha256(convert_to('tongxue.surveys.answer:' || u.password,"
        " 'UTF8')), 'hex'), 1, 32)"
    ),
    "sqlite": "substr(SHA256('tongxue.surveys.answer:' || u.password), 1, 32)",
}

#: When the answer names an account (a token, or the signed-in student): the student
#: must still be that account's person, the account active, its password the one the
#: token was issued for.
_ACCOUNT_SQL = (
    " JOIN organisations_person pe ON pe.id = el.person_id"
    " AND pe.user_id = %(account)s"
    " JOIN auth_user u ON u.id = pe.user_id AND u.is_active"
    " AND {credential} = %(credential)s"
)

#: PostgreSQL: the whole answer in ONE statement, hence one round trip and one
#: transaction in autocommit (TRN-2, #18). It share-locks the survey row while it is
#: open on or before its last day (a close, ``FOR UPDATE``, waits for the answers under
#: way and they for it; an answer after the close finds it closed), reads the student's
#: eligible row (with their department and grade) and the account, then writes the
#: participation and the response, which share nothing but the survey. A second answer
#: of the same student violates ``one_response_per_student``: the statement fails
#: whole, nothing is written. The three counts say which check failed (none written:
#: :func:`_why_not` explains). No audit record per answer (docs/surveys.md).
_ANSWER_SQL_POSTGRESQL = (
    "WITH s AS ("
    " SELECT id FROM surveys_survey"
    " WHERE id = %(survey)s AND status = 'open' AND closes_on >= %(today)s"
    " FOR SHARE"
    "), e AS ("
    " SELECT el.department_id, el.grade FROM s"
    " JOIN surveys_eligible el ON el.survey_id = s.id AND el.person_id = %(person)s"
    "{account}"
    "), p AS ("
    " INSERT INTO surveys_participation (id, survey_id, person_id)"
    " SELECT %(participation)s, %(survey)s, %(person)s FROM e"
    " RETURNING 1"
    "), r AS ("
    " INSERT INTO surveys_response (id, survey_id, department_id, grade, answers)"
    " SELECT %(response)s, %(survey)s, e.department_id, e.grade, %(answers)s::jsonb"
    " FROM e, p RETURNING 1"
    ") SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM e),"
    " (SELECT count(*) FROM r)"
)
ANSWER_SQL_POSTGRESQL = _ANSWER_SQL_POSTGRESQL.format(
    account=_ACCOUNT_SQL.format(credential=CREDENTIAL_SQL["postgresql"])
)
#: Without an account to check: a system command (``actor=None``: the demo).
ANSWER_SQL_POSTGRESQL_SYSTEM = _ANSWER_SQL_POSTGRESQL.format(account="")

#: Elsewhere (SQLite), the same checks in two statements of one transaction: the
#: participation written only if they pass, then the response from the eligible row.
_PARTICIPATE_SQL_PORTABLE = (
    "INSERT INTO surveys_participation (id, survey_id, person_id)"
    " SELECT %(participation)s, s.id, el.person_id FROM surveys_survey s"
    " JOIN surveys_eligible el ON el.survey_id = s.id AND el.person_id = %(person)s"
    "{account}"
    " WHERE s.id = %(survey)s AND s.status = 'open' AND s.closes_on >= %(today)s"
)
_RESPOND_SQL_PORTABLE = (
    "INSERT INTO surveys_response (id, survey_id, department_id, grade, answers)"
    " SELECT %(response)s, survey_id, department_id, grade, %(answers)s"
    " FROM surveys_eligible WHERE survey_id = %(survey)s AND person_id = %(person)s"
)

#: How long a process trusts the questions it read of an open survey (seconds). The
#: questions of an open survey never change (a survey keeps the copy made when it was
#: created); whether it is still open is checked by the answer's statement every time,
#: and a refusal forgets the survey at once.
QUESTIONS_TTL = 60.0


@dataclass(frozen=True, slots=True)
class OpenSurvey:
    """What an answer needs of an open survey, kept per process (:func:`open_survey_for`)."""

    pk: int
    questions: tuple[ds.Question, ...]
    closes_on: date
    read_at: float


_open_surveys: dict[int, OpenSurvey] = {}


def forget(survey_id: int) -> None:
    """Drop a survey from this process's cache (its status changed, or an answer was
    refused by the statement)."""
    _open_surveys.pop(survey_id, None)


def _closed(closes_on: date | None) -> Refusal:
    if closes_on is not None:
        return refuse("closed", gettext_noop("The last day for answers has passed."))
    return refuse("closed", gettext_noop("This survey is not open for answers."))


def open_survey_for(survey_id: int) -> OpenSurvey:
    """The survey's questions if it is open on or before its last day, or refuse
    ``closed`` (one query the first time a process meets it, none after)."""
    now = time.monotonic()
    known = _open_surveys.get(survey_id)
    if known is None or now - known.read_at > QUESTIONS_TTL:
        row = (
            Survey.objects.filter(pk=survey_id)
            .values_list("status", "closes_on", "questions")
            .first()
        )
        if row is None or row[0] != SurveyStatus.OPEN:
            forget(survey_id)
            raise _closed(None)
        known = OpenSurvey(survey_id, ds.questions_from(row[2]), row[1], now)
        if len(_open_surveys) >= 256:
            _open_surveys.clear()
        _open_surveys[survey_id] = known
    if timezone.localdate() > known.closes_on:
        raise _closed(known.closes_on)
    return known


def _why_not(
    survey_id: int, person_id: int, account: int | None, credential: str | None
) -> Refusal:
    """Explain why the answer's statement wrote nothing (rare: read then)."""
    row = Survey.objects.filter(pk=survey_id).values_list("status", "closes_on").first()
    if row is None or row[0] != SurveyStatus.OPEN:
        return _closed(None)
    if timezone.localdate() > row[1]:
        return _closed(row[1])
    if account is not None:
        user = (
            Person.objects.filter(pk=person_id)
            .values_list("user_id", "user__is_active", "user__password")
            .first()
        )
        if user is None or user[0] != account:
            return tokens_stale()
        if not user[1]:
            return refuse(
                "forbidden", gettext_noop("This account is not active: sign in again.")
            )
        if tokens.credential(user[2] or "") != credential:
            return refuse(
                "expired-token",
                gettext_noop(
                    "Your password was changed after the answer page was opened: "
                    "reload it (signing in again if asked) and answer again."
                ),
            )
    if not Eligible.objects.filter(survey_id=survey_id, person_id=person_id).exists():
        return refuse(
            "not-eligible",
            gettext_noop("You are not among the students asked in this survey."),
        )
    if Participation.objects.filter(survey_id=survey_id, person_id=person_id).exists():
        return refuse(
            "already-answered", gettext_noop("You have already answered this survey.")
        )
    return _closed(None)


def tokens_stale() -> Refusal:
    return refuse(
        "expired-token",
        gettext_noop(
            "Your answer page has expired: reload the survey's page and answer again."
        ),
    )


def _answer_cursor(db: Any) -> Any:
    """The answer's server-side-binding cursor of this connection, kept (as the cast's:
    tongxue.voting.services.casting)."""
    import psycopg

    cursor = getattr(db, "_tongxue_answer_cursor", None)
    if cursor is None or cursor.closed or cursor.connection is not db.connection:
        cursor = psycopg.Cursor(db.connection)
        db._tongxue_answer_cursor = cursor
    return cursor


def _record_postgresql(db: Any, sql: str, params: dict[str, Any]) -> bool:
    if db.in_atomic_block:
        # Inside a caller's transaction: a savepoint keeps it usable after a refusal.
        with transaction.atomic(using=db.alias), db.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    elif getattr(settings, "TONGXUE_PREPARED_CAST", False):
        # Autocommit: the statement is its own transaction, prepared once per
        # connection (Django binds on the client and never prepares).
        db.ensure_connection()
        with db.wrap_database_errors:
            cursor = _answer_cursor(db)
            cursor.execute(sql, params, prepare=True)
            row = cursor.fetchone()
    else:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return bool(row) and row[2] == 1


def _record_portable(db: Any, account: bool, params: dict[str, Any]) -> bool:
    participate = _PARTICIPATE_SQL_PORTABLE.format(
        account=_ACCOUNT_SQL.format(credential=CREDENTIAL_SQL["sqlite"])
        if account
        else ""
    )
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        cursor.execute(participate, params)
        if cursor.rowcount != 1:
            return False
        cursor.execute(_RESPOND_SQL_PORTABLE, params)
    return True


def record_answer(
    *,
    survey_id: int,
    person_id: int,
    answers: Mapping[str, Any],
    account: int | None,
    credential: str | None,
    db: Any = None,
) -> None:
    """Record one student's answers, anonymously, once (TRN-2): the one rule of the
    answer service and of the JSON fast path (:mod:`tongxue.surveys.fastpath`).

    ``account`` and ``credential``: the account that answers and the credential of its
    password (a token's, or the signed-in user's); ``None`` for a system command. The
    answers are checked by :func:`tongxue.domain.surveys.clean_answers` against the
    survey's questions (kept per process: :func:`open_survey_for`); the survey being
    open on or before its last day, the student being asked, the account and one
    response per student are checked by the statement that writes. Refusals:
    ``closed``, ``invalid`` (naming the question), ``not-eligible``,
    ``already-answered``, ``expired-token``, ``forbidden`` (an inactive account).
    """
    db = connection if db is None else db
    survey = open_survey_for(survey_id)
    clean = ds.clean_answers(survey.questions, answers)
    params = {
        "survey": survey_id,
        "person": person_id,
        "account": account,
        "credential": credential,
        "today": timezone.localdate(),
        "answers": json.dumps(clean, ensure_ascii=False),
    }
    try:
        if db.vendor == "postgresql":
            params["participation"] = uuid.uuid4()
            params["response"] = uuid.uuid4()
            sql = (
                ANSWER_SQL_POSTGRESQL
                if account is not None
                else ANSWER_SQL_POSTGRESQL_SYSTEM
            )
            written = _record_postgresql(db, sql, params)
        else:
            params["participation"] = uuid.uuid4().hex
            params["response"] = uuid.uuid4().hex
            written = _record_portable(db, account is not None, params)
    except IntegrityError:
        raise refuse(
            "already-answered", gettext_noop("You have already answered this survey.")
        ) from None
    if not written:
        forget(survey_id)
        raise _why_not(survey_id, person_id, account, credential)


def answer(
    *,
    actor: Actor,
    survey: Survey,
    person: Person,
    answers: Mapping[str, Any],
) -> None:
    """Record one student's answers, anonymously, once.

    Writes two unlinked rows in one transaction: a ``Participation`` (the database
    refuses a second one for the same student, even from two requests at once) and a
    ``Response`` with the answers and the student's department and grade
    (:func:`record_answer`). No audit record: the participation is the record that the
    student answered, and the close's audit record counts the responses
    (docs/surveys.md, docs/audit.md).
    """
    if actor is not None and (
        not getattr(actor, "is_authenticated", False)
        or getattr(actor, "pk", None) != person.user_id
    ):
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=survey.title,
        )
    record_answer(
        survey_id=survey.pk,
        person_id=person.pk,
        answers=answers,
        account=actor.pk if actor is not None else None,
        credential=tokens.credential(getattr(actor, "password", "") or "")
        if actor is not None
        else None,
    )


@transaction.atomic
def remind(*, actor: Actor, survey: Survey) -> int:
    """Remind the eligible students who have not answered (once a day at most)."""
    survey = Survey.objects.select_related("organisation").get(pk=survey.pk)
    role = require_manage(actor, survey.organisation)
    if survey.status != SurveyStatus.OPEN:
        raise refuse("closed", gettext_noop("This survey is not open for answers."))
    sent = notifying.remind(survey)
    auditlog.record(
        actor=actor,
        action="survey.remind",
        organisation=survey.organisation.code,
        target=survey.code,
        role=role,
        data={"reminded": sent},
    )
    return sent


@transaction.atomic
def close_survey(*, actor: Actor, survey: Survey, publish: bool = True) -> Survey:
    """Close a survey: aggregate, rewrite the responses, publish (unless held back).

    The results (:func:`tongxue.domain.surveys.aggregate`, texts grouped by keyword
    and masked) are stored in ``Result``. The responses are then rewritten in a
    random order with new keys, the department (grade) of a group smaller than the
    minimum blanked; the participations sorted by student with new keys. On
    PostgreSQL both tables are rebuilt after the commit so that no old row version
    keeps the order of the answers (``tongxue.core.erasure``).
    """
    given, survey = survey, _locked(survey)
    union = survey.organisation
    role = require_manage(actor, union)
    SURVEY.require(survey.status, SurveyStatus.CLOSED)
    questions = ds.questions_from(survey.questions)
    minimum = survey.min_group_size or min_group_size(union)
    # PostgreSQL counts the responses itself (aggregate_results): none read here
    rows = (
        []
        if connection.vendor == "postgresql"
        else list(
            Response.objects.filter(survey=survey).values_list(
                "department_id", "grade", "answers"
            )
        )
    )
    codes = dict(
        Organisation.objects.filter(
            pk__in={d for d, _g, _a in rows if d is not None}
        ).values_list("pk", "code")
    )
    results = aggregate_results(survey, questions, rows, codes, minimum)
    Result.objects.create(
        survey=survey,
        responses=results.responses,
        eligible=survey.eligible_count,
        data=results.as_dict(),
    )
    aggregation.discard(survey)  # its partial tally, counted in the results
    _reshuffle(survey, minimum)
    forget(survey.pk)
    now = timezone.now()
    transition(
        survey,
        SURVEY,
        SurveyStatus.CLOSED,
        actor=actor,
        action="survey.close",
        organisation=union.code,
        role=role,
        subject=survey.code,
        changes={"closed_at": now, "published_at": now if publish else None},
        # The audit's record of the answers: how many there were at the close (no
        # record per answer: the participations say who answered, docs/surveys.md).
        data={
            "responses": results.responses,
            "eligible": survey.eligible_count,
            "published": publish,
        },
    )
    if publish:
        notifying.published(survey)
    given.refresh_from_db()
    return survey


def aggregate_results(
    survey: Survey,
    questions: tuple[ds.Question, ...],
    rows: list[tuple[int | None, int | None, Any]],
    codes: Mapping[int, str],
    minimum: int,
) -> ds.SurveyResults:
    """The survey's results: counted by PostgreSQL (its partial tally, folded while it
    was open, and one statement for the rest: :mod:`tongxue.surveys.aggregation`, the
    same results), elsewhere in Python over ``rows``
    (:func:`tongxue.domain.surveys.aggregate`)."""
    if connection.vendor == "postgresql":
        return aggregation.aggregate_sql(
            survey,
            questions,
            min_group=minimum,
            tokenize=text.keywords,
            public_text=text.public_text,
        )
    texts = {q.key for q in questions if q.kind == ds.QuestionKind.TEXT}
    return ds.aggregate(
        questions,
        (
            ds.Response(
                codes.get(d) if d is not None else None,
                g,
                {k: text.public_text(v) if k in texts else v for k, v in a.items()},
            )
            for d, g, a in rows
        ),
        min_group=minimum,
        tokenize=text.keywords,
    )


#: The close's rewrite of a survey's responses on PostgreSQL (:func:`_reshuffle`): ONE
#: statement. The old rows are deleted (``DELETE … RETURNING`` what they say), the
#: departments and grades with at least the minimum of responses counted from them, and
#: they are inserted back with new random keys (``gen_random_uuid()``: the server's
#: strong random source) in the order of those keys, the department (grade) of a group
#: smaller than the minimum blanked, counted (``tallied``).
RESHUFFLE_RESPONSES_POSTGRESQL = """
WITH old AS (
  DELETE FROM surveys_response WHERE survey_id = %(survey)s
  RETURNING department_id, grade, answers
), departments AS (
  SELECT department_id FROM old WHERE department_id IS NOT NULL
  GROUP BY department_id HAVING count(*) >= %(minimum)s
), grades AS (
  SELECT grade FROM old WHERE grade IS NOT NULL
  GROUP BY grade HAVING count(*) >= %(minimum)s
)
INSERT INTO surveys_response (id, survey_id, department_id, grade, answers, tallied)
SELECT gen_random_uuid() AS new_id, %(survey)s, d.department_id, g.grade, old.answers,
  true
FROM old
LEFT JOIN departments d ON d.department_id = old.department_id
LEFT JOIN grades g ON g.grade = old.grade
ORDER BY new_id
"""
#: … and its participations: new random keys, sorted by student.
RESHUFFLE_PARTICIPATIONS_POSTGRESQL = """
WITH old AS (
  DELETE FROM surveys_participation WHERE survey_id = %(survey)s RETURNING person_id
)
INSERT INTO surveys_participation (id, survey_id, person_id)
SELECT gen_random_uuid(), %(survey)s, person_id FROM old ORDER BY person_id
"""
#: Elsewhere (SQLite: tests, the demo) the same in four statements: the new rows into
#: a temporary table (new keys: 16 random bytes in hex, as Django stores a UUID there;
#: SQLite's ``randomblob`` is its strong random source), the old deleted, the new
#: inserted in the order of their keys (participations: of the students).
RESHUFFLE_PORTABLE = (
    (
        "CREATE TEMPORARY TABLE surveys_reshuffle AS"
        " SELECT lower(hex(randomblob(16))) AS id, r.survey_id, d.department_id,"
        " g.grade, r.answers"
        " FROM surveys_response r"
        " LEFT JOIN (SELECT department_id FROM surveys_response"
        "  WHERE survey_id = %(survey)s AND department_id IS NOT NULL"
        "  GROUP BY department_id HAVING count(*) >= %(minimum)s) d"
        "  ON d.department_id = r.department_id"
        " LEFT JOIN (SELECT grade FROM surveys_response"
        "  WHERE survey_id = %(survey)s AND grade IS NOT NULL"
        "  GROUP BY grade HAVING count(*) >= %(minimum)s) g ON g.grade = r.grade"
        " WHERE r.survey_id = %(survey)s"
    ),
    "DELETE FROM surveys_response WHERE survey_id = %(survey)s",
    (
        "INSERT INTO surveys_response (id, survey_id, department_id, grade, answers,"
        " tallied) SELECT id, survey_id, department_id, grade, answers, 1"
        " FROM surveys_reshuffle ORDER BY id"
    ),
    "DROP TABLE surveys_reshuffle",
    (
        "CREATE TEMPORARY TABLE surveys_reshuffle AS SELECT person_id"
        " FROM surveys_participation WHERE survey_id = %(survey)s"
    ),
    "DELETE FROM surveys_participation WHERE survey_id = %(survey)s",
    (
        "INSERT INTO surveys_participation (id, survey_id, person_id)"
        " SELECT lower(hex(randomblob(16))), %(survey)s, person_id"
        " FROM surveys_reshuffle ORDER BY person_id"
    ),
    "DROP TABLE surveys_reshuffle",
)


def _reshuffle(survey: Survey, minimum: int) -> None:
    """Rewrite the survey's responses and participations (see :func:`close_survey`).

    Each response was written in the same transaction as its participation, so on
    PostgreSQL both carry that transaction's id and lie in the table in the order of
    the answers. Rewritten here in the close's transaction, the responses in a random
    order (that of their new random keys), every row carries the close's transaction
    id. A department or grade with fewer than ``minimum`` responses is blanked on its
    rows, so that its few students' answers cannot be picked out, not even by someone
    reading the database. In SQL, no response read into Python (#18): two statements
    on PostgreSQL (:data:`RESHUFFLE_RESPONSES_POSTGRESQL`,
    :data:`RESHUFFLE_PARTICIPATIONS_POSTGRESQL`), eight elsewhere
    (:data:`RESHUFFLE_PORTABLE`).
    """
    params = {"survey": survey.pk, "minimum": minimum}
    statements: tuple[str, ...] = (
        (RESHUFFLE_RESPONSES_POSTGRESQL, RESHUFFLE_PARTICIPATIONS_POSTGRESQL)
        if connection.vendor == "postgresql"
        else RESHUFFLE_PORTABLE
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
    erasure.rebuild_after_commit(Response, Participation)


@transaction.atomic
def publish_results(*, actor: Actor, survey: Survey) -> Survey:
    """Publish the results of a survey closed without publishing them."""
    given, survey = survey, _locked(survey)
    role = require_manage(actor, survey.organisation)
    if survey.status != SurveyStatus.CLOSED or survey.published_at is not None:
        raise refuse(
            "invalid-transition",
            gettext_noop(
                "Only the results of a closed survey not yet public can be published."
            ),
        )
    survey.published_at = timezone.now()
    survey.save(update_fields=["published_at"])
    auditlog.record(
        actor=actor,
        action="survey.publish",
        organisation=survey.organisation.code,
        target=survey.code,
        role=role,
    )
    notifying.published(survey)
    given.refresh_from_db()
    return survey
