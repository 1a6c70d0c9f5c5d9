"""Reads of a union's projects (ORG-11), each in a fixed number of queries.

Participation (参与度, TRN-2's dimension): the check-ins at a project's events and the
distinct participants, per project, and per union and term (学期,
:mod:`tongxue.domain.terms`) in one grouped query (:func:`participation_by_term`,
:func:`union_participation`: what the survey results page may show beside the
students' answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from tongxue.domain.finance.ledger import BudgetLine
from tongxue.domain.rules.disclosure import term_end
from tongxue.domain.terms import Term, parse_term, term_of
from tongxue.finances import selectors as finances
from tongxue.organisations.models import Organisation, OrgKind, Person, Position
from tongxue.projects.models import CheckIn, Event, Project, ProjectStatus

# ----------------------------------------------------------------------------- scope


def school_path(union: Organisation) -> str:
    """The path of the union's school (the union's own path if it has none)."""
    codes = [c for c in union.path.split("/") if c]
    path = (
        Organisation.objects.filter(code__in=codes, kind=OrgKind.SCHOOL)
        .values_list("path", flat=True)
        .first()
    )
    return path or union.path


def people_of_school(path: str) -> QuerySet[Person]:
    """The people of a school: its departments' and classes' students, and the holders
    of a post in it."""
    posts = Position.objects.filter(organisation__path__startswith=path)
    return Person.objects.filter(
        Q(department__path__startswith=path)
        | Q(class_unit__path__startswith=path)
        | Q(pk__in=posts.values("person_id"))
    )


def cadres_of(union: Organisation, today: date | None = None) -> QuerySet[Person]:
    """The union's cadres: people holding a post now at the union or a unit under it."""
    today = today or timezone.localdate()
    held = Position.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today),
        organisation__path__startswith=union.path,
        start__lte=today,
    ).values("person_id")
    return Person.objects.filter(pk__in=held)


def departments_of(union: Organisation) -> QuerySet[Organisation]:
    """The union's functional departments (at any depth under it)."""
    return Organisation.objects.filter(
        path__startswith=union.path, kind=OrgKind.FUNCTIONAL_DEPARTMENT
    ).order_by("path")


def _participants(outer: str = "pk") -> Coalesce:
    """The distinct participants of the project ``outer`` names (a subquery)."""
    qs = (
        CheckIn.objects.filter(event__project=OuterRef(outer))
        .order_by()
        .values("event__project")
        .annotate(n=Count("person", distinct=True))
        .values("n")[:1]
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), 0)


def _events(outer: str = "pk") -> Coalesce:
    qs = (
        Event.objects.filter(project=OuterRef(outer))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), 0)


def projects(union: Organisation, status: str = "") -> QuerySet[Project]:
    """The union's projects, newest start first, with their owner, number of events
    and distinct participants (one query per page)."""
    qs = (
        Project.objects.filter(union=union)
        .select_related("owner")
        .annotate(event_count=_events(), participant_count=_participants())
        .order_by("-start", "-number")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def project_of(union: Organisation, number: int) -> Project | None:
    return (
        Project.objects.filter(union=union, number=number)
        .select_related("union", "owner", "outcome_entry")
        .annotate(event_count=_events(), participant_count=_participants())
        .first()
    )


@dataclass(frozen=True)
class Member:
    person: Person
    #: Holds a post now (a cadre: named on public pages, as on the public roster).
    public: bool


def members(project: Project, today: date | None = None) -> list[Member]:
    """The project's members, cadres first, each marked public when they hold a post
    in the union's school now (one query)."""
    today = today or timezone.localdate()
    school = school_path(project.union)
    held = Position.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today),
        person=OuterRef("pk"),
        start__lte=today,
        organisation__path__startswith=school,
    )
    rows = project.members.annotate(public=Exists(held)).order_by("-public", "name")
    return [Member(p, bool(p.public)) for p in rows]  # type: ignore[attr-defined]


def departments(project: Project) -> list[Organisation]:
    return list(project.departments.order_by("path"))


def events(project: Project) -> list[Event]:
    """The project's events in date order, with their number of check-ins (one query)."""
    return list(
        Event.objects.filter(project=project)
        .annotate(check_in_count=Count("check_ins"))
        .order_by("day", "pk")
    )


def event_of(project: Project, pk: int) -> Event | None:
    return (
        Event.objects.filter(project=project, pk=pk)
        .annotate(check_in_count=Count("check_ins"))
        .first()
    )


def checked_in(event: Event, person: Person | None) -> bool:
    return person is not None and event.check_ins.filter(person=person).exists()


def budget_line(project: Project) -> BudgetLine | None:
    """The project's category in the union's ledger of its school year (budget against
    actual, finances' selectors: two queries), None without a budget line or ledger."""
    if not project.budget_year or not project.budget_category:
        return None
    ledger = finances.ledger_of(project.union, project.budget_year)
    if ledger is None:
        return None
    return next(
        (
            b
            for b in finances.budget_of(ledger)
            if b.category == project.budget_category
        ),
        BudgetLine(project.budget_category, Decimal("0.00"), Decimal("0.00")),
    )


# ----------------------------------------------------------------------------- participation


@dataclass(frozen=True)
class Participation:
    """A union's projects in a term: the projects with an event in it, the events, the
    check-ins and the distinct participants (参与度)."""

    term: str
    projects: int = 0
    events: int = 0
    check_ins: int = 0
    participants: int = 0


def _term_columns() -> dict[str, Any]:
    """The term of a check-in's event day, as (year, season) columns of the database
    (:func:`tongxue.domain.terms.term_of`: January and February are the autumn term
    of the year before)."""
    year = ExtractYear("event__day")
    return {
        "t_year": Case(
            When(Q(event__day__month__lt=3), then=year - 1),
            default=year,
            output_field=IntegerField(),
        ),
        "t_season": Case(
            When(
                Q(event__day__month__gte=3) & Q(event__day__month__lt=9),
                then=Value("spring"),
            ),
            default=Value("autumn"),
            output_field=CharField(),
        ),
    }


def participation_by_term(union: Organisation, limit: int = 8) -> list[Participation]:
    """The union's participation per term, newest first (one grouped query)."""
    cols = _term_columns()
    rows = (
        CheckIn.objects.filter(event__project__union=union)
        .exclude(event__project__status=ProjectStatus.CANCELLED)
        .annotate(**cols)
        .order_by()
        .values("t_year", "t_season")
        .annotate(
            projects=Count("event__project", distinct=True),
            events=Count("event", distinct=True),
            check_ins=Count("pk"),
            participants=Count("person", distinct=True),
        )
    )
    out = [
        Participation(
            term=Term(r["t_year"], r["t_season"]).code,
            projects=r["projects"],
            events=r["events"],
            check_ins=r["check_ins"],
            participants=r["participants"],
        )
        for r in rows
    ]
    out.sort(key=lambda p: parse_term(p.term).start, reverse=True)
    return out[:limit]


def union_participation(union: Organisation, term: str | None = None) -> Participation:
    """The union's participation in ``term`` (a code, ``2026-autumn``; the term under
    way by default): for the survey results page's 参与度 (one query)."""
    code = term or term_of(timezone.localdate()).code
    parsed = parse_term(code)
    start, end = parsed.start, term_end(parsed)
    agg = (
        CheckIn.objects.filter(
            event__project__union=union, event__day__gte=start, event__day__lte=end
        )
        .exclude(event__project__status=ProjectStatus.CANCELLED)
        .aggregate(
            projects=Count("event__project", distinct=True),
            events=Count("event", distinct=True),
            check_ins=Count("pk"),
            participants=Count("person", distinct=True),
        )
    )
    return Participation(term=code, **agg)


# ----------------------------------------------------------------------------- a person


@dataclass(frozen=True)
class PersonProject:
    project: Project
    owner: bool


def person_projects(person: Person, limit: int = 50) -> list[PersonProject]:
    """The projects a person owned or was a member of, newest first, with their union
    and participants (one query): evidence on a cadre's record (CAD-3)."""
    rows = (
        Project.objects.filter(Q(owner=person) | Q(members=person))
        .distinct()
        .select_related("union")
        .annotate(event_count=_events(), participant_count=_participants())
        .order_by("-start", "-pk")[:limit]
    )
    return [PersonProject(p, p.owner_id == person.pk) for p in rows]
