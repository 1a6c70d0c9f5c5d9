"""Map database rows to the domain's frozen dataclasses, in bulk.

:func:`load_registry` reads a subtree (or everything) with a fixed number of queries,
whatever the number of organisations: one per table, using ``values_list`` so that no
model instances are built. The audit, the guards and the snapshot export all start here.

The rows go straight into the domain's dataclasses, positionally, each enumeration
looked up in a dictionary of its members (``OrgKind("school")`` costs ten times
``ORG_KINDS["school"]``): at province scale (≈ 200,000 rows) this is most of the time
the loader spends in Python (#15). A subtree is selected by a prefix of
``Organisation.path`` (:func:`subtree_filter` with ``path``), which the path's index
serves; a small one (a school's, re-audited after each change in it) by the keys of
its organisations and of its people, read with them (:attr:`Scope.ids`,
:data:`SUBTREE_BY_ID`, :data:`PEOPLE_BY_ID`): the same rows, in the same order, in
three quarters of the time (#15).

The registry is organisations' (the organisations, people, positions and reviews); the
rest of it (meetings, elections, evaluations, justifications…) belongs to the apps above
organisations, which add their part through :data:`REGISTRY_PARTS` (each app's
``mappers.registry_part``, registered in its ``AppConfig.ready()``), so that this module
imports none of them (#13).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BooleanField, Expression, F, Q, QuerySet

from tongxue.core.hooks import Hook
from tongxue.domain import model as dm
from tongxue.domain.gcpause import gc_paused
from tongxue.organisations import kept
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    Person,
    PersonKind,
    Position,
    Review,
)

E = TypeVar("E", bound=enum.Enum)


def members(enum: type[E]) -> dict[str, E]:
    """The members of an enumeration by value: ``members(OrgKind)["school"]`` is
    ``OrgKind("school")`` (a stored value that is not one raises ``KeyError``)."""
    return {m.value: m for m in enum}


ORG_KINDS = members(dm.OrgKind)
SCHOOL_TYPES = members(dm.SchoolType)
FUNCTIONS = members(dm.DepartmentFunction)
PERSON_KINDS = members(dm.PersonKind)
GENDERS = members(dm.Gender)
ENROLMENTS = members(dm.Enrolment)
ROLES = members(dm.Role)
RATINGS = members(dm.ReviewRating)


def organisation_from_row(row: tuple) -> dm.Organisation:  # type: ignore[type-arg]
    return organisations_from_rows((row,))[0]


def organisations_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[dm.Organisation]:
    """:class:`~tongxue.domain.model.Organisation` of rows of :data:`ORG_FIELDS`."""
    new, kinds, types, functions = dm.Organisation, ORG_KINDS, SCHOOL_TYPES, FUNCTIONS
    return [
        new(
            code,
            name,
            kinds[kind],
            parent,
            served,
            types[school_type] if school_type else None,
            county or None,
            campuses,
            functions[function] if function else None,
            profile or None,
            name_en,
        )
        for (
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
        ) in rows
    ]


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
    return people_from_rows((row,))[0]


def people_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[dm.Person]:
    """:class:`~tongxue.domain.model.Person` of rows of :data:`PERSON_FIELDS`."""
    new, kinds, genders, enrolments = dm.Person, PERSON_KINDS, GENDERS, ENROLMENTS
    return [
        new(
            ident,
            name,
            kinds[kind],
            number,
            genders[gender] if gender else None,
            ethnicity,
            dept,
            grade,
            klass,
            enrolments[enrolment],
        )
        for ident, name, kind, number, gender, ethnicity, dept, grade, klass, enrolment in rows
    ]


def position_from_row(row: tuple) -> dm.Position:  # type: ignore[type-arg]
    return positions_from_rows((row,))[0]


def positions_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[dm.Position]:
    """:class:`~tongxue.domain.model.Position` of rows of :data:`POSITION_FIELDS`."""
    new, roles = dm.Position, ROLES
    return [
        new(
            org,
            person,
            roles[role],
            title,
            start,
            end,
            branch,
            clubs,
            contact,
            election or None,
        )
        for org, person, role, title, start, end, branch, clubs, contact, election in rows
    ]


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
        rating=RATINGS[rating] if rating else None,
        published_on=on,
    )


def subtree_filter(
    root_code: str | None, field: str = "", *, path: str | None = None
) -> Q:
    """Return a filter for rows whose organisation is ``root_code`` or below it.

    ``path`` is the root's ``Organisation.path`` ("/PROVINCE/CITY/"): the filter is then
    a prefix match (``LIKE '/PROVINCE/CITY/%'``), which the path's index serves
    (``db_index`` gives the column a ``varchar_pattern_ops`` index on PostgreSQL).
    Without it, the root's code anywhere in the path (``LIKE '%/CITY/%'``: every row is
    read): the same rows, since a path lists the codes of an organisation's ancestors
    and its own, and codes are unique.
    """
    if root_code is None:
        return Q()
    if path:
        return Q(**{f"{field}path__startswith": path})
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
    #: The root's ``Organisation.path`` (a prefix the path index serves), when known.
    path: str | None = None
    #: The primary keys of the subtree's organisations, when it has at most
    #: :data:`SUBTREE_BY_ID` (then filters name them: see :meth:`under`).
    ids: tuple[int, ...] | None = None
    #: Then the code of each organisation loaded (the subtree and its ancestors) by
    #: its key: a query need not join the organisations for a code.
    codes: Mapping[int, str] | None = None

    def under(self, field: str = "") -> Q:
        """Rows whose organisation (reached through ``field``) is in the subtree.

        A small subtree (a school's) by its organisations' keys (:func:`keys_in`:
        ``organisation_id = ANY(…)``), which the foreign key's index serves; a path
        prefix joins the organisations, and the planner, expecting more rows than a
        school has, read whole tables for it (#15). The same rows either way.
        """
        if self.ids is not None:
            return keys_in(f"{field}pk", self.ids)
        return subtree_filter(self.root, field, path=self.path)

    def rows(self, build: Callable[[Scope], QuerySet[Any]]) -> list[Any]:
        """``list(build(self))``: the rows of a ``values_list`` query of the scope.

        For a small subtree read by keys on PostgreSQL the query is built and compiled
        once per process and its SQL run with this scope's keys
        (:mod:`tongxue.organisations.kept`: ``build`` may read nothing but the scope it
        is given and constants); otherwise built and run as usual. The same rows.
        """
        if self.ids is None or self.codes is None or not kept.keepable():
            return list(build(self))
        return kept.rows(build, self, _TEMPLATE, self._slot_values())

    def _slot_values(self) -> dict[str, list[int]]:
        return {
            kept.SUBTREE.name: list(self.ids or ()),
            kept.LOADED.name: list(self.codes or ()),
        }


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
    #: The primary keys ``people`` selects, when the part read them already (its
    #: query then need not run again as a subquery of the people's).
    person_ids: Collection[int] | None = None


#: The parts of the registry the apps above organisations fill (#13): each such app
#: registers a function ``(Scope) -> Part`` in its ``AppConfig.ready()`` (congresses:
#: meetings, seat plans, delegates' provenance; business: written reports, guidance,
#: standing conferences; elections; evaluations: semesters, evaluations; compliance:
#: justifications). Each part runs a fixed number of queries, so the loader does too.
REGISTRY_PARTS: Hook[Callable[[Scope], Part]] = Hook("organisations.registry_parts")


# The registry's own queries of a small subtree, kept (:meth:`Scope.rows`).

#: In an order of their own (the model's, then the key), not the plan's: a school's
#: registry read by keys equals the one read by path (#15).
_POSITION_ORDER = ("organisation_id", "role", "start", "pk")


def _keyed_positions(scope: Scope) -> QuerySet[Any]:
    return (
        Position.objects.filter(scope.under("organisation__"))
        .values_list("organisation_id", "person_id", *POSITION_FIELDS[2:])
        .order_by(*_POSITION_ORDER)
    )


def _keyed_people(scope: Scope) -> QuerySet[Any]:
    return (
        Person.objects.filter(Q(_AnyOf("pk", kept.PEOPLE)))
        .order_by()
        .values_list("pk", *_KEYED_PERSON_FIELDS)
    )


def _reviews(scope: Scope) -> QuerySet[Any]:
    return (
        Review.objects.filter(scope.under("reviewer__"))
        .values_list(*REVIEW_FIELDS)
        .order_by("pk")
    )


def load_registry(root_code: str | None = None) -> dm.Registry:
    """Load the subtree under ``root_code`` (everything when None) and its ancestors.

    The organisations, positions, people and reviews are read here; every other field
    comes from the parts the apps registered (:data:`REGISTRY_PARTS`). The cyclic
    garbage collector is paused meanwhile (:mod:`tongxue.domain.gcpause`).
    """
    with gc_paused():
        return _load_registry(root_code)


def _load_registry(root_code: str | None) -> dm.Registry:
    root_path: str | None = None
    org_q = Q()
    if root_code is not None:
        root_path = (
            Organisation.objects.filter(code=root_code)
            .values_list("path", flat=True)
            .first()
        )
        ancestors = [c for c in (root_path or "").split("/") if c]
        org_q = subtree_filter(root_code, path=root_path) | Q(code__in=ancestors)
    orgs, scope = _organisations(root_code, root_path, org_q)
    if scope.ids is None or scope.codes is None:
        return _load_scope(orgs, scope)
    # a small subtree's kept queries, sent together (:func:`kept.batch`)
    with kept.batch(scope._slot_values()):
        return _load_scope(orgs, scope)


def _load_scope(orgs: list[dm.Organisation], scope: Scope) -> dm.Registry:
    positions_qs = Position.objects.filter(scope.under("organisation__"))
    order = _POSITION_ORDER
    ids: set[int] | None = None
    if scope.codes is not None:  # a small subtree: its people by key (:func:`_people`)
        codes = scope.codes
        # the person's key, not a join for the ident: the ident comes from the
        # people's rows below (the planner hashed every person of the province for
        # the join once the tables were analysed: 7 of a school's 40 ms, #15)
        keyed_positions = scope.rows(_keyed_positions)
        ids = {row[1] for row in keyed_positions}
        positions = None
    else:
        positions = positions_from_rows(
            positions_qs.values_list(*POSITION_FIELDS).order_by(*order)
        )
    fields: dict[str, Any] = {}
    named = [positions_qs.values("person_id")]
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
            named.append(part.people)
            if ids is not None and part.person_ids is not None:
                ids.update(part.person_ids)
            else:
                ids = None
    # Sorted by id here, not by the database: the rows (as many as the positions
    # and delegate seats of a province) overflow the memory PostgreSQL gives a sort
    # (``work_mem``) and were sorted on disk; Python's sort of the fetched rows takes a
    # fraction of that (and the order no longer depends on the database's collation).
    people_qs = Person.objects.filter(_people(named, ids)).order_by()
    if scope.codes is not None:
        keyed = _people_rows_by_keys(people_qs, scope.codes, ids)
        idents = {pk: row[0] for pk, *row in keyed}
        rows = [row[1:] for row in keyed]
        codes = scope.codes
        positions = positions_from_rows(
            (codes[org], idents[person], *rest)
            for org, person, *rest in keyed_positions
        )
    else:
        rows = list(people_qs.values_list(*PERSON_FIELDS))
    rows.sort(key=itemgetter(0))
    people = people_from_rows(rows)
    reviews = [review_from_row(r) for r in scope.rows(_reviews)]
    return dm.Registry(
        organisations=tuple(orgs),
        people=tuple(people),
        positions=tuple(positions),
        reviews=tuple(reviews),
        default_profile=settings.TONGXUE_DEFAULT_PROFILE,
        enrolled_grades=_enrolled_grades(scope),
        **fields,
    )


class _AnyOf(Expression):
    """``field = ANY(%s)``: one parameter, an array of keys (PostgreSQL)."""

    conditional = True

    def __init__(self, field: str, keys: Collection[int]) -> None:
        super().__init__(output_field=BooleanField())
        self.lhs: Any = F(field)
        # a slot of a kept query (:mod:`tongxue.organisations.kept`) stays one
        self.keys: Any = keys if isinstance(keys, kept.Slot) else list(keys)

    def get_source_expressions(self) -> list[Any]:
        return [self.lhs]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.lhs,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.lhs)
        return f"{sql} = ANY(%s)", (*params, self.keys)


def keys_in(field: str, keys: Collection[int]) -> Q:
    """Rows whose ``field`` (a primary or foreign key) is one of ``keys``.

    On PostgreSQL ``field = ANY(%s)`` with the keys as one array parameter: the same
    rows as ``IN (%s, %s, …)``, without Django checking and the driver quoting the keys
    one by one in every query (hundreds of people, a school's dozens of organisations
    in each of the registry's queries); elsewhere ``IN (…)``.
    """
    if connection.vendor == "postgresql":
        return Q(_AnyOf(field, keys))
    return Q(**{f"{field}__in": keys})


#: The scope a kept query is compiled for (:meth:`Scope.rows`): slots for its keys.
_TEMPLATE = Scope(
    None,
    Q(_AnyOf("pk", kept.LOADED)),
    None,
    kept.SUBTREE,  # type: ignore[arg-type]
    {},
)

#: A subtree of at most this many organisations is selected by their primary keys.
SUBTREE_BY_ID = 400

#: The columns :func:`_organisations` reads: ``ORG_FIELDS`` with the parent's key
#: for its code (found among the rows: a parent is in the subtree or above it).
_LOADED_ORG_FIELDS = (
    "pk",
    "path",
    "parent_id",
    *(f for f in ORG_FIELDS if f != "parent__code"),
)
_PARENT = ORG_FIELDS.index("parent__code")


def _organisations(
    root_code: str | None, root_path: str | None, org_q: Q
) -> tuple[list[dm.Organisation], Scope]:
    """The organisations ``org_q`` selects (the subtree and its ancestors, by path),
    and the scope the rest of the registry is read for (one query)."""
    rows = list(
        Organisation.objects.filter(org_q)
        .values_list(*_LOADED_ORG_FIELDS)
        .order_by("path")
    )
    codes = {row[0]: row[3] for row in rows}
    orgs = organisations_from_rows(
        (*row[3 : 3 + _PARENT], codes.get(row[2]), *row[3 + _PARENT :]) for row in rows
    )
    scope = Scope(root_code, org_q, root_path)
    small = min(SUBTREE_BY_ID, (connection.features.max_query_params or 999) // 2)
    if root_path and len(rows) <= small:
        ids = tuple(row[0] for row in rows if row[1].startswith(root_path))
        scope = Scope(root_code, keys_in("pk", tuple(codes)), root_path, ids, codes)
    return orgs, scope


#: At most this many people are read by their primary keys (the rest: by a subquery).
PEOPLE_BY_ID = 5000


def _people(named: list[QuerySet[Any]], ids: set[int] | None) -> Q:
    """The people the positions and the parts name (``named``: queries of their
    primary keys; ``ids``: those keys, when every part read them).

    A small subtree's people (a school's: hundreds) by their keys, which PostgreSQL
    looks up in the primary key's index. Otherwise ``IN (…) OR IN (…)``, for which
    the planner reads the whole people table: right for a province, not for a school
    (11.5 of a school's 46 ms load on the demo province, #15). The same rows either
    way.
    """
    limit = min(PEOPLE_BY_ID, connection.features.max_query_params or PEOPLE_BY_ID)
    if ids is not None and len(ids) <= limit:
        return keys_in("pk", sorted(ids))
    q = Q()
    for query in named:
        q |= Q(pk__in=query)
    return q


#: :data:`PERSON_FIELDS` with the department's and the class unit's keys for codes.
_KEYED_PERSON_FIELDS = tuple(
    f.replace("__code", "_id") if f in ("department__code", "class_unit__code") else f
    for f in PERSON_FIELDS
)
_DEPARTMENT = PERSON_FIELDS.index("department__code")
_CLASS_UNIT = PERSON_FIELDS.index("class_unit__code")


def _people_rows_by_keys(
    people: QuerySet[Any], codes: Mapping[int, str], ids: set[int] | None
) -> list[tuple[Any, ...]]:
    """Rows of the key and :data:`PERSON_FIELDS` for a small subtree: the department's and the
    class unit's codes from the organisations already loaded (``codes``), not from a
    join — the planner hashed every organisation of the province for the class units
    (4 of a school's 5 ms, #15). A key outside the subtree (rare) is looked up once.
    People read by their keys (``ids``) by a kept query on PostgreSQL."""
    limit = min(PEOPLE_BY_ID, connection.features.max_query_params or PEOPLE_BY_ID)
    if ids is not None and len(ids) <= limit and kept.keepable():
        rows = kept.rows(
            _keyed_people, None, _TEMPLATE, {kept.PEOPLE.name: sorted(ids)}
        )
    else:
        rows = list(people.values_list("pk", *_KEYED_PERSON_FIELDS))
    known = dict(codes)
    columns = (_DEPARTMENT + 1, _CLASS_UNIT + 1)  # after the key
    missing = {
        row[i]
        for row in rows
        for i in columns
        if row[i] is not None and row[i] not in known
    }
    if missing:
        known.update(
            Organisation.objects.filter(keys_in("pk", sorted(missing)))
            .order_by()
            .values_list("pk", "code")
        )
    out = []
    for row in rows:
        item = list(row)
        for i in columns:
            if item[i] is not None:
                item[i] = known[item[i]]
        out.append(tuple(item))
    return out


def _enrolled(scope: Scope) -> QuerySet[Any]:
    return Person.objects.filter(
        scope.under("department__"),
        kind=PersonKind.STUDENT,
        enrolment=Enrolment.ENROLLED,
        grade__isnull=False,
    ).order_by()


def _enrolled_by_key(scope: Scope) -> QuerySet[Any]:
    return _enrolled(scope).values_list("department_id", "grade").distinct()


def _enrolled_grades(scope: Scope) -> tuple[tuple[str, int], ...]:
    """(department code, grade) of the enrolled students in the subtree, one query
    (CON-4 reads every department's grades without loading every student)."""
    if scope.codes is not None:  # the departments are in the subtree: codes known
        codes = scope.codes
        rows = [(codes[dept], grade) for dept, grade in scope.rows(_enrolled_by_key)]
    else:
        rows = list(
            _enrolled(scope).values_list("department__code", "grade").distinct()
        )
    return tuple(
        sorted(rows, key=lambda row: (row[0] is not None, row[0] or "", row[1]))
    )


def subtree_codes(registry: dm.Registry, root_code: str) -> Iterable[str]:
    """Return the codes of ``root_code`` and everything below it in the registry."""
    stack, out = [root_code], []
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(k.code for k in registry.kids(code))
    return out
