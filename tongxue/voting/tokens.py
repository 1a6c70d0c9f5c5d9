"""Ballot tokens: who casts, without the session (ELE-5 · GS-8).

The ballot page (which requires sign-in and a place on the roll) hands the voter a
token signed with the server's key (:mod:`tongxue.core.signedtokens`, shared with the
raise and survey tokens: :mod:`django.core.signing`, HMAC-SHA256, salt :data:`SALT`)
naming the voter's account and the election. The cast endpoint reads the voter from
that token alone: no session row, no user row, no CSRF cookie. The token's format is
``signing.dumps(payload, salt=SALT, compress=False)`` as it always was: tokens issued
before the shared module was used still work.

Why this is enough, and why it is the CSRF defence of the cast endpoint: a cross-site
request forgery works because the browser adds the victim's cookies by itself. The cast
endpoint ignores every cookie; the only credential is the token in the form field
``ballot_token`` or the ``X-Ballot-Token`` header, which a browser never adds by itself
and which another site cannot read (it is only in the voter's own ballot page, never in
a URL, a cookie or a log). A forged request from another site therefore carries either
no token (refused) or the attacker's own token (the attacker casting their own ballot,
which they could do anyway). Tokens cannot be guessed or altered (HMAC with
``SECRET_KEY``), are bound to one voter and one election (a token of another election is
refused), and expire after :data:`MAX_AGE` seconds. One ballot per voter is still
enforced by the database, and the roll (and the account being active) is checked by the
cast statement itself.

A token also carries the account's :func:`credential`, a digest of its password hash,
which the cast statement compares with the account's row it already reads: changing
the password (or an operator resetting it) makes every token issued before useless at
once, at no extra query. The digest reveals nothing usable: it is a hash of a salted,
stretched hash whose salt the token does not carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.core import signing
from django.utils.translation import gettext_noop

from tongxue.core import signedtokens
from tongxue.core.errors import refuse

#: Salt of the signature: a ballot token is useless as any other signed value.
SALT = "tongxue.voting.cast"

#: Lifetime of a ballot token (seconds): long enough for a voting session of a
#: congress, short enough that a copied token soon stops working.
MAX_AGE = 4 * 60 * 60

#: Prefix of the password hash in :func:`credential` (the cast statement computes the
#: same digest in SQL: tongxue.voting.services).
CREDENTIAL_PREFIX = "tongxue.voting.cast:"
#: Hex digits of the SHA-256 digest kept (128 bits; the cast statement's ``substr``).
CREDENTIAL_LENGTH = signedtokens.CREDENTIAL_LENGTH

#: The form field and the header (``X-Ballot-Token``) that carry the token.
FIELD = "ballot_token"
HEADER = "X-Ballot-Token"


@dataclass(frozen=True, slots=True)
class TokenVoter:
    """The voter a valid ballot token names: the account's id, username and credential.

    Quacks like the signed-in user where the cast path and the receipt page need one
    (``pk``, ``is_authenticated``, ``get_username()``); building a user model instance
    for every cast cost more than the rest of the token check.
    """

    pk: int
    username: str
    #: The :func:`credential` of the password the account had when the token was
    #: issued; the cast statement checks it against the account's row.
    credential: str
    is_authenticated: ClassVar[bool] = True

    @property
    def id(self) -> int:
        return self.pk

    def get_username(self) -> str:
        return self.username


def credential(password_hash: str) -> str:
    """Return the digest of an account's password hash that a ballot token carries.

    ``sha256(CREDENTIAL_PREFIX + password_hash)``, first :data:`CREDENTIAL_LENGTH` hex
    digits (:func:`tongxue.core.signedtokens.credential`): the same expression as in
    the cast statement.
    """
    return signedtokens.credential(password_hash, prefix=CREDENTIAL_PREFIX)


def credential_of(voter: Any) -> str:
    """Return the credential a cast by ``voter`` must match.

    A token's voter carries the one it was issued with; a user model instance (a
    service called directly) has its password hash at hand.
    """
    known = getattr(voter, "credential", None)
    if isinstance(known, str):
        return known
    return credential(getattr(voter, "password", "") or "")


def issue(*, voter: Any, election_id: int) -> str:
    """Return the ballot token of ``voter`` (a user) for the election ``election_id``."""
    payload = {
        "v": voter.pk,
        "n": voter.get_username(),
        "e": election_id,
        "p": credential(voter.password),
    }
    return signedtokens.sign(payload, salt=SALT)


def voter(token: str, *, election_id: int | None) -> TokenVoter:
    """Return the voter named by a valid ``token`` for the election, or refuse.

    ``election_id`` is that of the election named in the URL (``None`` when it has no
    open ballot: the cast is then refused as not open). The voter is a
    :class:`TokenVoter` carrying only the account's id and username (what the cast
    writes) and the credential the cast statement checks: nothing is read from the
    database. Refusals: ``no-token``,
    ``expired-token`` (reload the ballot page), ``bad-token`` (forged, altered, or made
    for another election).
    """
    if not token:
        raise refuse(
            "no-token",
            gettext_noop(
                "This ballot has no ballot token: open the ballot page and cast from it."
            ),
        )
    try:
        # the signer is built once per process (signedtokens), not once per cast
        payload = signedtokens.unsign(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise refuse(
            "expired-token",
            gettext_noop(
                "Your ballot page has expired: reload the ballot page and cast again."
            ),
        ) from None
    except signing.BadSignature:
        raise refuse(
            "bad-token", gettext_noop("This ballot token is not valid.")
        ) from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("v"), int)
        or not isinstance(payload.get("n"), str)
        or (election_id is not None and payload.get("e") != election_id)
    ):
        raise refuse("bad-token", gettext_noop("This ballot token is not valid."))
    if not isinstance(payload.get("p"), str):
        # Issued before tokens carried the credential: as good as expired.
        raise refuse(
            "expired-token",
            gettext_noop(
                "Your ballot page has expired: reload the ballot page and cast again."
            ),
        )
    return TokenVoter(pk=payload["v"], username=payload["n"], credential=payload["p"])
