"""Sign-in spraying, password change, session limits, ballot tokens, the demo's guard."""

from __future__ import annotations

import datetime as dt
import time
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory
from tests.factories_voting import build_voting
from tongxue import cli
from tongxue.accounts import services as accounts
from tongxue.accounts import sessions
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.demo.management.commands import demo as demo_command
from tongxue.voting import services as voting
from tongxue.voting import tokens
from tongxue.voting.fastpath import CastFastPath
from tongxue.voting.models import Ballot, Participation

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"  # UserFactory's password
LOGIN = "/accounts/login/"


def _post(username: str, password: str, **meta: Any):  # type: ignore[no-untyped-def]
    return Client().post(LOGIN, {"username": username, "password": password}, **meta)


def _locked(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 429 or "locked-out" in response.content.decode()


# ------------------------------------------------------------------ spraying


def test_many_user_names_from_one_address_lock_that_address(settings) -> None:
    limit = settings.TONGXUE_LOCKOUT_LIMITS["ip_address"]
    assert limit <= 40  # 40 user names from one address lock it
    UserFactory(username="wang")
    ip = {"REMOTE_ADDR": "203.0.113.7"}
    for k in range(limit - 1):
        assert not _locked(_post(f"guess{k}", "123456", **ip))
    # One below the limit, the address still signs in, and signing in with an
    # account of one's own does not wipe the address's count.
    assert _post("wang", RIGHT, **ip).status_code == 302
    assert _locked(_post("another-guess", "123456", **ip))
    assert _post("wang", RIGHT, **ip).status_code == 429  # the right password too
    # A fresh address signs in.
    assert _post("wang", RIGHT, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_one_account_guessed_from_many_addresses_is_locked(settings) -> None:
    limit = settings.TONGXUE_LOCKOUT_LIMITS["username"]
    assert limit < 30  # 30 addresses guessing one account lock it
    UserFactory(username="lin")
    UserFactory(username="zhao")
    for k in range(1, limit):
        assert not _locked(_post("lin", f"guess{k}", REMOTE_ADDR=f"10.0.0.{k}"))
    assert _locked(_post("lin", "guess-last", REMOTE_ADDR=f"10.0.0.{limit}"))
    for k in range(limit + 1, 31):  # the rest of the 30 addresses: still locked
        assert _post("lin", f"g{k}", REMOTE_ADDR=f"10.0.0.{k}").status_code == 429
    # Locked from a fresh address, even with the right password …
    assert _post("lin", RIGHT, REMOTE_ADDR="198.51.100.9").status_code == 429
    # … while another account signs in from a fresh address (and from the sprayers').
    assert _post("zhao", RIGHT, REMOTE_ADDR="198.51.100.9").status_code == 302
    assert _post("zhao", RIGHT, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_behind_the_proxy_the_address_counter_is_the_real_clients(settings) -> None:
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = settings.PROXY_CLIENT_IP_ORDER
    limit = settings.TONGXUE_LOCKOUT_LIMITS["ip_address"]
    UserFactory(username="wang")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for k in range(limit):
        _post(f"guess{k}", "123456", HTTP_X_REAL_IP="8.8.4.4", **proxy)
    assert _post("wang", RIGHT, HTTP_X_REAL_IP="8.8.4.4", **proxy).status_code == 429
    # Every request comes from nginx's 127.0.0.1: only the sprayer is locked.
    assert _post("wang", RIGHT, HTTP_X_REAL_IP="1.1.1.1", **proxy).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "8.8.4.4"
    }


def test_the_lockout_page_says_what_when_and_whom_to_ask(settings) -> None:
    UserFactory(username="lin")
    client = Client()
    client.cookies["django_language"] = "en"
    for k in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": "lin", "password": f"x{k}"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "too many failed attempts" in page
    assert "Wait 15 minutes, then try again." in page
    assert "union administrator" in page and "operator" in page
    chinese = Client().post(LOGIN, {"username": "lin", "password": "x"})
    assert chinese.status_code == 429
    assert "15 分钟" in chinese.content.decode()


def test_the_operator_unlocks_an_address_and_an_account(settings) -> None:
    UserFactory(username="lin")
    for k in range(settings.TONGXUE_LOCKOUT_LIMITS["ip_address"]):
        _post(f"guess{k}", "x", REMOTE_ADDR="203.0.113.8")
    assert _post("lin", RIGHT, REMOTE_ADDR="203.0.113.8").status_code == 429
    call_command("axes_reset_ip", "203.0.113.8", stdout=StringIO())
    assert _post("lin", RIGHT, REMOTE_ADDR="203.0.113.8").status_code == 302
    for k in range(settings.TONGXUE_LOCKOUT_LIMITS["username"]):
        _post("lin", f"x{k}", REMOTE_ADDR=f"10.9.0.{k}")
    assert _post("lin", RIGHT, REMOTE_ADDR="10.9.9.9").status_code == 429
    call_command("axes_reset_username", "lin", stdout=StringIO())
    assert _post("lin", RIGHT, REMOTE_ADDR="10.9.9.9").status_code == 302


# ------------------------------------------------------------------ password change


NEW = "a much better pass phrase 42"
URL = "/people/me/password/"


def _change(client, old: str, new: str = NEW):  # type: ignore[no-untyped-def]
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_my_account_links_to_the_password_change(client) -> None:
    user = UserFactory(username="lin")
    assert client.get(URL).status_code == 302  # sign in first
    client.force_login(user)
    assert URL in client.get(reverse("accounts:me")).content.decode()
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="old_password"' in page.content.decode()


def test_changing_the_password_keeps_this_session_and_ends_the_others() -> None:
    user = UserFactory(username="lin")
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert elsewhere.get(reverse("accounts:me")).status_code == 200
    response = _change(here, RIGHT)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:me")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert here.get(reverse("accounts:me")).status_code == 200
    assert elsewhere.get(reverse("accounts:me")).status_code == 302  # to sign-in
    event = AuditEvent.objects.get(action="account.password_change")
    assert event.actor == user and NEW not in str(event.data)
    assert _post("lin", NEW).status_code == 302


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client) -> None:
    user = UserFactory(username="lin")
    client.force_login(user)
    assert _change(client, "not my password").status_code == 400
    assert _change(client, RIGHT, new="12345678").status_code == 400
    user.refresh_from_db()
    assert user.check_password(RIGHT)
    assert not AuditEvent.objects.filter(action="account.password_change").exists()


def test_guessing_the_current_password_is_throttled_as_sign_in_is(
    client, settings
) -> None:
    user = UserFactory(username="lin")
    client.force_login(user)
    for k in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _change(client, f"guess{k}").status_code == 400
    assert _change(client, "guess-last").status_code == 429
    # Locked: even the right current password is refused for now, as is sign-in.
    assert _change(client, RIGHT).status_code == 429
    user.refresh_from_db()
    assert user.check_password(RIGHT)
    assert _post("lin", RIGHT).status_code == 429


def test_the_password_change_needs_the_csrf_token() -> None:
    user = UserFactory(username="lin")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert _change(strict, RIGHT).status_code == 403
    token = strict.get(URL).context["csrf_token"]
    response = strict.post(
        URL,
        {
            "old_password": RIGHT,
            "new_password1": NEW,
            "new_password2": NEW,
            "csrfmiddlewaretoken": str(token),
        },
    )
    assert response.status_code == 302


# ------------------------------------------------------------------ session limits


def _signed_in(settings) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(UserFactory(username="lin"))
    return client


def _stamp(client: Client, *, started: int, seen: int) -> None:
    session = client.session
    session[sessions.STARTED] = started
    session[sessions.SEEN] = seen
    session.save()


def test_an_idle_session_ends(settings) -> None:
    settings.TONGXUE_SESSION_IDLE = 30 * 60
    now = int(time.time())
    client = _signed_in(settings)
    _stamp(client, started=now - 3600, seen=now - 30 * 60 + 30)
    assert client.get(reverse("accounts:me")).status_code == 200
    _stamp(client, started=now - 3600, seen=now - 30 * 60 - 5)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("accounts:me"), follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_ends_after_the_absolute_limit_however_busy(settings) -> None:
    settings.SESSION_COOKIE_AGE = 8 * 3600
    now = int(time.time())
    client = _signed_in(settings)
    _stamp(client, started=now - 8 * 3600 + 60, seen=now)
    assert client.get(reverse("accounts:me")).status_code == 200
    _stamp(client, started=now - 8 * 3600 - 5, seen=now)
    assert client.get(reverse("accounts:me")).status_code == 302


def test_activity_is_written_at_most_once_a_minute(settings) -> None:
    now = int(time.time())
    client = _signed_in(settings)
    assert client.session[sessions.STARTED] >= now  # stamped at sign-in
    _stamp(client, started=now, seen=now - 10)
    client.get(reverse("accounts:me"))
    assert client.session[sessions.SEEN] == now - 10  # no write
    _stamp(client, started=now, seen=now - sessions.TOUCH_EVERY - 1)
    client.get(reverse("accounts:me"))
    assert client.session[sessions.SEEN] >= now


# ------------------------------------------------------------------ ballot tokens


def _open_election():  # type: ignore[no-untyped-def]
    setup = build_voting(prefix="PW")
    voting.open_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup


def _cast(setup, token: str):  # type: ignore[no-untyped-def]
    return voting.cast(
        voter=tokens.voter(token, election_id=setup.election.pk),
        election_code=setup.election.code,
        marks=["1", "0", "0"],
    )


def test_a_ballot_token_stops_working_when_the_password_changes() -> None:
    setup = _open_election()
    user = setup.voters[0]
    old = tokens.issue(voter=user, election_id=setup.election.pk)
    accounts.change_password(user=user, password=NEW)
    with pytest.raises(Refusal) as refused:
        _cast(setup, old)
    assert refused.value.code == "expired-token"
    assert "password was changed" in refused.value.message.text
    assert not Participation.objects.exists() and not Ballot.objects.exists()
    # The ballot page hands out a new token, which works.
    fresh = tokens.issue(voter=user, election_id=setup.election.pk)
    assert _cast(setup, fresh).tracker
    assert Participation.objects.count() == Ballot.objects.count() == 1


def test_a_token_of_an_unchanged_password_casts_and_one_without_credential_does_not() -> (
    None
):
    setup = _open_election()
    user = setup.voters[1]
    assert _cast(setup, tokens.issue(voter=user, election_id=setup.election.pk))
    legacy = signing.dumps(
        {"v": setup.voters[2].pk, "n": "x", "e": setup.election.pk},
        salt=tokens.SALT,
        compress=False,
    )
    with pytest.raises(Refusal) as refused:
        _cast(setup, legacy)
    assert refused.value.code == "expired-token"


@pytest.mark.django_db(transaction=True)
def test_the_fast_path_refuses_a_token_from_before_the_password_change() -> None:
    import io
    import json

    setup = _open_election()
    user = setup.voters[0]
    old = tokens.issue(voter=user, election_id=setup.election.pk)
    user.set_password(NEW)  # as an operator's reset would
    user.save(update_fields=["password"])
    app = CastFastPath(lambda environ, start: [b""])

    def call(token: str) -> tuple[int, Any]:
        body = b"c0=1"
        status: list[str] = []
        raw = app(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": f"/vote/{setup.election.code}/cast/",
                "HTTP_HOST": "testserver",
                "HTTP_ACCEPT": "application/json",
                "HTTP_X_BALLOT_TOKEN": token,
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
                "wsgi.url_scheme": "http",
            },
            lambda s, h: status.append(s),
        )
        return int(status[0].split()[0]), json.loads(b"".join(raw))

    code, doc = call(old)
    assert (code, doc["code"]) == (403, "expired-token")
    assert not Participation.objects.exists()
    user.refresh_from_db()
    code, doc = call(tokens.issue(voter=user, election_id=setup.election.pk))
    assert code == 200 and doc["tracker"]


# ------------------------------------------------------------------ the demo's guard


def _stub_demo(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    monkeypatch.setattr(
        demo_command, "load_demo", lambda command, **kw: calls.append(kw["scale"]) or []
    )
    return calls


def test_demo_refuses_with_debug_off_and_exits_2(monkeypatch, settings, capsys) -> None:
    settings.DEBUG = False
    calls = _stub_demo(monkeypatch)
    assert cli.main(["demo"]) == 2
    err = capsys.readouterr().err
    assert "DEBUG" in err and "--i-know" in err
    with pytest.raises(CommandError) as refused:
        call_command("demo", stdout=StringIO())
    assert refused.value.returncode == 2
    assert calls == []


def test_demo_refuses_a_database_holding_other_data(monkeypatch, settings) -> None:
    settings.DEBUG = True
    calls = _stub_demo(monkeypatch)
    UserFactory(username="real-person")
    with pytest.raises(CommandError) as refused:
        call_command("demo", stdout=StringIO())
    assert refused.value.returncode == 2
    assert "--i-know" in str(refused.value)
    get_user_model().objects.all().delete()
    OrganisationFactory(code="REAL")
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    assert calls == []


def test_demo_runs_on_an_empty_or_demo_only_development_database(
    monkeypatch, settings
) -> None:
    settings.DEBUG = True
    calls = _stub_demo(monkeypatch)
    call_command("demo", stdout=StringIO())
    # Demo data already there (the school, its accounts): the province may be added.
    OrganisationFactory(code="LYDX")
    get_user_model().objects.create_user("admin")
    AuditEvent.objects.create(
        actor_label="system",
        action="demo.user_created",
        target="admin",
        at=dt.datetime.now(dt.UTC),
    )
    call_command("demo", "--scale", "province", stdout=StringIO())
    assert calls == ["school", "province"]


def test_demo_with_i_know_runs_anywhere(monkeypatch, settings) -> None:
    settings.DEBUG = False
    calls = _stub_demo(monkeypatch)
    UserFactory(username="real-person")
    call_command("demo", "--i-know", stdout=StringIO())
    assert calls == ["school"]


def test_tongxue_up_still_loads_the_demo_into_an_empty_database(
    monkeypatch, settings, tmp_path
) -> None:
    settings.DEBUG = False  # as under the tests; `up` itself refuses production
    settings.DATA_DIR = tmp_path / "var"
    calls = _stub_demo(monkeypatch)
    call_command("tongxue_up", "--prepare-only", stdout=StringIO())
    assert calls == ["school"]
