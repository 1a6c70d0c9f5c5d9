"""Answer tokens (TRN-2) are made and checked by the shared signed-token module
(:mod:`tongxue.core.signedtokens`, as the ballot and raise tokens), and keep their
format: a token made as the surveys' own signer made it before the switch still names
the same student, so no answer page open across a deploy fails."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core import signing

from tests.factories import UserFactory
from tongxue.core import signedtokens
from tongxue.core.errors import Refusal
from tongxue.surveys import tokens

pytestmark = pytest.mark.django_db


def _as_before(user: Any, person_id: int, survey_id: int) -> str:
    digest = hashlib.sha256(("tongxue.surveys.answer:" + user.password).encode())
    payload = {
        "a": user.pk,
        "p": person_id,
        "s": survey_id,
        "c": digest.hexdigest()[:32],
    }
    return signing.dumps(payload, salt="tongxue.surveys.answer", compress=False)


def test_issuing_and_checking_go_through_the_shared_module(monkeypatch: Any) -> None:
    calls: list[str] = []
    sign, unsign = signedtokens.sign, signedtokens.unsign
    monkeypatch.setattr(
        signedtokens,
        "sign",
        lambda p, *, salt: calls.append(salt) or sign(p, salt=salt),
    )
    monkeypatch.setattr(
        signedtokens,
        "unsign",
        lambda t, *, salt, max_age: (
            calls.append(salt) or unsign(t, salt=salt, max_age=max_age)
        ),
    )
    user = UserFactory()
    token = tokens.issue(user=user, person_id=7, survey_id=3)
    named = tokens.student(token, survey_id=3)
    assert calls == [tokens.SALT, tokens.SALT]
    assert (named.account, named.person, named.survey) == (user.pk, 7, 3)
    assert named.credential == tokens.credential(user.password)


def test_a_token_made_before_the_switch_names_the_same_student() -> None:
    user = UserFactory()
    old = _as_before(user, 7, 3)
    assert tokens.student(old, survey_id=3) == tokens.student(
        tokens.issue(user=user, person_id=7, survey_id=3), survey_id=3
    )
    with pytest.raises(Refusal) as refused:  # bound to its survey
        tokens.student(old, survey_id=4)
    assert refused.value.code == "bad-token"
    with pytest.raises(Refusal) as refused:  # another salt's token
        tokens.student(signing.dumps({"a": 1}, salt="x", compress=False), survey_id=3)
    assert refused.value.code == "bad-token"
