"""Activating the roster with codes: issue a class sheet, activate, throttle (#14)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, PersonFactory, RoleFactory, UserFactory
from tests.factories_accounts import build_tree
from tongxue.accounts import activation, activation_throttle
from tongxue.accounts.models import ActivationCode
from tongxue.accounts.services import account_for
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind
from tongxue.organisations.models import Enrolment, OrgKind, PersonKind

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-42"
User = get_user_model()


@dataclass
class Roster:
    tree: Any
    klass: Any
    other_class: Any
    students: list[Any]


def _class(tree: Any, code: str) -> Any:
    return OrganisationFactory(
        code=code,
        name=f"{code}班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=tree.dept,
        students_served=None,
    )


def _students(tree: Any, klass: Any, n: int, start: int = 0) -> list[Any]:
    return [
        PersonFactory(
            ident=f"{klass.code}-{k}",
            name=f"{klass.code}学生{k}",
            student_number=f"2024{klass.code}{k:03d}",
            department=tree.dept,
            class_unit=klass,
        )
        for k in range(start, start + n)
    ]


@pytest.fixture
def roster() -> Roster:
    tree = build_tree()
    klass = _class(tree, "C1")
    other = _class(tree, "C2")
    return Roster(tree, klass, other, _students(tree, klass, 3))


def _issue(roster: Roster, now: dt.datetime | None = None) -> activation.Batch:
    return activation.issue_codes(
        actor=roster.tree.union_admin, unit=roster.klass, now=now
    )


def _code_of(batch: activation.Batch, person: Any) -> str:
    return next(i.code for i in batch.issued if i.person.pk == person.pk)


# --- issuing -----------------------------------------------------------------------


def test_a_class_sheet_covers_its_enrolled_students_who_cannot_sign_in(roster) -> None:
    tree, klass = roster.tree, roster.klass
    plain = roster.students
    placeholder = _students(tree, klass, 1, start=10)[0]
    account_for(person=placeholder)  # made by a grant, not activated
    with_account = _students(tree, klass, 1, start=11)[0]
    with_account.user = UserFactory(username="has-password")
    with_account.save()
    graduated = _students(tree, klass, 1, start=12)[0]
    graduated.enrolment = Enrolment.GRADUATED
    graduated.save()
    teacher = _students(tree, klass, 1, start=13)[0]
    teacher.kind = PersonKind.TEACHER
    teacher.save()
    no_number = _students(tree, klass, 1, start=14)[0]
    no_number.student_number = ""
    no_number.save()
    elsewhere = _students(tree, roster.other_class, 1)[0]

    batch = _issue(roster)

    got = {i.person.pk for i in batch.issued}
    assert got == {p.pk for p in [*plain, placeholder]}
    for person in (with_account, graduated, teacher, elsewhere):
        assert person.pk not in got
    assert [p.pk for p in batch.without_number] == [no_number.pk]
    for issued in batch.issued:
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", issued.code)
        row = ActivationCode.objects.get(pk=issued.activation.pk)
        assert row.code_hash == activation.code_hash(
            issued.person.student_number, issued.code
        )
        assert issued.code.replace("-", "") not in row.code_hash
        assert row.organisation == klass and row.created_by == tree.union_admin
        assert row.expires_at - row.created_at == dt.timedelta(days=30)
    event = AuditEvent.objects.get(action="activation.issue")
    assert sorted(event.data["persons"]) == sorted(got)
    assert event.data["without_number"] == [no_number.pk]
    assert all(i.code not in str(event.data) for i in batch.issued)


def test_a_department_sheet_covers_its_classes(roster) -> None:
    other = _students(roster.tree, roster.other_class, 2)
    batch = activation.issue_codes(actor=roster.tree.union_admin, unit=roster.tree.dept)
    got = {i.person.pk for i in batch.issued}
    assert {p.pk for p in [*roster.students, *other]} <= got


def test_another_unions_administrator_is_refused(roster) -> None:
    stranger = build_tree(prefix="B").union_admin
    with pytest.raises(Refusal) as e:
        activation.issue_codes(actor=stranger, unit=roster.klass)
    assert e.value.code == "forbidden"
    assert not ActivationCode.objects.exists()
    # The page: their own roles page does not list another union's classes, and the
    # other union's page is closed to them.
    c = client_of(stranger)
    url = reverse("accounts:activation-issue", args=[roster.tree.union.code])
    assert c.get(url).status_code == 403
    assert c.post(url, {"unit": roster.klass.code, "format": "html"}).status_code == 403
    own = reverse("accounts:activation-issue", args=["BSU"])
    response = c.post(own, {"unit": roster.klass.code, "format": "html"})
    assert response.status_code == 400 and not ActivationCode.objects.exists()


def test_a_union_below_cannot_issue_for_a_class_of_its_parent(roster) -> None:
    dept_admin = UserFactory(username="dept-admin")
    RoleFactory(user=dept_admin, organisation=roster.tree.dept)
    assert activation.issue_codes(actor=dept_admin, unit=roster.klass).issued
    with pytest.raises(Refusal):
        activation.issue_codes(actor=dept_admin, unit=roster.tree.union)


def test_reissuing_revokes_the_earlier_codes(roster) -> None:
    first = _issue(roster)
    second = _issue(roster)
    person = roster.students[0]
    assert ActivationCode.objects.filter(person=person).count() == 2
    assert (
        ActivationCode.objects.filter(person=person, revoked_at__isnull=True).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="activation.issue").order_by(
        "pk"
    ).last().data["revoked"] == len(roster.students)
    with pytest.raises(Refusal) as e:
        activation.activate(
            student_number=person.student_number,
            code=_code_of(first, person),
            password=PASSWORD,
        )
    assert e.value.code == "replaced"
    done = activation.activate(
        student_number=person.student_number,
        code=_code_of(second, person),
        password=PASSWORD,
    )
    assert done.user.person == person


def test_an_account_holding_a_role_beyond_the_issuer_is_skipped(roster) -> None:
    person = roster.students[0]
    user, _ = account_for(person=person)
    RoleFactory(
        user=user, organisation=roster.tree.school, role=RoleKind.PARTY_APPROVER
    )
    batch = _issue(roster)
    assert [p.pk for p in batch.skipped] == [person.pk]
    assert person.pk not in {i.person.pk for i in batch.issued}
    assert AuditEvent.objects.get(action="activation.issue").data["skipped"] == [
        person.pk
    ]


def test_issuing_takes_a_fixed_number_of_queries(roster) -> None:
    small = _class(roster.tree, "Q1")
    large = _class(roster.tree, "Q2")
    _students(roster.tree, small, 4)
    _students(roster.tree, large, 40)
    # Placeholder accounts (made by grants) in both: their roles are read in two
    # queries whatever their number.
    account_for(person=_students(roster.tree, small, 1, start=100)[0])
    for k, person in enumerate(_students(roster.tree, large, 6, start=100)):
        if k % 2:
            account_for(person=person)
    counts = []
    for unit in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            activation.issue_codes(actor=roster.tree.union_admin, unit=unit)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_sheet_page_at_two_class_sizes_takes_the_same_queries(roster) -> None:
    small = _class(roster.tree, "R1")
    large = _class(roster.tree, "R2")
    _students(roster.tree, small, 3)
    _students(roster.tree, large, 30)
    c = client_of(roster.tree.union_admin)
    url = reverse("accounts:activation-issue", args=[roster.tree.union.code])
    counts = []
    for unit in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            response = c.post(url, {"unit": unit.code, "format": "html"})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- the sheet and the CSV ---------------------------------------------------------


def client_of(user: Any) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_the_roles_page_offers_the_codes_and_the_page_lists_classes(roster) -> None:
    c = client_of(roster.tree.union_admin)
    page = c.get(reverse("accounts:roles", args=[roster.tree.union.code]))
    assert (
        reverse("accounts:activation-issue", args=[roster.tree.union.code])
        in page.content.decode()
    )
    issue = c.get(reverse("accounts:activation-issue", args=[roster.tree.union.code]))
    body = issue.content.decode()
    assert issue.status_code == 200
    assert f'value="{roster.klass.code}"' in body
    assert f'value="{roster.tree.dept.code}"' in body
    assert 'value="ASU"' not in body  # the union itself is neither class nor department


def test_the_sheet_shows_codes_and_qr_links_never_hashes(roster) -> None:
    c = client_of(roster.tree.union_admin)
    url = reverse("accounts:activation-issue", args=[roster.tree.union.code])
    response = c.post(url, {"unit": roster.klass.code, "format": "html"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert body.count('class="invite-card activation-card"') == len(roster.students)
    # one QR code per student (the header's search icon is the one other <svg>)
    assert body.count("<svg") - body.count('<svg aria-hidden="true"') == len(
        roster.students
    )
    for row in ActivationCode.objects.all():
        assert row.code_hash not in body
    person = roster.students[0]
    assert person.name in body and roster.klass.name in body
    match = re.search(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4})</code>", body)
    assert match is not None
    assert re.search(r"\d{4}-\d{2}-\d{2}", body)  # the expiry date
    # The QR code's link fills in the number and the code (checked through the page).
    code = _code_of_from_sheet(body, person)
    prefill = c.get(
        reverse("accounts:activate"),
        {"student_number": person.student_number, "code": code},
    )
    assert f'value="{code}"' in prefill.content.decode()


def _code_of_from_sheet(body: str, person: Any) -> str:
    card = body.split(person.name, 1)[1]
    found = re.search(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4})</code>", card)
    assert found is not None
    return found.group(1)


def test_the_csv_has_a_row_per_student_with_code_and_link(roster) -> None:
    c = client_of(roster.tree.union_admin)
    url = reverse("accounts:activation-issue", args=[roster.tree.union.code])
    response = c.post(url, {"unit": roster.klass.code, "format": "csv"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + len(roster.students)
    by_number = {r[2]: r for r in rows[1:]}
    for person in roster.students:
        r = by_number[person.student_number]
        assert r[0] == person.name and r[1] == roster.klass.name
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", r[3])
        assert f"student_number={person.student_number}" in r[4] and r[3] in r[4]
    for row in ActivationCode.objects.all():
        assert row.code_hash not in text


# --- activating --------------------------------------------------------------------


def _post(c: Any, number: str, code: str, **extra: Any) -> Any:
    data = {
        "student_number": number,
        "code": code,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return c.post(reverse("accounts:activate"), data, **extra)


def test_activating_signs_the_student_in_at_my_account_without_roles(
    roster, client
) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    code = _code_of(batch, person)
    typed = code.replace("-", "").lower()  # case-insensitive, without the dash
    response = _post(client, person.student_number, typed)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:me")
    person.refresh_from_db()
    user = person.user
    assert user is not None and user.check_password(PASSWORD)
    assert user.get_username() == person.student_number
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("accounts:me")).status_code == 200
    row = ActivationCode.objects.get(person=person)
    assert row.used_at is not None and row.used_by == user
    event = AuditEvent.objects.get(action="activation.redeem")
    assert event.actor == user and code not in str(event.data)
    # The sign-in page accepts the student number and the password.
    client.logout()
    signed = client.post(
        reverse("login"),
        {"username": person.student_number, "password": PASSWORD},
    )
    assert signed.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_placeholder_account_is_activated_and_keeps_its_roles(roster, client) -> None:
    person = roster.students[1]
    user, _ = account_for(person=person)
    RoleFactory(user=user, organisation=roster.tree.union, role=RoleKind.DELEGATE)
    batch = _issue(roster)
    _post(client, person.student_number, _code_of(batch, person))
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.get_username() == person.student_number
    assert RoleAssignment.objects.filter(user=user, role=RoleKind.DELEGATE).exists()
    assert User.objects.count() == 3  # the tree's two administrators, and this one


def test_a_taken_student_number_gives_another_user_name(roster, client) -> None:
    person = roster.students[0]
    UserFactory(username=person.student_number.lower())
    batch = _issue(roster)
    response = _post(client, person.student_number, _code_of(batch, person))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.get_username() == f"{person.student_number}-2"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(f"{person.student_number}-2" in m for m in messages)


def _normalised(response: Any) -> str:
    body = response.content.decode()
    body = re.sub(r"[A-Za-z0-9]{64}", "", body)  # the CSRF tokens (form, htmx)
    return re.sub(r'name="student_number"[^>]*>', "", body)


def test_a_wrong_code_and_an_unknown_number_get_the_identical_answer(
    roster, client
) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    right = _code_of(batch, person)
    wrong = "2222-2222" if right != "2222-2222" else "3333-3333"
    bad_code = _post(client, person.student_number, wrong)
    unknown = _post(client, "NOBODY-0000", wrong)
    assert bad_code.status_code == unknown.status_code == 400
    assert _normalised(bad_code) == _normalised(unknown)
    # Another student's number with this student's code: the same refusal.
    crossed = _post(client, roster.students[1].student_number, right)
    assert crossed.status_code == 400
    assert _errors(crossed) == _errors(bad_code) != ""
    assert "do not match a valid code" in _english(client, person, wrong)
    assert not User.objects.filter(person=person).exists()


def _errors(response: Any) -> str:
    found = re.search(
        r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', response.content.decode()
    )
    return found.group(0) if found else ""


def _english(client: Any, person: Any, code: str) -> str:
    client.cookies["django_language"] = "en"
    return _post(client, person.student_number, code).content.decode()


def test_a_used_code_says_so_only_with_its_number(roster, client) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    code = _code_of(batch, person)
    assert _post(client, person.student_number, code).status_code == 302
    client.logout()
    client.cookies["django_language"] = "en"
    again = _post(client, person.student_number, code)
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    other = _post(client, roster.students[1].student_number, code)
    assert "already used" not in other.content.decode()


def test_a_code_expires_at_its_boundary(roster) -> None:
    now = timezone.now()
    batch = _issue(roster, now=now)
    person = roster.students[0]
    code = _code_of(batch, person)
    end = now + dt.timedelta(days=activation.activation_days())
    assert activation.code_for(
        person.student_number, code, now=end - dt.timedelta(seconds=1)
    )
    with pytest.raises(Refusal) as e:
        activation.activate(
            student_number=person.student_number,
            code=code,
            password=PASSWORD,
            now=end,
        )
    assert e.value.code == "expired"
    assert not User.objects.filter(person=person).exists()


def test_an_expired_code_says_so_on_the_page(roster, client) -> None:
    batch = _issue(roster, now=timezone.now() - dt.timedelta(days=31))
    person = roster.students[0]
    client.cookies["django_language"] = "en"
    response = _post(client, person.student_number, _code_of(batch, person))
    assert response.status_code == 400
    assert "has expired" in response.content.decode()


def test_a_weak_password_is_refused_and_the_code_stays_open(roster, client) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    code = _code_of(batch, person)
    response = client.post(
        reverse("accounts:activate"),
        {
            "student_number": person.student_number,
            "code": code,
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 400
    assert ActivationCode.objects.get(person=person).used_at is None
    assert _post(client, person.student_number, code).status_code == 302


def test_the_activation_page_is_private(client) -> None:
    response = client.get(
        reverse("accounts:activate"), {"student_number": "1", "code": "ABCD-EFGH"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert not ActivationCode.objects.exists()


def test_the_sign_in_page_links_to_activation(client, settings) -> None:
    settings.TONGXUE_SCHOOL_MAILBOX = ""
    body = client.get(reverse("login")).content.decode()
    assert reverse("accounts:activate") in body
    assert reverse("accounts:activate-mail") not in body
    settings.TONGXUE_SCHOOL_MAILBOX = "{student_number}@stu.example.edu.cn"
    body = client.get(reverse("login")).content.decode()
    assert reverse("accounts:activate-mail") in body


# --- throttling --------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    now = [1_000_000.0]
    monkeypatch.setattr(activation_throttle, "clock", lambda: now[0])
    return now


def test_failures_from_one_address_are_throttled(roster, client, clock) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    for k in range(10):  # ten wrong numbers from one address
        assert _post(client, f"X{k}", "2222-2222").status_code == 400
    client.cookies["django_language"] = "en"
    blocked = _post(client, person.student_number, _code_of(batch, person))
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) == 15 * 60
    assert "15 minutes" in blocked.content.decode()
    assert not User.objects.filter(person=person).exists()
    # Another address is not blocked.
    other = _post(
        client, person.student_number, _code_of(batch, person), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_nine_failures_from_one_address_are_not_throttled(
    roster, client, clock
) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    for k in range(9):
        _post(client, f"X{k}", "2222-2222")
    assert _post(
        client, person.student_number, _code_of(batch, person)
    ).status_code == (302)


def test_failures_for_one_number_are_throttled_across_addresses_and_reset(
    roster, client, clock
) -> None:
    batch = _issue(roster)
    person = roster.students[0]
    for k in range(4):
        _post(client, person.student_number, "2222-2222", REMOTE_ADDR=f"10.0.1.{k}")
    # Four failures: the fifth attempt is still answered.
    assert (
        _post(
            client, person.student_number, "2222-2222", REMOTE_ADDR="10.0.1.4"
        ).status_code
        == 400
    )
    right = _code_of(batch, person)
    blocked = _post(client, person.student_number, right, REMOTE_ADDR="10.0.2.1")
    assert blocked.status_code == 429
    # Another number from the same addresses is not blocked.
    other = roster.students[1]
    assert (
        _post(
            client,
            other.student_number,
            _code_of(batch, other),
            REMOTE_ADDR="10.0.1.1",
        ).status_code
        == 302
    )
    client.logout()
    clock[0] += 15 * 60 - 1
    assert (
        _post(client, person.student_number, right, REMOTE_ADDR="10.0.2.1").status_code
        == 429
    )
    clock[0] += 1
    assert (
        _post(client, person.student_number, right, REMOTE_ADDR="10.0.2.1").status_code
        == 302
    )


def test_the_throttle_limits_come_from_the_settings(settings) -> None:
    settings.ACTIVATION_THROTTLE = {"window": 60, "address": 3}
    assert activation_throttle.limits() == {"window": 60, "address": 3, "number": 5}


# --- concurrency (PostgreSQL) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_activations_of_one_code_one_succeeds() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer, so threads cannot race"
        )
    tree = build_tree(prefix="K")
    klass = _class(tree, "KC1")
    person = _students(tree, klass, 1)[0]
    batch = activation.issue_codes(actor=tree.union_admin, unit=klass)
    code = _code_of(batch, person)

    def submit(i: int) -> str:
        try:
            activation.activate(
                student_number=person.student_number,
                code=code,
                password=f"{PASSWORD}-{i}",
            )
            return "ok"
        except Refusal as refusal:
            return refusal.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(submit, range(8)))
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("used") == 7, outcomes
    assert User.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.filter(action="activation.redeem").count() == 1
