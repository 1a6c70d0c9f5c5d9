"""Activating the roster by a one-time link to the school mailbox (django-sesame, #14)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, RoleFactory, UserFactory
from tests.factories_accounts import build_tree
from tongxue.accounts import activation_throttle
from tongxue.accounts.services import account_for
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind
from tongxue.organisations.models import Enrolment, OrgKind

pytestmark = pytest.mark.django_db

MAILBOX = "{student_number}@stu.example.edu.cn"
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def mailbox(settings):  # type: ignore[no-untyped-def]
    settings.TONGXUE_SCHOOL_MAILBOX = MAILBOX
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    return settings


@pytest.fixture
def student():  # type: ignore[no-untyped-def]
    tree = build_tree()
    klass = OrganisationFactory(
        code="M1",
        name="M1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=tree.dept,
        students_served=None,
    )
    return PersonFactory(
        ident="M1-0",
        name="张同学",
        student_number="2024M1001",
        department=tree.dept,
        class_unit=klass,
    )


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    now = [2_000_000.0]
    monkeypatch.setattr(activation_throttle, "clock", lambda: now[0])
    return now


def _ask(client: Any, number: str, capture: Any, **extra: Any) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("accounts:activate-mail"), {"student_number": number}, **extra
        )


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found is not None
    return found.group(0)


def test_the_link_is_mailed_to_the_school_address_and_works_once(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    response = _ask(client, student.student_number, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["2024M1001@stu.example.edu.cn"]
    assert student.name in message.body
    url = _link(message)
    assert reverse("accounts:activate-mail-sign-in") in url
    token = url.split("sesame=", 1)[1]
    assert token not in str(AuditEvent.objects.get(action="activation.mail").data)

    # Opening the link (a mail scanner does) does not use it up.
    page = client.get(url)
    assert page.status_code == 200 and token in page.content.decode()
    signed = client.post(reverse("accounts:activate-mail-sign-in"), {"sesame": token})
    assert signed.status_code == 302 and signed["Location"] == reverse("accounts:me")
    student.refresh_from_db()
    user = student.user
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.get_username() == student.student_number
    assert not user.has_usable_password()
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert AuditEvent.objects.get(action="activation.mail_redeem").actor == user

    # Once only, in this browser or another.
    client.logout()
    again = client.post(reverse("accounts:activate-mail-sign-in"), {"sesame": token})
    assert again.status_code == 410
    assert "_auth_user_id" not in client.session


def test_the_student_may_then_set_a_password_and_sign_in_with_it(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    _ask(client, student.student_number, django_capture_on_commit_callbacks)
    token = _link(mail.outbox[0]).split("sesame=", 1)[1]
    client.post(reverse("accounts:activate-mail-sign-in"), {"sesame": token})
    page = client.get(reverse("accounts:activate-password"))
    assert page.status_code == 200
    done = client.post(
        reverse("accounts:activate-password"),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert done.status_code == 302
    student.refresh_from_db()
    assert student.user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == student.user.pk  # still signed in
    assert AuditEvent.objects.filter(action="account.password_set").exists()
    # A password set: the page hands over to the ordinary password change.
    assert client.get(reverse("accounts:activate-password")).status_code == 302
    client.logout()
    signed = client.post(
        reverse("login"), {"username": student.student_number, "password": PASSWORD}
    )
    assert signed.status_code == 302


def test_a_placeholder_account_keeps_its_roles(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    user, _ = account_for(person=student)
    RoleFactory(user=user, organisation=student.department, role=RoleKind.DELEGATE)
    _ask(client, student.student_number, django_capture_on_commit_callbacks)
    token = _link(mail.outbox[0]).split("sesame=", 1)[1]
    client.post(reverse("accounts:activate-mail-sign-in"), {"sesame": token})
    user.refresh_from_db()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.get_username() == student.student_number
    assert RoleAssignment.objects.filter(user=user, role=RoleKind.DELEGATE).count() == 1


def _answer(response: Any) -> str:
    found = re.search(
        r'<p class="card" id="mail-sent"[^>]*>(.*?)</p>',
        response.content.decode(),
        re.S,
    )
    assert found is not None
    return found.group(1)


def test_an_unknown_number_gets_the_same_answer_and_no_mail(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    known = _ask(client, student.student_number, django_capture_on_commit_callbacks)
    unknown = _ask(client, "2024M1999", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert _answer(known) == _answer(unknown)
    assert len(mail.outbox) == 1  # only the known one


def test_no_mail_for_a_student_who_can_sign_in_or_is_not_enrolled(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    student.user = UserFactory(username="already")
    student.save()
    _ask(client, student.student_number, django_capture_on_commit_callbacks)
    left = PersonFactory(
        ident="M1-9",
        student_number="2024M1009",
        department=student.department,
        enrolment=Enrolment.GRADUATED,
    )
    _ask(client, left.student_number, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_an_expired_link_does_not_sign_in(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    _ask(client, student.student_number, django_capture_on_commit_callbacks)
    token = _link(mail.outbox[0]).split("sesame=", 1)[1]
    mailbox.SESAME_MAX_AGE = -1  # every token is past its age
    response = client.post(reverse("accounts:activate-mail-sign-in"), {"sesame": token})
    assert response.status_code == 410
    assert "_auth_user_id" not in client.session


def test_a_bad_link_is_counted_by_axes_and_a_locked_address_is_refused(
    mailbox, student, client, django_capture_on_commit_callbacks
) -> None:
    url = reverse("accounts:activate-mail-sign-in")
    assert client.post(url, {"sesame": "not-a-token"}).status_code == 410
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1
    assert "not-a-token" not in attempt.post_data
    # Locked by spraying from this address: the link does not sign in from it.
    for _ in range(30):
        client.post(reverse("login"), {"username": "x", "password": "y"})
    _ask(client, student.student_number, django_capture_on_commit_callbacks)
    token = _link(mail.outbox[0]).split("sesame=", 1)[1]
    locked = client.post(url, {"sesame": token})
    assert locked.status_code == 429, locked.status_code
    assert "_auth_user_id" not in client.session
    # From another address it works.
    ok = client.post(url, {"sesame": token}, REMOTE_ADDR="10.9.9.9")
    assert ok.status_code == 302


def test_asking_for_links_is_throttled(
    mailbox, student, client, clock, django_capture_on_commit_callbacks
) -> None:
    for k in range(5):
        r = _ask(
            client,
            student.student_number,
            django_capture_on_commit_callbacks,
            REMOTE_ADDR=f"10.3.0.{k}",
        )
        assert r.status_code == 200
    blocked = _ask(
        client,
        student.student_number,
        django_capture_on_commit_callbacks,
        REMOTE_ADDR="10.3.1.1",
    )
    assert blocked.status_code == 429
    assert len(mail.outbox) == 5
    clock[0] += 15 * 60
    assert (
        _ask(
            client,
            student.student_number,
            django_capture_on_commit_callbacks,
            REMOTE_ADDR="10.3.1.1",
        ).status_code
        == 200
    )


def test_the_pages_are_absent_while_the_mailbox_is_not_set(settings, client) -> None:
    settings.TONGXUE_SCHOOL_MAILBOX = ""
    assert client.get(reverse("accounts:activate-mail")).status_code == 404
    assert (
        client.post(
            reverse("accounts:activate-mail"), {"student_number": "1"}
        ).status_code
        == 404
    )
    assert client.get(reverse("accounts:activate-mail-sign-in")).status_code == 404
    assert (
        reverse("accounts:activate-mail")
        not in client.get(reverse("accounts:activate")).content.decode()
    )
