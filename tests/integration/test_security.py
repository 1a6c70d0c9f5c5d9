"""Security: CSP on pages, CSRF on the justification form, permissions, sign-in throttling."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.django_plugin import build_school_with_deviation
from tests.factories import A_YEAR_AHEAD, UserFactory
from tongxue.compliance.models import Justification

pytestmark = pytest.mark.django_db

DATA = {
    "rule": "ORG-4.department-deputies",
    "reason": "过渡期",
    "approved_by": "校团委",
    "approved_on": "2026-01-10",
    "valid_until": A_YEAR_AHEAD,
}


@pytest.mark.parametrize(
    "url", ["/", "/org/", "/org/SCH/", "/org/SCH/compliance/", "/accounts/login/"]
)
def test_pages_carry_a_strict_content_security_policy(
    client, school_with_deviation, url
):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html  # nothing inline


def test_the_justification_form_needs_a_csrf_token(school_with_deviation):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(school_with_deviation.admin)
    url = reverse("compliance:justify", args=["SDEPT"])
    assert strict.post(url, DATA).status_code == 403
    assert not Justification.objects.exists()
    page = strict.get(reverse("compliance:report", args=["SSU"]))
    token = page.context["csrf_token"]
    # htmx sends the token in the header set on <body hx-headers=…>.
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    response = strict.post(
        url, DATA, HTTP_X_CSRFTOKEN=str(token), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Justification.objects.count() == 1


def test_anonymous_cannot_justify(client, school_with_deviation):
    response = client.post(reverse("compliance:justify", args=["SDEPT"]), DATA)
    assert response.status_code == 403
    assert not Justification.objects.exists()


def test_an_admin_of_one_union_cannot_justify_at_another(client, school_with_deviation):
    other = build_school_with_deviation(prefix="T")
    client.force_login(school_with_deviation.admin)
    response = client.post(
        reverse("compliance:justify", args=[other.department.code]), DATA
    )
    assert response.status_code == 403
    page = client.get(reverse("compliance:report", args=[other.union.code]))
    assert "justify-form" not in page.content.decode()
    assert not Justification.objects.exists()
    # … while at their own union it works: the refusal above is about scope.
    own = client.post(reverse("compliance:justify", args=["SDEPT"]), DATA)
    assert own.status_code == 302
    assert Justification.objects.count() == 1


def test_sign_in_works_and_the_sixth_wrong_password_is_locked_out(client, settings):
    UserFactory(username="lin")
    url = reverse("login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "lin", "password": f"wrong{attempt}"})
        assert response.status_code == 200  # the form again, with an error
        assert "locked-out" not in response.content.decode()
    fifth = client.post(url, {"username": "lin", "password": "wrong-again"})
    assert "locked-out" in fifth.content.decode()
    sixth = client.post(url, {"username": "lin", "password": "wrong-sixth"})
    assert sixth.status_code == 429
    assert "locked-out" in sixth.content.decode()
    # Locked out even with the right password, until the cool-off ends.
    right = client.post(
        url, {"username": "lin", "password": "correct horse battery staple"}
    )
    assert "locked-out" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_with_the_right_password(client):
    UserFactory(username="wang")
    response = client.post(
        reverse("login"),
        {"username": "wang", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_another_user_is_not_locked_out_by_someone_elses_failures(client, settings):
    UserFactory(username="lin")
    UserFactory(username="zhao")
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("login"), {"username": "lin", "password": f"x{attempt}"})
    ok = client.post(
        reverse("login"),
        {"username": "zhao", "password": "correct horse battery staple"},
    )
    assert ok.status_code == 302


def _fail_five_times(client, settings, **meta):  # type: ignore[no-untyped-def]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "lin", "password": f"x{attempt}"}, **meta
        )


def test_behind_the_proxy_the_lockout_is_keyed_on_the_address_nginx_sets(
    client, settings
):  # type: ignore[no-untyped-def]
    """In production every request reaches the app from nginx on 127.0.0.1; the lockout
    must hold the failing client's address (X-Real-IP), not lock the user name out for
    everyone."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = settings.PROXY_CLIENT_IP_ORDER
    UserFactory(username="lin")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    _fail_five_times(client, settings, HTTP_X_REAL_IP="8.8.4.4", **proxy)
    right = {"username": "lin", "password": "correct horse battery staple"}
    again = Client().post(reverse("login"), right, HTTP_X_REAL_IP="8.8.4.4", **proxy)
    assert again.status_code == 429
    other = Client().post(reverse("login"), right, HTTP_X_REAL_IP="1.1.1.1", **proxy)
    assert other.status_code == 302


def test_without_the_proxy_a_forged_x_real_ip_does_not_escape_the_lockout(
    client, settings
):  # type: ignore[no-untyped-def]
    UserFactory(username="lin")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "lin", "password": f"x{attempt}"},
            HTTP_X_REAL_IP=f"9.9.9.{attempt}",
        )
    right = {"username": "lin", "password": "correct horse battery staple"}
    forged = Client().post(reverse("login"), right, HTTP_X_REAL_IP="1.1.1.1")
    assert forged.status_code == 429
