"""Training of cadres (CAD-6 · GS-12, CQ-7): courses, sessions and attendance."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    Attendance,
    Course,
    TrainingSession,
)
from tongxue.cadres.selectors import (
    UNION_KINDS,
)
from tongxue.cadres.services.shared import (
    check_manage,
    clean_text,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.organisations.models import (
    Organisation,
    Person,
)


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
    acting = check_manage(actor, organisation)
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
        title=clean_text("title", title, limit=200),
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
    acting = check_manage(actor, course.organisation)
    session = TrainingSession.objects.create(
        course=course,
        held=held,
        topic=clean_text("topic", topic, limit=200),
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
    acting = check_manage(actor, course.organisation)
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
