"""Campus single sign-on (#14, docs/sso.md) against real providers over HTTP.

A CAS server (django-mama-cas) and an OpenID provider (django-oauth-toolkit, RS256)
run as subprocesses on 127.0.0.1 (tests/providers), started once per session; Tongxue
runs in ``live_server`` and the browser is a ``requests.Session`` that follows the
redirects and fills in the campus sign-in form. The campus accounts are in
``tests.providers.CAMPUS_ACCOUNTS``; the union's roll is made here (:func:`roll`).

Transactional: the live server must see the roll. Runs on SQLite and, with
``DATABASE_URL=postgres://…``, on PostgreSQL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_cas_ng.models import SessionTicket

from tests.factories import OrganisationFactory, PersonFactory, RoleFactory, UserFactory
from tests.providers import OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, PASSWORD, fixtures
from tests.providers.fixtures import Provider, browser, sign_in_at_campus
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind
from tongxue.organisations.models import Enrolment, Person, PersonKind

pytestmark = pytest.mark.django_db(transaction=True)

# The providers, started once per session (tests/providers/fixtures.py).
cas_server = fixtures.cas_server
oidc_server = fixtures.oidc_server

User = get_user_model()
ME = reverse("accounts:me")


@dataclass
class Roll:
    """The union's roll: who is on it, and who already has an account."""

    student: Person  # 20230001, enrolled, no account
    with_account: Person  # 20230002, account "lier" holding a delegate role
    graduated: Person  # 20230003
    attribute_only: Person  # 20230004 (the campus user zhang.san)
    teacher: Person  # identifier T-1001, no student number


@pytest.fixture
def roll() -> Roll:
    union = OrganisationFactory(code="SSOSU", name="示范大学学生会")
    dept = OrganisationFactory(code="SSODEPT", name="计算机学院", parent=union)
    lier = UserFactory(username="lier")
    RoleFactory(user=lier, organisation=union, role=RoleKind.DELEGATE)
    roll = Roll(
        student=PersonFactory(
            ident="S-1", name="李一", student_number="20230001", department=dept
        ),
        with_account=PersonFactory(
            ident="S-2", name="李二", student_number="20230002", user=lier
        ),
        graduated=PersonFactory(
            ident="S-3",
            name="李三",
            student_number="20230003",
            enrolment=Enrolment.GRADUATED,
        ),
        attribute_only=PersonFactory(
            ident="S-4", name="张三", student_number="20230004"
        ),
        teacher=PersonFactory(
            ident="T-1001", name="王老师", student_number="", kind=PersonKind.TEACHER
        ),
    )
    # Two records with one number: the campus account cannot be told apart.
    PersonFactory(ident="S-9a", name="赵九", student_number="20230009")
    PersonFactory(ident="S-9b", name="赵久", student_number="20230009")
    return roll


def cas_on(settings: Any, server: Provider, version: str = "3", **extra: str) -> None:
    settings.CAS_SERVER_URL = server.url
    settings.CAS_VERSION = version
    settings.TONGXUE_CAS_MATCH_ATTRIBUTE = ""
    settings.TONGXUE_CAS_IDENT_ATTRIBUTE = ""
    for name, value in extra.items():
        setattr(settings, name, value)


def oidc_on(settings: Any, server: Provider, **extra: str) -> None:
    settings.TONGXUE_OIDC_ISSUER = server.url
    settings.OIDC_RP_CLIENT_ID = OIDC_CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = OIDC_CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.TONGXUE_OIDC_MATCH_CLAIM = "preferred_username"
    settings.TONGXUE_OIDC_IDENT_CLAIM = ""
    for name, value in extra.items():
        setattr(settings, name, value)


def campus(live_server: Any, protocol: str, username: str) -> requests.Session:
    """Sign in through the campus in a new browser; return the browser."""
    b = browser()
    start = live_server.url + reverse(f"accounts:sso-{protocol}-login")
    b.last = sign_in_at_campus(b, start, username, PASSWORD)  # type: ignore[attr-defined]
    return b


def signed_in_as(b: requests.Session) -> int | None:
    """The user id of the browser's Tongxue session (None: not signed in)."""
    key = b.cookies.get("sessionid")
    session = Session.objects.filter(session_key=key).first() if key else None
    if session is None:
        return None
    found = session.get_decoded().get("_auth_user_id")
    return int(found) if found else None


def landed_on_me(b: requests.Session) -> bool:
    last = b.last  # type: ignore[attr-defined]
    return last.status_code == 200 and urlparse(last.url).path == ME


def refused(b: requests.Session, reason: str) -> bool:
    last = b.last  # type: ignore[attr-defined]
    return last.status_code == 403 and f'data-reason="{reason}"' in last.text


def links() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="account.sso_link"))


# -- CAS ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2", "3"])
def test_cas_student_signs_in_gets_a_linked_account_and_keeps_it(
    live_server, cas_server, settings, roll, version
) -> None:
    cas_on(settings, cas_server, version)
    b = campus(live_server, "cas", "20230001")
    assert landed_on_me(b)
    roll.student.refresh_from_db()
    user = roll.student.user
    assert user is not None and signed_in_as(b) == user.pk
    assert user.username == f"sso-{roll.student.pk}"
    assert not user.has_usable_password() and user.first_name == "李一"
    (link,) = links()
    assert link.actor_id == user.pk and link.organisation == "SSODEPT"
    assert link.data == {
        "person": roll.student.pk,
        "user": user.pk,
        "protocol": "cas",
        "matched_by": "student_number",
    }
    assert "20230001" not in str(link.data) and link.target == "李一"

    # The second sign-in (another browser) is the same account: nothing new.
    users = User.objects.count()
    again = campus(live_server, "cas", "20230001")
    assert landed_on_me(again) and signed_in_as(again) == user.pk
    assert User.objects.count() == users and len(links()) == 1


def test_cas_person_with_an_account_gets_that_account_with_its_roles(
    live_server, cas_server, settings, roll
) -> None:
    cas_on(settings, cas_server)
    lier = roll.with_account.user
    users = User.objects.count()
    b = campus(live_server, "cas", "20230002")
    assert landed_on_me(b) and signed_in_as(b) == lier.pk
    assert User.objects.count() == users and links() == []
    assert RoleAssignment.objects.filter(user=lier, role=RoleKind.DELEGATE).exists()
    lier.refresh_from_db()
    assert lier.has_usable_password()  # the password still signs in too


def test_cas_account_not_on_the_roll_gets_the_page_and_nothing_is_created(
    live_server, cas_server, settings, roll
) -> None:
    """Unknown number, or a graduated student: the same page, nothing made."""
    cas_on(settings, cas_server)
    users, persons = User.objects.count(), Person.objects.count()
    for username in ("20239999", "20230003"):
        b = campus(live_server, "cas", username)
        assert refused(b, "no_match") and signed_in_as(b) is None
        page = b.last.text  # type: ignore[attr-defined]
        assert "不在学生会名册中" in page and "学生会管理员" in page
        assert username in page  # their own campus account, for the administrator
        # nothing about anybody else: no other number of the roll, no name
        for other in ("20230001", "20230002", "20230004", "李一", "李三"):
            assert other not in page
    assert (User.objects.count(), Person.objects.count()) == (users, persons)
    assert links() == []
    # axes counted no failed password sign-in (a refusal has no user name)
    assert AccessAttempt.objects.count() == 0


def test_cas_two_persons_with_one_number_are_refused_and_logged(
    live_server, cas_server, settings, roll, caplog
) -> None:
    cas_on(settings, cas_server)
    users = User.objects.count()
    with caplog.at_level(logging.WARNING, logger="tongxue.accounts.sso"):
        b = campus(live_server, "cas", "20230009")
    assert refused(b, "ambiguous") and User.objects.count() == users
    (record,) = [r for r in caplog.records if r.name == "tongxue.accounts.sso"]
    assert "share its student number" in record.getMessage()
    assert "20230009" not in record.getMessage()  # person ids, not the number


@pytest.mark.parametrize("version", ["2", "3"])
def test_cas_match_attribute_and_missing_attribute(
    live_server, cas_server, settings, roll, version
) -> None:
    cas_on(settings, cas_server, version, TONGXUE_CAS_MATCH_ATTRIBUTE="student_number")
    b = campus(live_server, "cas", "zhang.san")  # the attribute says 20230004
    roll.attribute_only.refresh_from_db()
    assert landed_on_me(b) and signed_in_as(b) == roll.attribute_only.user_id

    users = User.objects.count()
    missing = campus(live_server, "cas", "nobody")  # no student_number attribute
    assert refused(missing, "no_match") and User.objects.count() == users
    assert "没有提供该账号的学号" in missing.last.text  # type: ignore[attr-defined]


def test_cas_teacher_matches_by_identifier_when_the_school_names_it(
    live_server, cas_server, settings, roll
) -> None:
    cas_on(settings, cas_server)
    assert refused(campus(live_server, "cas", "t1001"), "no_match")
    settings.TONGXUE_CAS_IDENT_ATTRIBUTE = "staff_number"
    b = campus(live_server, "cas", "t1001")
    roll.teacher.refresh_from_db()
    assert landed_on_me(b) and signed_in_as(b) == roll.teacher.user_id
    assert links()[0].data["matched_by"] == "ident"


def test_cas_switched_off_or_operator_account_is_not_signed_in(
    live_server, cas_server, settings, roll
) -> None:
    cas_on(settings, cas_server)
    account = User.objects.filter(pk=roll.with_account.user_id)
    for change, reason in (
        ({"is_active": False}, "inactive"),
        ({"is_active": True, "is_staff": True}, "password_only"),
    ):
        account.update(**change)
        b = campus(live_server, "cas", "20230002")
        assert refused(b, reason) and signed_in_as(b) is None


def test_cas_sign_out_of_tongxue_and_single_logout_from_the_campus(
    live_server, cas_server, settings, roll
) -> None:
    cas_on(settings, cas_server)
    # Signing out of Tongxue ends the session (and forgets its CAS ticket).
    b = campus(live_server, "cas", "20230001")
    assert signed_in_as(b) is not None and SessionTicket.objects.count() == 1
    r = b.post(
        live_server.url + reverse("logout"),
        data={"csrfmiddlewaretoken": b.cookies.get("csrftoken")},
        timeout=30,
    )
    assert r.status_code == 200 and signed_in_as(b) is None
    assert SessionTicket.objects.count() == 0
    after = b.get(live_server.url + ME, timeout=30)
    assert urlparse(after.url).path == reverse("login")

    # Signing out at the campus (CAS 3 single logout) ends the Tongxue session too.
    b = campus(live_server, "cas", "20230001")
    assert signed_in_as(b) is not None
    b.get(cas_server.url + "logout", timeout=30)
    assert signed_in_as(b) is None
    assert urlparse(b.get(live_server.url + ME, timeout=30).url).path == reverse(
        "login"
    )


def test_cas_start_keeps_only_a_local_next_and_registers_a_plain_service_url(
    live_server, cas_server, settings, roll
) -> None:
    cas_on(settings, cas_server)
    start = live_server.url + reverse("accounts:sso-cas-login")
    for target, lands in (("/org/", "/org/"), ("https://evil.example/", ME)):
        b = browser()
        r = b.get(start, params={"next": target}, allow_redirects=False, timeout=30)
        assert r.status_code == 302 and r.headers["Location"].startswith(
            cas_server.url + "login?"
        )
        (service,) = parse_qs(urlparse(r.headers["Location"]).query)["service"]
        assert service == start  # no query: what the campus registers
        b.last = sign_in_at_campus(b, r.headers["Location"], "20230001", PASSWORD)  # type: ignore[attr-defined]
        assert urlparse(b.last.url).path == lands  # type: ignore[attr-defined]
        assert urlparse(b.last.url).netloc == urlparse(live_server.url).netloc  # type: ignore[attr-defined]
    # A ticket the campus did not issue for this service is refused by the campus.
    forged = browser().get(start, params={"ticket": "ST-forged"}, timeout=30)
    assert forged.status_code == 403 and 'data-reason="failed"' in forged.text


# -- OpenID Connect -------------------------------------------------------------------


def test_oidc_match_claim_signs_in_and_reuses_the_account(
    live_server, oidc_server, settings, roll
) -> None:
    oidc_on(settings, oidc_server, TONGXUE_OIDC_MATCH_CLAIM="student_number")
    b = campus(live_server, "oidc", "zhang.san")  # claim student_number=20230004
    roll.attribute_only.refresh_from_db()
    user = roll.attribute_only.user
    assert landed_on_me(b) and user is not None and signed_in_as(b) == user.pk
    assert user.username == f"sso-{roll.attribute_only.pk}"
    assert [e.data["protocol"] for e in links()] == ["oidc"]

    again = campus(live_server, "oidc", "zhang.san")
    assert landed_on_me(again) and signed_in_as(again) == user.pk
    assert len(links()) == 1


def test_oidc_default_claim_is_the_user_name_and_existing_account_is_kept(
    live_server, oidc_server, settings, roll
) -> None:
    oidc_on(settings, oidc_server)  # preferred_username
    b = campus(live_server, "oidc", "20230002")
    assert landed_on_me(b) and signed_in_as(b) == roll.with_account.user_id
    assert links() == []
    # zhang.san's user name is no student number: no match under the default claim
    assert refused(campus(live_server, "oidc", "zhang.san"), "no_match")


def test_oidc_missing_claim_or_unknown_number_gets_the_page(
    live_server, oidc_server, settings, roll
) -> None:
    oidc_on(settings, oidc_server, TONGXUE_OIDC_MATCH_CLAIM="student_number")
    users, persons = User.objects.count(), Person.objects.count()
    for username in ("nobody", "20239999"):
        b = campus(live_server, "oidc", username)
        assert refused(b, "no_match") and signed_in_as(b) is None
    assert (User.objects.count(), Person.objects.count()) == (users, persons)
    assert AccessAttempt.objects.count() == 0


def test_oidc_refuses_a_token_for_another_client(
    live_server, oidc_server, settings, roll
) -> None:
    """The provider's ID token names its audience; another client's is refused."""
    oidc_on(settings, oidc_server)
    from tongxue.accounts import sso_backends

    original = sso_backends.OIDCBackend.get_or_create_user

    def other_audience(self, access_token, id_token, payload):  # type: ignore[no-untyped-def]
        return original(self, access_token, id_token, {**payload, "aud": "someone"})

    sso_backends.OIDCBackend.get_or_create_user = other_audience  # type: ignore[method-assign]
    try:
        b = campus(live_server, "oidc", "20230001")
    finally:
        sso_backends.OIDCBackend.get_or_create_user = original  # type: ignore[method-assign]
    assert refused(b, "failed") and signed_in_as(b) is None


# -- without a provider: switches, the sign-in page, axes -------------------------------


@pytest.mark.django_db  # no live server: the test's own transaction
def test_sso_is_off_by_default_no_button_and_its_pages_are_not_found(client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "统一身份认证登录" not in page and 'id="sign-in-options"' not in page
    for name in ("sso-cas-login", "sso-oidc-login", "sso-oidc-callback"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 404


@pytest.mark.django_db  # no live server: the test's own transaction
def test_the_sign_in_page_shows_a_button_per_protocol_switched_on(
    client, settings
) -> None:
    settings.CAS_SERVER_URL = "https://cas.example.edu.cn/cas/"
    page = client.get(reverse("login"), {"next": "/org/"}).content.decode()
    assert page.count("统一身份认证登录") == 1
    assert f'href="{reverse("accounts:sso-cas-login")}?next=%2Forg%2F"' in page
    assert page.index('id="sign-in-options"') < page.index('name="password"')

    settings.TONGXUE_OIDC_ISSUER = "https://id.example.edu.cn"
    settings.OIDC_RP_CLIENT_ID = "tongxue"
    page = client.get(reverse("login"), {"next": "https://evil.example/"}).content
    page = page.decode()
    assert "统一身份认证登录 (CAS)" in page
    assert "统一身份认证登录 (OpenID Connect)" in page
    assert (
        "evil.example"
        not in page.split('id="sign-in-options"')[1].split("</section>")[0]
    )


@pytest.mark.django_db  # no live server: the test's own transaction
def test_password_sign_in_and_its_lockout_still_work_with_sso_on(
    client, settings
) -> None:
    settings.CAS_SERVER_URL = "https://cas.example.edu.cn/cas/"
    settings.OIDC_RP_CLIENT_ID = "tongxue"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.edu.cn/authorize"
    UserFactory(username="pw-user")
    ok = client.post(
        reverse("login"),
        {"username": "pw-user", "password": "correct horse battery staple"},
    )
    assert ok.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "pw-user", "password": "wrong"})
    locked = client.post(
        reverse("login"),
        {"username": "pw-user", "password": "correct horse battery staple"},
    )
    assert locked.status_code == 429


@pytest.mark.django_db  # no live server: the test's own transaction
def test_an_oidc_callback_this_browser_did_not_start_is_refused(
    client, settings
) -> None:
    settings.OIDC_RP_CLIENT_ID = "tongxue"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://id.example.edu.cn/authorize"
    r = client.get(reverse("accounts:sso-oidc-callback"), {"code": "x", "state": "y"})
    assert r.status_code == 403 and 'data-reason="failed"' in r.content.decode()


@pytest.mark.django_db  # no live server: the test's own transaction
def test_an_unreachable_campus_server_gets_a_page_not_an_error(
    client, settings
) -> None:
    """Nothing listens on port 1: the ticket cannot be validated, discovery fails."""
    settings.CAS_SERVER_URL = "http://127.0.0.1:1/cas/"
    r = client.get(reverse("accounts:sso-cas-login"), {"ticket": "ST-1"})
    assert r.status_code == 503 and 'data-reason="unavailable"' in r.content.decode()
    settings.TONGXUE_OIDC_ISSUER = "http://127.0.0.1:1/o"
    settings.OIDC_RP_CLIENT_ID = "tongxue"
    r = client.get(reverse("accounts:sso-oidc-login"))
    assert r.status_code == 503 and "暂时无法连接" in r.content.decode()


@pytest.mark.django_db  # no live server: the test's own transaction
def test_axes_exempts_only_campus_credentials() -> None:
    from tongxue.accounts.sso import axes_exempt

    assert axes_exempt(None, {"ticket": "ST-1", "service": "x"})  # type: ignore[arg-type]
    assert axes_exempt(None, {"nonce": None, "code_verifier": "v"})  # type: ignore[arg-type]
    assert not axes_exempt(None, {"username": "a", "password": "b"})  # type: ignore[arg-type]
    assert not axes_exempt(None, None)  # type: ignore[arg-type]


@pytest.mark.django_db  # no live server: the test's own transaction
def test_the_daily_job_forgets_tickets_of_sessions_that_ended_unseen() -> None:
    import datetime as dt

    from django.utils import timezone

    from tongxue.accounts.sso import forget_stale_cas_tickets
    from tongxue.jobs import periodic

    now = timezone.now()
    for key, expires in (("live", now + dt.timedelta(hours=1)), ("old", now)):
        Session.objects.create(session_key=key, session_data="", expire_date=expires)
    for key in ("live", "old", "gone"):
        SessionTicket.objects.create(session_key=key, ticket=f"ST-{key}")
    assert forget_stale_cas_tickets() == 2
    assert list(SessionTicket.objects.values_list("session_key", flat=True)) == ["live"]
    entry = periodic._registry["accounts.sso-stale-tickets"]
    assert entry.every == dt.timedelta(days=1)
    assert entry.func == "tongxue.accounts.sso.forget_stale_cas_tickets"


def test_oidc_keeps_the_providers_key_set_and_fetches_it_again_for_a_new_key(
    live_server, oidc_server, settings, roll, monkeypatch
) -> None:
    """The JWKS is fetched once for many sign-ins (kept an hour in the cache), and
    again when a token names a key the kept set lacks (the provider rotated)."""
    from django.core.cache import cache

    from tongxue.accounts import sso, sso_backends

    oidc_on(settings, oidc_server)
    endpoint = sso.oidc_provider().jwks_uri
    cache.delete(sso_backends.kept_jwks_key(endpoint))
    fetched: list[str] = []
    real_get = requests.get

    def counting_get(url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if url == endpoint:
            fetched.append(url)
        return real_get(url, *args, **kwargs)

    monkeypatch.setattr(sso_backends.requests, "get", counting_get)
    first = campus(live_server, "oidc", "20230002")
    second = campus(live_server, "oidc", "20230002")
    assert landed_on_me(first) and landed_on_me(second)
    assert fetched == [endpoint]
    # The kept set lacks the token's key (the provider rotated): fetched again.
    retired = {"keys": [{"kty": "RSA", "kid": "retired", "alg": "RS256"}]}
    cache.set(sso_backends.kept_jwks_key(endpoint), retired, 60)
    third = campus(live_server, "oidc", "20230002")
    assert landed_on_me(third) and signed_in_as(third) == roll.with_account.user_id
    assert fetched == [endpoint, endpoint]
    assert cache.get(sso_backends.kept_jwks_key(endpoint)) != retired
