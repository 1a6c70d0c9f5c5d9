"""Ballot tokens (ELE-5) are made and checked by the shared signed-token module
(:mod:`tongxue.core.signedtokens`, as the raise tokens), and keep their format: a token
made as before the switch (``signing.dumps(payload, salt="tongxue.voting.cast",
compress=False)``, credential ``sha256("tongxue.voting.cast:" + hash)[:32]``) still
casts, on both paths (the view and the WSGI fast path), so no token issued before a
deploy fails."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core import signing
from django.test import Client, override_settings

from tests.factories_voting import build_voting
from tests.integration.test_voting_fastpath import Inner, _call
from tongxue.core import signedtokens
from tongxue.voting import services, tokens
from tongxue.voting.fastpath import CastFastPath
from tongxue.voting.models import Ballot, Participation

pytestmark = pytest.mark.django_db


def _opened() -> Any:
    setup = build_voting()
    services.open_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup


def _as_before(user: Any, election_id: int) -> str:
    """A ballot token made as voting.tokens made it itself before the switch."""
    digest = hashlib.sha256(("tongxue.voting.cast:" + user.password).encode())
    payload = {
        "v": user.pk,
        "n": user.get_username(),
        "e": election_id,
        "p": digest.hexdigest()[:32],
    }
    return signing.dumps(payload, salt="tongxue.voting.cast", compress=False)


def _cast(setup: Any, token: str, **headers: Any) -> Any:
    client = Client(HTTP_ACCEPT="application/json", **headers)
    return client.post(
        f"/vote/{setup.election.code}/cast/", {"c0": "1", "ballot_token": token}
    )


def test_issuing_and_checking_go_through_the_shared_module(monkeypatch: Any) -> None:
    calls: list[tuple[str, str]] = []
    sign, unsign = signedtokens.sign, signedtokens.unsign

    def spy_sign(payload: Any, *, salt: str) -> str:
        calls.append(("sign", salt))
        return sign(payload, salt=salt)

    def spy_unsign(token: str, *, salt: str, max_age: int) -> Any:
        calls.append(("unsign", salt))
        assert max_age == tokens.MAX_AGE
        return unsign(token, salt=salt, max_age=max_age)

    monkeypatch.setattr(signedtokens, "sign", spy_sign)
    monkeypatch.setattr(signedtokens, "unsign", spy_unsign)
    setup = _opened()
    user = setup.voters[0]
    token = tokens.issue(voter=user, election_id=setup.election.pk)
    voter = tokens.voter(token, election_id=setup.election.pk)
    assert calls == [("sign", tokens.SALT), ("unsign", tokens.SALT)]
    assert (voter.pk, voter.username) == (user.pk, user.get_username())
    assert tokens.credential(user.password) == signedtokens.credential(
        user.password, prefix=tokens.CREDENTIAL_PREFIX
    )


def test_the_format_is_unchanged() -> None:
    setup = _opened()
    user = setup.voters[0]
    election = setup.election.pk
    issued = tokens.issue(voter=user, election_id=election)
    # what it always was: the same payload, readable by Django's own loads
    assert signing.loads(issued, salt="tongxue.voting.cast") == {
        "v": user.pk,
        "n": user.get_username(),
        "e": election,
        "p": hashlib.sha256(
            ("tongxue.voting.cast:" + user.password).encode()
        ).hexdigest()[:32],
    }
    old = _as_before(user, election)
    voter = tokens.voter(old, election_id=election)
    assert voter == tokens.voter(issued, election_id=election)
    assert len(voter.credential) == tokens.CREDENTIAL_LENGTH == 32


def test_a_token_made_before_the_switch_casts_on_the_page_s_path() -> None:
    setup = _opened()
    response = _cast(setup, _as_before(setup.voters[0], setup.election.pk))
    assert response.status_code == 200, response.content
    assert Participation.objects.filter(voter=setup.voters[0]).exists()
    # … and by the form post without JSON
    page = Client().post(
        f"/vote/{setup.election.code}/cast/",
        {"c0": "1", "ballot_token": _as_before(setup.voters[1], setup.election.pk)},
    )
    assert page.status_code == 200, page.content
    assert Participation.objects.filter(voter=setup.voters[1]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_token_made_before_the_switch_casts_on_the_fast_path() -> None:
    """The WSGI fast path (tongxue.voting.fastpath) answers the JSON cast before
    Django's stack, with the same token check."""
    setup = _opened()
    inner = Inner()
    app = CastFastPath(inner)
    path = f"/vote/{setup.election.code}/cast/"
    old = _as_before(setup.voters[0], setup.election.pk)
    code, doc = _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN=old)
    assert (code, inner.calls) == (200, 0), doc
    assert Ballot.objects.get().tracker == doc["tracker"]
    code, doc = _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN=old + "x")
    assert (code, doc["code"]) == (403, "bad-token")


def test_a_new_key_refuses_the_old_tokens_unless_kept_as_a_fallback() -> None:
    """The shared module forgets its signers when the key settings change: a token
    signed with a key no longer known is refused, one kept in the fallbacks works."""
    setup = _opened()
    user = setup.voters[0]
    token = tokens.issue(voter=user, election_id=setup.election.pk)
    tokens.voter(token, election_id=setup.election.pk)  # the signer is kept now
    with override_settings(SECRET_KEY="another key " * 5):
        assert _cast(setup, token).json()["code"] == "bad-token"
    with override_settings(
        SECRET_KEY="another key " * 5, SECRET_KEY_FALLBACKS=[_key()]
    ):
        assert tokens.voter(token, election_id=setup.election.pk).pk == user.pk
    assert not Participation.objects.exists()


def _key() -> str:
    from django.conf import settings

    return str(settings.SECRET_KEY)
