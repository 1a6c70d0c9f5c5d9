"""Write surveys: create from a template, open, answer, remind, close, publish (TRN-2).

TRN-2 · GS-11, CQ-6: students evaluate the union on awareness, participation and
satisfaction (知晓度、参与度、满意度) and the results are public to all students. Every
service is keyword-only and atomic, checks the actor itself (``actor=None`` is a system
command: the demo, a script; managing needs ``Perm.MANAGE`` at the union) and writes an
audit record in the same transaction. The answer service records *that* a student
answered, never what.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog, erasure
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.permissions import Perm, require
from tongxue.domain import surveys as ds
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
from tongxue.surveys import notifying, text
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
#: Rows per INSERT when opening and closing.
BATCH = 5000


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
    students = {
        ident: (pk, dept, grade)
        for pk, ident, dept, grade in served_students(union)
        .order_by()
        .values_list("pk", "ident", "department_id", "grade")
    }
    chosen = ds.eligible(
        students, eligibility=eligibility, sample_size=sample_size or 0, seed=seed
    )
    if not chosen:
        raise refuse(
            "empty",
            gettext_noop("{org} serves no enrolled student: nobody could answer."),
            org=union.name,
        )
    Eligible.objects.bulk_create(
        [
            Eligible(
                survey=survey,
                person_id=students[i][0],
                department_id=students[i][1],
                grade=students[i][2],
            )
            for i in chosen
        ],
        batch_size=BATCH,
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
            "eligible_count": len(chosen),
            "opened_at": timezone.now(),
        },
        data={
            "eligibility": eligibility,
            "seed": seed,
            "eligible": len(chosen),
            "min_group_size": minimum,
        },
    )
    notifying.opened(survey)
    given.refresh_from_db()
    return survey


def _share_lock(survey: Survey) -> Survey:
    """Re-read the survey under a share lock: answers run side by side, the close
    (``FOR UPDATE``) waits for those under way and they for it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {Survey._meta.db_table} WHERE id = %s FOR SHARE",
                [survey.pk],
            )
    return Survey.objects.select_related("organisation").get(pk=survey.pk)


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
    ``Response`` with the answers and the student's department and grade. The audit
    log records that the student answered the survey, not what.
    """
    with transaction.atomic():
        if actor is not None and getattr(actor, "pk", None) != person.user_id:
            raise refuse(
                "forbidden",
                gettext_noop("You are not allowed to change {target}."),
                target=survey.title,
            )
        current = _share_lock(survey)
        if current.status != SurveyStatus.OPEN:
            raise refuse("closed", gettext_noop("This survey is not open for answers."))
        if timezone.localdate() > current.closes_on:
            raise refuse("closed", gettext_noop("The last day for answers has passed."))
        group = (
            Eligible.objects.filter(survey=current, person=person)
            .values_list("department_id", "grade")
            .first()
        )
        if group is None:
            raise refuse(
                "not-eligible",
                gettext_noop("You are not among the students asked in this survey."),
            )
        clean = ds.clean_answers(ds.questions_from(current.questions), answers)
        try:
            with transaction.atomic():
                Participation.objects.create(survey=current, person=person)
        except IntegrityError:
            raise refuse(
                "already-answered",
                gettext_noop("You have already answered this survey."),
            ) from None
        Response.objects.create(
            survey=current, department_id=group[0], grade=group[1], answers=clean
        )
        auditlog.record(
            actor=actor,
            action="survey.answer",
            organisation=current.organisation.code,
            target=current.code,
            role="student",
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
    rows = list(
        Response.objects.filter(survey=survey).values_list(
            "department_id", "grade", "answers"
        )
    )
    codes = dict(
        Organisation.objects.filter(
            pk__in={d for d, _g, _a in rows if d is not None}
        ).values_list("pk", "code")
    )
    texts = {q.key for q in questions if q.kind == ds.QuestionKind.TEXT}
    results = ds.aggregate(
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
    Result.objects.create(
        survey=survey,
        responses=results.responses,
        eligible=survey.eligible_count,
        data=results.as_dict(),
    )
    _reshuffle(survey, rows, minimum)
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


def _reshuffle(
    survey: Survey, rows: list[tuple[int | None, int | None, Any]], minimum: int
) -> None:
    """Rewrite the survey's responses and participations (see :func:`close_survey`).

    Each response was written in the same transaction as its participation, so on
    PostgreSQL both carry that transaction's id and lie in the table in the order of
    the answers. Rewritten here in the close's transaction, the responses in a random
    order with new random ids, every row carries the close's transaction id. A
    department or grade with fewer than ``minimum`` responses is blanked on its rows,
    so that its few students' answers cannot be picked out, not even by someone
    reading the database.
    """
    departments = Counter(d for d, _g, _a in rows if d is not None)
    grades = Counter(g for _d, g, _a in rows if g is not None)
    kept = [
        (
            d if d is not None and departments[d] >= minimum else None,
            g if g is not None and grades[g] >= minimum else None,
            a,
        )
        for d, g, a in rows
    ]
    Response.objects.filter(survey=survey).delete()
    random.SystemRandom().shuffle(kept)
    Response.objects.bulk_create(
        [
            Response(
                id=uuid.uuid4(), survey=survey, department_id=d, grade=g, answers=a
            )
            for d, g, a in kept
        ],
        batch_size=BATCH,
    )
    participations = Participation.objects.filter(survey=survey)
    people = sorted(participations.values_list("person_id", flat=True))
    participations.delete()
    Participation.objects.bulk_create(
        [Participation(id=uuid.uuid4(), survey=survey, person_id=p) for p in people],
        batch_size=BATCH,
    )
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
