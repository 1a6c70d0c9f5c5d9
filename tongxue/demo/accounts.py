"""Demo accounts: one user per role, at sensible organisations of the demo data.

DEMO ONLY. Every account shares the password :data:`DEMO_PASSWORD`, printed on the
console; ``tongxue demo`` and ``tongxue up`` create them on a development install.
Creating them is idempotent: an existing user keeps its password and roles, and only
what is created is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from tongxue.core import auditlog
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.demo.generator import PROVINCE_CODE, SCHOOL_CODE
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    SchoolType,
)

DEMO_PASSWORD = "tongxue-demo"  # demo only, printed on the console
AUDIT_LABEL = "tongxue demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a RoleKind value, or "operator" for the superuser
    organisation: str  # organisation code ("" for the operator)
    organisation_name: str
    created: bool


def _orgs_under(root: str) -> Q:
    return Q(path__startswith=f"/{root}/")


def demo_organisations(*, scale: str) -> dict[str, Organisation | None]:
    """Return the organisations the demo roles are granted at, for the given scale."""
    root = SCHOOL_CODE if scale == "school" else PROVINCE_CODE
    under = Organisation.objects.filter(_orgs_under(root)).order_by("code")
    union = (
        under.filter(
            kind=OrgKind.SCHOOL_UNION, parent__school_type=SchoolType.GENERAL_UNIVERSITY
        )
        .select_related("parent")
        .first()
    )
    dept = (
        under.filter(kind=OrgKind.DEPARTMENT_UNION, parent=union).first()
        if union is not None
        else None
    )
    federation = (
        under.filter(kind=OrgKind.PROVINCIAL_FEDERATION).first()
        if scale == "province"
        else None
    )
    return {
        RoleKind.UNION_ADMIN: union,
        RoleKind.LEAGUE_ADVISOR: union.parent if union is not None else None,
        RoleKind.PARTY_APPROVER: union.parent if union is not None else None,
        RoleKind.FEDERATION_ADMIN: federation,
        "dept": dept,
    }


@transaction.atomic
def ensure_demo_accounts(*, scale: str) -> list[DemoAccount]:
    """Create (once) the demo users and their roles; return what exists now.

    "admin" is a superuser (the operator); "union_admin", "dept_admin", "advisor", "party" and,
    at province scale, "federation" hold one role each. Each new user and each new role
    assignment is recorded in the audit log.
    """
    if scale not in ("school", "province"):
        raise ValueError(f"unknown scale {scale!r}")
    orgs = demo_organisations(scale=scale)
    wanted: list[tuple[str, str, Organisation | None]] = [
        ("admin", "operator", None),
        ("union_admin", RoleKind.UNION_ADMIN, orgs[RoleKind.UNION_ADMIN]),
        ("dept_admin", RoleKind.UNION_ADMIN, orgs["dept"]),
        ("advisor", RoleKind.LEAGUE_ADVISOR, orgs[RoleKind.LEAGUE_ADVISOR]),
        ("party", RoleKind.PARTY_APPROVER, orgs[RoleKind.PARTY_APPROVER]),
    ]
    if scale == "province":
        wanted.append(
            ("federation", RoleKind.FEDERATION_ADMIN, orgs[RoleKind.FEDERATION_ADMIN])
        )
    user_model = get_user_model()
    out: list[DemoAccount] = []
    for username, role, org in wanted:
        if role != "operator" and org is None:
            continue  # the demo data is not loaded at this scale
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": role == "operator",
                "is_superuser": role == "operator",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            auditlog.record(
                actor=None,
                action="demo.user_created",
                target=username,
                role="operator" if role == "operator" else "",
                label=AUDIT_LABEL,
                data={"superuser": role == "operator", "demo": True},
            )
        granted = False
        if org is not None:
            _, granted = RoleAssignment.objects.get_or_create(
                user=user, organisation=org, role=role
            )
            if granted:
                auditlog.record(
                    actor=None,
                    action="demo.role_granted",
                    organisation=org.code,
                    target=username,
                    role=str(role),
                    label=AUDIT_LABEL,
                    data={"role": str(role), "demo": True},
                )
        out.append(
            DemoAccount(
                username,
                str(role),
                org.code if org else "",
                org.name if org else "",
                created or granted,
            )
        )
    return out


@dataclass(frozen=True)
class DemoStudent:
    """A demo student who may activate an account with a code and vote (#14)."""

    name: str
    student_number: str
    code: str


def demo_student_code() -> DemoStudent | None:
    """Issue a fresh activation code to a delegate of the demo's congress with no account.

    The codes are issued as the union would, for the student's whole class (a class
    sheet); the first delegate without an account is the one the console names, so a
    person trying the demo can activate as a student, land on their home and vote in the
    demo election. Each run issues new codes (the earlier ones are replaced).
    """
    from tongxue.accounts.activation import issue_codes
    from tongxue.demo.voting import _congress

    meeting = _congress()
    if meeting is None:
        return None
    delegate = (
        Person.objects.filter(
            delegate_seats__meeting=meeting,
            user__isnull=True,
            enrolment=Enrolment.ENROLLED,
            class_unit__isnull=False,
        )
        .exclude(student_number="")
        .select_related("class_unit")
        .order_by("ident")
        .first()
    )
    if delegate is None or delegate.class_unit is None:
        return None
    batch = issue_codes(actor=None, unit=delegate.class_unit)
    for issued in batch.issued:
        if issued.person.pk == delegate.pk:
            return DemoStudent(delegate.name, delegate.student_number, issued.code)
    return None
