"""Signed tokens that name an account without the session (#17; the design of the
ballot token, :mod:`tongxue.voting.tokens`, ELE-5).

A page that requires sign-in hands the signed-in user a token signed with the server's
key (:mod:`django.core.signing`, HMAC-SHA256, a salt of its own per use) naming the
account and carrying the account's :func:`credential`, a digest of its password hash.
An endpoint that accepts the token in a header reads the account from it alone: no
session row, no user row, no CSRF cookie. The header is its own CSRF defence: a browser
never adds it by itself and another site cannot read it (see the ballot token's
reasoning). The endpoint checks the credential against the account's row (which it
reads anyway): changing the password makes every token issued before useless at once.

This module holds the part every such token shares: the credential and the signer,
built once per process (``signing.loads`` builds one per call) and again after the key
settings change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver

#: Hex digits of the SHA-256 digest a credential keeps (128 bits).
CREDENTIAL_LENGTH = 32

_signers: dict[str, signing.TimestampSigner] = {}


def credential(password_hash: str, *, prefix: str) -> str:
    """Return the digest of an account's password hash a token carries:
    ``sha256(prefix + password_hash)``, its first :data:`CREDENTIAL_LENGTH` hex digits.
    It reveals nothing usable: a hash of a salted, stretched hash whose salt the token
    does not carry."""
    digest = hashlib.sha256((prefix + (password_hash or "")).encode()).hexdigest()
    return digest[:CREDENTIAL_LENGTH]


def sign(payload: dict[str, Any], *, salt: str) -> str:
    """Return ``payload`` signed and time-stamped for ``salt``."""
    return signing.dumps(payload, salt=salt, compress=False)


def unsign(token: str, *, salt: str, max_age: int) -> Any:
    """Return the payload of ``token``; ``signing.SignatureExpired`` when older than
    ``max_age`` seconds, ``signing.BadSignature`` when forged, altered or of another
    salt."""
    signer = _signers.get(salt)
    if signer is None:
        signer = _signers[salt] = signing.TimestampSigner(salt=salt)
    return signer.unsign_object(token, max_age=max_age)


@receiver(setting_changed)
def _forget_signers(*, setting: str, **kwargs: Any) -> None:
    if setting in {"SECRET_KEY", "SECRET_KEY_FALLBACKS"}:
        _signers.clear()
