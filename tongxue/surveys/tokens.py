"""Answer tokens: who answers a survey, without the session (TRN-2, #18).

The answer page (which requires sign-in and a place among the students asked) hands the
student a token signed with the server's key (:mod:`django.core.signing`, HMAC-SHA256,
salt :data:`SALT`) naming the account, the student (person) and the survey, and the
account's :func:`credential`. The JSON answer endpoint (``POST /surveys/<id>/answer/``
with the ``X-Survey-Token`` header, :mod:`tongxue.surveys.fastpath`) reads the student
from that token alone: no session row, no user row, no CSRF cookie.

Why this is enough, and why it is the CSRF defence of the JSON answer: a cross-site
request forgery works because the browser adds the victim's cookies by itself. The JSON
answer ignores every cookie; its only credential is the token in the ``X-Survey-Token``
header, which a browser never adds by itself and which another site cannot read (it is
only in the student's own answer page, never in a URL, a cookie or a log; setting a
custom header cross-site needs a CORS preflight that Tongxue never grants). A forged
request therefore carries no token (it is then the HTML form's post, which needs the
session and Django's CSRF token) or the attacker's own token (the attacker answering
for themselves, which they could do anyway). Tokens cannot be guessed or altered, are
bound to one survey (a token of another survey is refused) and expire after
:data:`MAX_AGE` seconds. One response per student is still enforced by the database;
the survey being open, the student being asked and the account being active with the
same password are checked by the answer's statement itself
(:func:`tongxue.surveys.services.record_answer`).

The signer and the credential are the shared ones of :mod:`tongxue.core.signedtokens`
(the ballot and raise tokens' too), with this token's own salt and prefix: a digest of
the account's password hash, compared in SQL with the row the statement reads anyway, so
that changing the password makes every token issued before useless at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils.translation import gettext_noop

from tongxue.core import signedtokens
from tongxue.core.errors import refuse

#: Salt of the signature: an answer token is useless as any other signed value.
SALT = "tongxue.surveys.answer"

#: Lifetime of an answer token (seconds): a day, long enough to fill the form on a
#: phone in several sittings, short enough that a copied token soon stops working.
#: The survey's last day is checked by the answer's statement, whatever the token says.
MAX_AGE = 24 * 60 * 60

#: Prefix of the password hash in :func:`credential` (the answer's statement computes
#: the same digest in SQL: :data:`tongxue.surveys.services.CREDENTIAL_SQL`).
CREDENTIAL_PREFIX = "tongxue.surveys.answer:"
#: Hex digits of the SHA-256 digest kept (128 bits).
CREDENTIAL_LENGTH = signedtokens.CREDENTIAL_LENGTH

#: The header that carries the token.
HEADER = "X-Survey-Token"


@dataclass(frozen=True, slots=True)
class TokenStudent:
    """What a valid answer token names: the account, the student, the survey and the
    credential of the account's password when the token was issued."""

    account: int
    person: int
    survey: int
    credential: str


def credential(password_hash: str) -> str:
    """``sha256(CREDENTIAL_PREFIX + password_hash)``, first :data:`CREDENTIAL_LENGTH`
    hex digits: the same expression as in the answer's statement."""
    return signedtokens.credential(password_hash, prefix=CREDENTIAL_PREFIX)


def issue(*, user: Any, person_id: int, survey_id: int) -> str:
    """Return the answer token of ``user`` (the student ``person_id``) for a survey."""
    payload = {
        "a": user.pk,
        "p": person_id,
        "s": survey_id,
        "c": credential(user.password or ""),
    }
    return signedtokens.sign(payload, salt=SALT)


def _stale() -> Exception:
    return refuse(
        "expired-token",
        gettext_noop(
            "Your answer page has expired: reload the survey's page and answer again."
        ),
    )


def student(token: str, *, survey_id: int) -> TokenStudent:
    """Return what a valid ``token`` names for the survey ``survey_id``, or refuse.

    Nothing is read from the database. Refusals: ``no-token``, ``expired-token``
    (reload the answer page), ``bad-token`` (forged, altered, or for another survey).
    """
    if not token:
        raise refuse(
            "no-token",
            gettext_noop("This answer has no token: open the survey's answer page."),
        )
    try:
        payload = signedtokens.unsign(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise _stale() from None
    except signing.BadSignature:
        raise refuse(
            "bad-token", gettext_noop("This answer token is not valid.")
        ) from None
    if (
        not isinstance(payload, dict)
        or not all(isinstance(payload.get(k), int) for k in ("a", "p", "s"))
        or not isinstance(payload.get("c"), str)
        or payload["s"] != survey_id
    ):
        raise refuse("bad-token", gettext_noop("This answer token is not valid."))
    return TokenStudent(
        account=payload["a"],
        person=payload["p"],
        survey=payload["s"],
        credential=payload["c"],
    )
