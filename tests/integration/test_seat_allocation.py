"""Seat allocation of a congress (CON-3, CON-4 · GS-8, CQ-3).

CON-3: the house is at least the profile's share of the union's students, rounded up.
CON-4: the seats are shared among the departments by a published method, every
department at least one seat, a tie resolved only by a lot with a published seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.congresses import selectors, services
from tongxue.congresses.models import AllocatedSeats, MeetingStatus, SeatAllocation
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.findings import Refusal
from tongxue.domain.profiles import get_profile
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
METHODS = ["hamilton", "dhondt", "sainte-lague", "huntington-hill", "adams"]


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


@dataclass
class Congress:
    union: Any
    meeting: Any
    admin: Any
    departments: list[Any]


def build(
    students: int = 1000, weights: tuple[int | None, ...] = (500, 300, 150, 50)
) -> Congress:
    school = SchoolFactory(code="SCH", students_served=students)
    union = OrganisationFactory(code="SU", parent=school, students_served=students)
    depts = [
        OrganisationFactory(
            code=f"D{i:02d}",
            name=f"院系{i:02d}学生会",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=union,
            students_served=w,
        )
        for i, w in enumerate(weights)
    ]
    admin = UserFactory(username="admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    meeting = MeetingFactory(
        code="C1", organisation=union, status=MeetingStatus.PLANNED
    )
    return Congress(union, meeting, admin, depts)


def minimum(students: int) -> int:
    """CON-3, from the default profile (the test does not hard-code the share)."""
    share = get_profile("gansu-2017").fraction("delegates_min_share")
    return math.ceil(share * students)


def seats_of(allocation: SeatAllocation) -> dict[str, int]:
    return {r.unit.code: r.seats for r in allocation.rows.select_related("unit")}


# ------------------------------------------------------------------------ service


@pytest.mark.parametrize("method", METHODS)
def test_the_minimum_house_is_accepted_and_one_fewer_refused(method):
    """CON-3 · GS-8, CQ-3: both sides of the quota."""
    c = build()
    low = minimum(1000)
    allocation = services.allocate_seats(
        actor=c.admin, meeting=c.meeting, method=method
    )
    assert allocation.seats == low == allocation.quota_minimum
    assert sum(seats_of(allocation).values()) == low
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(
            actor=c.admin, meeting=c.meeting, method=method, seats=low - 1
        )
    assert exc.value.requirement == "CON-3"
    assert exc.value.field == "seats"
    # the refused call wrote nothing: the first allocation stands
    assert SeatAllocation.objects.get(meeting=c.meeting).seats == low


def test_the_minimum_rounds_up():
    c = build(students=1001, weights=(501, 300, 150, 50))
    allocation = services.allocate_seats(
        actor=c.admin, meeting=c.meeting, method="hamilton"
    )
    share = get_profile("gansu-2017").fraction("delegates_min_share")
    assert allocation.seats == math.ceil(share * 1001) > share * 1001


@pytest.mark.parametrize("method", METHODS)
def test_every_department_gets_at_least_one_seat(method):
    """CON-4: a tiny department is not swallowed by a big one."""
    c = build(weights=(990, 5, 5))
    allocation = services.allocate_seats(
        actor=c.admin, meeting=c.meeting, method=method
    )
    seats = seats_of(allocation)
    assert set(seats) == {"D00", "D01", "D02"}
    assert min(seats.values()) >= 1


def test_without_the_minimum_a_small_department_could_get_none():
    """The other side of CON-4: the minimum is what gives the small departments a seat."""
    from tongxue.domain.apportionment import apportion

    result = apportion({"D00": 990, "D01": 5, "D02": 5}, minimum(1000), method="dhondt")
    assert result.seats["D01"] == 0


def test_fewer_than_one_seat_per_department_is_refused():
    c = build()
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(
            actor=c.admin, meeting=c.meeting, method="hamilton", min_seats=0
        )
    assert exc.value.field == "min_seats"


def test_a_department_without_students_is_refused_by_name():
    c = build(weights=(500, None, 300))
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(actor=c.admin, meeting=c.meeting, method="hamilton")
    assert exc.value.requirement == "CON-4"
    assert "院系01学生会" in str(exc.value)
    assert "院系00学生会" not in str(exc.value)
    assert not SeatAllocation.objects.exists()


def test_a_tie_is_refused_then_resolved_by_lot_reproducibly():
    """CON-4: the last seat between two equal departments is never given by list order."""
    c = build(students=300, weights=(100, 100, 100))
    # the minimum is 3 seats for 300 students; 4 seats leave one for three equals
    house = minimum(300) + 1
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(
            actor=c.admin, meeting=c.meeting, method="sainte-lague", seats=house
        )
    assert exc.value.code == "CON-4.tie"
    for code in ("D00", "D01", "D02"):
        assert code in str(exc.value)
    assert not SeatAllocation.objects.exists()

    results = []
    for _ in range(2):
        allocation = services.allocate_seats(
            actor=c.admin,
            meeting=c.meeting,
            method="sainte-lague",
            seats=house,
            tie="lot",
            seed=2026,
        )
        results.append(seats_of(allocation))
    assert results[0] == results[1]
    (winner,) = random.Random(2026).sample(["D00", "D01", "D02"], 1)
    assert results[0][winner] == 2
    assert sorted(results[0].values()) == [1, 1, 2]
    allocation = SeatAllocation.objects.get(meeting=c.meeting)
    assert (allocation.tie, allocation.seed) == ("lot", 2026)
    why = AllocatedSeats.objects.get(allocation=allocation, unit__code=winner)
    assert "2026" in why.explanation["why"]


def test_a_lot_needs_a_seed():
    c = build()
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(
            actor=c.admin, meeting=c.meeting, method="hamilton", tie="lot"
        )
    assert exc.value.field == "seed"


def test_the_explanation_is_stored_and_the_table_reads_it():
    c = build()
    allocation = services.allocate_seats(
        actor=c.admin, meeting=c.meeting, method="hamilton"
    )
    row = AllocatedSeats.objects.get(allocation=allocation, unit__code="D02")
    # quota of 150 students in 1000 for the minimum house, exact
    assert row.quota == str(Fraction(150 * allocation.seats, 1000))
    assert row.explanation["unit"] == "D02"
    assert row.explanation["seats"] == row.seats
    assert "remainder" in row.explanation
    table = selectors.allocation_table(c.meeting)
    assert table is not None
    assert [r.unit_code for r in table.rows] == ["D00", "D01", "D02", "D03"]
    assert table.total_students == 1000
    assert any(r.why for r in table.rows)


def test_reallocating_replaces_the_previous_allocation():
    c = build()
    services.allocate_seats(actor=c.admin, meeting=c.meeting, method="hamilton")
    second = services.allocate_seats(
        actor=c.admin, meeting=c.meeting, method="dhondt", seats=minimum(1000) + 5
    )
    assert SeatAllocation.objects.count() == 1
    assert AllocatedSeats.objects.count() == 4
    assert sum(seats_of(second).values()) == minimum(1000) + 5


def test_an_audit_event_is_written():
    c = build()
    services.allocate_seats(actor=c.admin, meeting=c.meeting, method="adams")
    event = AuditEvent.objects.get(action="congress.allocate_seats")
    assert event.organisation == "SU"
    assert event.target == "C1"
    assert event.actor == c.admin
    assert event.data["method"] == "adams"
    assert sum(event.data["allocation"].values()) == minimum(1000)


def test_a_non_manager_cannot_allocate():
    c = build()
    outsider = UserFactory(username="outsider")
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(actor=outsider, meeting=c.meeting, method="hamilton")
    assert exc.value.code == "forbidden"


def test_departments_under_the_school_count_when_the_union_has_none():
    school = SchoolFactory(code="SCH2", students_served=200)
    union = OrganisationFactory(code="SU2", parent=school, students_served=200)
    for i in range(2):
        OrganisationFactory(
            code=f"E{i}",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=school,
            students_served=100,
        )
    meeting = MeetingFactory(
        code="C2", organisation=union, status=MeetingStatus.PLANNED
    )
    allocation = services.allocate_seats(
        actor=None, meeting=meeting, method="hamilton", seats=4
    )
    assert seats_of(allocation) == {"E0": 2, "E1": 2}


# -------------------------------------------------------------------------- pages


def url(code: str = "SU", meeting: str = "C1") -> str:
    return reverse("congresses:seats", args=[code, meeting])


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "seats-method": "hamilton",
        "seats-seats": "",
        "seats-min_seats": "1",
        "seats-tie": "refuse",
        "seats-seed": "",
    }
    return data | {f"seats-{k}": v for k, v in overrides.items()}


def test_the_page_shows_an_empty_state_and_no_form_to_the_public(client):
    build()
    page = client.get(url()).content.decode()
    assert 'id="seats-empty"' in page
    assert 'id="seat-form"' not in page


def test_a_manager_gets_the_form_with_the_five_methods(client):
    c = build()
    client.force_login(c.admin)
    page = client.get(url()).content.decode()
    assert 'id="seat-form"' in page
    for method in METHODS:
        assert f'value="{method}"' in page


def test_a_manager_allocates_and_the_table_shows_the_explanation(client):
    c = build()
    client.force_login(c.admin)
    response = client.post(url(), form_data(), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="seat-table"' in page and "院系03学生会" in page
    assert "remainder" in page
    assert SeatAllocation.objects.get(meeting=c.meeting).method == "hamilton"
    # the public sees the published table too
    client.logout()
    public = client.get(url()).content.decode()
    assert "院系03学生会" in public and 'id="seat-form"' not in public


def test_a_plain_post_redirects_back(client):
    c = build()
    client.force_login(c.admin)
    response = client.post(url(), form_data(method="dhondt"))
    assert response.status_code == 302
    assert response["Location"] == url()


def test_a_refusal_shows_on_the_form_citing_con_3(client):
    c = build()
    client.force_login(c.admin)
    response = client.post(url(), form_data(seats=str(minimum(1000) - 1)), **HTMX)
    page = response.content.decode()
    assert "CON-3" in page
    assert not SeatAllocation.objects.exists()
    plain = client.post(url(), form_data(seats=str(minimum(1000) - 1)))
    assert plain.status_code == 400


def test_a_non_manager_gets_403_on_post(client):
    build()
    outsider = UserFactory(username="outsider")
    client.force_login(outsider)
    assert client.post(url(), form_data()).status_code == 403
    client.logout()
    assert client.post(url(), form_data()).status_code == 403
    assert not SeatAllocation.objects.exists()


def test_unknown_meeting_or_organisation_is_404(client):
    build()
    other = OrganisationFactory(code="OTHER")
    assert client.get(url(meeting="NOPE")).status_code == 404
    assert client.get(url(code="NOPE")).status_code == 404
    # a meeting is only found under its own organisation
    assert client.get(url(code=other.code)).status_code == 404


def count_queries(client: Any, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_bounded_number_of_queries(client, django_assert_num_queries):
    c = build()
    services.allocate_seats(actor=c.admin, meeting=c.meeting, method="hamilton")
    client.force_login(c.admin)
    small = count_queries(client, url())
    for i in range(4, 20):
        OrganisationFactory(
            code=f"D{i:02d}",
            name=f"院系{i:02d}学生会",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=c.union,
            students_served=30,
        )
    services.allocate_seats(
        actor=c.admin, meeting=c.meeting, method="hamilton", seats=40
    )
    with django_assert_num_queries(small):
        page = client.get(url()).content.decode()
    assert "院系19学生会" in page


def test_the_organisation_page_links_each_congress_to_its_seat_table(client):
    """The seat table is reachable from the union's page (no need to know its URL)."""
    from tests.factories import MeetingFactory, OrganisationFactory

    union = OrganisationFactory(code="LINK-SU")
    MeetingFactory(code="LINK-C1", organisation=union, kind="congress")
    MeetingFactory(code="LINK-S1", organisation=union, kind="standing_conference")
    page = client.get("/org/LINK-SU/").content.decode()
    assert "/org/LINK-SU/congresses/LINK-C1/seats/" in page
    assert "/org/LINK-SU/congresses/LINK-S1/seats/" not in page
