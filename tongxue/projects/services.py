"""Writes of a union's projects (ORG-11 · GS-9, CQ-4): each checks permission and scope
itself, runs in one transaction and writes the audit log (never a name or a text).

Who does what:

* plan, edit, start, cancel a project, add an event, show an event's check-in code:
  the union's administrators and cadres (:data:`MANAGERS`, a role at the union or
  above), and the project's owner for their own project (not planning a new one);
* conclude with the outcome report: the same; the report is also published as an
  activity report on the union's public page (``disclosure.publish_entry``: TRN-1
  counts it), by the actor when they publish there, else on the union's behalf;
* check in at an event: a signed-in student (or cadre) of the union's school with the
  event's code, while it is valid (:data:`CODE_SECONDS`) and the project runs; once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.models import RoleKind
from tongxue.core.permissions import Perm, has_perm, roles_at
from tongxue.disclosure import services as disclosure
from tongxue.disclosure.models import EntryKind
from tongxue.domain import finance as fin
from tongxue.domain.lifecycle import PROJECT
from tongxue.finances.models import Category
from tongxue.organisations.models import Organisation, OrgKind, Person
from tongxue.projects import notifying
from tongxue.projects.models import CheckIn, Event, Project, ProjectStatus
from tongxue.projects.selectors import (
    cadres_of,
    departments_of,
    people_of_school,
    school_path,
)

#: The organisations that run projects.
UNION_KINDS = (
    OrgKind.SCHOOL_UNION,
    OrgKind.GRADUATE_UNION,
    OrgKind.DEPARTMENT_UNION,
)
#: The roles that manage a union's projects (at the union or above).
MANAGERS = (RoleKind.UNION_ADMIN, RoleKind.UNION_CADRE)
#: How long an event's check-in code is valid (seconds): the organiser shows a new one.
CODE_SECONDS = 10 * 60
CODE_SALT = "tongxue.projects.check-in"
MAX_TEXT = 20_000
MAX_MEMBERS = 500


# ----------------------------------------------------------------------------- helpers


def manager_role(actor: Actor, union: Organisation) -> str:
    """The role under which ``actor`` manages the union's projects ("" if none)."""
    if actor is None:
        return "system"
    if not getattr(actor, "is_authenticated", False):
        return ""
    if getattr(actor, "is_superuser", False):
        return "operator"
    for r in roles_at(actor, union.path):
        if r in MANAGERS:
            return r
    return ""


def is_owner(actor: Actor, project: Project) -> bool:
    person_user = getattr(project.owner, "user_id", None)
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and person_user
        and person_user == actor.pk
    )


def _forbidden(target: str) -> Exception:
    return refuse(
        "forbidden",
        gettext_noop("You are not allowed to change {target}."),
        target=target,
    )


def _require_manager(actor: Actor, union: Organisation) -> str:
    if union.kind not in UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop("{target} does not run projects."),
            target=union.name,
        )
    role = manager_role(actor, union)
    if not role:
        raise _forbidden(union.name)
    return role


def _require_runner(actor: Actor, project: Project) -> str:
    """The union's managers, and the project's owner ("owner")."""
    role = manager_role(actor, project.union)
    if role:
        return role
    if is_owner(actor, project):
        return "owner"
    raise _forbidden(project.title)


def _clean(field: str, value: str | None, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def _record(actor: Actor, action: str, item: Project, role: str, **data: Any) -> None:
    auditlog.record(
        actor=actor,
        action=f"projects.{action}",
        organisation=item.union.code,
        target=reference(item),
        role=role,
        data=data,
    )


def reference(project: Project) -> str:
    """``LYDX-XSH-3``: the union's code and the project's number."""
    return f"{project.union.code}-{project.number}"


def _budget(
    year: int | None, category: str, amount: Any
) -> tuple[int | None, str, Decimal | None]:
    category = (category or "").strip()
    if year is None and not category and amount in (None, ""):
        return None, "", None
    if year is None or not 2000 <= int(year) <= 2100:
        raise refuse(
            "required",
            gettext_noop("Name the school year of the budget line."),
            field="budget_year",
        )
    if category not in Category.values:
        raise refuse(
            "required",
            gettext_noop("Choose the category of the budget line."),
            field="budget_category",
        )
    value = None
    if amount not in (None, ""):
        try:
            value = fin.parse_amount(amount)
        except fin.AmountError as exc:
            raise refuse(exc.code, exc.message, field="budget_amount") from None
    return int(year), category, value


def _resolve_members(union: Organisation, idents: Iterable[str]) -> list[Person]:
    """The people named by student number or identifier, all of the union's school;
    refuses those it does not find there."""
    wanted = list(dict.fromkeys(i.strip() for i in idents if i and i.strip()))
    if len(wanted) > MAX_MEMBERS:
        raise refuse(
            "too-many",
            gettext_noop("A project has at most {limit} members."),
            field="members",
            limit=MAX_MEMBERS,
        )
    if not wanted:
        return []
    found = list(
        people_of_school(school_path(union))
        .filter(Q(student_number__in=wanted) | Q(ident__in=wanted))
        .distinct()
    )
    known = {p.student_number for p in found} | {p.ident for p in found}
    missing = [i for i in wanted if i not in known]
    if missing:
        raise refuse(
            "unknown",
            gettext_noop(
                "Not found among the students and cadres of the school: {names}."
            ),
            field="members",
            names=missing[:10],
        )
    return found


def _check_fields(
    union: Organisation,
    *,
    title: str,
    summary: str,
    owner: Person | None,
    departments: Iterable[Organisation],
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[str, str, list[Organisation]]:
    title = _clean("title", title, limit=200)
    summary = _clean("summary", summary, limit=MAX_TEXT, required=False)
    if owner is None or not cadres_of(union).filter(pk=owner.pk).exists():
        raise refuse(
            "invalid",
            gettext_noop("The owner is a cadre of the union holding a post now."),
            field="owner",
        )
    if start is None:
        raise refuse("required", gettext_noop("This field is required."), field="start")
    if end is not None and end < start:
        raise refuse(
            "invalid",
            gettext_noop("The project ends on or after its start."),
            field="end",
        )
    depts = list(departments)
    allowed = set(departments_of(union).values_list("pk", flat=True))
    if any(d.pk not in allowed for d in depts):
        raise refuse(
            "invalid",
            gettext_noop("Choose functional departments of the union."),
            field="departments",
        )
    return title, summary, depts


# ----------------------------------------------------------------------------- projects


@transaction.atomic
def plan_project(
    *,
    actor: Actor,
    union: Organisation,
    title: str,
    owner: Person | None,
    start: dt.date | None,
    end: dt.date | None = None,
    summary: str = "",
    departments: Iterable[Organisation] = (),
    members: Iterable[str] = (),
    budget_year: int | None = None,
    budget_category: str = "",
    budget_amount: Any = None,
) -> Project:
    """Plan a project of the union (state "planned").

    ``members``: student numbers or identifiers of people of the union's school.
    Refused: not an administrator or cadre of the union; not a union; no title; an owner
    who holds no post at the union now; an end before the start; a department that is not
    one of the union's functional departments; a member not of the school; a budget line
    without its school year or category, or an amount not exact to the 分.
    """
    role = _require_manager(actor, union)
    title, summary, depts = _check_fields(
        union,
        title=title,
        summary=summary,
        owner=owner,
        departments=departments,
        start=start,
        end=end,
    )
    people = _resolve_members(union, members)
    year, category, amount = _budget(budget_year, budget_category, budget_amount)
    Organisation.objects.select_for_update().filter(pk=union.pk).first()
    number = (
        Project.objects.filter(union=union).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    project = Project.objects.create(
        union=union,
        number=number,
        title=title,
        summary=summary,
        owner=owner,
        start=start,
        end=end,
        budget_year=year,
        budget_category=category,
        budget_amount=amount,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    project.departments.set(depts)
    project.members.set(people)
    _record(
        actor,
        "plan",
        project,
        role,
        project=project.pk,
        departments=len(depts),
        members=len(people),
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        budget=f"{year} {category}" if year else None,
    )
    notifying.members_added(project, [p.user_id for p in people])
    return project


@transaction.atomic
def edit_project(
    *,
    actor: Actor,
    project: Project,
    title: str,
    owner: Person | None,
    start: dt.date | None,
    end: dt.date | None = None,
    summary: str = "",
    departments: Iterable[Organisation] = (),
    members: Iterable[str] = (),
    budget_year: int | None = None,
    budget_category: str = "",
    budget_amount: Any = None,
) -> Project:
    """Change a planned or running project (the same checks as :func:`plan_project`).
    Refused: a concluded or cancelled project; dates that leave one of its events out
    ("out-of-dates", field ``start`` or ``end``)."""
    role = _require_runner(actor, project)
    union = project.union
    if project.status not in (ProjectStatus.PLANNED, ProjectStatus.RUNNING):
        raise refuse(
            "invalid",
            gettext_noop("A concluded or cancelled project is not changed."),
        )
    title, summary, depts = _check_fields(
        union,
        title=title,
        summary=summary,
        owner=owner,
        departments=departments,
        start=start,
        end=end,
    )
    _check_dates_hold_events(project, start, end)
    people = _resolve_members(union, members)
    year, category, amount = _budget(budget_year, budget_category, budget_amount)
    before = set(project.members.values_list("pk", flat=True))
    project.title, project.summary, project.owner = title, summary, owner
    project.start, project.end = start, end  # type: ignore[assignment]
    project.budget_year, project.budget_category = year, category
    project.budget_amount = amount
    project.save()
    project.departments.set(depts)
    project.members.set(people)
    added = [p for p in people if p.pk not in before]
    _record(
        actor,
        "edit",
        project,
        role,
        project=project.pk,
        departments=len(depts),
        members=len(people),
        members_added=len(added),
        members_removed=len(before - {p.pk for p in people}),
    )
    notifying.members_added(project, [p.user_id for p in added])
    return project


@transaction.atomic
def start_project(*, actor: Actor, project: Project) -> Project:
    """Planned → running. Refused: not a manager or the owner; not planned."""
    role = _require_runner(actor, project)
    return transition(
        project,
        PROJECT,
        ProjectStatus.RUNNING,
        actor=actor,
        action="projects.start",
        organisation=project.union.code,
        role=role,
        subject=reference(project),
        data={"project": project.pk},
    )


@transaction.atomic
def cancel_project(*, actor: Actor, project: Project, reason: str) -> Project:
    """Planned or running → cancelled, with the reason. Refused: no reason."""
    role = _require_runner(actor, project)
    reason = _clean("reason", reason, limit=300)
    return transition(
        project,
        PROJECT,
        ProjectStatus.CANCELLED,
        actor=actor,
        action="projects.cancel",
        organisation=project.union.code,
        role=role,
        subject=reference(project),
        changes={"cancel_reason": reason},
        data={"project": project.pk},
    )


@transaction.atomic
def conclude_project(*, actor: Actor, project: Project, outcome: str) -> Project:
    """Running → concluded with the written outcome report, also published as an
    activity report on the union's public page (TRN-1 counts it).

    Refused: not a manager or the owner; not running; no report.
    """
    role = _require_runner(actor, project)
    outcome = _clean("outcome", outcome, limit=MAX_TEXT)
    PROJECT.require(project.status, ProjectStatus.CONCLUDED)
    union = project.union
    today = timezone.localdate()
    # The public page's publishers publish it under their name; a cadre or owner
    # who does not publish there has it published on the union's behalf (the
    # project's own audit record names them).
    publisher = actor if has_perm(actor, Perm.MANAGE, union.path) else None
    url = reverse("projects:project", args=[union.code, project.number])
    entry = disclosure.publish_entry(
        actor=publisher,
        union=union,
        kind=EntryKind.ACTIVITY,
        title=f"{project.title}"[:200],
        body=f"{outcome}\n\n{url}",
        dated=today,
    )
    return transition(
        project,
        PROJECT,
        ProjectStatus.CONCLUDED,
        actor=actor,
        action="projects.conclude",
        organisation=union.code,
        role=role,
        subject=reference(project),
        changes={
            "outcome": outcome,
            "concluded_at": timezone.now(),
            "outcome_entry": entry,
            "end": project.end if project.end and project.end <= today else today,
        },
        data={"project": project.pk, "work_entry": entry.pk},
    )


# ----------------------------------------------------------------------------- events


def _check_event_day(project: Project, day: dt.date) -> None:
    """An event is dated within its project: on or after its start, on or before its
    end (an open-ended project has no end yet)."""
    if day < project.start:
        raise refuse(
            "out-of-dates",
            gettext_noop(
                "The event's date is before the project starts ({start}): "
                "date it on or after the start, or change the project's dates."
            ),
            field="day",
            start=project.start.isoformat(),
        )
    if project.end is not None and day > project.end:
        raise refuse(
            "out-of-dates",
            gettext_noop(
                "The event's date is after the project ends ({end}): "
                "date it on or before the end, or change the project's dates."
            ),
            field="day",
            end=project.end.isoformat(),
        )


def _check_dates_hold_events(
    project: Project, start: dt.date | None, end: dt.date | None
) -> None:
    """New dates of a project keep every one of its events within them."""
    if start is None:
        return
    days = project.events.aggregate(first=Min("day"), last=Max("day"))
    if days["first"] is not None and days["first"] < start:
        raise refuse(
            "out-of-dates",
            gettext_noop(
                "The project has an event on {day}: it starts on or before that day."
            ),
            field="start",
            day=days["first"].isoformat(),
        )
    if end is not None and days["last"] is not None and days["last"] > end:
        raise refuse(
            "out-of-dates",
            gettext_noop(
                "The project has an event on {day}: it ends on or after that day."
            ),
            field="end",
            day=days["last"].isoformat(),
        )


@transaction.atomic
def add_event(
    *, actor: Actor, project: Project, title: str, day: dt.date | None, place: str = ""
) -> Event:
    """Add an event to a planned or running project, dated within the project's dates
    (an event may be planned ahead: participants check in from its day on).
    Refused: not a manager or the owner; a concluded or cancelled project; no title or
    day; a day before the project's start or after its end ("out-of-dates", field
    ``day``)."""
    role = _require_runner(actor, project)
    if project.status not in (ProjectStatus.PLANNED, ProjectStatus.RUNNING):
        raise refuse(
            "invalid",
            gettext_noop("A concluded or cancelled project has no new events."),
        )
    title = _clean("title", title, limit=200)
    place = _clean("place", place, limit=200, required=False)
    if day is None:
        raise refuse("required", gettext_noop("This field is required."), field="day")
    _check_event_day(project, day)
    event = Event.objects.create(project=project, title=title, day=day, place=place)
    _record(
        actor,
        "event_add",
        project,
        role,
        project=project.pk,
        event=event.pk,
        day=day.isoformat(),
    )
    return event


def _require_begun(event: Event) -> None:
    """A check-in records that someone took part: not at an event dated later."""
    if event.day > timezone.localdate():
        raise refuse(
            "too-early",
            gettext_noop(
                "The event is on {day}: participants check in from that day on."
            ),
            day=event.day.isoformat(),
        )


def check_in_code(*, actor: Actor, event: Event) -> str:
    """A signed code of the event, valid :data:`CODE_SECONDS` (the organiser shows it as
    a QR code). Writes nothing. Refused: not a manager or the owner; the project not
    running; the event's day still to come ("too-early")."""
    _require_runner(actor, event.project)
    if event.project.status != ProjectStatus.RUNNING:
        raise refuse(
            "invalid",
            gettext_noop("Participants check in only while the project is running."),
        )
    _require_begun(event)
    return signing.TimestampSigner(salt=CODE_SALT).sign(str(event.pk))


def event_of_code(code: str) -> Event:
    """The event a check-in code names. Refused: a code past its time ("expired"), a
    code that is not the site's ("forged")."""
    try:
        pk = signing.TimestampSigner(salt=CODE_SALT).unsign(code, max_age=CODE_SECONDS)
    except signing.SignatureExpired:
        raise refuse(
            "expired",
            gettext_noop(
                "This check-in code has expired: scan the code the organiser shows now."
            ),
        ) from None
    except signing.BadSignature:
        raise refuse(
            "forged", gettext_noop("This is not a valid check-in code.")
        ) from None
    event = (
        Event.objects.select_related("project", "project__union")
        .filter(pk=int(pk) if pk.isdigit() else 0)
        .first()
    )
    if event is None:
        raise refuse("forged", gettext_noop("This is not a valid check-in code."))
    return event


@transaction.atomic
def check_in(*, actor: Actor, code: str) -> CheckIn:
    """Check the signed-in student in at the code's event, once.

    Refused: not signed in or not linked to a person; an expired or forged code; the
    project not running; an event dated later than today ("too-early"); a person not
    of the union's school; checked in already ("duplicate").
    """
    event = event_of_code(code)
    project = event.project
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise _forbidden(project.title)
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise refuse(
            "no-person",
            gettext_noop(
                "Your account is not linked to a student of the school: ask your union."
            ),
        )
    if project.status != ProjectStatus.RUNNING:
        raise refuse(
            "invalid",
            gettext_noop("Participants check in only while the project is running."),
        )
    _require_begun(event)
    if not people_of_school(school_path(project.union)).filter(pk=person.pk).exists():
        raise refuse(
            "outside",
            gettext_noop("Only students of the union's school check in at its events."),
        )
    if CheckIn.objects.filter(event=event, person=person).exists():
        raise refuse(
            "duplicate", gettext_noop("You have checked in at this event already.")
        )
    try:
        with transaction.atomic():
            row = CheckIn.objects.create(
                event=event, person=person, checked_in_at=timezone.now()
            )
    except IntegrityError:  # a second scan at the same moment
        raise refuse(
            "duplicate", gettext_noop("You have checked in at this event already.")
        ) from None
    _record(actor, "check_in", project, "participant", event=event.pk)
    return row
