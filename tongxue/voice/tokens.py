"""Raise tokens: who raises a concern over JSON, without the session (#17, RGT-1).

The raise page (which requires sign-in) hands the signed-in student a token
(:mod:`tongxue.core.signedtokens`: HMAC-SHA256 with the server's key, salt
:data:`SALT`) naming the account and carrying its credential. ``POST
/api/voice/concerns`` accepts it in the ``X-Raise-Token`` header instead of the session
cookie and CSRF token; the raise fast path (:mod:`tongxue.voice.fastpath`) answers such
requests before Django's request stack.

Why the header is enough, and why it is the CSRF defence (as the ballot token's,
:mod:`tongxue.voting.tokens`): a forged cross-site request carries the victim's cookies
but never this header, which a browser does not add by itself and another site cannot
read (it is only in the student's own raise page, never in a URL, a cookie or a log).
A token cannot be guessed or altered, works only for raising (its salt), expires after
:data:`MAX_AGE` seconds, and stops working when the password changes (the credential)
or the account is made inactive (:func:`check_account`, against the account's row the
raise reads anyway). Everything else a raise checks (the student's school, the daily
limit, the category …) is the raise service's, whichever way the student came.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.core import signing
from django.utils.translation import gettext_noop

from tongxue.core import signedtokens
from tongxue.core.errors import Refusal, refuse

#: Salt of the signature: a raise token is useless as any other signed value.
SALT = "tongxue.voice.raise"
#: Lifetime of a raise token (seconds): a raise page open for a day still works.
MAX_AGE = 24 * 60 * 60
#: The prefix of the password hash in the token's credential.
CREDENTIAL_PREFIX = "tongxue.voice.raise:"
#: The request header that carries the token (WSGI: ``HTTP_X_RAISE_TOKEN``).
HEADER = "X-Raise-Token"

EXPIRED = gettext_noop(
    "Your raise page has expired: reload it and send the concern again."
)
BAD = gettext_noop("This raise token is not valid: reload the raise page.")
SIGNED_OUT = gettext_noop("Your account cannot raise concerns: sign in again.")


@dataclass(frozen=True, slots=True)
class TokenStudent:
    """The account a valid raise token names. Quacks like the signed-in user where
    the raise needs one (``pk``, ``is_authenticated``, ``get_username()``)."""

    pk: int
    username: str
    credential: str
    is_authenticated: ClassVar[bool] = True

    @property
    def id(self) -> int:
        return self.pk

    def get_username(self) -> str:
        return self.username


def credential(password_hash: str) -> str:
    return signedtokens.credential(password_hash, prefix=CREDENTIAL_PREFIX)


def issue(user: Any) -> str:
    """The raise token of the signed-in ``user``."""
    return signedtokens.sign(
        {"u": user.pk, "n": user.get_username(), "p": credential(user.password)},
        salt=SALT,
    )


def _refused(text: str, reason: str) -> Refusal:
    # "forbidden" (403, as a refused sign-in); the reason tells a client to reload
    return refuse("forbidden", text, reason=reason)


def student(token: str) -> TokenStudent:
    """The account named by a valid ``token`` (nothing read from the database), or a
    refusal ``forbidden`` with the reason ``expired-token`` or ``bad-token``."""
    try:
        payload = signedtokens.unsign(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise _refused(EXPIRED, "expired-token") from None
    except signing.BadSignature:
        raise _refused(BAD, "bad-token") from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("u"), int)
        or not isinstance(payload.get("n"), str)
        or not isinstance(payload.get("p"), str)
    ):
        raise _refused(BAD, "bad-token")
    return TokenStudent(pk=payload["u"], username=payload["n"], credential=payload["p"])


def check_account(
    student: TokenStudent, *, found: bool, is_active: bool, password_hash: str
) -> None:
    """Refuse a token whose account is gone or inactive, or whose password changed
    since it was issued (the one rule, for the API and the fast path alike)."""
    if not found or not is_active:
        raise _refused(SIGNED_OUT, "inactive")
    if credential(password_hash) != student.credential:
        raise _refused(EXPIRED, "expired-token")
