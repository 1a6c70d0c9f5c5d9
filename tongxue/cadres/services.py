"""Write cadre records: open selection, training, exit cases, the contact relay.

Every service is keyword-only and atomic, checks the actor's permission
(``actor=None`` is a system command and is allowed), moves an object only along its
lifecycle (:data:`tongxue.domain.lifecycle.SELECTION`, :data:`~tongxue.domain.lifecycle.
EXIT_CASE`; one service per transition) and writes an audit record in the same
transaction.

* Open selection — CAD-1, CAD-7 · GS-12, GS-13, CQ-7, CQ-8; ELE-3, ELE-4 · GS-8, GS-12,
  CQ-3, CQ-7: posts other than a union's presidium (which its congress elects, ELE-1,
  ELE-3) are selected openly; the criteria are the governing profile's ``cadre_criteria`` (work style
  among them), each application is assessed against each by a named assessor with
  evidence, the shortlist and the decision are announced (公示) for the profile's notice
  period with objections, and the post is filled through
  :func:`tongxue.organisations.services.appoint` (its guards apply) only when the
  decision's notice takes effect. Nothing is decided automatically.
* Training — CAD-6 · GS-12, CQ-7: courses of school-level and department unions,
  sessions and attendance.
* Exit — CAD-5 · GS-12, CQ-7: a case on a ground, notice to the cadre, the cadre's
  statement, a decision (劝退, 免职, or 罢免 by a counted vote of the electing body), its
  publication and the profile's appeal window; the post is ended through
  :func:`tongxue.organisations.services.end_position`.
* Relay — CAD-2 · GS-12, CQ-7: signed-in students write to a cadre without the cadre
  publishing a private contact; the sender is shown to the cadre only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    Application,
    Assessment,
    Attendance,
    Course,
    Criterion,
    ExitCase,
    ExitGround,
    ExitState,
    Measure,
    RelayMessage,
    Selection,
    SelectionState,
    TrainingSession,
    Verdict,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, has_perm, require
from tongxue.domain.findings import Message
from tongxue.domain.guards import cite
from tongxue.domain.lifecycle import EXIT_CASE, SELECTION, Lifecycle
from tongxue.domain.profiles import Profile
from tongxue.organisations import services as registry
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
)
from tongxue.publicity.text import phrase

#: Profile parameters used here.
CRITERIA_PARAMETER = "cadre_criteria"  # CAD-1
APPEAL_PARAMETER = "exit_appeal_days"  # CAD-5
RECALL_PARAMETER = "recall_threshold"  # CAD-5

UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)
#: Posts a union's congress elects (ELE-1, ELE-3 · GS-8, CQ-3): never selected openly.
ELECTED_ROLES = (Role.PRESIDENT, Role.VICE_PRESIDENT)
SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
MAX_TEXT = 5000
RELAY_MAX_TEXT = 2000
#: A run of seven or more digits (separators allowed) looks like a phone number.
_PHONE = re.compile(r"(?:\d[\s\-()+.]*){7,}")

SELECTION_SUBJECT = "cadres.selection"
EXIT_SUBJECT = "cadres.exitcase"


# -- helpers ---------------------------------------------------------------------------


def _today(today: date | None = None) -> date:
    return today or timezone.localdate()


def _now() -> Any:
    return timezone.now()


def profile_for(org: Organisation) -> Profile:
    from tongxue.congresses.services import governing_profile

    return governing_profile(org)


def _move(lifecycle: Lifecycle, obj: Any, target: str) -> str:
    """Refuse unless ``obj.state`` may move to ``target``; return the old state."""
    refusal = lifecycle.refusal(obj.state, target)
    if refusal is not None:
        raise refusal
    old: str = obj.state
    obj.state = target
    return old


def _text(field: str, value: str, *, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def _manage(actor: Actor, org: Organisation) -> str:
    return require(actor, Perm.MANAGE, org.path, target=org.name)


check_manage = _manage


def _ancestors(org: Organisation) -> dict[str, Organisation]:
    codes = [c for c in org.path.split("/") if c]
    return {o.code: o for o in Organisation.objects.filter(code__in=codes)}


def union_of(org: Organisation) -> Organisation | None:
    """Return the nearest union at or above ``org`` (the union a post belongs to)."""
    found = _ancestors(org)
    for code in reversed([c for c in org.path.split("/") if c]):
        o = found.get(code)
        if o is not None and o.kind in UNION_KINDS:
            return o
    return None


def served_path(union: Organisation) -> str:
    """Return the path prefix of the students a union serves.

    A school-level union serves its whole school (department unions may sit beside it
    under the school); a department union serves its own subtree.
    """
    if union.kind in SCHOOL_LEVEL and union.parent_id is not None:
        parent = Organisation.objects.only("path", "kind").get(pk=union.parent_id)
        if parent.kind == OrgKind.SCHOOL:
            return parent.path
    return union.path


def person_of(actor: Actor) -> Person | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.filter(user=actor).select_related("department").first()


def _is_served(person: Person, prefix: str) -> bool:
    paths = Organisation.objects.filter(
        pk__in=[p for p in (person.department_id, person.class_unit_id) if p]
    ).values_list("path", flat=True)
    return any(p.startswith(prefix) for p in paths)


def _position_active(position: Position, day: date) -> bool:
    return position.start <= day and (position.end is None or position.end >= day)


def _notice(subject: str, obj_id: int, kind: str) -> Any:
    from tongxue.publicity.selectors import notice_for

    return notice_for(subject, obj_id, kind)


def _takes_effect(notice: Any, today: date) -> bool:
    from tongxue.publicity.selectors import takes_effect

    return bool(takes_effect(notice, today))


#: The measures' names in a notice (the same words as ``Measure``'s labels), read in
#: each reader's language.
MEASURE_PHRASES = {
    Measure.ADVISE_RESIGN: gettext_noop("Advised to resign (劝退)"),
    Measure.DISMISS: gettext_noop("Dismissal (免职)"),
    Measure.RECALL: gettext_noop("Recall (罢免)"),
}


def _publish(**kwargs: Any) -> Any:
    from tongxue.publicity.services import publish_notice

    return publish_notice(**kwargs)


# -- open selection (CAD-1, CAD-7, ELE-3, ELE-4) ----------------------------------------


@transaction.atomic
def advertise(
    *,
    actor: Actor,
    organisation: Organisation,
    role: str,
    title: str,
    term_start: date,
    closes: date,
    term_end: date | None = None,
    description: str = "",
    required_course: Course | None = None,
    public_contact: str = "",
    today: date | None = None,
) -> Selection:
    """Advertise a post of a union (or one of its departments) to the students it serves.

    The criteria are the governing profile's ``cadre_criteria`` (CAD-1, CAD-7 ·
    GS-12, GS-13, CQ-7, CQ-8), plus completed training when a course is required
    (CAD-6).
    """
    org = organisation
    acting = _manage(actor, org)
    union = union_of(org)
    if union is None:
        raise refuse(
            "not-a-union",
            gettext_noop("Only a union or one of its departments advertises posts."),
        )
    if role not in Role.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="role",
            value=role,
        )
    if role in ELECTED_ROLES:
        rid = "ELE-1" if union.kind in SCHOOL_LEVEL else "ELE-3"
        raise Refusal(
            "elected-post",
            Message(
                gettext_noop(
                    "The presidium of {org} is elected by its congress, not selected "
                    "openly: hold an election for this post."
                ),
                {"org": union.name},
            ),
            requirement=rid,
            clauses=cite(profile_for(union), rid),
            field="role",
        )
    title = _text("title", title, limit=100)
    day = _today(today)
    if closes < day:
        raise refuse(
            "invalid",
            gettext_noop("Applications cannot close in the past."),
            field="closes",
        )
    if term_start < closes:
        raise refuse(
            "invalid",
            gettext_noop("The term cannot start before applications close."),
            field="term_start",
        )
    if term_end is not None and term_end < term_start:
        raise refuse(
            "invalid",
            gettext_noop("The end date cannot be before the start date."),
            field="term_end",
        )
    profile = profile_for(org)
    public_contact = (public_contact or "").strip()[:200]
    if looks_like_phone(public_contact):
        raise _phone_refusal()
    main = (
        profile.strings("main_cadre_roles") if profile.has("main_cadre_roles") else ()
    )
    if role in main and not public_contact:
        raise refuse(
            "contact-required",
            gettext_noop(
                "A main cadre's post is published with an official contact address "
                "(CAD-2); give the address the holder will use."
            ),
            field="public_contact",
        )
    criteria = list(profile.strings(CRITERIA_PARAMETER))
    if required_course is not None:
        criteria.append(Criterion.TRAINING.value)
    selection = Selection.objects.create(
        organisation=org,
        role=role,
        title=title,
        description=(description or "").strip(),
        term_start=term_start,
        term_end=term_end,
        closes=closes,
        criteria=criteria,
        required_course=required_course,
        public_contact=public_contact,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="cadres.selection.advertise",
        organisation=org.code,
        target=title,
        role=acting,
        data={
            "selection": selection.pk,
            "role": role,
            "closes": closes.isoformat(),
            "term_start": term_start.isoformat(),
            "criteria": criteria,
        },
    )
    return selection


@transaction.atomic
def apply(
    *, actor: Actor, selection: Selection, statement: str, today: date | None = None
) -> Application:
    """Apply to an advertised post: signed in, served by the union, before it closes."""
    person = person_of(actor)
    if person is None:
        raise refuse(
            "forbidden",
            gettext_noop("Sign in with a student account linked to your record."),
        )
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    day = _today(today)
    if selection.state != SelectionState.ADVERTISED or day > selection.closes:
        raise refuse(
            "closed",
            gettext_noop("Applications to this post closed on {closes}."),
            closes=selection.closes.isoformat(),
        )
    if person.enrolment != Enrolment.ENROLLED:
        raise refuse(
            "ineligible",
            gettext_noop("Only enrolled students can apply."),
        )
    union = union_of(selection.organisation)
    if union is None or not _is_served(person, served_path(union)):
        raise refuse(
            "not-served",
            gettext_noop("This post is open to the students {union} serves."),
            union=union.name if union else selection.organisation.name,
        )
    if Application.objects.filter(selection=selection, person=person).exists():
        raise refuse(
            "duplicate",
            gettext_noop("You have already applied to this post."),
        )
    application = Application.objects.create(
        selection=selection,
        person=person,
        statement=_text("statement", statement),
    )
    auditlog.record(
        actor=actor,
        action="cadres.application.submit",
        organisation=selection.organisation.code,
        target=person.ident,
        role="applicant",
        data={"selection": selection.pk, "application": application.pk},
    )
    return application


@transaction.atomic
def start_assessment(
    *, actor: Actor, selection: Selection, today: date | None = None
) -> Selection:
    """Close applications and start assessing them (advertised → assessing)."""
    acting = _manage(actor, selection.organisation)
    day = _today(today)
    if selection.state == SelectionState.ADVERTISED and day <= selection.closes:
        raise refuse(
            "still-open",
            gettext_noop("Applications are open until {closes}."),
            closes=selection.closes.isoformat(),
        )
    old = _move(SELECTION, selection, SelectionState.ASSESSING)
    selection.assessing_at = _now()
    selection.save(update_fields=["state", "assessing_at"])
    _log_transition(actor, acting, selection, old)
    return selection


def _log_transition(actor: Actor, acting: str, selection: Selection, old: str) -> None:
    auditlog.record(
        actor=actor,
        action=f"cadres.selection.{selection.state}",
        organisation=selection.organisation.code,
        target=selection.title,
        role=acting,
        data={"selection": selection.pk, "from": old, "to": selection.state},
    )


@transaction.atomic
def assess(
    *,
    actor: Actor,
    application: Application,
    criterion: str,
    verdict: str,
    evidence: str,
) -> Assessment:
    """Record one assessor's assessment of an application against one criterion (CAD-1).

    The assessor names the evidence (grades, discipline record, training, evaluation
    results); one assessment per assessor and criterion, a later one replaces it.
    """
    selection = Selection.objects.select_related("organisation").get(
        pk=application.selection_id
    )
    application.selection = selection
    acting = _manage(actor, selection.organisation)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("An assessment needs a named assessor."))
    if selection.state != SelectionState.ASSESSING:
        raise refuse(
            "not-assessing",
            gettext_noop(
                "Applications are assessed only while the selection is open "
                "for assessment."
            ),
        )
    if criterion not in selection.criteria:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a criterion of this post."),
            field="criterion",
            value=criterion,
        )
    if verdict not in Verdict.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="verdict",
            value=verdict,
        )
    evidence = _text("evidence", evidence)
    assessment, created = Assessment.objects.update_or_create(
        application=application,
        criterion=criterion,
        assessor=actor,
        defaults={"verdict": verdict, "evidence": evidence},
    )
    auditlog.record(
        actor=actor,
        action="cadres.assessment.record",
        organisation=selection.organisation.code,
        target=application.person.ident,
        role=acting,
        data={
            "application": application.pk,
            "criterion": criterion,
            "verdict": verdict,
            "replaced": not created,
        },
    )
    return assessment


def missing_criteria(application: Application) -> list[str]:
    """Return the criteria of the post no assessor has assessed this application on."""
    done = set(
        Assessment.objects.filter(application=application).values_list(
            "criterion", flat=True
        )
    )
    return [c for c in application.selection.criteria if c not in done]


def _names(applications: Iterable[Application]) -> str:
    return "、".join(a.person.name for a in applications)


@transaction.atomic
def publish_shortlist(
    *,
    actor: Actor,
    selection: Selection,
    applications: list[Application],
    starts: date | None = None,
    working_days: int | None = None,
) -> Selection:
    """Announce the shortlist (公示) for the notice period (assessing → shortlisted).

    Every shortlisted application must have been assessed against every criterion of
    the post (CAD-1 · GS-12, CQ-7).
    """
    acting = _manage(actor, selection.organisation)
    if not applications:
        raise refuse(
            "required",
            gettext_noop("Choose at least one application for the shortlist."),
            field="applications",
        )
    ids = {a.pk for a in applications}
    chosen = list(
        Application.objects.filter(selection=selection, pk__in=ids).select_related(
            "person", "selection"
        )
    )
    if len(chosen) != len(ids):
        raise refuse(
            "invalid",
            gettext_noop("An application does not belong to this post."),
            field="applications",
        )
    for a in chosen:
        missing = missing_criteria(a)
        if missing:
            raise refuse(
                "not-assessed",
                gettext_noop(
                    "{name} has not been assessed on every criterion: {missing}."
                ),
                field="applications",
                name=a.person.name,
                missing=", ".join(missing),
            )
    old = _move(SELECTION, selection, SelectionState.SHORTLISTED)
    Application.objects.filter(selection=selection).update(shortlisted=False)
    Application.objects.filter(pk__in=ids).update(shortlisted=True)
    selection.shortlisted_at = _now()
    selection.save(update_fields=["state", "shortlisted_at"])
    _publish(
        actor=actor,
        organisation=selection.organisation,
        subject_type=SELECTION_SUBJECT,
        subject_id=selection.pk,
        kind="shortlist",
        text={
            "title": phrase(
                gettext_noop("{organisation} {title}: shortlist of the open selection"),
                organisation=selection.organisation.name,
                title=selection.title,
            ),
            "body": [
                phrase(
                    gettext_noop("{title}: {names}"),
                    title=selection.title,
                    names=_names(chosen),
                )
            ],
        },
        starts=starts,
        working_days=working_days,
    )
    _log_transition(actor, acting, selection, old)
    return selection


@transaction.atomic
def reopen_assessment(*, actor: Actor, selection: Selection) -> Selection:
    """Return to assessment, e.g. after an upheld objection (shortlisted → assessing)."""
    acting = _manage(actor, selection.organisation)
    old = _move(SELECTION, selection, SelectionState.ASSESSING)
    Application.objects.filter(selection=selection).update(shortlisted=False)
    selection.save(update_fields=["state"])
    _log_transition(actor, acting, selection, old)
    return selection


@transaction.atomic
def decide(
    *,
    actor: Actor,
    selection: Selection,
    application: Application,
    starts: date | None = None,
    working_days: int | None = None,
    today: date | None = None,
) -> Selection:
    """Choose the appointee from the shortlist and announce it (shortlisted → decided).

    Only once the shortlist's notice has taken effect: its period is over, every
    objection answered, none upheld (ELE-4 · GS-12, CQ-7).
    """
    acting = _manage(actor, selection.organisation)
    if selection.state == SelectionState.SHORTLISTED:
        notice = _notice(SELECTION_SUBJECT, selection.pk, "shortlist")
        if not _takes_effect(notice, _today(today)):
            raise refuse(
                "notice-pending",
                gettext_noop(
                    "The shortlist's public notice has not taken effect: its period "
                    "runs, an objection is unanswered or one was upheld."
                ),
            )
    application = Application.objects.select_related("person").get(pk=application.pk)
    if application.selection_id != selection.pk or not application.shortlisted:
        raise refuse(
            "invalid",
            gettext_noop("Choose an application from the shortlist."),
            field="application",
        )
    old = _move(SELECTION, selection, SelectionState.DECIDED)
    selection.chosen = application
    selection.decided_at = _now()
    selection.save(update_fields=["state", "chosen", "decided_at"])
    _publish(
        actor=actor,
        organisation=selection.organisation,
        subject_type=SELECTION_SUBJECT,
        subject_id=selection.pk,
        kind="appointment",
        text={
            "title": phrase(
                gettext_noop("{organisation} {title}: proposed appointee"),
                organisation=selection.organisation.name,
                title=selection.title,
            ),
            "body": [
                phrase(
                    gettext_noop("{title}: {names}"),
                    title=selection.title,
                    names=application.person.name,
                )
            ],
        },
        starts=starts,
        working_days=working_days,
    )
    _log_transition(actor, acting, selection, old)
    return selection


@transaction.atomic
def withdraw_decision(*, actor: Actor, selection: Selection) -> Selection:
    """Withdraw the decision, e.g. after an upheld objection (decided → shortlisted)."""
    acting = _manage(actor, selection.organisation)
    old = _move(SELECTION, selection, SelectionState.SHORTLISTED)
    selection.chosen = None
    selection.save(update_fields=["state", "chosen"])
    _log_transition(actor, acting, selection, old)
    return selection


@transaction.atomic
def appoint_chosen(
    *, actor: Actor, selection: Selection, today: date | None = None
) -> Selection:
    """Fill the post once the decision's notice took effect (decided → appointed).

    The appointment goes through :func:`tongxue.organisations.services.appoint`, so
    its guards (one president, ORG-2 … ORG-5 · GS-9, CQ-4) apply.
    """
    acting = _manage(actor, selection.organisation)
    day = _today(today)
    if selection.state == SelectionState.DECIDED:
        notice = _notice(SELECTION_SUBJECT, selection.pk, "appointment")
        if not _takes_effect(notice, day):
            raise refuse(
                "notice-pending",
                gettext_noop(
                    "The decision's public notice has not taken effect: its period "
                    "runs, an objection is unanswered or one was upheld."
                ),
            )
    old = _move(SELECTION, selection, SelectionState.APPOINTED)
    assert selection.chosen is not None
    person = selection.chosen.person
    position = registry.appoint(
        actor=actor,
        organisation=selection.organisation,
        person=person,
        role=selection.role,
        title=selection.title,
        start=max(selection.term_start, day),
        end=selection.term_end,
        public_contact=selection.public_contact,
    )
    selection.position = position
    selection.appointed_at = _now()
    selection.save(update_fields=["state", "position", "appointed_at"])
    _log_transition(actor, acting, selection, old)
    return selection


@transaction.atomic
def cancel_selection(*, actor: Actor, selection: Selection) -> Selection:
    acting = _manage(actor, selection.organisation)
    old = _move(SELECTION, selection, SelectionState.CANCELLED)
    selection.cancelled_at = _now()
    selection.save(update_fields=["state", "cancelled_at"])
    _log_transition(actor, acting, selection, old)
    return selection


# -- training (CAD-6) ------------------------------------------------------------------


@transaction.atomic
def create_course(
    *,
    actor: Actor,
    organisation: Organisation,
    title: str,
    description: str = "",
    sessions_required: int = 1,
) -> Course:
    """Create a cadre training course of a school-level or department union (CAD-6)."""
    acting = _manage(actor, organisation)
    if organisation.kind not in UNION_KINDS:
        raise refuse(
            "not-a-union",
            gettext_noop(
                "Training courses are held by school-level and department unions."
            ),
        )
    if sessions_required < 1:
        raise refuse(
            "invalid",
            gettext_noop("A course requires at least one session."),
            field="sessions_required",
        )
    course = Course.objects.create(
        organisation=organisation,
        title=_text("title", title, limit=200),
        description=(description or "").strip(),
        sessions_required=sessions_required,
    )
    auditlog.record(
        actor=actor,
        action="cadres.course.create",
        organisation=organisation.code,
        target=course.title,
        role=acting,
        data={"course": course.pk, "sessions_required": sessions_required},
    )
    return course


@transaction.atomic
def add_session(
    *, actor: Actor, course: Course, held: date, topic: str, place: str = ""
) -> TrainingSession:
    acting = _manage(actor, course.organisation)
    session = TrainingSession.objects.create(
        course=course,
        held=held,
        topic=_text("topic", topic, limit=200),
        place=(place or "").strip()[:200],
    )
    auditlog.record(
        actor=actor,
        action="cadres.session.create",
        organisation=course.organisation.code,
        target=course.title,
        role=acting,
        data={"course": course.pk, "session": session.pk, "held": held.isoformat()},
    )
    return session


@transaction.atomic
def record_attendance(
    *, actor: Actor, session: TrainingSession, person: Person
) -> Attendance:
    """Record that ``person`` attended a training session (Perm.MANAGE)."""
    course = session.course
    acting = _manage(actor, course.organisation)
    if Attendance.objects.filter(session=session, person=person).exists():
        raise refuse(
            "duplicate",
            gettext_noop("{name}'s attendance is already recorded."),
            field="person",
            name=person.name,
        )
    attendance = Attendance.objects.create(
        session=session,
        person=person,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="cadres.attendance.record",
        organisation=course.organisation.code,
        target=person.ident,
        role=acting,
        data={"course": course.pk, "session": session.pk},
    )
    return attendance


# -- exit (CAD-5) ----------------------------------------------------------------------


def _exit_log(actor: Actor, acting: str, case: ExitCase, old: str, **data: Any) -> None:
    auditlog.record(
        actor=actor,
        action=f"cadres.exit.{case.state}",
        organisation=case.position.organisation.code,
        target=case.position.person.ident,
        role=acting,
        data={"case": case.pk, "from": old, "to": case.state, **data},
    )


def _is_cadre(actor: Actor, case: ExitCase) -> bool:
    user_id = case.position.person.user_id
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and user_id is not None
        and user_id == actor.pk
    )


def has_failed_evaluation(person_id: int) -> bool:
    """Return whether a published evaluation of the person failed (evaluations app)."""
    from tongxue.cadres.selectors import evaluation_summary

    results = evaluation_summary([person_id]).get(person_id, [])
    return any(r.get("failed") and r.get("kind") == "evaluation" for r in results)


@transaction.atomic
def open_exit_case(
    *,
    actor: Actor,
    position: Position,
    ground: str,
    evidence: str,
    today: date | None = None,
) -> ExitCase:
    """Open an exit case on a ground with evidence (CAD-5 · GS-12, CQ-7).

    The ground "cannot complete studies" needs the cadre's enrolment to say so
    (suspended, withdrawn or graduated); "failed evaluation" needs a failed published
    evaluation on record (below the profile's ``evaluation_fail_below``, computed by
    the evaluations app). One open case per post at a time.
    """
    acting = _manage(actor, position.organisation)
    if ground not in ExitGround.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="ground",
            value=ground,
        )
    if not _position_active(position, _today(today)):
        raise refuse(
            "not-serving",
            gettext_noop("{name} does not hold this post now."),
            name=position.person.name,
        )
    if ground == ExitGround.STUDIES and position.person.enrolment == Enrolment.ENROLLED:
        raise refuse(
            "enrolled",
            gettext_noop(
                "{name} is enrolled: record the change of enrolment before opening a "
                "case on this ground."
            ),
            field="ground",
            name=position.person.name,
        )
    if ground == ExitGround.FAILED_EVALUATION and not has_failed_evaluation(
        position.person_id
    ):
        raise refuse(
            "no-failed-evaluation",
            gettext_noop(
                "{name} has no failed published evaluation on record: choose another "
                "ground or wait for the evaluation's results."
            ),
            field="ground",
            name=position.person.name,
        )
    open_states = [s for s in EXIT_CASE.states if not EXIT_CASE.is_final(s)]
    if ExitCase.objects.filter(position=position, state__in=open_states).exists():
        raise refuse(
            "duplicate",
            gettext_noop("An exit case for this post is already open."),
        )
    case = ExitCase.objects.create(
        position=position,
        ground=ground,
        evidence=_text("evidence", evidence),
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="cadres.exit.opened",
        organisation=position.organisation.code,
        target=position.person.ident,
        role=acting,
        data={"case": case.pk, "position": position.pk, "ground": ground},
    )
    return case


@transaction.atomic
def notify_cadre(*, actor: Actor, case: ExitCase, text: str) -> ExitCase:
    """Tell the cadre of the case and invite a statement (opened → notified)."""
    acting = _manage(actor, case.position.organisation)
    text = _text("text", text)
    old = _move(EXIT_CASE, case, ExitState.NOTIFIED)
    case.notice_text = text
    case.notified_at = _now()
    case.save(update_fields=["state", "notice_text", "notified_at"])
    _exit_log(actor, acting, case, old)
    return case


@transaction.atomic
def submit_statement(*, actor: Actor, case: ExitCase, text: str) -> ExitCase:
    """The cadre's written statement, while the case waits for its decision."""
    if not _is_cadre(actor, case):
        raise refuse(
            "forbidden",
            gettext_noop("Only the cadre concerned can write the statement."),
        )
    if case.state != ExitState.NOTIFIED:
        raise refuse(
            "closed",
            gettext_noop(
                "A statement can be written after the notice and before the decision."
            ),
        )
    case.statement = _text("statement", text)
    case.statement_at = _now()
    case.save(update_fields=["statement", "statement_at"])
    auditlog.record(
        actor=actor,
        action="cadres.exit.statement",
        organisation=case.position.organisation.code,
        target=case.position.person.ident,
        role="cadre",
        data={"case": case.pk},
    )
    return case


def recall_passes(case_profile: Profile, *, yes: int, members: int) -> bool:
    """CAD-5 · GS-12, CQ-7: a recall needs more than ``recall_threshold`` of the members."""
    from tongxue.domain.counting import passes

    threshold = Fraction(case_profile.fraction(RECALL_PARAMETER))
    return bool(passes(yes, threshold=threshold, strict=True, base=members))


@transaction.atomic
def decide_exit(
    *,
    actor: Actor,
    case: ExitCase,
    measure: str,
    body: str,
    reasons: str,
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    members: int | None = None,
    today: date | None = None,
) -> ExitCase:
    """Record the competent body's decision and end the post (notified → decided).

    劝退 and 免职 are decided by the body that appointed the cadre; 罢免 by the body that
    elected them with a recorded vote, which must pass the profile's
    ``recall_threshold`` of its members, counted by :mod:`tongxue.domain.counting`.
    The post is ended through the registry: the cadre's last day is the day before
    the decision, so the roster shows the post vacant from the decision on.
    """
    position = case.position
    acting = _manage(actor, position.organisation)
    if measure not in Measure.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="measure",
            value=measure,
        )
    body = _text("body", body, limit=200)
    reasons = _text("reasons", reasons)
    refusal = EXIT_CASE.refusal(case.state, ExitState.DECIDED)
    if refusal is not None:
        raise refusal
    if measure == Measure.RECALL:
        if votes_yes is None or votes_no is None or members is None:
            raise refuse(
                "vote-required",
                gettext_noop("A recall needs the recorded vote of the electing body."),
                field="votes_yes",
            )
        abstain = votes_abstain or 0
        if votes_yes + votes_no + abstain > members:
            raise refuse(
                "invalid",
                gettext_noop("More votes than members of the electing body."),
                field="members",
            )
        prof = profile_for(position.organisation)
        if not recall_passes(prof, yes=votes_yes, members=members):
            raise refuse(
                "recall-failed",
                gettext_noop(
                    "The recall did not pass: {yes} of {members} members voted for it, "
                    "more than {threshold} are needed. Dismiss the case with this "
                    "vote as the reason."
                ),
                field="votes_yes",
                yes=votes_yes,
                members=members,
                threshold=str(prof.fraction(RECALL_PARAMETER)),
            )
        case.votes_yes, case.votes_no = votes_yes, votes_no
        case.votes_abstain, case.members = abstain, members
    day = _today(today)
    old = _move(EXIT_CASE, case, ExitState.DECIDED)
    case.measure = measure
    case.body = body
    case.reasons = reasons
    case.decided_on = day
    case.decided_at = _now()
    case.save()
    # The decision takes effect on its day: the last day in office is the day before
    # (the registry counts a term as held through its end date).
    last_day = max(day - timedelta(days=1), position.start)
    if position.end is None or position.end > last_day:
        registry.end_position(actor=actor, position=position, end=last_day)
    _exit_log(actor, acting, case, old, measure=measure, body=body)
    return case


@transaction.atomic
def publish_exit_decision(
    *,
    actor: Actor,
    case: ExitCase,
    starts: date | None = None,
    today: date | None = None,
) -> ExitCase:
    """Publish the decision (notice "exit-decision"); the appeal window opens.

    The window is the profile's ``exit_appeal_days`` calendar days from publication
    (CAD-5 · GS-12, CQ-7).
    """
    position = case.position
    acting = _manage(actor, position.organisation)
    old = _move(EXIT_CASE, case, ExitState.PUBLISHED)
    day = starts or _today(today)
    prof = profile_for(position.organisation)
    case.appeal_until = day + timedelta(days=prof.int(APPEAL_PARAMETER))
    case.published_at = _now()
    case.save(update_fields=["state", "appeal_until", "published_at"])
    measure = phrase(MEASURE_PHRASES[Measure(case.measure)])
    _publish(
        actor=actor,
        organisation=position.organisation,
        subject_type=EXIT_SUBJECT,
        subject_id=case.pk,
        kind="exit-decision",
        text={
            "title": phrase(
                gettext_noop("{organisation} {title}: {measure}"),
                organisation=position.organisation.name,
                title=position.title,
                measure=measure,
            ),
            "body": [
                phrase(
                    gettext_noop("{name}, {title}: {measure}. {text}"),
                    name=position.person.name,
                    title=position.title,
                    measure=measure,
                    text=case.body,
                ),
            ],
        },
        starts=day,
    )
    _exit_log(actor, acting, case, old, appeal_until=case.appeal_until.isoformat())
    return case


@transaction.atomic
def lodge_appeal(
    *, actor: Actor, case: ExitCase, text: str, today: date | None = None
) -> ExitCase:
    """The cadre appeals within the window (published → appealed)."""
    if not _is_cadre(actor, case):
        raise refuse("forbidden", gettext_noop("Only the cadre concerned can appeal."))
    day = _today(today)
    if case.state == ExitState.PUBLISHED and (
        case.appeal_until is None or day > case.appeal_until
    ):
        raise refuse(
            "appeal-closed",
            gettext_noop("The appeal window closed on {until}."),
            until=case.appeal_until.isoformat() if case.appeal_until else "",
        )
    text = _text("appeal", text)
    old = _move(EXIT_CASE, case, ExitState.APPEALED)
    case.appeal = text
    case.appealed_at = _now()
    case.save(update_fields=["state", "appeal", "appealed_at"])
    _exit_log(actor, "cadre", case, old)
    return case


@transaction.atomic
def close_exit_case(
    *, actor: Actor, case: ExitCase, outcome: str = "", today: date | None = None
) -> ExitCase:
    """Close the case: after the appeal window, or rejecting an appeal with reasons."""
    acting = _manage(actor, case.position.organisation)
    day = _today(today)
    if case.state == ExitState.PUBLISHED and (
        case.appeal_until is not None and day <= case.appeal_until
    ):
        raise refuse(
            "appeal-open",
            gettext_noop("The appeal window runs until {until}."),
            until=case.appeal_until.isoformat(),
        )
    if case.state == ExitState.APPEALED:
        outcome = _text("outcome", outcome)
    old = _move(EXIT_CASE, case, ExitState.CLOSED)
    case.outcome = (outcome or "").strip()
    case.closed_at = _now()
    case.save(update_fields=["state", "outcome", "closed_at"])
    _exit_log(actor, acting, case, old)
    return case


@transaction.atomic
def dismiss_exit_case(*, actor: Actor, case: ExitCase, outcome: str) -> ExitCase:
    """Dismiss the case without a measure, or grant an appeal (→ dismissed).

    Granting an appeal does not reinstate the cadre by itself: the union appoints them
    again through the registry, which runs its guards.
    """
    acting = _manage(actor, case.position.organisation)
    outcome = _text("outcome", outcome)
    old = _move(EXIT_CASE, case, ExitState.DISMISSED)
    case.outcome = outcome
    case.closed_at = _now()
    case.save(update_fields=["state", "outcome", "closed_at"])
    _exit_log(actor, acting, case, old)
    return case


# -- contact (CAD-2) -------------------------------------------------------------------


def relay_limit() -> int:
    return int(getattr(settings, "TONGXUE_RELAY_PER_HOUR", 5))


@transaction.atomic
def send_relay(
    *, actor: Actor, position: Position, text: str, today: date | None = None
) -> RelayMessage:
    """Send a message to a serving cadre through the roster (signed in, throttled)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to write to a cadre."))
    if not _position_active(position, _today(today)):
        raise refuse(
            "not-serving",
            gettext_noop("{name} does not hold this post now."),
            name=position.person.name,
        )
    text = _text("text", text, limit=RELAY_MAX_TEXT)
    limit = relay_limit()
    since = _now() - timedelta(hours=1)
    if RelayMessage.objects.filter(sender=actor, sent_at__gte=since).count() >= limit:
        raise refuse(
            "throttled",
            gettext_noop("You can send {limit} messages an hour; try again later."),
            limit=limit,
        )
    message = RelayMessage.objects.create(position=position, sender=actor, text=text)
    # The sender is shown to the cadre only (docs/cadres.md): the log records that a
    # message was sent to the post, not who sent it nor which message it was.
    auditlog.record(
        actor=actor,
        action="cadres.relay.send",
        organisation=position.organisation.code,
        target=position.person.ident,
        role="student",
        data={"position": position.pk},
        withhold_actor=True,
    )
    return message


@transaction.atomic
def mark_read(*, actor: Actor, message: RelayMessage) -> RelayMessage:
    user_id = message.position.person.user_id
    if actor is None or user_id is None or user_id != getattr(actor, "pk", None):
        raise refuse(
            "forbidden", gettext_noop("Only the cadre can mark this message read.")
        )
    if message.read_at is None:
        message.read_at = _now()
        message.save(update_fields=["read_at"])
        auditlog.record(
            actor=actor,
            action="cadres.relay.read",
            organisation=message.position.organisation.code,
            target=message.position.person.ident,
            role="cadre",
            data={"message": message.pk},
        )
    return message


def looks_like_phone(contact: str) -> bool:
    return bool(_PHONE.search(contact or ""))


def _phone_refusal(field: str = "public_contact") -> Any:
    return refuse(
        "private-contact",
        gettext_noop(
            "Publish an official address (an e-mail or office), not a phone "
            "number; leave it empty to use the relay form."
        ),
        field=field,
    )


@transaction.atomic
def choose_public_contact(
    *, actor: Actor, position: Position, contact: str
) -> Position:
    """Set the official address published on the roster (CAD-2 · GS-12, CQ-7).

    The cadre themselves or a manager of the union; empty means the relay form. A
    phone number is refused: the roster never publishes a private number.
    """
    is_self = (
        actor is not None
        and position.person.user_id is not None
        and position.person.user_id == getattr(actor, "pk", None)
    )
    acting = "cadre" if is_self else _manage(actor, position.organisation)
    contact = (contact or "").strip()
    if len(contact) > 200:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field="contact",
            limit=200,
        )
    if looks_like_phone(contact):
        raise _phone_refusal(field="contact")
    old = position.public_contact
    # The registry has no service for this one field; write it here, audited.
    Position.objects.filter(pk=position.pk).update(public_contact=contact)
    position.public_contact = contact
    auditlog.record(
        actor=actor,
        action="cadres.contact.choose",
        organisation=position.organisation.code,
        target=position.person.ident,
        role=acting,
        data={"position": position.pk, "before": old, "after": contact},
    )
    return position


def can_manage(actor: Actor, org: Organisation) -> bool:
    return actor is not None and has_perm(actor, Perm.MANAGE, org.path)
