"""The cadre roster's JSON API (CAD-2) with the students' messages each cadre received
and answered through the relay (RGT-6), as the roster page shows them next to its
"write a message" link: the same selectors (cadres.selectors.roster_contacts through
cadres.hooks.CADRE_CONTACTS, voice.relay_selectors.received_counts), counts only, a
bounded number of queries whatever the number of posts; null where the page shows
nothing (a vacant post, a roster no relay reaches)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, PositionFactory
from tests.factories_voice import student
from tests.integration.test_voice_relay_api import SECRET, _contacts, vs  # noqa: F401
from tongxue.organisations.models import OrgKind, Role

pytestmark = pytest.mark.django_db

#: The union, its governing profile (the roles shown), the organisations under it,
#: the posts, the counts (one aggregate query).
QUERIES = 5


def _rows(client: Client, code: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/cadres/roster/{code}")
    assert response.status_code == 200, response.content
    return response.json()


def _more_posts(school: Any, n: int) -> None:
    for i in range(n):
        dept = OrganisationFactory(
            code=f"Q-FD{i}",
            name=f"Q部门{i}",
            kind=OrgKind.FUNCTIONAL_DEPARTMENT,
            parent=school.union,
            students_served=None,
        )
        PositionFactory(
            organisation=dept,
            person=student(school.k1, f"q-head{i}").person,
            role=Role.DEPARTMENT_HEAD,
            title="部长",
        )


def test_the_api_gives_the_page_s_counts(vs: Any) -> None:  # noqa: F811
    _contacts(vs)
    client = Client()
    rows = _rows(client, vs.union.code)
    cadre = next(r for r in rows if r["name"] == "Q副主席")
    position = vs.cadre_person.positions.get()
    # the figures next to the link, as on the page (one received, none answered)
    assert (cadre["messages_received"], cadre["messages_answered"]) == (1, 0)
    assert cadre["relay"] == reverse("cadres:relay", args=[position.pk])
    html = client.get(reverse("cadres:roster", args=[vs.union.code])).content.decode()
    item = html[html.index("Q副主席") :]
    item = item[: item.index("</li>")]
    assert 'data-received="1" data-answered="0"' in item
    # the cadre answers: answered, still one contact received
    from tongxue.voice import relay_services
    from tongxue.voice.models import RelayThread

    thread = RelayThread.objects.get(capacity="cadre")
    relay_services.reply(actor=position.person.user, thread=thread, text="收到")
    cadre = next(r for r in _rows(client, vs.union.code) if r["name"] == "Q副主席")
    assert (cadre["messages_received"], cadre["messages_answered"]) == (1, 1)
    # a holder nobody wrote to: zeros; a vacant post: nothing to count
    for row in rows:
        if row["vacant"]:
            assert row["messages_received"] is row["messages_answered"] is None
        elif row["name"] != "Q副主席":
            assert (row["messages_received"], row["messages_answered"]) == (0, 0)
    assert any(r["vacant"] for r in rows)
    # counts only: never who wrote or what
    body = client.get(f"/api/cadres/roster/{vs.union.code}").content.decode()
    for hidden in (SECRET, vs.author.person.name):
        assert hidden not in body


def test_the_counts_take_the_same_queries_at_two_sizes(
    vs: Any,  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    _contacts(vs)
    client = Client()
    with django_assert_num_queries(QUERIES):
        few = _rows(client, vs.union.code)
    _more_posts(vs, 12)
    for i in range(12):
        head = f"q-head{i}"
        if i % 3 == 0:  # some of the new heads were written to
            from tongxue.organisations.models import Person
            from tongxue.voice import relay_services

            relay_services.send(
                actor=student(vs.k1, f"q-w{i}"),
                union=vs.union,
                person=Person.objects.get(user__username=head),
                text=SECRET,
            )
    with django_assert_num_queries(QUERIES):
        many = _rows(client, vs.union.code)
    assert len(many) == len(few) + 12
    written = [r for r in many if r["title"] == "部长" and r["messages_received"]]
    assert len(written) == 4
    assert all(r["messages_answered"] == 0 for r in written)


def test_below_the_union_the_counts_are_the_union_s_relay(
    vs: Any,  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    """A department union's roster: its cadres are reached through the school union's
    relay (one more query to find it)."""
    head = student(vs.k1, "q-dept-head")
    PositionFactory(
        organisation=vs.dept, person=head.person, role=Role.PRESIDENT, title="主席"
    )
    from tongxue.voice import relay_services

    relay_services.send(
        actor=vs.author, union=vs.union, person=head.person, text=SECRET
    )
    with django_assert_num_queries(QUERIES + 1):
        rows = _rows(Client(), vs.dept.code)
    row = next(r for r in rows if r["name"] == head.person.name)
    assert (row["messages_received"], row["messages_answered"]) == (1, 0)


def test_a_roster_no_relay_reaches_has_no_counts_and_no_link(vs: Any) -> None:  # noqa: F811
    """A federation's roster: the relay of the concerns app reaches the cadres of
    school-level unions only, so the page shows no link and no counts; nor does the
    API."""
    PositionFactory(
        organisation=vs.federation,
        person=PersonFactory(name="Q联合会主席"),
        role=Role.PRESIDENT,
        title="主席",
    )
    rows = _rows(Client(), vs.federation.code)
    row = next(r for r in rows if r["name"] == "Q联合会主席")
    assert row["relay"] is None
    assert row["messages_received"] is row["messages_answered"] is None
    html = (
        Client()
        .get(reverse("cadres:roster", args=[vs.federation.code]))
        .content.decode()
    )
    assert "Q联合会主席" in html and "relay-count" not in html
    assert "relay-link" not in html


def test_the_schema_documents_the_counts() -> None:
    schema = Client().get("/api/openapi.json").json()
    row = schema["components"]["schemas"]["RosterRowOut"]["properties"]
    for name in ("messages_received", "messages_answered", "relay", "contact"):
        assert row[name].get("description"), name
    assert "RGT-6" in row["messages_received"]["description"]
