"""Congress pages: list, plan, detail with steps, seats by grade, delegates (public and entry)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import MeetingFactory, RoleFactory, UserFactory
from tests.factories_congress import (
    HELD,
    OPENS,
    allocated,
    build_union,
    enter,
    make_core,
    planned,
)
from tongxue.congresses import services
from tongxue.congresses.models import Delegate, Meeting, MeetingStatus
from tongxue.core.models import RoleKind

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, u, m=None, **kw) -> str:  # type: ignore[no-untyped-def]
    args = [u.union.code] + ([m.code] if m is not None else []) + list(kw.values())
    return reverse(f"congresses:{name}", args=args)


# ----------------------------------------------------------------------- list + plan


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_page_queries_are_bounded(client, django_assert_num_queries, n):
    u = build_union()
    for i in range(n):
        MeetingFactory(
            code=f"M{i}", organisation=u.union, opened=dt.date(2020 + i % 5, 1, 1 + i)
        )
    client.force_login(u.admin)
    # +1: the header's unread-notifications count (#14)
    with django_assert_num_queries(7):
        response = client.get(url("list", u))
    assert response.status_code == 200
    assert response.content.decode().count('data-status="') == min(n, 20)


def test_the_list_is_public_but_planning_needs_manage(client):
    u = build_union()
    response = client.get(url("list", u))
    assert response.status_code == 200
    assert b"plan-congress" not in response.content
    assert client.get(url("plan", u)).status_code in (302, 403)
    cadre = UserFactory(username="cadre")
    RoleFactory(user=cadre, organisation=u.union, role=RoleKind.UNION_CADRE)
    client.force_login(cadre)
    assert client.get(url("plan", u)).status_code == 403
    assert (
        client.post(
            url("plan", u), {"kind": "congress", "opened": "2026-12-10"}
        ).status_code
        == 403
    )
    assert not Meeting.objects.exists()


def test_planning_on_the_page(client):
    u = build_union()
    client.force_login(u.admin)
    assert client.get(url("plan", u)).status_code == 200
    response = client.post(
        url("plan", u),
        {
            "kind": "congress",
            "session": "3",
            "opened": "2026-12-10",
            "closes": "2026-12-11",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", u, meeting)
    assert meeting.status == "planned" and meeting.session == 3


def test_an_assembly_above_the_threshold_is_refused_on_the_page(client):
    u = build_union()
    client.force_login(u.admin)
    response = client.post(url("plan", u), {"kind": "assembly", "opened": "2026-12-10"})
    assert response.status_code == 400
    assert "CON-2" in response.content.decode()
    assert not Meeting.objects.exists()


# ----------------------------------------------------------------------- detail + steps


def test_the_detail_page_shows_status_and_the_next_steps(client):
    u = build_union()
    m = planned(u)
    services.allocate_seats(actor=u.admin, meeting=m, method="hamilton")
    anonymous = client.get(url("detail", u, m)).content.decode()
    assert 'data-status="planned"' in anonymous
    assert 'id="step-' not in anonymous
    client.force_login(u.admin)
    page = client.get(url("detail", u, m)).content.decode()
    assert 'id="step-seats_allocated"' in page
    assert 'id="step-convened"' not in page
    response = client.post(url("transition", u, m, target="seats_allocated"))
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == MeetingStatus.SEATS_ALLOCATED
    page = client.get(url("detail", u, m)).content.decode()
    assert 'id="step-planned"' in page and 'id="step-delegates_elected"' in page


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("congress", "Freeze the seats"),
        ("assembly", "every student of the department may attend"),
        ("standing_conference", "its members are the standing delegates"),
    ],
)
def test_the_first_step_is_named_for_the_kind_of_meeting(client, kind, words):
    # An assembly or a standing-conference meeting has no seats to freeze.
    u = build_union()
    m = MeetingFactory(
        code="M-K", organisation=u.union, kind=kind, status=MeetingStatus.PLANNED
    )
    client.force_login(u.admin)
    client.cookies["django_language"] = "en"
    page = client.get(url("detail", u, m)).content.decode()
    assert 'id="step-seats_allocated"' in page
    assert words in page
    assert ("Freeze the seats" in page) == (kind == "congress")


def test_a_step_needs_manage_and_post(client):
    u = build_union()
    m = planned(u)
    services.allocate_seats(actor=u.admin, meeting=m, method="hamilton")
    cadre = UserFactory(username="cadre")
    RoleFactory(user=cadre, organisation=u.union, role=RoleKind.UNION_CADRE)
    client.force_login(cadre)
    assert (
        client.post(url("transition", u, m, target="seats_allocated")).status_code
        == 403
    )
    client.force_login(u.admin)
    assert (
        client.get(url("transition", u, m, target="seats_allocated")).status_code == 405
    )
    assert client.post(url("transition", u, m, target="bogus")).status_code == 404
    m.refresh_from_db()
    assert m.status == "planned"


def test_a_refused_step_is_shown_with_its_requirement(client):
    u = build_union()
    m = allocated(u)
    for p in u.students["UD0"][:5]:
        make_core(p, u.departments[0])
        enter(u, m, p)
    client.force_login(u.admin)
    response = client.post(url("transition", u, m, target="delegates_elected"))
    assert response.status_code == 400
    assert "CON-5" in response.content.decode()
    response = client.post(
        url("transition", u, m, target="delegates_elected"),
        {"reason": "新院系", "approved_by": "校团委", "approved_on": "2026-11-30"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == MeetingStatus.DELEGATES_ELECTED


# ----------------------------------------------------------------------- seats by grade


def test_the_grade_allocation_page_with_an_entered_matrix(client):
    u = build_union()
    m = planned(u)
    client.force_login(u.admin)
    assert client.get(url("seats-by-grade", u, m)).status_code == 200
    matrix = (
        "department,1,2,3,4\nUD0,150,130,120,100\nUD1,90,80,70,60\nUD2,70,60,40,30\n"
    )
    response = client.post(
        url("seats-by-grade", u, m),
        {
            "seats": "20",
            "method": "sainte-lague",
            "min_seats": "1",
            "source": "entered",
            "matrix": matrix,
            "clubs": ["UCL0"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(url("seats", u, m)).content.decode()
    assert 'id="grade-table"' in page and 'data-unit="UD2"' in page
    assert 'id="club-seats"' in page
    # the club's line says why in the reader's language (Chinese by default)
    assert "主要社团：一个名额（CON-4）" in page and "main club" not in page


@pytest.mark.parametrize(
    ("matrix", "fragment"),
    [
        ("department,1,2\nUD0,5\n", "Line 2"),
        ("department,x\nUD0,5\n", "Line 1"),
        ("department,1\nUD0,-3\n", "Line 2"),
    ],
)
def test_a_bad_matrix_names_its_line(client, matrix, fragment, settings):
    settings.LANGUAGE_CODE = "en"
    u = build_union()
    m = planned(u)
    client.force_login(u.admin)
    response = client.post(
        url("seats-by-grade", u, m),
        {
            "method": "sainte-lague",
            "min_seats": "1",
            "source": "entered",
            "matrix": matrix,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert fragment in response.content.decode()


def test_the_grade_allocation_page_needs_manage(client):
    u = build_union()
    m = planned(u)
    assert client.get(url("seats-by-grade", u, m)).status_code in (302, 403)
    cadre = UserFactory(username="cadre")
    RoleFactory(user=cadre, organisation=u.union, role=RoleKind.UNION_CADRE)
    client.force_login(cadre)
    assert (
        client.post(
            url("seats-by-grade", u, m),
            {"method": "hamilton", "min_seats": "1", "source": "registry"},
        ).status_code
        == 403
    )


# ----------------------------------------------------------------------- delegates


def delegate_post(person, **kw):  # type: ignore[no-untyped-def]
    return {
        "ident": person.ident,
        "seat": "",
        "grade": "",
        "electing_unit": f"{person.department.code}K1",
        "held": HELD.isoformat(),
        "electorate": "40",
        "votes_cast": "38",
        "votes": "30",
    } | kw


def test_entering_a_delegate_updates_the_live_share(client):
    u = build_union()
    m = allocated(u)
    core, plain = u.students["UD0"][0], u.students["UD0"][1]
    make_core(core, u.departments[0])
    client.force_login(u.admin)
    page = client.get(url("enter-delegates", u, m)).content.decode()
    assert 'data-delegates="0"' in page
    response = client.post(url("enter-delegates", u, m), delegate_post(core), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-delegates="1" data-non-core="0" data-meets="no"' in body
    response = client.post(url("enter-delegates", u, m), delegate_post(plain), **HTMX)
    body = response.content.decode()
    assert 'data-delegates="2" data-non-core="1" data-meets="no"' in body
    share = client.get(url("share", u, m)).content.decode()
    assert 'data-non-core="1"' in share


def test_a_refused_delegate_is_shown_on_its_field(client):
    u = build_union()
    m = allocated(u)
    client.force_login(u.admin)
    person = u.students["UD0"][0]
    response = client.post(
        url("enter-delegates", u, m), delegate_post(person, votes="39")
    )
    assert response.status_code == 400
    assert not Delegate.objects.exists()


def test_entering_delegates_needs_manage(client):
    u = build_union()
    m = allocated(u)
    person = u.students["UD0"][0]
    assert client.post(
        url("enter-delegates", u, m), delegate_post(person)
    ).status_code in (302, 403)
    advisor = UserFactory(username="advisor")
    RoleFactory(user=advisor, organisation=u.union, role=RoleKind.LEAGUE_ADVISOR)
    client.force_login(advisor)
    assert client.get(url("enter-delegates", u, m)).status_code == 403
    assert (
        client.post(url("enter-delegates", u, m), delegate_post(person)).status_code
        == 403
    )
    assert client.post(url("upload-delegates", u, m), {}).status_code == 403
    d = enter(u, m, person)
    assert client.post(url("remove-delegate", u, m, pk=d.pk)).status_code == 403
    assert Delegate.objects.count() == 1


def test_uploading_a_csv_on_the_page(client):
    u = build_union()
    m = allocated(u)
    client.force_login(u.admin)
    header = ",".join(services.CSV_COLUMNS)
    good = f"{header}\n{u.students['UD0'][0].ident},,,UD0K1,{HELD},40,38,30\n"
    bad = good + f"{u.students['UD0'][1].ident},,,UD0K1,{HELD},40,38,99\n"
    response = client.post(
        url("upload-delegates", u, m), {"file": io.BytesIO(bad.encode())}
    )
    assert response.status_code == 400
    assert 'data-row="3" data-field="votes"' in response.content.decode()
    assert not Delegate.objects.exists()
    f = io.BytesIO(good.encode())
    f.name = "d.csv"
    response = client.post(url("upload-delegates", u, m), {"file": f})
    assert response.status_code == 200
    assert Delegate.objects.count() == 1


def test_removing_a_delegate_on_the_page(client):
    u = build_union()
    m = allocated(u)
    d = enter(u, m, u.students["UD0"][0])
    client.force_login(u.admin)
    assert client.post(url("remove-delegate", u, m, pk=d.pk)).status_code == 302
    assert not Delegate.objects.exists()


def populated(n: int):  # type: ignore[no-untyped-def]
    u = build_union(people=(n, n, n))
    m = allocated(u)
    for dept in u.departments:
        seats = m.seat_allocation.rows.get(unit=dept).seats
        for p in u.students[dept.code][:seats]:
            enter(u, m, p)
    return u, m


@pytest.mark.parametrize("n", [2, 5])
def test_the_public_delegate_list_is_bounded_and_has_no_identifiers(
    client, django_assert_num_queries, n
):
    u, m = populated(n)
    count = Delegate.objects.filter(meeting=m).count()
    # +1: the delegates' relay contacts (RGT-6, one aggregate query through
    # congresses.hooks.DELEGATE_CONTACTS)
    with django_assert_num_queries(7):
        response = client.get(url("delegates", u, m))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<tr data-pk=") == count
    for d in Delegate.objects.filter(meeting=m).select_related("person"):
        assert d.person.name in body
        assert d.person.ident not in body
        assert d.person.student_number not in body
    assert 'id="allocation-explanation"' in body
    assert "UD0K1" not in body  # unit codes of classes are not needed; names are shown
    assert "院系0一班" in body


@pytest.mark.parametrize("n", [2, 5])
def test_the_entry_page_queries_are_bounded(client, django_assert_num_queries, n):
    u, m = populated(n)
    client.force_login(u.admin)
    # +1: the header's unread-notifications count (#14)
    with django_assert_num_queries(12):
        response = client.get(url("enter-delegates", u, m))
    assert response.status_code == 200


def test_a_delegates_provenance_is_one_click_away(client):
    u = build_union()
    m = allocated(u)
    d = enter(u, m, u.students["UD0"][0], votes=33)
    listing = client.get(url("delegates", u, m)).content.decode()
    link = url("provenance", u, m, pk=d.pk)
    assert f'href="{link}"' in listing
    page = client.get(link).content.decode()
    assert '<dd id="prov-votes">33</dd>' in page
    assert "院系0一班" in page
    assert d.person.ident not in page


def test_the_export_is_for_managers(client):
    u = build_union()
    m = allocated(u)
    enter(u, m, u.students["UD0"][0])
    assert client.get(url("export-delegates", u, m, fmt="csv")).status_code in (
        302,
        403,
    )
    client.force_login(u.admin)
    response = client.get(url("export-delegates", u, m, fmt="csv"))
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "name," + ",".join(services.CSV_COLUMNS)
    assert u.students["UD0"][0].ident in text
    response = client.get(url("export-delegates", u, m, fmt="xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.max_row == 2
    assert client.get(url("export-delegates", u, m, fmt="pdf")).status_code == 404


def test_unknown_meeting_is_404(client):
    u = build_union()
    assert (
        client.get(
            reverse("congresses:detail", args=[u.union.code, "NOPE"])
        ).status_code
        == 404
    )
    assert OPENS


def test_the_seat_page_offers_department_and_grade_first_and_warns_on_department_only(
    client,
):
    # CON-4: the default allocation covers the grades and the main clubs
    u = build_union()
    m = planned(u)
    client.force_login(u.admin)
    page = client.get(url("seats", u, m)).content.decode()
    primary = page.index('id="by-grade-link"')
    folded = page.index('id="by-department"')
    assert primary < folded  # the by-grade allocation comes first
    assert "CON-4" in page[folded:]  # the warning before the department-only button
    grade_page = client.get(url("seats-by-grade", u, m)).content.decode()
    # every club of the club federation is ticked; a tie-break and its seed offered
    assert 'value="UCL0"' in grade_page
    box = grade_page[
        grade_page.index('value="UCL0"') - 200 : grade_page.index('value="UCL0"') + 60
    ]
    assert "checked" in box
    assert 'name="tie"' in grade_page and 'name="seed"' in grade_page


def test_a_tie_by_grade_is_broken_by_the_lot_entered_on_the_page(client):
    u = build_union()
    m = planned(u)
    client.force_login(u.admin)
    even = "department,1,2\nUD0,100,100\nUD1,100,100\nUD2,200,200\n"
    form = {
        "seats": "12",
        "method": "sainte-lague",
        "min_seats": "1",
        "source": "entered",
        "matrix": even,
    }
    refused = client.post(url("seats-by-grade", u, m), form)
    assert refused.status_code == 400
    assert "seed" in refused.content.decode()
    drawn = client.post(
        url("seats-by-grade", u, m), form | {"tie": "lot", "seed": "42"}
    )
    assert drawn.status_code == 302
    page = client.get(url("seats", u, m)).content.decode()
    assert 'id="seat-lots"' in page and "42" in page
