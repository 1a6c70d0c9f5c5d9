"""Factories for a small federation with a congress (CON-12 balance page tests)."""

from __future__ import annotations

import datetime as dt

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.organisations.models import OrgKind, Role, SchoolType

# code: (city, county, type, students)
SCHOOLS = {
    "FS-U1": ("FC1", "榆中县", SchoolType.GENERAL_UNIVERSITY, 10_000),
    "FS-V1": ("FC1", "榆中县", SchoolType.SECONDARY_VOCATIONAL, 1_000),
    "FS-M1": ("FC2", "永登县", SchoolType.MIDDLE_SCHOOL, 2_000),
    "FS-M2": ("FC2", "皋兰县", SchoolType.MIDDLE_SCHOOL, 1_500),
}


def build_federation(*, per_school: int = 1, cadres: int = 0):  # type: ignore[no-untyped-def]
    """Federation "FED" with two city federations, four schools (each with a union and
    a department union), ``per_school`` enrolled students per school who sit at the
    congress "FED-C", and ``cadres`` union presidents among the delegates."""
    fed = OrganisationFactory(
        code="FED", name="示范学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    cities = {
        c: OrganisationFactory(
            code=c, name=f"{c}学联", kind=OrgKind.CITY_FEDERATION, parent=fed
        )
        for c in ("FC1", "FC2")
    }
    meeting = MeetingFactory(
        code="FED-C", organisation=fed, opened=dt.date(2025, 11, 1)
    )
    depts = {}
    for code, (city, county, stype, students) in SCHOOLS.items():
        school = SchoolFactory(
            code=code,
            parent=cities[city],
            school_type=stype,
            county=county,
            students_served=students,
        )
        union = OrganisationFactory(
            code=f"{code}-U", kind=OrgKind.SCHOOL_UNION, parent=school
        )
        depts[code] = OrganisationFactory(
            code=f"{code}-D", kind=OrgKind.DEPARTMENT_UNION, parent=union
        )
        for k in range(per_school):
            person = PersonFactory(
                gender="female" if k % 2 else "male",
                ethnicity="汉族" if k % 3 else "回族",
                department=depts[code],
                enrolment="enrolled",
            )
            DelegateFactory(meeting=meeting, person=person)
    schools = list(SCHOOLS)
    for k in range(cadres):
        code = schools[k % len(schools)]
        person = PersonFactory(gender="male", ethnicity="汉族", department=depts[code])
        PositionFactory(
            organisation=depts[code].parent,
            person=person,
            role=Role.PRESIDENT,
            title="主席",
            start=dt.date(2025, 1, 1),
        )
        DelegateFactory(meeting=meeting, person=person)
    return fed, meeting
