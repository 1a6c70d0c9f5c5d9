"""My home's account part: the linked person, roles and links, robust to other apps."""

from __future__ import annotations

import datetime as dt

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


def test_me_links_an_open_vote_to_its_ballot(client) -> None:
    from tests.factories_voting import build_voting
    from tongxue.voting import services as voting

    setup = build_voting(prefix="MEV", voters=1)
    voting.open_vote(actor=setup.admin, election=setup.election)
    client.force_login(setup.voters[0])
    html = client.get(reverse("accounts:me")).content.decode()
    assert 'data-kind="vote"' in html
    assert reverse("voting:ballot", args=[setup.election.code]) in html


def test_me_survives_a_failing_source_of_items(client, caplog) -> None:
    from tongxue.accounts.selectors import HOME_ITEMS

    def broken(user, person, now):  # type: ignore[no-untyped-def]
        raise RuntimeError("not ready")

    client.force_login(UserFactory(username="voter"))
    HOME_ITEMS.register(broken)
    try:
        r = client.get(reverse("accounts:me"))
    finally:
        HOME_ITEMS._items.remove(broken)
    assert r.status_code == 200 and 'id="home-empty"' in r.content.decode()
    assert "broken failed" in caplog.text  # logged, not hidden


def test_me_page_queries_are_bounded(client, django_assert_max_num_queries) -> None:
    tree = build_tree()
    user = UserFactory(username="many")
    PersonFactory(ident="ME2", user=user, department=tree.dept)
    for org in (tree.union, tree.dept, tree.school):
        RoleFactory(user=user, organisation=org, role=RoleKind.DELEGATE)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:me")).status_code == 200
