"""My account: the linked person, roles and the places to act, robust to other apps."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, PositionFactory, RoleFactory, UserFactory
from tests.factories_accounts import build_tree
from tongxue.core.models import RoleKind

pytestmark = pytest.mark.django_db


def test_me_needs_sign_in(client) -> None:
    r = client.get(reverse("accounts:me"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_me_shows_person_posts_roles_and_manage_links(client) -> None:
    tree = build_tree()
    user = tree.union_admin
    PersonFactory(ident="ME1", name="王小明", user=user, department=tree.dept)
    PositionFactory(
        organisation=tree.union,
        person=user.person,
        title="主席",
        start=dt.date(2025, 9, 1),
    )
    client.force_login(user)
    html = client.get(reverse("accounts:me")).content.decode()
    assert "王小明" in html and "主席" in html and tree.dept.name in html
    assert 'data-role="union_admin"' in html
    assert reverse("accounts:roles", args=[tree.union.code]) in html
    assert "ME1" not in html  # no identifier on the page
    assert 'data-kind="cadre"' in html  # a post: the cadre record


def test_me_without_a_person_or_role(client) -> None:
    client.force_login(UserFactory(username="lonely"))
    r = client.get(reverse("accounts:me"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="no-person"' in html and 'data-kind="cadre"' not in html
    assert "data-role=" not in html


def test_me_links_open_ballots_when_voting_offers_them(client, monkeypatch) -> None:
    from tongxue.voting import selectors as voting

    user = UserFactory(username="voter")
    monkeypatch.setattr(
        voting,
        "open_ballots_for",
        lambda u: [SimpleNamespace(code="EL-1", title="第一届学代会主席团选举")],
        raising=False,
    )
    client.force_login(user)
    html = client.get(reverse("accounts:me")).content.decode()
    assert 'data-kind="ballot"' in html
    assert reverse("voting:ballot", args=["EL-1"]) in html


def test_me_survives_a_missing_or_broken_voting_selector(client, monkeypatch) -> None:
    from tongxue.voting import selectors as voting

    client.force_login(UserFactory(username="voter"))
    monkeypatch.delattr(voting, "open_ballots_for", raising=False)
    assert client.get(reverse("accounts:me")).status_code == 200

    def broken(user):  # type: ignore[no-untyped-def]
        raise RuntimeError("not ready")

    monkeypatch.setattr(voting, "open_ballots_for", broken, raising=False)
    r = client.get(reverse("accounts:me"))
    assert r.status_code == 200 and 'data-kind="ballot"' not in r.content.decode()


def test_me_page_queries_are_bounded(
    client, django_assert_max_num_queries, monkeypatch
) -> None:
    from tongxue.voting import selectors as voting

    monkeypatch.setattr(voting, "open_ballots_for", lambda u: [], raising=False)
    tree = build_tree()
    user = UserFactory(username="many")
    PersonFactory(ident="ME2", user=user, department=tree.dept)
    for org in (tree.union, tree.dept, tree.school):
        RoleFactory(user=user, organisation=org, role=RoleKind.DELEGATE)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:me")).status_code == 200
