"""Read cadre records with a bounded number of queries.

The public roster (CAD-2 · GS-12, CQ-7) shows names, posts, terms and a contact channel
(the official address the cadre chose, else the relay form), never student numbers,
identifiers or private contacts. Vacant posts are shown as vacant.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import DatabaseError
from django.db.models import Count, Prefetch
from django.utils import timezone

from tongxue.cadres.hooks import cadre_contacts
from tongxue.cadres.models import (
    Application,
    Assessment,
    Attendance,
    Course,
    Criterion,
    ExitCase,
    RelayMessage,
    Selection,
    SelectionState,
)
from tongxue.evaluations.selectors import cadre_record_summary
from tongxue.organisations.models import Organisation, OrgKind, Person, Position, Role
from tongxue.organisations.profiles import governing_profile

logger = logging.getLogger(__name__)

_ROLE_ORDER = {r: i for i, r in enumerate(Role.values)}

#: The subject type of a selection's notices (tongxue.publicity).
SELECTION_SUBJECT = "cadres.selection"
UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)
SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)


# -- the union a post belongs to, the students it serves ------------------------------


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


# -- training --------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedCourse:
    course_id: int
    title: str
    organisation: str
    attended: int
    required: int

    @property
    def completed(self) -> bool:
        return self.attended >= self.required


def training_of(person_ids: list[int]) -> dict[int, list[CompletedCourse]]:
    """Return each person's courses with attendance, completed ones first (one query)."""
    rows = (
        Attendance.objects.filter(person_id__in=person_ids)
        .values(
            "person_id",
            "session__course_id",
            "session__course__title",
            "session__course__organisation__name",
            "session__course__sessions_required",
        )
        .annotate(n=Count("id"))
        .order_by("person_id", "session__course__title")
    )
    out: dict[int, list[CompletedCourse]] = {pid: [] for pid in person_ids}
    for r in rows:
        out[r["person_id"]].append(
            CompletedCourse(
                course_id=r["session__course_id"],
                title=r["session__course__title"],
                organisation=r["session__course__organisation__name"],
                attended=r["n"],
                required=r["session__course__sessions_required"],
            )
        )
    for courses in out.values():
        courses.sort(key=lambda c: (not c.completed, c.title))
    return out


def has_completed(person_id: int, course: Course) -> bool:
    return any(
        c.course_id == course.pk and c.completed
        for c in training_of([person_id])[person_id]
    )


# -- evaluations (another app, through its selector) ----------------------------------


def evaluation_summary(person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Return the published evaluation and report results per person (CAD-3, CAD-5).

    The cadre's record and the exit case's evidence show them. If the evaluations'
    tables cannot be read (a database error), the page is shown without them rather
    than not at all, and the error is logged; any other error is a bug and is raised.
    """
    try:
        return dict(cadre_record_summary(person_ids))
    except DatabaseError:
        logger.exception(
            "evaluation results of %d people could not be read", len(person_ids)
        )
        return {}


# -- selections ------------------------------------------------------------------------


def selections(*, organisation: Organisation | None = None) -> Any:
    qs = Selection.objects.select_related("organisation").annotate(
        n_applications=Count("applications")
    )
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return qs.order_by("state", "-closes", "-id")


@dataclass
class ApplicationView:
    application: Application
    assessments: list[Assessment]
    missing: list[str]
    training: list[CompletedCourse]
    evaluations: list[dict[str, Any]]

    @property
    def missing_labels(self) -> list[str]:
        """The criteria not yet assessed, by their labels in the active language."""
        return [
            str(Criterion(c).label) if c in Criterion.values else c
            for c in self.missing
        ]


def selection_detail(selection: Selection) -> list[ApplicationView]:
    """Return the applications with assessments and the evidence shown beside them."""
    apps = list(
        Application.objects.filter(selection=selection)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessor").order_by(
                    "criterion", "id"
                ),
            )
        )
    )
    ids = [a.person_id for a in apps]
    training = training_of(ids) if ids else {}
    evaluations = evaluation_summary(ids) if ids else {}
    order = {c: i for i, c in enumerate(selection.criteria)}
    out = []
    for a in apps:
        assessed = sorted(
            a.assessments.all(), key=lambda x: (order.get(x.criterion, 99), x.pk)
        )
        done = {x.criterion for x in assessed}
        out.append(
            ApplicationView(
                application=a,
                assessments=assessed,
                missing=[c for c in selection.criteria if c not in done],
                training=training.get(a.person_id, []),
                evaluations=evaluations.get(a.person_id, []),
            )
        )
    return out


def notices_of(selection: Selection) -> dict[str, Any]:
    from tongxue.publicity.models import Notice

    out: dict[str, Any] = {}
    for n in Notice.objects.filter(
        subject_type=SELECTION_SUBJECT, subject_id=selection.pk
    ).order_by("created_at", "id"):
        out[n.kind] = n
    return out


# -- roster (CAD-2) --------------------------------------------------------------------


@dataclass
class RosterRow:
    role: str
    role_label: str
    title: str
    position: Position | None = None  # None: vacant
    #: (contacts received through the relay, of which answered) as a cadre (RGT-6,
    #: ``hooks.CADRE_CONTACTS``); None: not counted
    contacts: tuple[int, int] | None = None

    @property
    def vacant(self) -> bool:
        return self.position is None


@dataclass
class RosterSection:
    organisation: Organisation
    rows: list[RosterRow] = field(default_factory=list)


def _roster_roles(union: Organisation) -> tuple[set[str], set[str]]:
    """Return the roles shown for the union itself and for its departments."""
    prof = governing_profile(union)
    main = (
        set(prof.strings("main_cadre_roles")) if prof.has("main_cadre_roles") else set()
    )
    main |= {Role.PRESIDENT, Role.VICE_PRESIDENT}
    return main, {Role.PRESIDENT, Role.VICE_PRESIDENT, Role.DEPARTMENT_HEAD}


def roster(union: Organisation, today: date | None = None) -> list[RosterSection]:
    """Return the main cadres of ``union`` and its departments, vacancies included.

    A post is vacant when nobody holds it today and it had a holder before (same
    organisation, role and title), and the president's or a department's head post is
    vacant when nobody holds it. Three queries whatever the size.
    """
    day = today or timezone.localdate()
    union_roles, dept_roles = _roster_roles(union)
    children = list(
        Organisation.objects.filter(parent=union)
        .exclude(kind=OrgKind.CLASS_COMMITTEE)
        .only("code", "name", "kind", "parent_id")
        .order_by("code")
    )
    orgs = [union, *children]
    roles_for = {union.pk: union_roles, **{c.pk: dept_roles for c in children}}
    positions = list(
        Position.objects.filter(
            organisation__in=orgs,
            role__in=sorted(union_roles | dept_roles),
            start__lte=day,
        )
        .select_related("person")
        .only(
            "organisation_id",
            "role",
            "title",
            "start",
            "end",
            "public_contact",
            "person__name",
            "person__user_id",
        )
    )
    labels = dict(Role.choices)
    sections = []
    for org in orgs:
        wanted = roles_for[org.pk]
        mine = [
            p for p in positions if p.organisation_id == org.pk and p.role in wanted
        ]
        active = [p for p in mine if p.end is None or p.end >= day]
        held = {(p.role, p.title) for p in active}
        rows = [
            RosterRow(p.role, str(labels.get(p.role, p.role)), p.title, p)
            for p in active
        ]
        vacant: dict[tuple[str, str], None] = {}
        for p in mine:
            if (p.role, p.title) not in held and (p.end is not None and p.end < day):
                vacant[(p.role, p.title)] = None
        head = Role.PRESIDENT if org.pk == union.pk else Role.DEPARTMENT_HEAD
        if org.pk != union.pk and org.kind == OrgKind.DEPARTMENT_UNION:
            head = Role.PRESIDENT
        if not any(p.role == head for p in active) and not any(
            r == head for r, _ in vacant
        ):
            vacant[(head, str(labels[head]))] = None
        rows += [RosterRow(r, str(labels.get(r, r)), t, None) for r, t in vacant]
        rows.sort(key=lambda r: (_ROLE_ORDER.get(r.role, 99), r.vacant, r.title))
        sections.append(RosterSection(org, rows))
    return sections


def roster_contacts(union: Organisation, sections: list[RosterSection]) -> bool:
    """Set each holder's relay contacts on the roster's rows (one query through the
    hook, two for a roster below the school-level union); False when no relay reaches
    the roster's cadres (nothing set)."""
    holders = [
        row.position.person_id
        for section in sections
        for row in section.rows
        if row.position is not None
    ]
    counts = cadre_contacts(union, holders) if holders else None
    if counts is None:
        return False
    for section in sections:
        for row in section.rows:
            if row.position is not None:
                row.contacts = counts.get(row.position.person_id, (0, 0))
    return True


#: Kinds whose cadres have their own roster page (the others appear on their parent's).
ROSTER_KINDS = frozenset(
    {
        OrgKind.SCHOOL_UNION,
        OrgKind.GRADUATE_UNION,
        OrgKind.DEPARTMENT_UNION,
        OrgKind.PROVINCIAL_FEDERATION,
        OrgKind.CITY_FEDERATION,
    }
)


def roster_union(position: Position) -> Organisation:
    """Return the organisation whose roster lists ``position`` (CAD-2).

    A union's own posts are on its roster; a functional department's (or a club
    federation's) head is on its parent union's roster, as a section of it. Sending a
    reader to the department's "roster" would show the department as a union with
    only a vacant president (#16).
    """
    org = position.organisation
    if org.kind in ROSTER_KINDS or org.parent_id is None:
        return org
    return Organisation.objects.only("code", "name", "kind").get(pk=org.parent_id)


# -- a cadre's record ------------------------------------------------------------------


@dataclass
class CadreRecord:
    person: Person
    positions: list[Position]
    training: list[CompletedCourse]
    applications: list[Application]
    evaluations: list[dict[str, Any]]
    exit_cases: list[ExitCase]
    messages: list[RelayMessage]
    unread: int


def record(person: Person, *, with_messages: bool) -> CadreRecord:
    """Return the cadre's record: posts, training, selections, evaluations, exits."""
    positions = list(
        Position.objects.filter(person=person)
        .select_related("organisation")
        .order_by("-start", "-id")
    )
    applications = list(
        Application.objects.filter(person=person)
        .select_related("selection", "selection__organisation")
        .order_by("-submitted_at")
    )
    cases = list(
        ExitCase.objects.filter(position__person=person)
        .select_related("position", "position__organisation")
        .order_by("-opened_at")
    )
    messages: list[RelayMessage] = []
    unread = 0
    if with_messages:
        messages = list(
            RelayMessage.objects.filter(position__person=person)
            .select_related("sender", "position")
            .order_by("-sent_at")[:50]
        )
        unread = sum(1 for m in messages if m.read_at is None)
    return CadreRecord(
        person=person,
        positions=positions,
        training=training_of([person.pk])[person.pk],
        applications=applications,
        evaluations=evaluation_summary([person.pk]).get(person.pk, []),
        exit_cases=cases,
        messages=messages,
        unread=unread,
    )


__all__ = [
    "SelectionState",
    "evaluation_summary",
    "record",
    "roster",
    "selection_detail",
    "selections",
    "served_path",
    "training_of",
    "union_of",
]
