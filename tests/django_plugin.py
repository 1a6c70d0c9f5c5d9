"""Fixtures shared by the Django tests (integration, e2e): loaded by the root conftest
only when pytest-django is active, so that ``pytest tests/domain -p no:django`` runs the
pure domain tests without Django (issue #13)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _default_language(settings):  # type: ignore[no-untyped-def]
    """Tests see the product as a user does: Chinese by default."""
    settings.LANGUAGE_CODE = "zh-hans"


@dataclass
class SchoolWithDeviation:
    """A school, its union and a functional department with one deputy too many (ORG-4)."""

    school: Any
    union: Any
    department: Any
    admin: Any
    rule: str = "ORG-4.department-deputies"


def build_school_with_deviation(
    *, prefix: str = "S", deputies: int = 3, admin_username: str | None = None
) -> SchoolWithDeviation:
    """Create a school, its union and a department with ``deputies`` deputy heads.

    ORG-4 · GS-9, CQ-4: the profile allows two deputies, so three is a deviation.
    The user ``admin`` is the union's administrator (Perm.JUSTIFY at the union).
    """
    from tests.factories import (
        OrganisationFactory,
        PositionFactory,
        RoleFactory,
        SchoolFactory,
        UserFactory,
    )
    from tongxue.organisations.models import OrgKind, Role

    school = SchoolFactory(code=f"{prefix}CH", name=f"{prefix}示范大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}示范大学学生会", parent=school
    )
    department = OrganisationFactory(
        code=f"{prefix}DEPT",
        name=f"{prefix}学生会权益部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    PositionFactory(
        organisation=union,
        role=Role.PRESIDENT,
        title="主席",
        public_contact="su@example.edu.cn",
        start=dt.date(2025, 9, 1),
    )
    for _ in range(deputies):
        PositionFactory(
            organisation=department,
            role=Role.DEPARTMENT_DEPUTY,
            title="副部长",
            start=dt.date(2025, 9, 1),
        )
    admin = UserFactory(username=admin_username or f"{prefix.lower()}admin")
    RoleFactory(user=admin, organisation=union)
    return SchoolWithDeviation(school, union, department, admin)


@pytest.fixture
def school_with_deviation(db):  # type: ignore[no-untyped-def]
    return build_school_with_deviation()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Hash test passwords cheaply; production keeps Django's slow default hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):  # type: ignore[no-untyped-def]
    """Give each run on a shared PostgreSQL server its own test database.

    Two test runs against one server (two checkouts, CI beside a developer) would
    otherwise create and drop the same ``test_<name>`` database under each other.
    """
    import os

    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgresql" in db["ENGINE"]:
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{os.getpid()}"


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_lifted_for_flush():  # type: ignore[no-untyped-def]
    """Let Django empty the database between transactional tests.

    The database refuses to delete audit records (tongxue.core.appendonly); the flush
    after a transactional test lifts those triggers around its statements and puts
    them back.
    """
    from django.db import connections

    from tongxue.core import appendonly

    patch = pytest.MonkeyPatch()
    for ops, vendor in {
        (type(connections[alias].ops), connections[alias].vendor)
        for alias in connections
    }:
        original = ops.sql_flush

        def sql_flush(self, *args, _original=original, _vendor=vendor, **kwargs):  # type: ignore[no-untyped-def]
            return appendonly.around_flush(_vendor, _original(self, *args, **kwargs))

        patch.setattr(ops, "sql_flush", sql_flush)
    yield
    patch.undo()
