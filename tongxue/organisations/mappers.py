"""Map database rows to the domain's frozen dataclasses, in bulk.

:func:`load_registry` reads a subtree (or everything) with a fixed number of queries,
whatever the number of organisations: one per table, using ``values_list`` so that no
model instances are built. The audit, the guards and the snapshot export all start here.

The registry is organisations' (the organisations, people, positions and reviews); the
rest of it (meetings, elections, evaluations, justifications…) belongs to the apps above
organisations, which add their part through :data:`REGISTRY_PARTS` (each app's
``mappers.registry_part``, registered in its ``AppConfig.ready()``), so that this module
imports none of them (#13).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from tongxue.core.hooks import Hook
from tongxue.domain import model as dm
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    Person,
    PersonKind,
    Position,
    Review,
)


def _opt(value: str) -> str | None:
    return value or None


def organisation_from_row(row: tuple) -> dm.Organisation:  # type: ignore[type-arg]
    (
        code,
        name,
        name_en,
        kind,
        parent,
        served,
        school_type,
        county,
        campuses,
        function,
        profile,
    ) = row
    return dm.Organisation(
        code=code,
        name=name,
        name_en=name_en,
        kind=dm.OrgKind(kind),
        parent=parent,
        students_served=served,
        school_type=dm.SchoolType(school_type) if school_type else None,
        county=_opt(county),
        branch_campuses=campuses,
        function=dm.DepartmentFunction(function) if function else None,
        profile=_opt(profile),
    )


ORG_FIELDS = (
    "code",
    "name",
    "name_en",
    "kind",
    "parent__code",
    "students_served",
    "school_type",
    "county",
    "branch_campuses",
    "function",
    "profile",
)
PERSON_FIELDS = (
    "ident",
    "name",
    "kind",
    "student_number",
    "gender",
    "ethnicity",
    "department__code",
    "grade",
    "class_unit__code",
    "enrolment",
)
POSITION_FIELDS = (
    "organisation__code",
    "person__ident",
    "role",
    "title",
    "start",
    "end",
    "branch_campus",
    "responsible_for_clubs",
    "public_contact",
    "election",
)


def person_from_row(row: tuple) -> dm.Person:  # type: ignore[type-arg]
    ident, name, kind, number, gender, ethnicity, dept, grade, klass, enrolment = row
    return dm.Person(
        id=ident,
        name=name,
        kind=dm.PersonKind(kind),
        student_number=number,
        gender=dm.Gender(gender) if gender else None,
        ethnicity=ethnicity,
        department=dept,
        grade=grade,
        class_code=klass,
        enrolment=dm.Enrolment(enrolment),
    )


def position_from_row(row: tuple) -> dm.Position:  # type: ignore[type-arg]
    org, person, role, title, start, end, branch, clubs, contact, election = row
    return dm.Position(
        org,
        person,
        dm.Role(role),
        title,
        start,
        end,
        branch,
        clubs,
        contact,
        election=_opt(election),
    )


#: The columns of a review the domain reads (TRN-3), in :func:`review_from_row` order.
REVIEW_FIELDS = (
    "reviewer__code",
    "reviewed__code",
    "held",
    "assessment_published",
    "report_heard",
    "opinions_heard",
    "opinions",
    "assessment",
    "rating",
    "published_on",
)


def review_from_row(row: tuple) -> dm.Review:  # type: ignore[type-arg]
    reviewer, reviewed, held, published, report, heard, opinions, text, rating, on = row
    return dm.Review(
        reviewer,
        reviewed,
        held,
        published,
        report_heard=report,
        opinions_heard=heard,
        opinions=opinions,
        assessment=text,
        rating=dm.ReviewRating(rating) if rating else None,
        published_on=on,
    )


def subtree_filter(root_code: str | None, field: str = "") -> Q:
    """Return a filter for rows whose organisation is ``root_code`` or below it."""
    if root_code is None:
        return Q()
    return Q(**{f"{field}path__contains": f"/{root_code}/"})


#: The registry's own fields: filled by :func:`load_registry` itself, never by a part.
CORE_FIELDS = frozenset(
    {
        "organisations",
        "people",
        "positions",
        "reviews",
        "default_profile",
        "enrolled_grades",
    }
)


@dataclass(frozen=True)
class Scope:
    """What a registry is loaded for, as each part filters its rows.

    ``root`` is the code of the subtree's root (None: everything); ``organisations``
    selects the organisations the registry holds (the subtree and the root's
    ancestors), so that a part need not read the root's path again.
    """

    root: str | None
    organisations: Q

    def under(self, field: str = "") -> Q:
        """Rows whose organisation (reached through ``field``) is in the subtree."""
        return subtree_filter(self.root, field)


@dataclass(frozen=True)
class Part:
    """What an app adds to the registry: some of its fields, and people it names.

    ``fields`` maps :class:`~tongxue.domain.model.Registry` field names to their
    tuples; ``people`` is a query of the primary keys of people the part refers to
    (e.g. the delegates of its congresses), read with the registry's people in its
    one people query (``pk__in``: no query of its own).
    """

    fields: Mapping[str, Any]
    people: QuerySet[Any] | None = None


#: The parts of the registry the apps above organisations fill (#13): each such app
#: registers a function ``(Scope) -> Part`` in its ``AppConfig.ready()`` (congresses:
#: meetings, seat plans, delegates' provenance; business: written reports, guidance,
#: standing conferences; elections; evaluations: semesters, evaluations; compliance:
#: justifications). Each part runs a fixed number of queries, so the loader does too.
REGISTRY_PARTS: Hook[Callable[[Scope], Part]] = Hook("organisations.registry_parts")


def load_registry(root_code: str | None = None) -> dm.Registry:
    """Load the subtree under ``root_code`` (everything when None) and its ancestors.

    The organisations, positions, people and reviews are read here; every other field
    comes from the parts the apps registered (:data:`REGISTRY_PARTS`).
    """
    org_q = subtree_filter(root_code)
    if root_code is not None:
        root_path = (
            Organisation.objects.filter(code=root_code)
            .values_list("path", flat=True)
            .first()
        )
        ancestors = [c for c in (root_path or "").split("/") if c]
        org_q = org_q | Q(code__in=ancestors)
    orgs = [
        organisation_from_row(row)
        for row in Organisation.objects.filter(org_q)
        .values_list(*ORG_FIELDS)
        .order_by("path")
    ]
    positions_qs = Position.objects.filter(subtree_filter(root_code, "organisation__"))
    positions = [
        position_from_row(r) for r in positions_qs.values_list(*POSITION_FIELDS)
    ]
    scope = Scope(root_code, org_q)
    fields: dict[str, Any] = {}
    people_q = Q(pk__in=positions_qs.values("person_id"))
    for contribute in REGISTRY_PARTS:
        part = contribute(scope)
        clash = (fields.keys() | CORE_FIELDS) & part.fields.keys()
        if clash:
            raise ImproperlyConfigured(
                f"{contribute.__module__}.{contribute.__qualname__} fills "
                f"{sorted(clash)}, which another part or the registry fills."
            )
        fields.update(part.fields)
        if part.people is not None:
            people_q |= Q(pk__in=part.people)
    people = [
        person_from_row(r)
        for r in Person.objects.filter(people_q).values_list(*PERSON_FIELDS)
    ]
    reviews = [
        review_from_row(r)
        for r in Review.objects.filter(
            subtree_filter(root_code, "reviewer__")
        ).values_list(*REVIEW_FIELDS)
    ]
    return dm.Registry(
        organisations=tuple(orgs),
        people=tuple(people),
        positions=tuple(positions),
        reviews=tuple(reviews),
        default_profile=settings.TONGXUE_DEFAULT_PROFILE,
        enrolled_grades=_enrolled_grades(root_code),
        **fields,
    )


def _enrolled_grades(root_code: str | None) -> tuple[tuple[str, int], ...]:
    """(department code, grade) of the enrolled students in the subtree, one query
    (CON-4 reads every department's grades without loading every student)."""
    return tuple(
        Person.objects.filter(
            subtree_filter(root_code, "department__"),
            kind=PersonKind.STUDENT,
            enrolment=Enrolment.ENROLLED,
            grade__isnull=False,
        )
        .values_list("department__code", "grade")
        .distinct()
        .order_by()
    )


def subtree_codes(registry: dm.Registry, root_code: str) -> Iterable[str]:
    """Return the codes of ``root_code`` and everything below it in the registry."""
    stack, out = [root_code], []
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(k.code for k in registry.kids(code))
    return out
