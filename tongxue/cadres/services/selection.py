"""Open selection of cadres (CAD-1, CAD-7 · GS-12, GS-13, CQ-7, CQ-8; ELE-3, ELE-4).

Posts other than a union's presidium (which its congress elects, ELE-1, ELE-3) are
selected openly: advertised to the students the union serves, applications assessed
against the governing profile's ``cadre_criteria`` by a named assessor with evidence,
the shortlist and the decision announced (公示) for the profile's notice period, and
the post filled through :func:`tongxue.organisations.services.appoint` only when the
decision's notice takes effect. Each service is one transition of
:data:`tongxue.domain.lifecycle.SELECTION`, made by
:func:`tongxue.core.lifecycle.transition` (row lock, check, save, audit event
``cadres.selection.<state>``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    Application,
    Assessment,
    Course,
    Criterion,
    Selection,
    SelectionState,
    Verdict,
)
from tongxue.cadres.selectors import (
    SCHOOL_LEVEL,
    SELECTION_SUBJECT,
    served_path,
    union_of,
)
from tongxue.cadres.services.shared import (
    CRITERIA_PARAMETER,
    ELECTED_ROLES,
    check_manage,
    clean_text,
    find_notice,
    is_served,
    looks_like_phone,
    now,
    person_of,
    phone_refusal,
    profile_for,
    publish,
    takes_effect,
    today_or,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.lifecycle import transition
from tongxue.core.words import join_names
from tongxue.domain.findings import Message
from tongxue.domain.guards import cite
from tongxue.domain.lifecycle import SELECTION
from tongxue.domain.profiles import Profile
from tongxue.organisations import services as registry
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    Role,
)
from tongxue.publicity.text import names_phrase, phrase


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
    acting = check_manage(actor, org)
    _check_open_post(org, role)
    title = clean_text("title", title, limit=100)
    _check_dates(today_or(today), closes, term_start, term_end)
    profile = profile_for(org)
    public_contact = _post_contact(profile, role, public_contact)
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


def _check_open_post(org: Organisation, role: str) -> None:
    """A post of a union (or one of its departments) that is selected openly: not
    the presidium, which the union's congress elects (ELE-1, ELE-3 · GS-8, CQ-3)."""
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


def _check_dates(
    day: date, closes: date, term_start: date, term_end: date | None
) -> None:
    """Applications close from today on, the term starts once they have closed and
    ends after it starts."""
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


def _post_contact(profile: Profile, role: str, public_contact: str) -> str:
    """The post's official contact (CAD-2): never a phone number, and required for a
    main cadre's post (the profile's ``main_cadre_roles``)."""
    public_contact = (public_contact or "").strip()[:200]
    if looks_like_phone(public_contact):
        raise phone_refusal()
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
    return public_contact


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
    day = today_or(today)
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
    if union is None or not is_served(person, served_path(union)):
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
        statement=clean_text("statement", statement),
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
    acting = check_manage(actor, selection.organisation)
    day = today_or(today)
    if selection.state == SelectionState.ADVERTISED and day <= selection.closes:
        raise refuse(
            "still-open",
            gettext_noop("Applications are open until {closes}."),
            closes=selection.closes.isoformat(),
        )
    return _move_selection(
        actor, acting, selection, SelectionState.ASSESSING, assessing_at=now()
    )


def _move_selection(
    actor: Actor, acting: str, selection: Selection, target: str, **changes: Any
) -> Selection:
    """Move the selection with :func:`~tongxue.core.lifecycle.transition`; its audit
    event is ``cadres.selection.<target>``."""
    return transition(
        selection,
        SELECTION,
        target,
        actor=actor,
        action=f"cadres.selection.{target}",
        organisation=selection.organisation.code,
        role=acting,
        subject=selection.title,
        data={"selection": selection.pk},
        field="state",
        changes=changes,
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
    acting = check_manage(actor, selection.organisation)
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
    evidence = clean_text("evidence", evidence)
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


def _criterion_label(criterion: str) -> str:
    """A criterion by its label in the active language (its code if unknown)."""
    return (
        str(Criterion(criterion).label) if criterion in Criterion.values else criterion
    )


def _names(applications: Iterable[Application]) -> Any:
    """The names as a notice part, joined in each reader's language (#16)."""
    return names_phrase([a.person.name for a in applications])


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
    acting = check_manage(actor, selection.organisation)
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
                missing=join_names(_criterion_label(c) for c in missing),
            )
    SELECTION.require(selection.state, SelectionState.SHORTLISTED)
    Application.objects.filter(selection=selection).update(shortlisted=False)
    Application.objects.filter(pk__in=ids).update(shortlisted=True)
    publish(
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
    return _move_selection(
        actor, acting, selection, SelectionState.SHORTLISTED, shortlisted_at=now()
    )


@transaction.atomic
def reopen_assessment(*, actor: Actor, selection: Selection) -> Selection:
    """Return to assessment, e.g. after an upheld objection (shortlisted → assessing)."""
    acting = check_manage(actor, selection.organisation)
    _move_selection(actor, acting, selection, SelectionState.ASSESSING)
    Application.objects.filter(selection=selection).update(shortlisted=False)
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
    acting = check_manage(actor, selection.organisation)
    if selection.state == SelectionState.SHORTLISTED:
        notice = find_notice(SELECTION_SUBJECT, selection.pk, "shortlist")
        if not takes_effect(notice, today_or(today)):
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
    SELECTION.require(selection.state, SelectionState.DECIDED)
    publish(
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
    return _move_selection(
        actor,
        acting,
        selection,
        SelectionState.DECIDED,
        chosen=application,
        decided_at=now(),
    )


@transaction.atomic
def withdraw_decision(*, actor: Actor, selection: Selection) -> Selection:
    """Withdraw the decision, e.g. after an upheld objection (decided → shortlisted)."""
    acting = check_manage(actor, selection.organisation)
    return _move_selection(
        actor, acting, selection, SelectionState.SHORTLISTED, chosen=None
    )


@transaction.atomic
def appoint_chosen(
    *, actor: Actor, selection: Selection, today: date | None = None
) -> Selection:
    """Fill the post once the decision's notice took effect (decided → appointed).

    The appointment goes through :func:`tongxue.organisations.services.appoint`, so
    its guards (one president, ORG-2 … ORG-5 · GS-9, CQ-4) apply.
    """
    acting = check_manage(actor, selection.organisation)
    day = today_or(today)
    if selection.state == SelectionState.DECIDED:
        notice = find_notice(SELECTION_SUBJECT, selection.pk, "appointment")
        if not takes_effect(notice, day):
            raise refuse(
                "notice-pending",
                gettext_noop(
                    "The decision's public notice has not taken effect: its period "
                    "runs, an objection is unanswered or one was upheld."
                ),
            )
    SELECTION.require(selection.state, SelectionState.APPOINTED)
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
    return _move_selection(
        actor,
        acting,
        selection,
        SelectionState.APPOINTED,
        position=position,
        appointed_at=now(),
    )


@transaction.atomic
def cancel_selection(*, actor: Actor, selection: Selection) -> Selection:
    acting = check_manage(actor, selection.organisation)
    return _move_selection(
        actor, acting, selection, SelectionState.CANCELLED, cancelled_at=now()
    )
