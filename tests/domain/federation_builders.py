"""A small federation for CON-12 and balance tests (helpers, not tests)."""

from __future__ import annotations

from datetime import date

from tests.domain.builders import AS_OF, Builder
from tongxue.domain.model import (
    Gender,
    MeetingKind,
    OrgKind,
    Person,
    Role,
    SchoolType,
)

OPENED = date(2024, 3, 1)

# school: (city, county, type, students)
SCHOOLS = {
    "U1": ("C1", "K1", SchoolType.GENERAL_UNIVERSITY, 10_000),
    "V1": ("C1", "K1", SchoolType.SECONDARY_VOCATIONAL, 1_000),
    "M1": ("C2", "K2", SchoolType.MIDDLE_SCHOOL, 2_000),
    "M2": ("C2", "K3", SchoolType.MIDDLE_SCHOOL, 1_500),
}


def federation(profile: str = "gansu-2017") -> Builder:
    """Provincial federation "F" with city federations C1, C2 and the four schools of
    :data:`SCHOOLS`, each with a school union "<school>-U" and a department union
    "<school>-D"; no congress yet (add one with :func:`congress`)."""
    b = Builder(default_profile=profile)
    b.org("F", OrgKind.PROVINCIAL_FEDERATION, name="Federation F", profile=profile)
    for city in ("C1", "C2"):
        b.org(city, OrgKind.CITY_FEDERATION, "F", name=f"City {city}")
    for code, (city, county, stype, students) in SCHOOLS.items():
        b.school(code, school_type=stype, students=students, parent=city, county=county)
        b.org(f"{code}-U", OrgKind.SCHOOL_UNION, code)
        b.org(f"{code}-D", OrgKind.DEPARTMENT_UNION, f"{code}-U")
    return b


def student(
    b: Builder,
    school: str | None,
    *,
    pid: str | None = None,
    gender: Gender | None = Gender.FEMALE,
    ethnicity: str = "汉族",
) -> str:
    """A student of ``school`` (through its department union), or of no known school."""
    b._seq += 1
    pid = pid or f"s{b._seq}"
    b.people[pid] = Person(
        id=pid,
        name=f"Student {pid}",
        gender=gender,
        ethnicity=ethnicity,
        department=f"{school}-D" if school else None,
    )
    return pid


def cadre(b: Builder, school: str, **kw: object) -> str:
    """A student who presides over the school union of ``school`` (a core member)."""
    pid = student(b, school, **kw)  # type: ignore[arg-type]
    b.post(f"{school}-U", Role.PRESIDENT, pid)
    return pid


def congress(
    b: Builder, delegates: tuple[str, ...], opened: date = OPENED, code: str = "FC"
) -> None:
    b.meeting("F", MeetingKind.CONGRESS, opened, delegates=delegates, code=code)


def covered(b: Builder) -> tuple[str, ...]:
    """One non-cadre delegate from each school: every type and county covered."""
    return tuple(student(b, s) for s in SCHOOLS)


__all__ = [
    "AS_OF",
    "OPENED",
    "SCHOOLS",
    "cadre",
    "congress",
    "covered",
    "federation",
    "student",
]
