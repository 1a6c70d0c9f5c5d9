"""Invitations: create, redeem once, expiry, re-issue, bulk for a congress, the sheet."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, RoleFactory, UserFactory
from tests.factories_accounts import build_tree
from tongxue.accounts import services
from tongxue.accounts.models import Invitation
from tongxue.congresses import invitations as delegate_invitations
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def tree():  # type: ignore[no-untyped-def]
    return build_tree()


def _issue(tree, person=None, now=None):  # type: ignore[no-untyped-def]
    return services.create_invitation(
        actor=tree.union_admin,
        person=person or tree.delegates[0],
        organisation=tree.union,
        now=now,
    )


def test_only_the_hash_of_the_token_is_stored(tree) -> None:
    issued = _issue(tree)
    inv = Invitation.objects.get()
    assert inv.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in inv.token_hash
    assert len(issued.token) >= 40  # 256 bits, URL-safe
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.actor == tree.union_admin and issued.token not in str(event.data)


def test_invitation_is_redeemed_once(tree) -> None:
    issued = _issue(tree)
    user = services.redeem_invitation(
        token=issued.token, username="daibiao0", password=PASSWORD
    )
    person = tree.delegates[0]
    person.refresh_from_db()
    assert person.user == user and user.check_password(PASSWORD)
    assert AuditEvent.objects.get(action="invitation.redeem").actor == user
    with pytest.raises(Refusal) as e:
        services.redeem_invitation(
            token=issued.token, username="another", password=PASSWORD
        )
    assert e.value.code == "used"
    assert not get_user_model().objects.filter(username="another").exists()


def test_invitation_expires_after_fourteen_days(tree) -> None:
    now = timezone.now()
    issued = _issue(tree, now=now)
    days = services.INVITATION_DAYS
    assert days == 14
    just_before = now + dt.timedelta(days=days) - dt.timedelta(seconds=1)
    assert services.invitation_for(issued.token, now=just_before)
    with pytest.raises(Refusal) as e:
        services.redeem_invitation(
            token=issued.token,
            username="late",
            password=PASSWORD,
            now=now + dt.timedelta(days=days),
        )
    assert e.value.code == "expired"


def test_reissuing_revokes_the_previous_invitation(tree) -> None:
    first = _issue(tree)
    second = _issue(tree)
    with pytest.raises(Refusal) as e:
        services.invitation_for(first.token)
    assert e.value.code == "replaced"
    assert services.invitation_for(second.token).pk == second.invitation.pk
    events = AuditEvent.objects.filter(action="invitation.create").order_by("id")
    assert [e.data["revoked"] for e in events] == [0, 1]


def test_unknown_token_is_refused(tree) -> None:
    with pytest.raises(Refusal) as e:
        services.invitation_for("not-a-token")
    assert e.value.code == "unknown"


def test_a_person_with_an_account_is_not_invited(tree) -> None:
    person = PersonFactory(
        ident="HAS", user=UserFactory(username="has"), department=tree.dept
    )
    with pytest.raises(Refusal) as e:
        _issue(tree, person=person)
    assert e.value.code == "has_account"


def test_only_managers_invite(tree) -> None:
    cadre = UserFactory(username="cadre")
    RoleFactory(user=cadre, organisation=tree.union, role=RoleKind.UNION_CADRE)
    with pytest.raises(Refusal) as e:
        services.create_invitation(
            actor=cadre, person=tree.delegates[0], organisation=tree.union
        )
    assert e.value.code == "forbidden"
    with pytest.raises(Refusal) as e:
        delegate_invitations.invite_delegates(actor=cadre, meeting=tree.meeting)
    assert e.value.code == "forbidden"
    assert not Invitation.objects.exists()


def test_redeeming_finishes_an_account_made_by_a_grant(tree) -> None:
    person = tree.delegates[0]
    services.grant_role(
        actor=tree.union_admin,
        organisation=tree.union,
        role=RoleKind.DELEGATE,
        person=person,
    )
    person.refresh_from_db()
    placeholder = person.user
    issued = _issue(tree, person=person)
    user = services.redeem_invitation(
        token=issued.token, username="chosen", password=PASSWORD
    )
    assert user.pk == placeholder.pk and user.username == "chosen"
    assert user.roles.filter(role=RoleKind.DELEGATE).exists()


def test_taken_username_and_weak_password_are_refused(tree) -> None:
    UserFactory(username="Taken")
    issued = _issue(tree)
    with pytest.raises(Refusal) as e:
        services.redeem_invitation(
            token=issued.token, username="taken", password=PASSWORD
        )
    assert e.value.code == "username_taken"
    with pytest.raises(Refusal) as e:
        services.redeem_invitation(
            token=issued.token, username="fresh", password="1234"
        )
    assert e.value.code == "weak_password"
    with pytest.raises(Refusal) as e:
        services.redeem_invitation(
            token=issued.token, username="no spaces", password=PASSWORD
        )
    assert e.value.code == "username_invalid"
    assert services.invitation_for(issued.token)  # still open


# ------------------------------------------------------------------ bulk


def test_bulk_invites_only_delegates_without_an_account(tree) -> None:
    with_account = tree.delegates[2]
    with_account.user = UserFactory(username="already")
    with_account.save()
    issued = delegate_invitations.invite_delegates(
        actor=tree.union_admin, meeting=tree.meeting
    )
    invited = {i.invitation.person_id for i in issued}
    assert invited == {tree.delegates[0].pk, tree.delegates[1].pk}
    assert len({i.token for i in issued}) == 2
    event = AuditEvent.objects.get(action="invitation.bulk")
    assert sorted(event.data["persons"]) == sorted(invited)
    # Issuing again replaces every earlier link.
    again = delegate_invitations.invite_delegates(
        actor=tree.union_admin, meeting=tree.meeting
    )
    for old in issued:
        with pytest.raises(Refusal):
            services.invitation_for(old.token)
    assert all(services.invitation_for(i.token) for i in again)


def test_bulk_queries_do_not_grow_with_the_delegates() -> None:
    small, large = (
        build_tree(prefix="S", delegates=2),
        build_tree(prefix="L", delegates=30),
    )
    counts = []
    for t in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            delegate_invitations.invite_delegates(
                actor=t.union_admin, meeting=t.meeting
            )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_sheet_and_csv_show_names_and_links_but_no_student_numbers(
    client, tree
) -> None:
    client.force_login(tree.union_admin)
    url = reverse(
        "accounts:invite-delegates", args=[tree.union.code, tree.meeting.code]
    )
    page = client.get(url)
    assert page.status_code == 200 and b"sheet-form" in page.content
    sheet = client.post(url, {"format": "html"})
    assert sheet.status_code == 200
    html = sheet.content.decode()
    assert {"private", "no-store"} <= {
        d.strip() for d in sheet["Cache-Control"].split(",")
    }
    assert html.count('class="invite-card"') == 3
    # three QR codes (the header's search icon is the one other <svg>)
    assert html.count("<svg") - html.count('<svg aria-hidden="true"') == 3
    for p in tree.delegates:
        assert p.name in html
        assert p.student_number not in html
        assert p.ident not in html
    assert "/people/invite/" in html
    response = client.post(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4  # header and three delegates
    text = response.content.decode("utf-8-sig")
    for p in tree.delegates:
        assert p.name in text and p.student_number not in text and p.ident not in text
    # The CSV re-issued: the sheet's links are replaced.
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 3


def test_bulk_page_needs_manage(client, tree) -> None:
    other = build_tree(prefix="B")
    client.force_login(other.union_admin)
    url = reverse(
        "accounts:invite-delegates", args=[tree.union.code, tree.meeting.code]
    )
    assert client.get(url).status_code == 403
    assert client.post(url, {"format": "html"}).status_code == 403
    assert not Invitation.objects.exists()


# ------------------------------------------------------------------ the public page


def test_single_invitation_page_shows_the_link_once(client, tree) -> None:
    client.force_login(tree.union_admin)
    url = reverse("accounts:invite", args=[tree.union.code])
    r = client.post(url, {"invite-person": tree.delegates[0].ident})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="invite-link"' in html and "<svg" in html
    assert tree.delegates[0].student_number not in html
    r = client.post(url, {"invite-person": "NOBODY"})
    assert r.status_code == 400
    assert Invitation.objects.count() == 1


def test_redeem_page_signs_the_person_in(client, tree) -> None:
    issued = _issue(tree)
    url = reverse("accounts:redeem", args=[issued.token])
    page = client.get(url)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    r = client.post(
        url, {"username": "daibiao", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert r.status_code == 302 and r["Location"] == reverse("accounts:me")
    me = client.get(reverse("accounts:me"))
    assert me.status_code == 200
    assert tree.delegates[0].name in me.content.decode()
    # A second use tells why, not whose.
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    html = again.content.decode()
    assert 'data-code="used"' in html and tree.delegates[0].name not in html


def test_redeem_page_refuses_weak_passwords_and_mismatches(client, tree) -> None:
    issued = _issue(tree)
    url = reverse("accounts:redeem", args=[issued.token])
    for p1, p2 in (("12345678", "12345678"), (PASSWORD, PASSWORD + "x")):
        r = client.post(url, {"username": "daibiao", "password1": p1, "password2": p2})
        assert r.status_code == 400
    assert not get_user_model().objects.filter(username="daibiao").exists()
    assert services.invitation_for(issued.token)


@pytest.mark.parametrize("state", ["unknown", "expired", "replaced"])
def test_redeem_page_says_why_a_link_fails_without_saying_whose(
    client, tree, state
) -> None:
    now = timezone.now()
    if state == "unknown":
        token = "x" * 43
    elif state == "expired":
        token = _issue(tree, now=now - dt.timedelta(days=15)).token
    else:
        token = _issue(tree).token
        _issue(tree)
    r = client.get(reverse("accounts:redeem", args=[token]))
    assert r.status_code == (404 if state == "unknown" else 410)
    html = r.content.decode()
    assert f'data-code="{state}"' in html
    assert tree.delegates[0].name not in html
    r = client.post(
        reverse("accounts:redeem", args=[token]),
        {"username": "x1", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert r.status_code in (404, 410)
    assert not get_user_model().objects.filter(username="x1").exists()
