"""factory_boy factories for the Django models (integration and browser tests)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from tongxue.compliance.models import Justification
from tongxue.congresses.models import Delegate, Meeting, MeetingKind, MeetingStatus
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.domain.justifications import default_valid_until
from tongxue.organisations.models import (
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
    SchoolType,
)
from tongxue.organisations.paths import path_for


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"组织{n}")
    kind = OrgKind.SCHOOL_UNION
    parent = None
    path = factory.LazyAttribute(
        lambda o: path_for(o.parent.path if o.parent else None, o.code)
    )
    students_served = 10000


class SchoolFactory(OrganisationFactory):
    kind = OrgKind.SCHOOL
    school_type = SchoolType.GENERAL_UNIVERSITY
    name = factory.Sequence(lambda n: f"示范大学{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("ident",)

    ident = factory.Sequence(lambda n: f"P{n:06d}")
    name = factory.Sequence(lambda n: f"学生{n}")
    student_number = factory.LazyAttribute(lambda p: p.ident)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.MEMBER
    title = "干事"
    start = dt.date(2025, 9, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    code = factory.Sequence(lambda n: f"M{n:05d}")
    organisation = factory.SubFactory(OrganisationFactory)
    kind = MeetingKind.CONGRESS
    session = 1
    opened = dt.date(2025, 11, 1)
    work_report = True
    # A record of a meeting that took place (the audit counts only those); the
    # lifecycle tests plan theirs (factories_congress.planned_congress).
    status = MeetingStatus.CLOSED


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = RoleKind.UNION_ADMIN


#: A last day for justifications recorded in tests that audit as of today: a fixed date
#: would make them lapse (and the tests fail) once it has passed.
A_YEAR_AHEAD = (dt.date.today() + dt.timedelta(days=366)).isoformat()


class JustificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Justification

    organisation = factory.SubFactory(OrganisationFactory)
    rule = "ORG-6.core-members"
    reason = "扩招过渡期"
    approved_by = "校团委"
    approved_on = dt.date(2026, 1, 10)
    valid_until = factory.LazyAttribute(lambda o: default_valid_until(o.approved_on))
