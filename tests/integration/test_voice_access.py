"""Who sees what of a concern (RGT-1, RGT-7, CAD-8): the visibility matrix, 0 leaks.

Every kind of user × every kind of concern, for ``can_view``, ``shows_identity``,
``can_handle``, the concern's page, the public list, the handler queue and the similar
concerns; then the list selectors in a bounded number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories_voice import build_voice_school, student
from tongxue.voice import access, selectors, services
from tongxue.voice.models import Concern

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PHONE = "13812345678"
STUDENT_NO = "2023010203"

#: The concerns of the matrix, in column order.
KINDS = ("public", "private", "forwarded", "anonymous", "sensitive", "cadre")

#: Expected answers, one letter per kind (T/F), per user.
CAN_VIEW = {
    "signed_out": "TFFFFF",
    "author": "TTTFTT",  # an anonymous concern has no author: only its code opens it
    "other": "TFFFFF",
    "classmate": "TFFFFF",
    "class_officer": "TTTFFF",
    "dept_officer": "TTTFFF",
    "union_officer": "TTTTFF",
    "office_handler": "TFTFFF",  # only the one forwarded to the office
    "cadre": "TTTTTF",  # officer and named handler, yet never the concern about them
    "union_admin": "TTTTFF",
    "advisor": "TFFFFT",
    "named": "TFFFTT",
    "operator": "TTTTFF",
    "federation_admin": "TTTTFF",
}
SHOWS_IDENTITY = {
    "signed_out": "FFFFFF",
    "author": "TTTFTT",
    "other": "FFFFFF",
    "classmate": "FFFFFF",
    "class_officer": "FTTFFF",
    "dept_officer": "FTTFFF",
    "union_officer": "FTTFFF",
    "office_handler": "FFTFFF",
    "cadre": "FTTFTF",
    "union_admin": "FTTFFF",
    "advisor": "FFFFFT",
    "named": "FFFFTT",
    "operator": "FTTFFF",
    "federation_admin": "FTTFFF",
}
CAN_HANDLE = {
    "signed_out": "FFFFFF",
    "author": "FFFFFF",
    "other": "FFFFFF",
    "classmate": "FFFFFF",
    "class_officer": "TTTFFF",
    "dept_officer": "TTTFFF",
    "union_officer": "TTTTFF",
    "office_handler": "FFTFFF",
    "cadre": "TTTTTF",
    "union_admin": "TTTTFF",
    "advisor": "FFFFFF",  # sees a concern about a cadre, does not act on it
    "named": "FFFFTT",
    "operator": "TTTTFF",
    "federation_admin": "TTTTFF",
}
#: The handler queue: what the user handles, and the advisor's concerns about cadres.
QUEUE = {
    **CAN_HANDLE,
    "advisor": "FFFFFT",
}


def _user(vs: Any, name: str) -> Any:
    return AnonymousUser() if name == "signed_out" else getattr(vs, name)


def _expected(table: dict[str, str], name: str) -> dict[str, bool]:
    return {k: v == "T" for k, v in zip(KINDS, table[name], strict=True)}


def _raise(vs: Any, code: str, visibility: str, days_ago: int, **kw: Any) -> Concern:
    return services.raise_concern(
        actor=vs.author,
        union=vs.union,
        category=vs.category(code),
        title=f"食堂饭菜太咸 {code} {PHONE}",
        body=f"二食堂的饭菜太咸了，请联系我 {PHONE}，学号 {STUDENT_NO}。",
        visibility=visibility,
        place="二食堂",
        today=TODAY - dt.timedelta(days=days_ago),
        **kw,
    ).concern


@pytest.fixture
def world() -> tuple[Any, dict[str, Concern]]:
    vs = build_voice_school()
    concerns = {
        "public": _raise(vs, "food", "public", 0),
        "private": _raise(vs, "housing", "private", 1),
        "forwarded": _raise(vs, "network", "private", 2),
        "anonymous": _raise(vs, "teaching", "anonymous", 3),
        "sensitive": _raise(vs, "mental", "private", 4),
        "cadre": _raise(vs, "cadre", "private", 5, about_person=vs.cadre_person),
    }
    services.forward(
        actor=vs.class_officer, concern=concerns["forwarded"], to=vs.office
    )
    fresh = {
        k: Concern.objects.select_related("union", "handler", "category").get(pk=c.pk)
        for k, c in concerns.items()
    }
    return vs, fresh


def test_routing_of_the_matrix_concerns(world):  # type: ignore[no-untyped-def]
    vs, c = world
    assert c["public"].handler == vs.k1  # the lowest unit with a rights officer
    assert c["private"].handler == vs.k1
    assert c["forwarded"].handler == vs.office
    # anonymous skips the student's own class; sensitive and cadre go to the union
    assert c["anonymous"].handler == vs.union
    assert c["sensitive"].handler == vs.union and c["sensitive"].sensitive
    assert c["cadre"].handler == vs.union
    assert c["anonymous"].author_id is None and c["anonymous"].tracking_hash


@pytest.mark.parametrize("name", list(CAN_VIEW))
def test_visibility_matrix(world, name):  # type: ignore[no-untyped-def]
    vs, concerns = world
    user = _user(vs, name)
    got_view = {k: access.can_view(user, c) for k, c in concerns.items()}
    got_identity = {k: access.shows_identity(user, c) for k, c in concerns.items()}
    got_handle = {k: access.can_handle(user, c) for k, c in concerns.items()}
    assert got_view == _expected(CAN_VIEW, name)
    assert got_identity == _expected(SHOWS_IDENTITY, name)
    assert got_handle == _expected(CAN_HANDLE, name)


@pytest.mark.parametrize("name", list(CAN_VIEW))
def test_the_page_shows_only_what_the_matrix_allows(world, name):  # type: ignore[no-untyped-def]
    vs, concerns = world
    user = _user(vs, name)
    view = _expected(CAN_VIEW, name)
    identity = _expected(SHOWS_IDENTITY, name)
    handle = _expected(CAN_HANDLE, name)
    for kind, concern in concerns.items():
        page = selectors.concern_page(concern, user)
        assert page["visible"] is view[kind], kind
        if not page["visible"]:
            assert set(page) == {"visible"}
            continue
        assert page["can_handle"] is handle[kind], kind
        assert page["shows_identity"] is identity[kind], kind
        assert (page["author"] is not None) is identity[kind], kind
        shown = repr([page["title"], page["body"], page["author"], page["timeline"]])
        insider = page["is_author"] or page["handler_view"]
        if not insider:
            # the public reads the masked text only, and never a handler's name
            assert PHONE not in shown and STUDENT_NO not in shown, (kind, shown)
            assert vs.author.get_username() not in shown
            assert all(item.actor == "" for item in page["timeline"])
            assert all(item.public for item in page["timeline"])
        else:
            assert PHONE in page["body"]


def test_the_code_holder_of_an_anonymous_concern_sees_it_without_identity():
    vs = build_voice_school(prefix="W")
    raised = services.raise_concern(
        actor=vs.author,
        union=vs.union,
        category=vs.category("teaching"),
        title="课程安排冲突",
        body=f"周三两门课冲突 {PHONE}",
        visibility="anonymous",
    )
    concern = raised.concern
    assert raised.tracking_code
    page = selectors.concern_page(
        concern, AnonymousUser(), tracking_code=raised.tracking_code
    )
    assert page["visible"] and page["is_author"] and PHONE in page["body"]
    assert page["author"] is None and not page["shows_identity"]
    # a wrong code, and the author's own account, open nothing
    assert not selectors.concern_page(concern, vs.author, tracking_code="XXXX")[
        "visible"
    ]
    assert not selectors.concern_page(concern, vs.author)["visible"]
    # the code is stored only as a hash
    assert raised.tracking_code not in repr(
        Concern.objects.filter(pk=concern.pk).values().get()
    )


@pytest.mark.parametrize("name", list(CAN_VIEW))
def test_handler_queue_lists_exactly_what_the_user_handles(world, name):  # type: ignore[no-untyped-def]
    vs, concerns = world
    user = _user(vs, name)
    wanted = {concerns[k].pk for k, ok in _expected(QUEUE, name).items() if ok}
    got = {c.pk for c in selectors.handler_queue(user)}
    assert got == wanted


def test_public_list_and_similar_concerns_leak_nothing(world):  # type: ignore[no-untyped-def]
    vs, concerns = world
    public = list(selectors.public_concerns(vs.union))
    assert [c.pk for c in public] == [concerns["public"].pk]
    assert PHONE not in public[0].public_title + public[0].public_body
    # a search by a private number finds nothing, even in the public concern
    assert not selectors.public_concerns(vs.union, q=PHONE).exists()
    assert selectors.public_concerns(vs.union, q="饭菜").count() == 1
    similar = selectors.similar_concerns(vs.union, "食堂的饭菜太咸了")
    assert [c.pk for c in similar] == [concerns["public"].pk]
    assert selectors.similar_concerns(vs.union, PHONE) == []
    # a sensitive concern marked public by hand is still never listed nor suggested
    Concern.objects.filter(pk=concerns["sensitive"].pk).update(visibility="public")
    Concern.objects.filter(pk=concerns["cadre"].pk).update(visibility="public")
    assert [c.pk for c in selectors.public_concerns(vs.union)] == [
        concerns["public"].pk
    ]
    assert [c.pk for c in selectors.similar_concerns(vs.union, "食堂饭菜")] == [
        concerns["public"].pk
    ]
    for kind in ("sensitive", "cadre"):
        fresh = Concern.objects.select_related("union", "handler").get(
            pk=concerns[kind].pk
        )
        assert not access.can_view(vs.other, fresh)
        assert not access.can_view(AnonymousUser(), fresh)
    # another union's list is its own
    other = build_voice_school(prefix="X")
    assert not selectors.public_concerns(other.union).exists()
    assert selectors.similar_concerns(other.union, "食堂饭菜") == []


def test_my_concerns_are_the_named_ones_only(world):  # type: ignore[no-untyped-def]
    vs, concerns = world
    mine = {c.pk for c in selectors.my_concerns(vs.author)}
    assert mine == {c.pk for k, c in concerns.items() if k != "anonymous"}
    assert not selectors.my_concerns(vs.other).exists()
    assert not selectors.my_concerns(AnonymousUser()).exists()


def test_school_union_of_a_student(world):  # type: ignore[no-untyped-def]
    vs, _ = world
    assert selectors.school_union_of(vs.author) == vs.union
    assert selectors.school_union_of(vs.other) == vs.union
    assert selectors.school_union_of(vs.union_admin) is None  # no place in a school
    assert selectors.school_union_of(AnonymousUser()) is None


# -- bounded queries ---------------------------------------------------------------------


def _many(vs: Any, n: int, *, start: int) -> None:
    """``n`` public concerns by different students (one each)."""
    for i in range(n):
        user = student(vs.k2, f"many{start + i}")
        services.raise_concern(
            actor=user,
            union=vs.union,
            category=vs.category("food"),
            title=f"食堂问题{start + i}",
            body="食堂饭菜太咸，窗口排队太长",
            visibility="public",
        )


def _walk(concerns: Any) -> list[str]:
    return [
        f"{c.reference} {c.category.name} {c.handler.name} {c.union.code}"
        for c in concerns
    ]


def _queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "read",
    [
        lambda vs: _walk(selectors.handler_queue(vs.union_officer)),
        lambda vs: _walk(selectors.handler_queue(vs.union_officer, overdue=True)),
        lambda vs: _walk(selectors.public_concerns(vs.union, q="食堂")),
        lambda vs: _walk(selectors.my_concerns(vs.users["many0"])),
        lambda vs: _walk(selectors.similar_concerns(vs.union, "食堂饭菜太咸")),
        lambda vs: selectors.office_figures(vs.union, today=TODAY),
        lambda vs: selectors.monthly_figures(vs.union, today=TODAY),
    ],
    ids=["queue", "queue-overdue", "public", "mine", "similar", "figures", "trend"],
)
def test_list_selectors_run_in_bounded_queries(read, django_assert_num_queries):  # type: ignore[no-untyped-def]
    vs = build_voice_school(prefix="B")
    _many(vs, 2, start=0)
    vs.users["many0"] = type(vs.author).objects.get(username="many0")
    small = _queries(lambda: read(vs))
    assert small <= 6
    _many(vs, 10, start=2)
    with django_assert_num_queries(small):
        read(vs)
