"""Map database rows to the domain's frozen dataclasses, in bulk.

:func:`load_registry` reads a subtree (or everything) with a fixed number of queries,
whatever the number of organisations: one per table, using ``values_list`` so that no
model instances are built. The audit, the guards and the snapshot export all start here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import FilteredRelation, OuterRef, Q, Subquery

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


def load_registry(root_code: str | None = None) -> dm.Registry:
    """Load the subtree under ``root_code`` (everything when None) and its ancestors."""
    from tongxue.compliance.models import Justification
    from tongxue.congresses.models import Delegate, Meeting

    in_tree = subtree_filter(root_code)
    org_q = in_tree
    if root_code is not None:
        root_path = (
            Organisation.objects.filter(code=root_code)
            .values_list("path", flat=True)
            .first()
        )
        ancestors = [c for c in (root_path or "").split("/") if c]
        org_q = in_tree | Q(code__in=ancestors)
    # CON-8 … CON-10: a union adopts its standing conference with its first standing
    # delegate (the day recommended), or on the day a snapshot recorded: the earlier
    # of the two, read in the organisations query.
    from tongxue.business.models import StandingDelegate

    first_standing = Subquery(
        StandingDelegate.objects.filter(union=OuterRef("pk"))
        .order_by("recommended_on")
        .values("recommended_on")[:1]
    )
    orgs = []
    adoptions = []
    for *row, first, recorded in (
        Organisation.objects.filter(org_q)
        .annotate(standing_adopted=first_standing)
        .values_list(*ORG_FIELDS, "standing_adopted", "standing_conference__adopted_on")
        .order_by("path")
    ):
        orgs.append(organisation_from_row(tuple(row)))
        days = [d for d in (first, recorded) if d is not None]
        if days:
            adoptions.append(dm.StandingConference(row[0], min(days)))

    positions_qs = Position.objects.filter(subtree_filter(root_code, "organisation__"))
    meetings_qs = Meeting.objects.filter(subtree_filter(root_code, "organisation__"))
    delegates_qs = Delegate.objects.filter(
        subtree_filter(root_code, "meeting__organisation__")
    )
    positions = [
        position_from_row(r) for r in positions_qs.values_list(*POSITION_FIELDS)
    ]

    # The delegates and the election that elected each (CON-6), in one query.
    seats: dict[int, list[str]] = defaultdict(list)
    elected: dict[int, list[dm.DelegateProvenance]] = defaultdict(list)
    for (
        meeting_id,
        ident,
        unit,
        held,
        electorate,
        cast,
        votes,
    ) in delegates_qs.values_list(
        "meeting_id",
        "person__ident",
        "election__unit__code",
        "election__held",
        "election__electorate",
        "election__votes_cast",
        "votes",
    ).order_by("meeting_id", "person__ident"):
        seats[meeting_id].append(ident)
        if unit is not None:
            elected[meeting_id].append(
                dm.DelegateProvenance(ident, unit, held, electorate, cast, votes)
            )
    from tongxue.business.mappers import (
        BUSINESS_FIELDS,
        annotate_business,
        business_kwargs,
    )

    seat_plans = _seat_plans(root_code)
    meetings = [
        dm.Meeting(
            code,
            org,
            dm.MeetingKind(kind),
            opened,
            session,
            report,
            tuple(seats[pk]),
            **business_kwargs(business),
            status=dm.MeetingStatus(status),
            seats=seat_plans.get(pk),
            provenance=tuple(elected[pk]),
        )
        for pk, code, org, kind, opened, session, report, status, *business in (
            annotate_business(meetings_qs).values_list(
                "pk",
                "code",
                "organisation__code",
                "kind",
                "opened",
                "session",
                "work_report",
                "status",
                *BUSINESS_FIELDS,
            )
        )
    ]
    people_q = Q(pk__in=positions_qs.values("person_id")) | Q(
        pk__in=delegates_qs.values("person_id")
    )
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
    justifications = [
        dm.Justification(org, rule, reason, by, on, until, evidence)
        for org, rule, reason, by, on, until, evidence in Justification.objects.filter(
            subtree_filter(root_code, "organisation__")
        ).values_list(
            "organisation__code",
            "rule",
            "reason",
            "approved_by",
            "approved_on",
            "valid_until",
            "evidence",
        )
    ]
    # CAD-4: the evaluation periods (semesters) and who filed a 述职 report, in one
    # query (a left join on the filed reports: a period without any still comes back).
    from tongxue.evaluations.models import EvaluationPeriod

    semester_rows: dict[int, tuple[str, str, date, date, str, list[str]]] = {}
    for pk, org, code, start, end, status, ident in (
        EvaluationPeriod.objects.filter(subtree_filter(root_code, "organisation__"))
        .annotate(
            filed=FilteredRelation(
                "subjects",
                condition=Q(subjects__kind="report", subjects__filed_at__isnull=False),
            )
        )
        .values_list(
            "pk",
            "organisation__code",
            "code",
            "start",
            "end",
            "status",
            "filed__position__person__ident",
        )
        .order_by("pk", "filed__position__person__ident")
    ):
        row = semester_rows.setdefault(pk, (org, code, start, end, status, []))
        if ident is not None:
            row[5].append(ident)
    semesters = [
        dm.Semester(org, code, start, end, status == "closed", tuple(idents))
        for org, code, start, end, status, idents in semester_rows.values()
    ]
    # CAD-3: the evaluations of the cadres, run here or recorded by an import, with
    # their counts (two queries; never a rating).
    from tongxue.evaluations.mappers import evaluation_periods

    evaluations = evaluation_periods(subtree_filter(root_code, "organisation__"))
    # ELE-1, ELE-3: the elections and the meeting that elects (one query), then the
    # elections recorded by an import (one query; one run here wins on the same code).
    from tongxue.elections.models import Election, RecordedElection

    elections = [
        dm.Election(org, code, meeting, post, status)
        for org, code, meeting, post, status in Election.objects.filter(
            subtree_filter(root_code, "organisation__")
        )
        .values_list("organisation__code", "code", "meeting__code", "post", "status")
        .order_by("organisation__code", "code")
    ]
    run = {e.code for e in elections}
    elections.extend(
        dm.Election(org, code, _opt(meeting), post, status)
        for org, code, meeting, post, status in RecordedElection.objects.filter(
            subtree_filter(root_code, "organisation__")
        )
        .values_list("organisation__code", "code", "meeting", "post", "status")
        .order_by("organisation__code", "code")
        if code not in run
    )
    elections.sort(key=lambda e: (e.organisation, e.code))
    # CON-13: the work reports filed in writing (one query); GOV-1, GOV-2: the
    # records of guidance (one query).
    from tongxue.business.mappers import guidance, written_reports

    return dm.Registry(
        written_reports=written_reports(subtree_filter(root_code, "union__")),
        guidance=guidance(subtree_filter(root_code, "union__")),
        standing_conferences=tuple(adoptions),
        organisations=tuple(orgs),
        people=tuple(people),
        positions=tuple(positions),
        meetings=tuple(meetings),
        reviews=tuple(reviews),
        justifications=tuple(justifications),
        semesters=tuple(semesters),
        evaluations=evaluations,
        elections=tuple(elections),
        default_profile=settings.TONGXUE_DEFAULT_PROFILE,
        enrolled_grades=_enrolled_grades(root_code),
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


def _seat_plans(root_code: str | None) -> dict[int, dm.SeatPlan]:
    """The seat plan of each congress (CON-4), in four queries: from its allocation,
    or, for a congress Tongxue did not allocate, as a snapshot recorded it."""
    from tongxue.congresses.models import (
        AllocatedCell,
        AllocatedSeats,
        Meeting,
        SeatAllocation,
    )

    recorded = {
        pk: dm.SeatPlan(
            by_grade=bool(plan.get("by_grade")),
            departments=tuple(plan.get("departments") or ()),
            grades=tuple(int(g) for g in plan.get("grades") or ()),
            clubs=tuple(plan.get("clubs") or ()),
        )
        for pk, plan in Meeting.objects.filter(
            subtree_filter(root_code, "organisation__"), recorded_seats__isnull=False
        ).values_list("pk", "recorded_seats")
        if isinstance(plan, dict)
    }

    where = subtree_filter(root_code, "allocation__meeting__organisation__")
    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for meeting_id, kind, code in (
        AllocatedSeats.objects.filter(where, seats__gt=0)
        .values_list("allocation__meeting_id", "kind", "unit__code")
        .order_by("allocation__meeting_id", "position")
    ):
        units[meeting_id][kind].append(code)
    grades: dict[int, set[int]] = defaultdict(set)
    for meeting_id, grade in AllocatedCell.objects.filter(
        where, seats__gt=0
    ).values_list("allocation__meeting_id", "grade"):
        grades[meeting_id].add(grade)
    return recorded | {
        meeting_id: dm.SeatPlan(
            by_grade=mode == "grades",
            departments=tuple(units[meeting_id]["department"]),
            grades=tuple(sorted(grades[meeting_id])),
            clubs=tuple(units[meeting_id]["club"]),
        )
        for meeting_id, mode in SeatAllocation.objects.filter(
            subtree_filter(root_code, "meeting__organisation__")
        ).values_list("meeting_id", "mode")
    }


def subtree_codes(registry: dm.Registry, root_code: str) -> Iterable[str]:
    """Return the codes of ``root_code`` and everything below it in the registry."""
    stack, out = [root_code], []
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(k.code for k in registry.kids(code))
    return out
