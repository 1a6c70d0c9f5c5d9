"""What a raise by token keeps per process, and the stamp that makes every worker read
it again after a change (#17, RGT-1; tongxue.voice.services.kept).

What matters to a user: a raise costs fewer queries once the school's rows are kept,
and a change — a rights officer removed, a category's default handler changed, a
category switched off, a named handler added — reaches the very next raise, whichever
way it was written (a service, the ORM, plain SQL), because the database itself moves
the stamp on.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories_voice import build_voice_school
from tongxue.core.errors import Refusal
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.notifications.models import Notification
from tongxue.voice import tokens
from tongxue.voice.models import Category, Concern, NamedHandler, RaiseStamp
from tongxue.voice.services import kept, raise_by_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stamp_row() -> None:
    # a flush by an earlier transactional test empties the table: put the row back
    RaiseStamp.objects.get_or_create(pk=1)
    kept.forget()


def _stamp() -> int:
    return RaiseStamp.objects.get(pk=1).n


def _raise(vs, title: str = "食堂饭菜太咸", category: str = "food", **more):  # type: ignore[no-untyped-def]
    return raise_by_token(
        student=tokens.student(tokens.issue(vs.author)),
        category=category,
        title=title,
        body=f"{title}：二食堂的饭菜太咸了",
        visibility=more.pop("visibility", "public"),
        **more,
    ).concern


def _told(concern: Concern) -> set[str]:
    return set(
        Notification.objects.filter(url__contains=f"/{concern.number}/").values_list(
            "user__username", flat=True
        )
    )


def test_the_stamp_moves_on_with_every_kind_of_change() -> None:
    vs = build_voice_school(prefix="KS")
    before = _stamp()
    Category.objects.filter(union=vs.union, code="food").update(active=True)
    after_category = _stamp()
    assert after_category > before
    RoleAssignment.objects.filter(organisation=vs.k1).delete()
    after_role = _stamp()
    assert after_role > after_category
    NamedHandler.objects.create(union=vs.union, user=vs.users["other"])
    after_named = _stamp()
    assert after_named > after_role
    with connection.cursor() as cursor:  # SQL, past every service
        cursor.execute(
            "UPDATE organisations_organisation SET name = name WHERE id = %s",
            [vs.union.pk],
        )
    assert _stamp() > after_named
    # a concern, a count, a notification: nothing a raise keeps
    settled = _stamp()
    _raise(vs)
    assert _stamp() == settled


def test_a_second_raise_reads_less() -> None:
    vs = build_voice_school(prefix="KQ")
    with CaptureQueriesContext(connection) as first:
        _raise(vs, "第一次")
    with CaptureQueriesContext(connection) as second:
        _raise(vs, "第二次")
    assert len(second) <= len(first) - 5, (len(first), len(second))
    # without the stamp's row, nothing is kept: every raise reads everything
    RaiseStamp.objects.all().delete()
    with CaptureQueriesContext(connection) as unkept:
        _raise(vs, "第三次")
    assert len(unkept) >= len(first) - 1


def test_a_removed_rights_officer_is_not_routed_to_nor_told() -> None:
    vs = build_voice_school(prefix="KR")
    first = _raise(vs, "一")
    assert first.handler_id == vs.k1.pk  # the class's rights officer, the lowest
    assert "kr-class_officer" in _told(first)
    RoleAssignment.objects.filter(
        organisation=vs.k1, role=RoleKind.RIGHTS_OFFICER
    ).delete()
    second = _raise(vs, "二")
    assert second.handler_id == vs.dept.pk  # the department's, now the lowest
    assert "kr-class_officer" not in _told(second)
    assert "kr-dept_officer" in _told(second)


def test_a_category_changed_is_seen_by_the_next_raise() -> None:
    vs = build_voice_school(prefix="KC")
    _raise(vs, "一")
    Category.objects.filter(union=vs.union, code="food").update(
        default_handler=vs.office
    )
    routed = _raise(vs, "二")
    assert routed.handler_id == vs.office.pk  # 后勤处, the category's default
    Category.objects.filter(union=vs.union, code="food").update(active=False)
    with pytest.raises(Refusal) as refused:
        _raise(vs, "三")
    assert refused.value.code == "invalid"


def test_a_handler_named_later_is_told_of_the_next_sensitive_concern() -> None:
    vs = build_voice_school(prefix="KN")
    sensitive = Category.objects.filter(union=vs.union, sensitive=True).first()
    assert sensitive is not None
    one = _raise(vs, "一", category=sensitive.code, visibility="private")
    assert "kn-other" not in _told(one)
    NamedHandler.objects.create(union=vs.union, user=vs.users["other"], sensitive=True)
    two = _raise(vs, "二", category=sensitive.code, visibility="private")
    assert "kn-other" in _told(two)


def test_a_value_kept_under_another_stamp_is_read_again() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert kept.get(7, "k", compute) == 1
    assert kept.get(7, "k", compute) == 1  # kept
    assert kept.get(8, "k", compute) == 2  # another stamp: read again
    assert kept.get(7, "k", compute) == 3  # never an old value under its stamp
    assert kept.get(None, "k", compute) == 4  # no stamp: never kept
    assert kept.get(None, "k", compute) == 5
