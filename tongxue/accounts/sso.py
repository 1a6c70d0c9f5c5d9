"""Campus single sign-on (统一身份认证): who a campus account is on the union's roll.

CAS 2.0/3.0 (django-cas-ng) and OpenID Connect (mozilla-django-oidc) each prove a
campus account; the backends (:mod:`tongxue.accounts.sso_backends`) read from it an
:class:`Identity` — the student number, and for teachers and Youth League cadres
optionally the registry identifier — and :func:`sign_in_account` finds the person on
the roll and their account (docs/sso.md):

* the student number matches ``Person.student_number`` exactly, among the persons
  who may sign in: a student only while **enrolled**; a teacher or League cadre
  whatever their enrolment field. Two such persons with the number: refused, logged.
* If none matches and the school names an identifier attribute, a teacher or League
  cadre whose ``Person.ident`` equals it.
* The person's account is signed in; a person without one gets an account (user name
  ``sso-<person id>``, no usable password) linked to them, recorded as
  ``account.sso_link``. A person is never created.
* Nothing matched, or the campus sent no student number: :data:`NO_MATCH`, answered by
  a page (403) that names only what the campus sent about this account.

Each protocol is switched on by its settings (read on every request, so tests may
override them): CAS by ``CAS_SERVER_URL``, OpenID Connect by ``OIDC_RP_CLIENT_ID`` and
``TONGXUE_OIDC_ISSUER`` (or the explicit endpoints). The environment variables are in
``tongxue/config/settings.py`` and docs/sso.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_out
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django_cas_ng.models import SessionTicket

from tongxue.core import auditlog
from tongxue.core.signin import SignInOption
from tongxue.organisations.models import Enrolment, Organisation, Person, PersonKind

logger = logging.getLogger(__name__)

#: Where a person lands after signing in through the campus (我的).
LANDING = "accounts:me"
#: Seconds to wait for the campus server (ticket validation, token, keys, discovery).
TIMEOUT = 10
#: How long the OpenID provider's discovery document is kept (seconds).
DISCOVERY_TTL = 3600

# Why a campus sign-in was refused (the page says it; the log says more).
NO_MATCH = "no_match"
AMBIGUOUS = "ambiguous"
INACTIVE = "inactive"
PASSWORD_ONLY = "password_only"
FAILED = "failed"
UNAVAILABLE = "unavailable"
#: The HTTP status of each refusal's page.
STATUS = {
    NO_MATCH: 403,
    AMBIGUOUS: 403,
    INACTIVE: 403,
    PASSWORD_ONLY: 403,
    FAILED: 403,
    UNAVAILABLE: 503,
}
#: The kinds of person who may match by their registry identifier.
IDENT_KINDS = (PersonKind.TEACHER, PersonKind.LEAGUE_CADRE)

User = get_user_model()


@dataclass(frozen=True)
class Identity:
    """What the campus said about the account that signed in."""

    protocol: str  # "cas" | "oidc"
    account: str  # the campus user name (CAS user, OIDC preferred_username or sub)
    student_number: str = ""  # the match attribute's value, "" if not sent
    ident: str = ""  # the identifier attribute's value, "" if not named or not sent


@dataclass(frozen=True)
class Refusal:
    """Why the campus sign-in did not sign anyone in; set on the request."""

    reason: str
    identity: Identity | None = None


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- settings, read on every request --------------------------------------------------


def cas_enabled() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", ""))


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", "")) and bool(
        getattr(settings, "TONGXUE_OIDC_ISSUER", "")
        or getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    )


def cas_match_attribute() -> str:
    """The CAS attribute holding the student number ("": the CAS user name)."""
    return str(getattr(settings, "TONGXUE_CAS_MATCH_ATTRIBUTE", "") or "")


def cas_ident_attribute() -> str:
    return str(getattr(settings, "TONGXUE_CAS_IDENT_ATTRIBUTE", "") or "")


def oidc_match_claim() -> str:
    return str(
        getattr(settings, "TONGXUE_OIDC_MATCH_CLAIM", "") or "preferred_username"
    )


def oidc_ident_claim() -> str:
    return str(getattr(settings, "TONGXUE_OIDC_IDENT_CLAIM", "") or "")


class TimeoutSession(requests.Session):
    """A requests session that never waits for the campus server forever."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


@dataclass(frozen=True)
class OidcProvider:
    """Where the OpenID provider's endpoints are (explicit, or its discovery)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_discovery_lock = threading.Lock()


def _discovery(issuer: str) -> dict[str, Any]:
    """The provider's ``/.well-known/openid-configuration``, kept DISCOVERY_TTL."""
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovered.get(issuer)
    if cached is not None and now - cached[0] < DISCOVERY_TTL:
        return cached[1]
    response = requests.get(
        issuer.rstrip("/") + "/.well-known/openid-configuration",
        timeout=TIMEOUT,
        verify=getattr(settings, "OIDC_VERIFY_SSL", True),
    )
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict):
        raise ValueError("the discovery document is not a JSON object")
    with _discovery_lock:
        _discovered[issuer] = (now, document)
    return document


def oidc_provider() -> OidcProvider:
    """Return the provider's endpoints; an explicit setting wins over discovery.

    Raises ``requests.RequestException`` or ``ValueError`` when the issuer's discovery
    document cannot be read.
    """
    issuer = str(getattr(settings, "TONGXUE_OIDC_ISSUER", "") or "")
    explicit = {
        "authorization_endpoint": getattr(
            settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", ""
        ),
        "token_endpoint": getattr(settings, "OIDC_OP_TOKEN_ENDPOINT", ""),
        "userinfo_endpoint": getattr(settings, "OIDC_OP_USER_ENDPOINT", ""),
        "jwks_uri": getattr(settings, "OIDC_OP_JWKS_ENDPOINT", ""),
    }
    found: dict[str, Any] = {}
    if issuer and not all(explicit.values()):
        found = _discovery(issuer)
        if found.get("issuer") and found["issuer"].rstrip("/") != issuer.rstrip("/"):
            raise ValueError(
                f"the provider names itself {found['issuer']!r}, not {issuer!r}"
            )
    values = {k: str(v or found.get(k) or "") for k, v in explicit.items()}
    return OidcProvider(issuer=str(found.get("issuer") or issuer), **values)


# -- the sign-in page -----------------------------------------------------------------


def _next_query(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "?" + urlencode({"next": target})
    return ""


def sign_in_options(request: HttpRequest) -> list[SignInOption]:
    """The buttons "统一身份认证登录" for the protocols switched on (core.signin)."""
    protocols = [
        (name, url)
        for name, url, on in (
            ("CAS", "accounts:sso-cas-login", cas_enabled()),
            ("OpenID Connect", "accounts:sso-oidc-login", oidc_enabled()),
        )
        if on
    ]
    label = gettext("Sign in with campus single sign-on")
    query = _next_query(request)
    return [
        SignInOption(
            label=label if len(protocols) == 1 else f"{label} ({name})",
            url=reverse(url) + query,
        )
        for name, url in protocols
    ]


# -- matching and linking -------------------------------------------------------------


def attribute(values: Mapping[str, Any] | None, name: str) -> str:
    """The single value of a CAS attribute or OIDC claim ("" if absent or unclear).

    A multi-valued attribute counts only if all its values agree.
    """
    if not values or not name:
        return ""
    value = values.get(name)
    if isinstance(value, list | tuple):
        distinct = {str(v).strip() for v in value if v is not None and str(v).strip()}
        return distinct.pop() if len(distinct) == 1 else ""
    if value is None or isinstance(value, dict | bool):
        return ""
    return str(value).strip()


def match_person(identity: Identity) -> tuple[Person, str]:
    """Return the one person on the roll the campus account is, and by what.

    By ``"student_number"`` or ``"ident"``. Raises :class:`Refused` with
    :data:`NO_MATCH` or :data:`AMBIGUOUS`.
    """
    number = identity.student_number.strip()
    if number:
        found = list(
            Person.objects.filter(student_number=number).only(
                "pk", "kind", "enrolment", "user_id"
            )[:10]
        )
        eligible = [
            p
            for p in found
            if p.kind != PersonKind.STUDENT or p.enrolment == Enrolment.ENROLLED
        ]
        if len(eligible) > 1:
            logger.warning(
                "campus sign-in (%s) refused: persons %s share its student number",
                identity.protocol,
                ", ".join(str(p.pk) for p in eligible),
            )
            raise Refused(AMBIGUOUS)
        if eligible:
            return eligible[0], "student_number"
    ident = identity.ident.strip()
    if ident:
        person = (
            Person.objects.filter(ident=ident, kind__in=IDENT_KINDS)
            .only("pk", "kind", "enrolment", "user_id")
            .first()
        )
        if person is not None:
            return person, "ident"
    raise Refused(NO_MATCH)


def _sso_username(person: Person) -> str:
    base = f"sso-{person.pk}"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def account_for(identity: Identity) -> AbstractBaseUser:
    """Return the account of the person the campus account is, linking a new one.

    Raises :class:`Refused`: no person, two persons, an account switched off, or an
    operator account (``is_staff``/``is_superuser``: those sign in with a password,
    never through the campus).
    """
    person, matched_by = match_person(identity)
    # Two first sign-ins of one person at once: the second waits and finds the first's.
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        user = User.objects.get(pk=person.user_id)
        if not user.is_active:
            raise Refused(INACTIVE)
        if user.is_staff or user.is_superuser:
            raise Refused(PASSWORD_ONLY)
        return user
    user = User(username=_sso_username(person), first_name=person.name[:150])
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    department = (
        Organisation.objects.filter(pk=person.department_id)
        .values_list("code", flat=True)
        .first()
        if person.department_id
        else None
    )
    auditlog.record(
        actor=user,
        action="account.sso_link",
        organisation=department or "",
        target=person.name,
        role="sso",
        data={
            "person": person.pk,
            "user": user.pk,
            "protocol": identity.protocol,
            "matched_by": matched_by,
        },
    )
    return user


def sign_in_account(
    request: HttpRequest, identity: Identity
) -> AbstractBaseUser | None:
    """The account to sign in for ``identity``, or None with the refusal on the request."""
    try:
        return account_for(identity)
    except Refused as refused:
        logger.info(
            "campus sign-in (%s) refused: %s", identity.protocol, refused.reason
        )
        refuse(request, refused.reason, identity)
        return None


def refuse(request: HttpRequest, reason: str, identity: Identity | None = None) -> None:
    """Remember on the request why the campus sign-in failed (for its page)."""
    request.tongxue_sso_refusal = Refusal(reason, identity)  # type: ignore[attr-defined]


def refusal_of(request: HttpRequest, default: str = FAILED) -> Refusal:
    found = getattr(request, "tongxue_sso_refusal", None)
    return found if isinstance(found, Refusal) else Refusal(default)


# -- throttling and sessions ----------------------------------------------------------


def axes_exempt(request: HttpRequest, credentials: Mapping[str, Any] | None) -> bool:
    """``AXES_WHITELIST_CALLABLE``: a campus sign-in is not a password attempt.

    Its credentials (a CAS ticket, an OIDC nonce) come from the campus server, not
    from a typed password: axes neither refuses them for an address or name locked
    by password failures, nor counts a refused one (they carry no user name, so axes
    would add them all to one counter and lock every campus sign-in after a few
    refusals). Only the SSO views pass these keys; the password form passes a user
    name and password.
    """
    return bool(credentials) and ("ticket" in credentials or "nonce" in credentials)


@receiver(user_logged_out)
def _forget_cas_ticket(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Sign-out (or a session timed out) removes the session's CAS ticket record."""
    if request is None or not getattr(request, "session", None):
        return
    key = request.session.session_key
    if key:
        SessionTicket.objects.filter(session_key=key).delete()


def forget_stale_cas_tickets(job: Any = None) -> int:
    """Delete the CAS ticket records of sessions that ended unseen (a daily job).

    django-cas-ng keeps one row per CAS sign-in for single logout; a session abandoned
    without signing out would keep its row for ever. Returns how many were deleted.
    """
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    deleted, _ = SessionTicket.objects.exclude(session_key__in=live).delete()
    return deleted
