"""A union's projects as JSON (ORG-11 · GS-9, CQ-4): what the pages show, and their
writes through the same services.

Reads are as public as the pages: a union's projects with their state, dates, owner,
events and participants, its participation by term; a project with its aims, the
departments involved, its events, budget line and outcome report. Members are named
only when they hold a post (cadres, as on the public roster), the others counted; the
union's administrators and cadres and those who read its private data (the League
advisor, the Party approvers) get every member's name and student number, as on the
page. The check-in codes are the pages' (a QR code shown at the event).

Writes (signed in, CSRF token in ``X-CSRFToken``) call
:mod:`tongxue.projects.services` with its checks and refusals: plan a project (the
union's administrators and cadres), change it (they and its owner), add an event.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Router, Schema, Status
from ninja.security import django_auth

from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm
from tongxue.core.terms import term_label
from tongxue.core.view_helpers import perms_at
from tongxue.domain.finance.ledger import CATEGORY_LABELS
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person
from tongxue.projects import selectors, services
from tongxue.projects.models import Project, ProjectStatus

router = Router(tags=["projects"])

PAGE_SIZE = 20


class RefusalOut(Schema):
    """A refusal of a service (``tongxue.core.errors.refusal_json``): the field it
    names, when it names one."""

    code: str
    message: str
    params: dict[str, Any]
    field: str | None = None


class ParticipationOut(Schema):
    term: str
    label: str
    projects: int
    events: int
    check_ins: int
    participants: int


class ProjectRowOut(Schema):
    number: int
    title: str
    status: str
    start: date
    end: date | None
    owner: str
    events: int
    participants: int
    url: str


class ProjectsOut(Schema):
    union: str
    status: str
    page: int
    pages: int
    count: int
    participation: list[ParticipationOut]
    projects: list[ProjectRowOut]


class ProjectDepartmentOut(Schema):
    code: str
    name: str


class ProjectMemberOut(Schema):
    name: str
    cadre: bool
    #: Only for the union's managers and readers of its private data.
    student_number: str | None = None


class ProjectEventOut(Schema):
    id: int
    title: str
    day: date
    place: str
    check_ins: int
    url: str


class ProjectBudgetOut(Schema):
    year: int
    category: str
    category_label: str
    planned: str | None
    budget: str | None
    actual: str | None


class ProjectOut(Schema):
    union: str
    number: int
    title: str
    summary: str
    status: str
    cancel_reason: str
    owner: str
    start: date
    end: date | None
    departments: list[ProjectDepartmentOut]
    members: list[ProjectMemberOut]
    #: Members not named (students who hold no post), for the public.
    hidden_members: int
    events: list[ProjectEventOut]
    participants: int
    budget: ProjectBudgetOut | None
    outcome: str
    concluded_at: datetime | None
    outcome_url: str | None
    url: str


class ProjectIn(Schema):
    title: str
    summary: str = ""
    #: The owner: a student number or registry identifier of a cadre of the union.
    owner: str
    start: date
    end: date | None = None
    #: Codes of the union's functional departments involved.
    departments: list[str] = []
    #: Student numbers or registry identifiers of people of the union's school.
    members: list[str] = []
    budget_year: int | None = None
    budget_category: str = ""
    budget_amount: str | None = None


class ProjectEventIn(Schema):
    title: str
    day: date
    place: str = ""


ERRORS = {400: RefusalOut, 403: RefusalOut}


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _union(code: str) -> Organisation:
    union = get_or_404(code)
    if union.kind not in services.UNION_KINDS:
        raise Http404(code)
    return union


def _project(union: Organisation, number: int) -> Project:
    project = selectors.project_of(union, number)
    if project is None:
        raise Http404(number)
    return project


def _private(request: HttpRequest, union: Organisation) -> bool:
    """Sees every member's name and number, as the page (the union's managers and the
    readers of its private data)."""
    if not request.user.is_authenticated:
        return False
    if services.manager_role(request.user, union):
        return True
    return Perm.VIEW_PRIVATE in perms_at(request.user, union.path)


def _project_url(project: Project) -> str:
    return reverse("projects:project", args=[project.union.code, project.number])


def _project_out(request: HttpRequest, union: Organisation, p: Project) -> ProjectOut:
    private = _private(request, union)
    members = selectors.members(p)
    shown = members if private else [m for m in members if m.public]
    line = selectors.budget_line(p)
    budget = None
    if p.budget_year:
        budget = ProjectBudgetOut(
            year=p.budget_year,
            category=p.budget_category,
            category_label=str(CATEGORY_LABELS.get(p.budget_category, "")),
            planned=_money(p.budget_amount),
            budget=_money(line.budget) if line else None,
            actual=_money(line.actual) if line else None,
        )
    entry = p.outcome_entry_id
    return ProjectOut(
        union=union.code,
        number=p.number,
        title=p.title,
        summary=p.summary,
        status=p.status,
        cancel_reason=p.cancel_reason,
        owner=p.owner.name,
        start=p.start,
        end=p.end,
        departments=[
            ProjectDepartmentOut(code=d.code, name=d.name)
            for d in selectors.departments(p)
        ],
        members=[
            ProjectMemberOut(
                name=m.person.name,
                cadre=m.public,
                student_number=(m.person.student_number or None) if private else None,
            )
            for m in shown
        ],
        hidden_members=len(members) - len(shown),
        events=[
            ProjectEventOut(
                id=e.pk,
                title=e.title,
                day=e.day,
                place=e.place,
                check_ins=e.check_in_count,  # type: ignore[attr-defined]
                url=reverse("projects:event", args=[union.code, p.number, e.pk]),
            )
            for e in selectors.events(p)
        ],
        participants=p.participant_count,  # type: ignore[attr-defined]
        budget=budget,
        outcome=p.outcome if p.status == ProjectStatus.CONCLUDED else "",
        concluded_at=p.concluded_at,
        outcome_url=reverse("disclosure:entry", args=[union.code, entry])
        if entry
        else None,
        url=_project_url(p),
    )


# ----------------------------------------------------------------------------- reads


@router.get("/{code}", response=ProjectsOut)
def projects(
    request: HttpRequest, code: str, page: int = 1, status: str = ""
) -> ProjectsOut:
    """The union's projects, newest start first, 20 a page (``status`` filters: planned,
    running, concluded, cancelled), with its participation by term (public)."""
    union = _union(code)
    if status not in ProjectStatus.values:
        status = ""
    paginator = Paginator(selectors.projects(union, status), PAGE_SIZE)
    current = paginator.get_page(page)
    return ProjectsOut(
        union=union.code,
        status=status,
        page=current.number,
        pages=paginator.num_pages,
        count=paginator.count,
        participation=[
            ParticipationOut(
                term=t.term,
                label=term_label(t.term),
                projects=t.projects,
                events=t.events,
                check_ins=t.check_ins,
                participants=t.participants,
            )
            for t in selectors.participation_by_term(union)
        ],
        projects=[
            ProjectRowOut(
                number=p.number,
                title=p.title,
                status=p.status,
                start=p.start,
                end=p.end,
                owner=p.owner.name,
                events=p.event_count,  # type: ignore[attr-defined]
                participants=p.participant_count,  # type: ignore[attr-defined]
                url=reverse("projects:project", args=[union.code, p.number]),
            )
            for p in current.object_list
        ],
    )


@router.get("/{code}/{int:number}", response=ProjectOut)
def project(request: HttpRequest, code: str, number: int) -> ProjectOut:
    """A project with its departments, members (as the page shows them to the reader),
    events, budget line and outcome report."""
    union = _union(code)
    return _project_out(request, union, _project(union, number))


# ----------------------------------------------------------------------------- writes


def _owner(union: Organisation, ident: str) -> Person | None:
    """The cadre of the union with this student number or identifier (None: the
    service refuses the owner)."""
    ident = (ident or "").strip()
    if not ident:
        return None
    return (
        selectors.cadres_of(union)
        .filter(Q(student_number=ident) | Q(ident=ident))
        .order_by("pk")
        .first()
    )


def _departments(union: Organisation, codes: list[str]) -> list[Organisation]:
    """The organisations of these codes (the service refuses those that are not the
    union's functional departments; an unknown code is refused here)."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    found = list(Organisation.objects.filter(code__in=wanted))
    if len(found) != len(wanted):
        raise refuse(
            "invalid",
            gettext_noop("Choose functional departments of the union."),
            field="departments",
        )
    return found


def _fields(union: Organisation, payload: ProjectIn) -> dict[str, Any]:
    return {
        "title": payload.title,
        "summary": payload.summary,
        "owner": _owner(union, payload.owner),
        "start": payload.start,
        "end": payload.end,
        "departments": _departments(union, payload.departments),
        "members": payload.members,
        "budget_year": payload.budget_year,
        "budget_category": payload.budget_category,
        "budget_amount": payload.budget_amount,
    }


@router.post("/{code}", auth=django_auth, response={201: ProjectOut, **ERRORS})
def plan(request: HttpRequest, code: str, payload: ProjectIn) -> Any:
    """Plan a project of the union (its administrators and cadres): the page's checks
    and refusals (``services.plan_project``)."""
    union = _union(code)
    created = services.plan_project(
        actor=request.user, union=union, **_fields(union, payload)
    )
    return Status(201, _project_out(request, union, _project(union, created.number)))


@router.put(
    "/{code}/{int:number}", auth=django_auth, response={200: ProjectOut, **ERRORS}
)
def edit(request: HttpRequest, code: str, number: int, payload: ProjectIn) -> Any:
    """Change a planned or running project, every field (its union's managers and its
    owner; ``services.edit_project``): members not listed are removed."""
    union = _union(code)
    item = _project(union, number)
    services.edit_project(actor=request.user, project=item, **_fields(union, payload))
    return _project_out(request, union, _project(union, number))


@router.post(
    "/{code}/{int:number}/events",
    auth=django_auth,
    response={201: ProjectEventOut, **ERRORS},
)
def add_event(
    request: HttpRequest, code: str, number: int, payload: ProjectEventIn
) -> Any:
    """Add an event, dated within the project's dates (``services.add_event``)."""
    union = _union(code)
    item = _project(union, number)
    event = services.add_event(
        actor=request.user,
        project=item,
        title=payload.title,
        day=payload.day,
        place=payload.place,
    )
    return Status(
        201,
        ProjectEventOut(
            id=event.pk,
            title=event.title,
            day=event.day,
            place=event.place,
            check_ins=0,
            url=reverse("projects:event", args=[union.code, number, event.pk]),
        ),
    )
