"""Activate the roster: every enrolled student signs in without campus SSO (#14).

Two ways, both documented in docs/accounts.md ("Activating the roster (students)"):

* **Activation codes.** A union administrator issues, for a class or a department, one
  short code per enrolled student who cannot sign in yet (:func:`issue_codes`) and
  prints the class sheet. The student enters their student number and the code and
  chooses a password (:func:`activate`). The code is 8 characters of an unambiguous
  alphabet (about 40 bits): only a **keyed** hash of the student number and the code
  is stored (:func:`code_hash`, HMAC-SHA256 with a key derived from ``SECRET_KEY``).
  A plain SHA-256, as invitations use for their 256-bit tokens, would not do here: a
  leaked database would give every code back after about 10¹² hashes per student, a
  few minutes on one graphics card. Binding the student number into the hash makes a
  code useless with another number and lets the lookup be one indexed query on the
  hash, the same work whether or not the number exists.
* **A link to the school mailbox** (when ``TONGXUE_SCHOOL_MAILBOX`` is set): a student
  gives their student number and receives a one-time sign-in link (django-sesame) at
  the school's address for it (:func:`send_mail_link`, :func:`redeem_mail_link`).

Like invitations, both stop at a person who can already sign in, and an administrator
issues no code into an account holding a role they could not grant
(:func:`~tongxue.accounts.services.roles_beyond`). A student's account gets no role.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop
from sesame.tokens import parse_token
from sesame.utils import get_token

from tongxue.accounts.models import ActivationCode, InvitationState
from tongxue.accounts.services.roles import User, account_for, roles_beyond
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
)

logger = logging.getLogger(__name__)

#: The letters and digits of a code: no 0/O, 1/I/L (read aloud, typed from paper).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
#: The units a class sheet is issued for.
UNIT_KINDS = (OrgKind.CLASS_COMMITTEE, OrgKind.DEPARTMENT_UNION)
#: More units than this are not offered on one page (open a department's roles page).
MAX_UNITS = 500
#: The sesame scope of a mailbox link: valid for nothing else.
MAIL_SCOPE = "tongxue.accounts.activate"
_KEY_SALT = "tongxue.accounts.activation.code"

MISMATCH = gettext_noop("The student number and code do not match a valid code.")
_STATE_REFUSALS = {
    InvitationState.REDEEMED: (
        "used",
        gettext_noop(
            "This code was already used. Sign in, or ask your union for a new one."
        ),
    ),
    InvitationState.EXPIRED: (
        "expired",
        gettext_noop("This code has expired. Ask your union for a new one."),
    ),
    InvitationState.REVOKED: (
        "replaced",
        gettext_noop(
            "This code was replaced by a newer one. Ask your union for the new slip."
        ),
    ),
}


def activation_days() -> int:
    """Return how long a code stays valid (setting ``ACTIVATION_DAYS``, default 30)."""
    return int(getattr(settings, "ACTIVATION_DAYS", 30))


def new_code() -> str:
    """Return a fresh code: 8 characters of :data:`ALPHABET` (about 40 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """Return a code grouped for reading aloud: ``ABCD-EFGH``."""
    code = normalise_code(code)
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """Return a typed code in its stored form: capitals, without dashes or spaces."""
    return re.sub(r"[\s\-‐‑–—]", "", text or "").upper()


def normalise_number(text: str) -> str:
    """Return a student number in the form that is hashed: trimmed, capitals."""
    return (text or "").strip().upper()


def code_hash(student_number: str, code: str, *, secret: str | None = None) -> str:
    """Return the stored form of a code: HMAC-SHA256 of the student number and code.

    The key is derived from ``SECRET_KEY`` (``secret``: another key, for the
    fallbacks) by Django's :func:`~django.utils.crypto.salted_hmac`.
    """
    value = f"{normalise_number(student_number)}\x00{normalise_code(code)}"
    return salted_hmac(_KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def _hashes(student_number: str, code: str) -> list[str]:
    """The hashes under the current key and each of ``SECRET_KEY_FALLBACKS``."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_hash(student_number, code, secret=s) for s in secrets_]


# --- issuing -----------------------------------------------------------------------


def activation_units(organisation: Organisation) -> list[Organisation]:
    """Return the classes and departments within ``organisation`` (itself included).

    In tree order (a department, then its classes); at most :data:`MAX_UNITS` + 1 (the
    caller says when there are more).
    """
    return list(
        Organisation.objects.filter(
            path__startswith=organisation.path, kind__in=UNIT_KINDS
        )
        .only("code", "name", "kind", "path")
        .order_by("path")[: MAX_UNITS + 1]
    )


def students_without_account(unit: Organisation) -> QuerySet[Person]:
    """Return the unit's enrolled students who cannot sign in yet (one query).

    The students whose class or department is the unit or within it, with no account
    or an active one not yet activated (made by a grant: its password is unusable);
    by class, then name.
    """
    prefix = unit.path
    return (
        Person.objects.filter(kind=PersonKind.STUDENT, enrolment=Enrolment.ENROLLED)
        .filter(
            Q(department__path__startswith=prefix)
            | Q(class_unit__path__startswith=prefix)
        )
        .filter(
            Q(user__isnull=True)
            | Q(
                user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
                user__is_active=True,
            )
        )
        .select_related("class_unit", "department")
        .order_by("class_unit__path", "name", "pk")
    )


@dataclass(frozen=True)
class IssuedCode:
    """A code and its row; the code exists only in this object (and the sheet)."""

    activation: ActivationCode
    code: str

    @property
    def person(self) -> Person:
        return self.activation.person


@dataclass(frozen=True)
class Batch:
    """The codes issued for a unit, and the students left out (and why)."""

    unit: Organisation
    issued: list[IssuedCode] = field(default_factory=list)
    #: Their not-yet-activated account holds a role the issuer could not grant.
    skipped: list[Person] = field(default_factory=list)
    #: The registry has no student number for them: a code needs one.
    without_number: list[Person] = field(default_factory=list)


def _require_unit(actor: Actor, unit: Organisation) -> str:
    if unit.kind not in UNIT_KINDS:
        raise refuse(
            "not_a_class",
            gettext_noop("Activation codes are issued for a class or a department."),
            field="unit",
        )
    return require(
        actor,
        Perm.MANAGE,
        unit.path,
        target=unit.name,
        message=gettext_noop(
            "You are not allowed to issue activation codes for {target}."
        ),
    )


@transaction.atomic
def issue_codes(
    *, actor: Actor, unit: Organisation, now: dt.datetime | None = None
) -> Batch:
    """Issue a code to each enrolled student of a class or department without an account.

    Needs ``Perm.MANAGE`` at the unit or above. Revokes the students' earlier open
    codes. Leaves out (and records) a student without a student number and one whose
    not-yet-activated account holds a role the actor could not grant. One audit record
    (``activation.issue``) with the persons' ids, never a code. A fixed number of
    queries whatever the number of students.
    """
    now = now or timezone.now()
    acting = _require_unit(actor, unit)
    candidates = list(students_without_account(unit))
    without_number = [p for p in candidates if not normalise_number(p.student_number)]
    persons = [p for p in candidates if normalise_number(p.student_number)]
    beyond = roles_beyond(actor, [p.user_id for p in persons if p.user_id])
    skipped = [p for p in persons if p.user_id in beyond]
    persons = [p for p in persons if p.user_id not in beyond]
    revoked = ActivationCode.objects.filter(
        person_id__in=[p.pk for p in persons],
        used_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    creator = actor if getattr(actor, "is_authenticated", False) else None
    expires = now + dt.timedelta(days=activation_days())
    codes = [new_code() for _ in persons]
    rows = ActivationCode.objects.bulk_create(
        [
            ActivationCode(
                person=p,
                organisation=unit,
                code_hash=code_hash(p.student_number, c),
                created_by=creator,
                created_at=now,
                expires_at=expires,
            )
            for p, c in zip(persons, codes, strict=True)
        ]
    )
    auditlog.record(
        actor=actor,
        action="activation.issue",
        organisation=unit.code,
        target=unit.name,
        role=acting,
        data={
            "unit": unit.code,
            "persons": [p.pk for p in persons],
            "revoked": revoked,
            "skipped": [p.pk for p in skipped],
            "without_number": [p.pk for p in without_number],
            "expires": expires.isoformat(),
        },
    )
    return Batch(
        unit=unit,
        issued=[
            IssuedCode(r, display_code(c)) for r, c in zip(rows, codes, strict=True)
        ],
        skipped=skipped,
        without_number=without_number,
    )


# --- activating with a code --------------------------------------------------------


def code_for(
    student_number: str, code: str, *, now: dt.datetime | None = None
) -> ActivationCode:
    """Return the open code matching the student number and code, or refuse.

    Always computes the hash and runs the one lookup, whatever was typed: an unknown
    student number and a wrong code take the same path and get the same refusal
    (``mismatch``). Only when both match does the refusal say the code was used,
    replaced or has expired.
    """
    now = now or timezone.now()
    found = (
        ActivationCode.objects.select_related("person", "organisation")
        .filter(code_hash__in=_hashes(student_number, code))
        .first()
    )
    if found is None:
        raise refuse("mismatch", MISMATCH)
    state = found.state(now)
    if state in _STATE_REFUSALS:
        refusal_code, text = _STATE_REFUSALS[state]
        raise refuse(refusal_code, text)
    return found


def username_for(person: Person, user: AbstractBaseUser | None = None) -> str:
    """Return the user name of the person's account: the student number if free.

    Taken (case-insensitively, by another account) gives ``<number>-2``, ``-3``, …;
    characters a user name cannot hold are dropped. Without a usable number, the
    account keeps its name.
    """
    base = re.sub(r"[^\w.@+-]", "", (person.student_number or "").strip())[:140]
    own = getattr(user, "pk", None)
    if not base:
        return user.get_username() if user is not None else f"s-{person.pk}"
    others = User.objects.filter(username__istartswith=base)
    if own is not None:
        others = others.exclude(pk=own)
    taken = set(others.values_list(Lower("username"), flat=True))
    if base.lower() not in taken:
        return base
    n = 2
    while f"{base}-{n}".lower() in taken:
        n += 1
    return f"{base}-{n}"


@dataclass(frozen=True)
class Activated:
    """The account a student activated, and whether it was created now."""

    user: AbstractBaseUser
    created: bool


@transaction.atomic
def activate(
    *,
    student_number: str,
    code: str,
    password: str,
    now: dt.datetime | None = None,
) -> Activated:
    """Create (or activate) the student's account from an open code; use the code up.

    The account's user name is the student number if free (:func:`username_for`);
    the password goes through ``AUTH_PASSWORD_VALIDATORS``. A placeholder account
    made by a grant keeps its roles; a new one gets none. The code's row is locked, so
    two submissions of one code cannot both succeed. Audit ``activation.redeem``
    (actor: the account).
    """
    now = now or timezone.now()
    found = code_for(student_number, code, now=now)
    found = (
        ActivationCode.objects.select_for_update()
        .select_related("organisation")
        .get(pk=found.pk)
    )
    if found.state(now) != InvitationState.OPEN:
        code_for(student_number, code, now=now)  # refuses with the reason
    person = Person.objects.select_for_update().get(pk=found.person_id)
    existing = (
        User.objects.filter(pk=person.user_id).first() if person.user_id else None
    )
    if existing is not None and existing.has_usable_password():
        raise refuse(
            "has_account",
            gettext_noop("You already have an account. Sign in with it."),
        )
    if existing is not None and not existing.is_active:
        raise refuse("mismatch", MISMATCH)
    user = existing or User()
    user.username = username_for(person, existing)
    if not user.first_name:
        user.first_name = person.name[:150]
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise refuse(
            "weak_password",
            "{reasons}",
            field="password1",
            reasons=" ".join(error.messages),
        ) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another account took the name between the check and the save.
        raise refuse(
            "try_again", gettext_noop("Something changed meanwhile. Try again.")
        ) from None
    if existing is None:
        person.user = user
        person.save(update_fields=["user"])
    found.used_at = now
    found.used_by = user
    found.save(update_fields=["used_at", "used_by"])
    auditlog.record(
        actor=user,
        action="activation.redeem",
        organisation=found.organisation.code,
        target=person.name,
        role="student",
        data={
            "person": person.pk,
            "code": found.pk,
            "user": user.pk,
            "created": existing is None,
        },
    )
    return Activated(user, existing is None)


# --- the link to the school mailbox ------------------------------------------------


def school_mailbox() -> str:
    """Return the pattern of a student's school address ('' when the link is off)."""
    return str(getattr(settings, "TONGXUE_SCHOOL_MAILBOX", "") or "")


def mailbox_of(person: Person) -> str | None:
    """Return the person's school address, or None (no pattern, or no valid address)."""
    pattern = school_mailbox()
    number = (person.student_number or "").strip()
    if not pattern or not number or not re.fullmatch(r"[\w.+-]+", number):
        return None
    try:
        address = pattern.format(student_number=number)
        validate_email(address)
    except (KeyError, IndexError, ValueError, ValidationError):
        logger.warning("TONGXUE_SCHOOL_MAILBOX gives no valid address")
        return None
    return address


def mail_candidate(student_number: str) -> Person | None:
    """Return the one enrolled student with this number who cannot sign in yet.

    None when there is none, or more than one (the address would be ambiguous).
    """
    number = normalise_number(student_number)
    if not number:
        return None
    found = list(
        Person.objects.filter(
            student_number__iexact=number,
            kind=PersonKind.STUDENT,
            enrolment=Enrolment.ENROLLED,
        )
        .filter(
            Q(user__isnull=True)
            | Q(
                user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
                user__is_active=True,
            )
        )
        .select_related("department", "class_unit")[:2]
    )
    return found[0] if len(found) == 1 else None


def link_minutes() -> int:
    """Return how many minutes a mailbox link works (``SESAME_MAX_AGE``)."""
    return max(1, int(getattr(settings, "SESAME_MAX_AGE", 1800) or 1800) // 60)


def _mail_text(person: Person, url: str) -> tuple[str, str]:
    minutes = link_minutes()
    subject = gettext("Sign in to Tongxue")
    body = gettext(
        "Hello {name},\n\n"
        "open this link within {minutes} minutes to sign in to Tongxue. It works "
        "once:\n\n{url}\n\n"
        "Then set a password on your page, to sign in without this mailbox next "
        "time.\n\n"
        "If you did not ask for this link, ignore this mail: nothing happens without "
        "it."
    ).format(name=person.name, minutes=minutes, url=url)
    return subject, body


@transaction.atomic
def send_mail_link(*, student_number: str, link_base: str, language: str) -> bool:
    """Mail a one-time sign-in link to the school address of this student number.

    Does nothing (returns False) unless the mailbox link is on and the number names
    exactly one enrolled student who cannot sign in yet. Makes their account (no role,
    no password) if they have none, so that the link has an account to sign in.
    ``link_base`` is the absolute URL of the page that takes the link; ``language``
    the mail's. Audit ``activation.mail`` (the person, never the link). The caller
    answers the same whatever this returns (no enumeration).
    """
    person = mail_candidate(student_number)
    address = mailbox_of(person) if person is not None else None
    if person is None or address is None:
        return False
    person = Person.objects.select_for_update().get(pk=person.pk)
    user, created = account_for(person=person)
    url = f"{link_base}?{urlencode({'sesame': get_token(user, scope=MAIL_SCOPE)})}"
    with translation.override(language):
        subject, body = _mail_text(person, url)
    organisation = (
        person.class_unit.code
        if person.class_unit_id
        else person.department.code
        if person.department_id
        else ""
    )
    auditlog.record(
        actor=None,
        action="activation.mail",
        organisation=organisation,
        target=person.name,
        role="system",
        data={"person": person.pk, "user": user.pk, "created": created},
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return True


@transaction.atomic
def redeem_mail_link(*, request: HttpRequest, token: str) -> AbstractBaseUser | None:
    """Return the account a mailbox link signs in, once; None if it is not valid.

    Checked through ``authenticate()`` (django-axes refuses a locked address and
    counts a bad link), then again with the account's row locked, so that two
    submissions of one link cannot both sign in; the sign-in time is written at once
    (``SESAME_ONE_TIME``: the link then stops working). A placeholder account takes
    the student number as its user name (:func:`username_for`). Audit
    ``activation.mail_redeem`` (actor: the account).
    """
    if not token:
        return None
    checked = authenticate(request, sesame=token, scope=MAIL_SCOPE)
    if checked is None:
        return None
    user = User.objects.select_for_update().get(pk=checked.pk)
    if (
        parse_token(
            token, lambda pk: user if str(pk) == str(user.pk) else None, MAIL_SCOPE
        )
        is None
    ):
        return None
    person = Person.objects.filter(user=user).first()
    fields = ["last_login"]
    user.last_login = timezone.now()
    if person is not None and not user.has_usable_password():
        name = username_for(person, user)
        if name != user.get_username():
            user.username = name
            fields.append("username")
        if not user.first_name:
            user.first_name = person.name[:150]
            fields.append("first_name")
    user.save(update_fields=fields)
    auditlog.record(
        actor=user,
        action="activation.mail_redeem",
        target=person.name if person is not None else user.get_username(),
        role="student",
        data={"person": person.pk if person is not None else None, "user": user.pk},
    )
    user.backend = checked.backend  # type: ignore[attr-defined]
    return user


@transaction.atomic
def set_first_password(*, user: AbstractBaseUser, password: str) -> None:
    """Give an account signed in by a mailbox link its first password.

    The caller validated it (``AUTH_PASSWORD_VALIDATORS``). Audit
    ``account.password_set`` (never the password).
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    auditlog.record(
        actor=user,
        action="account.password_set",
        target=user.get_username(),
        data={"user": user.pk},
    )
