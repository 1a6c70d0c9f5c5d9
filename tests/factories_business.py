"""Factories for a meeting's business (agenda, charter, standing delegates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.business.models import AgendaItem, CharterVersion
from tongxue.congresses.models import MeetingKind
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = "other"
    title = factory.Sequence(lambda n: f"议程{n}")
    position = factory.Sequence(lambda n: n + 1)


class CharterVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterVersion

    union = factory.SubFactory(OrganisationFactory)
    number = 1
    text = "第一条 本会名称为学生会。\n第二条 本会宗旨是服务同学。\n第三条 本会最高权力机构是学生代表大会。"
    adopted_on = dt.date(2020, 5, 1)


@dataclass
class UnionWithCongress:
    """A school union with two department unions, a congress with delegates and admins."""

    school: Any
    union: Any
    dept_a: Any
    dept_b: Any
    congress: Any
    delegates_a: list[Any]
    delegates_b: list[Any]
    admin: Any
    dept_admin: Any
    outsider: Any


def union_with_congress(
    *,
    prefix: str = "B",
    delegates: int = 3,
    opened: dt.date = dt.date(2026, 10, 20),
) -> UnionWithCongress:
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}大学")
    union = OrganisationFactory(
        code=f"{prefix}SU",
        name=f"{prefix}大学学生会",
        parent=school,
        students_served=1000,
    )
    dept_a = OrganisationFactory(
        code=f"{prefix}DA",
        name=f"{prefix}文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
        students_served=500,
    )
    dept_b = OrganisationFactory(
        code=f"{prefix}DB",
        name=f"{prefix}理学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
        students_served=500,
    )
    congress = MeetingFactory(
        code=f"{prefix}C1",
        organisation=union,
        kind=MeetingKind.CONGRESS,
        session=5,
        opened=opened,
        work_report=False,
    )
    out_a, out_b = [], []
    for i in range(delegates):
        for dept, out, tag in ((dept_a, out_a, "A"), (dept_b, out_b, "B")):
            person = PersonFactory(
                ident=f"{prefix}{tag}{i:03d}", name=f"代表{tag}{i}", department=dept
            )
            DelegateFactory(meeting=congress, person=person)
            out.append(person)
    admin = UserFactory(username=f"{prefix.lower()}admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    dept_admin = UserFactory(username=f"{prefix.lower()}deptadmin")
    RoleFactory(user=dept_admin, organisation=dept_a, role=RoleKind.UNION_ADMIN)
    outsider = UserFactory(username=f"{prefix.lower()}student")
    return UnionWithCongress(
        school,
        union,
        dept_a,
        dept_b,
        congress,
        out_a,
        out_b,
        admin,
        dept_admin,
        outsider,
    )
