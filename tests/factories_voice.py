"""A school with its rights channel, every kind of user, for the concern tests (#17).

Province federation ``{p}PF`` → school ``{p}SCH`` → school union ``{p}SU`` → department
unions ``{p}DU`` (classes ``{p}K1``, ``{p}K2``) and ``{p}DU2`` (class ``{p}K3``); the
school's offices ``{p}HQ`` (后勤处) and ``{p}JW`` (教务处) beside the union. Users: a
rights officer at K1, at DU and at the union, an office handler at 后勤处, the union
administrator, the League advisor (at the school), a named handler of sensitive and
cadre concerns, the operator, the federation administrator; students ``author`` (K1)
and ``other`` (K3); ``cadre``: a vice-president of the union who is also a rights
officer there and a named handler (the worst case: the rule about a concern about
them must beat every role they hold).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind, Role
from tongxue.voice import services
from tongxue.voice.models import Category, NamedHandler


@dataclass
class VoiceSchool:
    federation: Any
    school: Any
    union: Any
    dept: Any
    dept2: Any
    k1: Any
    k2: Any
    k3: Any
    office: Any  # 后勤处
    office2: Any  # 教务处
    users: dict[str, Any] = field(default_factory=dict)
    cadre_person: Any = None

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def category(self, code: str) -> Category:
        return Category.objects.get(union=self.union, code=code)


def student(unit: Any, username: str, *, name: str = "") -> Any:
    """A student of class ``unit`` with an account."""
    user = UserFactory(username=username)
    PersonFactory(
        name=name or f"学生{username}",
        user=user,
        class_unit=unit,
        department=unit.parent,
    )
    return user


def build_voice_school(prefix: str = "V") -> VoiceSchool:
    p = prefix
    federation = OrganisationFactory(
        code=f"{p}PF", name=f"{p}省学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    school = SchoolFactory(code=f"{p}SCH", name=f"{p}大学", parent=federation)
    union = OrganisationFactory(code=f"{p}SU", name=f"{p}大学学生会", parent=school)
    dept = OrganisationFactory(
        code=f"{p}DU",
        name=f"{p}法学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
        students_served=800,
    )
    dept2 = OrganisationFactory(
        code=f"{p}DU2",
        name=f"{p}理学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
        students_served=600,
    )

    def klass(code: str, parent: Any) -> Any:
        return OrganisationFactory(
            code=f"{p}{code}",
            name=f"{p}{code}班",
            kind=OrgKind.CLASS_COMMITTEE,
            parent=parent,
            students_served=None,
        )

    k1, k2, k3 = klass("K1", dept), klass("K2", dept), klass("K3", dept2)

    def office(code: str, name: str) -> Any:
        return OrganisationFactory(
            code=f"{p}{code}",
            name=f"{p}{name}",
            kind=OrgKind.SCHOOL_OFFICE,
            parent=school,
            students_served=None,
        )

    hq, jw = office("HQ", "后勤处"), office("JW", "教务处")
    vs = VoiceSchool(federation, school, union, dept, dept2, k1, k2, k3, hq, jw)
    u = vs.users
    low = p.lower()
    u["author"] = student(k1, f"{low}-author")
    u["other"] = student(k3, f"{low}-other")
    u["classmate"] = student(k1, f"{low}-classmate")

    def role(name: str, org: Any, kind: str) -> Any:
        user = UserFactory(username=f"{low}-{name}")
        RoleFactory(user=user, organisation=org, role=kind)
        u[name] = user
        return user

    role("class_officer", k1, RoleKind.RIGHTS_OFFICER)
    role("dept_officer", dept, RoleKind.RIGHTS_OFFICER)
    role("union_officer", union, RoleKind.RIGHTS_OFFICER)
    role("office_handler", hq, RoleKind.OFFICE_HANDLER)
    role("union_admin", union, RoleKind.UNION_ADMIN)
    role("advisor", school, RoleKind.LEAGUE_ADVISOR)
    role("federation_admin", federation, RoleKind.FEDERATION_ADMIN)
    named = UserFactory(username=f"{low}-named")
    NamedHandler.objects.create(
        union=union, user=named, sensitive=True, about_cadres=True
    )
    u["named"] = named
    u["operator"] = UserFactory(
        username=f"{low}-operator", is_superuser=True, is_staff=True
    )
    # The cadre concerned: a vice-president, also a rights officer of the union and a
    # named handler.
    cadre = student(k2, f"{low}-cadre", name=f"{p}副主席")
    RoleFactory(user=cadre, organisation=union, role=RoleKind.RIGHTS_OFFICER)
    NamedHandler.objects.create(
        union=union, user=cadre, sensitive=True, about_cadres=True
    )
    vs.cadre_person = cadre.person
    PositionFactory(
        organisation=union,
        person=cadre.person,
        role=Role.VICE_PRESIDENT,
        title="副主席",
        start=dt.date(2025, 9, 1),
    )
    u["cadre"] = cadre
    services.ensure_default_categories(union)
    return vs
