"""The balance of a federation congress's delegates (CON-12 · GS-4).

The plan asks that the seats for non-cadre students be "balanced across regions,
schools, ethnic groups and genders" and names no number, so nothing here is a finding:
for each dimension — city, county, school type, ethnic group, gender — the report sets
the delegates beside the student population, with the seats proportional
representation would give (Sainte-Laguë, exact, :mod:`tongxue.domain.apportionment`)
and the difference.

Populations: city, county and school type count the students served
(``students_served``) of the member schools; ethnic group and gender count the
registered students of the member schools (enrolled students whose department or class
is recorded), unless the caller passes its own counts. A delegate whose group is not
known is counted apart and left out of that dimension's proportional seats.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tongxue.domain.apportionment import ApportionmentError, Method, apportion
from tongxue.domain.model import (
    SCHOOL_TYPE_LABELS,
    Enrolment,
    Meeting,
    Organisation,
    OrgKind,
    PersonKind,
    Position,
    Registry,
    Role,
)
from tongxue.domain.rules.congress_composition import (
    NonCoreShare,
    non_core_share,
    positions_by_person,
)
from tongxue.domain.rules.federation import delegate_school, member_schools

DIMENSIONS = ("city", "county", "school_type", "ethnicity", "gender")
#: Display names (message ids) of the dimensions and of the genders.
DIMENSION_LABELS = {
    "city": "City",
    "county": "County",
    "school_type": "School type",
    "ethnicity": "Ethnic group",
    "gender": "Gender",
}
GENDER_LABELS = {"female": "Female", "male": "Male"}


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One group: its students and delegates, their shares, the proportional seats."""

    group: str
    label: str
    students: int
    student_share: Fraction | None
    delegates: int
    delegate_share: Fraction | None
    proportional: int | None  # Sainte-Laguë seats for the known delegates

    @property
    def difference(self) -> int | None:
        """Delegates minus proportional seats (negative: under-represented)."""
        return None if self.proportional is None else self.delegates - self.proportional


@dataclass(frozen=True, slots=True)
class Dimension:
    name: str
    rows: tuple[BalanceRow, ...]
    students: int  # students in a known group
    delegates: int  # delegates in a known group
    unknown_delegates: int
    tie: bool = False  # Sainte-Laguë tied for a last seat: no proportional seats shown

    @property
    def label(self) -> str:
        return DIMENSION_LABELS[self.name]


@dataclass(frozen=True, slots=True)
class BalanceReport:
    federation: str
    meeting: str
    delegates: int
    schools: int
    dimensions: tuple[Dimension, ...]
    #: The delegates who are not school- or department-level cadres (CON-12 "一定比例",
    #: reported whether or not the profile sets a minimum); None without ``core_roles``.
    non_cadre: NonCoreShare | None = None

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)


def _city(registry: Registry, school: Organisation) -> Organisation | None:
    return next(
        (
            a
            for a in registry.ancestors(school.code)
            if a.kind == OrgKind.CITY_FEDERATION
        ),
        None,
    )


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _dimension(
    name: str,
    students: Mapping[str, int],
    delegates: Counter[str],
    unknown: int,
    labels: Mapping[str, str],
) -> Dimension:
    groups = sorted(
        set(students) | set(delegates), key=lambda g: (-students.get(g, 0), g)
    )
    total_students = sum(students.values())
    total_delegates = sum(delegates.values())
    seats: dict[str, int] | None = None
    tie = False
    if total_students and total_delegates:
        try:
            result = apportion(
                [(g, students.get(g, 0)) for g in groups],
                total_delegates,
                method=Method.SAINTE_LAGUE,
            )
            seats = result.seats
        except ApportionmentError:  # a tie for a last seat (refused, not drawn)
            tie = True
    rows = tuple(
        BalanceRow(
            group=g,
            label=labels.get(g, g),
            students=students.get(g, 0),
            student_share=_share(students.get(g, 0), total_students),
            delegates=delegates.get(g, 0),
            delegate_share=_share(delegates.get(g, 0), total_delegates),
            proportional=seats.get(g, 0) if seats is not None else None,
        )
        for g in groups
    )
    return Dimension(name, rows, total_students, total_delegates, unknown, tie)


def registered_students(
    registry: Registry, schools: Sequence[Organisation]
) -> dict[str, Counter[str]]:
    """Enrolled students of ``schools`` recorded in the registry (through their
    department or class), counted by ethnic group and by gender."""
    members = {s.code for s in schools}
    out: dict[str, Counter[str]] = {"ethnicity": Counter(), "gender": Counter()}
    for p in registry.people:
        if p.kind != PersonKind.STUDENT or p.enrolment != Enrolment.ENROLLED:
            continue
        code = p.department or p.class_code
        school = registry.school_of(code) if code else None
        if school is None or school.code not in members:
            continue
        if p.ethnicity:
            out["ethnicity"][p.ethnicity] += 1
        if p.gender is not None:
            out["gender"][p.gender.value] += 1
    return out


def balance_report(
    registry: Registry,
    federation: str,
    meeting: Meeting,
    *,
    population: Mapping[str, Mapping[str, int]] | None = None,
    by_person: Mapping[str, Sequence[Position]] | None = None,
    core_roles: frozenset[Role] | None = None,
) -> BalanceReport:
    """CON-12 · GS-4: the congress's delegates against the student population of the
    federation's member schools, by city, county, school type, ethnic group and gender.

    ``population`` may give the student counts of the ``ethnicity`` and ``gender``
    dimensions (for example aggregated by a database); otherwise they are counted from
    the registry (:func:`registered_students`). With ``core_roles`` (the profile's) the
    report also counts the delegates who are not cadres (``non_cadre``).
    """
    index = by_person if by_person is not None else positions_by_person(registry)
    schools = member_schools(registry, federation)
    students, labels, school_city = _students(registry, schools, population)
    seated = sorted(set(meeting.delegates))
    delegates, unknown = _delegates(registry, seated, school_city, index, labels)
    dims = tuple(
        _dimension(d, students[d], delegates[d], unknown[d], labels[d])
        for d in DIMENSIONS
    )
    non_cadre = (
        non_core_share(registry, seated, meeting.opened, core_roles, by_person=index)
        if core_roles is not None
        else None
    )
    return BalanceReport(
        federation, meeting.code, len(seated), len(schools), dims, non_cadre
    )


def _students(
    registry: Registry,
    schools: Sequence[Organisation],
    population: Mapping[str, Mapping[str, int]] | None,
) -> tuple[
    dict[str, Counter[str]], dict[str, dict[str, str]], dict[str, Organisation | None]
]:
    """The students of the member schools by dimension, the dimensions' labels so far
    and the city of each school."""
    students: dict[str, Counter[str]] = {d: Counter() for d in DIMENSIONS}
    labels: dict[str, dict[str, str]] = {d: {} for d in DIMENSIONS}
    labels["school_type"] = {t.value: lbl for t, lbl in SCHOOL_TYPE_LABELS.items()}
    labels["gender"] = dict(GENDER_LABELS)
    school_city: dict[str, Organisation | None] = {}
    for s in schools:
        city = school_city[s.code] = _city(registry, s)
        if city is not None:
            labels["city"][city.code] = city.name
        if s.students_served is None:
            continue
        if city is not None:
            students["city"][city.code] += s.students_served
        if s.county:
            students["county"][s.county] += s.students_served
        if s.school_type is not None:
            students["school_type"][s.school_type.value] += s.students_served
    people = registered_students(registry, schools)
    for d in ("ethnicity", "gender"):
        given = population.get(d) if population is not None else None
        students[d] = Counter(dict(given)) if given is not None else people[d]
    return students, labels, school_city


def _delegates(
    registry: Registry,
    seated: Sequence[str],
    school_city: Mapping[str, Organisation | None],
    index: Mapping[str, Sequence[Position]],
    labels: dict[str, dict[str, str]],
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """The delegates by dimension, and how many of them each dimension cannot place.

    A delegate from a school outside the area (not in ``school_city``) has no region or
    type here; ``labels`` gains the cities of the delegates.
    """
    delegates: dict[str, Counter[str]] = {d: Counter() for d in DIMENSIONS}
    unknown: Counter[str] = Counter()
    for pid in seated:
        school = delegate_school(registry, pid, index)
        if school is not None and school.code not in school_city:
            school = None  # from outside the area: no region or type here
        city = school_city.get(school.code) if school is not None else None
        keys = {
            "city": city.code if city is not None else "",
            "county": (school.county or "") if school is not None else "",
            "school_type": school.school_type.value
            if school is not None and school.school_type is not None
            else "",
        }
        person = registry.person.get(pid)
        keys["ethnicity"] = person.ethnicity if person is not None else ""
        keys["gender"] = (
            person.gender.value
            if person is not None and person.gender is not None
            else ""
        )
        for d, k in keys.items():
            if k:
                delegates[d][k] += 1
                if d == "city" and city is not None:
                    labels["city"][k] = city.name
            else:
                unknown[d] += 1
    return delegates, unknown
