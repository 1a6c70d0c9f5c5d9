"""The routing suggestion on a concern's page (#17, RGT-1 "Route"): shown to a handler
of a union with enough concluded concerns, never to a student, not with too few (both
sides of the minimum), never learned from nor shown for sensitive concerns (RGT-7);
"use the suggestion" only chooses the form's target — the hand-over still needs the
handler's submit, which records whether the suggestion was used; the union's rights
officers see how the suggestions fared; the page retrains only when a concern
concludes, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import RoleFactory, UserFactory
from tests.factories_voice_public import build_school, concern
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.rights.routing import MIN_EXAMPLES
from tongxue.voice import routing
from tongxue.voice.models import Concern, ConcernEvent, EventKind, Visibility
from tongxue.voice.text import token_string

pytestmark = pytest.mark.django_db

FOOD = ["食堂", "饭菜", "价格"]
EXAMS = ["考试", "成绩", "公布"]


@pytest.fixture(autouse=True)
def _fresh_models() -> Any:
    """Each test starts with no kept model (a union's id may come again)."""
    routing.forget()
    yield
    routing.forget()


@pytest.fixture
def s() -> Any:
    school = build_school("VR")
    school.hq, school.jw = school.offices
    school.office = UserFactory(username="vr-office")
    RoleFactory(
        user=school.office, organisation=school.hq, role=RoleKind.OFFICE_HANDLER
    )
    return school


def concluded(
    s: Any, n: int, words: list[str], handler: Any, **kw: Any
) -> list[Concern]:
    """``n`` concerns of ``s.union`` concluded by ``handler``, with ``words``."""
    today = timezone.localdate()
    rows = [
        concern(
            s,
            status="closed",
            handler=handler,
            visibility=Visibility.PRIVATE,
            raised=today - dt.timedelta(days=30),
            closed=today - dt.timedelta(days=k % 20 + 1),
            rating="satisfied",
            **kw,
        )
        for k in range(n)
    ]
    Concern.objects.filter(pk__in=[c.pk for c in rows]).update(
        tokens=token_string(words)
    )
    return rows


def history(s: Any, food: int = 12, exams: int = 12) -> None:
    concluded(s, food, FOOD, s.hq)
    concluded(s, exams, EXAMS, s.jw)


def waiting(s: Any, words: list[str] = FOOD, **kw: Any) -> Concern:
    """A concern waiting at the union, about ``words``."""
    c = concern(s, **{"visibility": Visibility.PRIVATE, **kw})
    Concern.objects.filter(pk=c.pk).update(tokens=token_string(words))
    c.refresh_from_db()
    return c


def url(c: Concern, name: str = "detail", *extra: Any) -> str:
    return reverse(f"voice:{name}", args=[c.union.code, c.number, *extra])


def page(client: Any, c: Concern, user: Any, query: str = "") -> str:
    client.force_login(user)
    response = client.get(url(c) + query)
    assert response.status_code == 200
    return response.content.decode()


def hint_of(html: str) -> str:
    assert 'id="route-hint"' in html
    return html.split('id="route-hint"')[1].split("</div>")[0]


# -- shown, to whom -----------------------------------------------------------------------


def test_a_handler_with_enough_history_sees_the_suggestion(client, s) -> None:
    history(s)
    c = waiting(s)
    html = page(client, c, s.officer)
    hint = hint_of(html)
    assert 'data-target="VRHQ"' in hint
    assert "建议转交：VR后勤处（依据本校 24 件已办结的诉求）" in hint
    assert "食堂" in hint and 'id="use-suggestion"' in hint
    assert "?route=suggested#forward-block" in hint
    # Shown, not chosen: the form's target is still to choose, the block folded.
    assert 'id="forward-block" open' not in html
    assert '<option value="VRHQ" selected>' not in html
    assert 'name="suggested" value="VRHQ"' in html
    # An exams concern: 教务处.
    exam = waiting(s, EXAMS)
    assert 'data-target="VRJW"' in hint_of(page(client, exam, s.officer))


def test_no_suggestion_for_a_student_or_a_visitor(client, s) -> None:
    history(s)
    c = waiting(s, visibility=Visibility.PUBLIC)
    for user in (s.students[0], s.students[1]):
        html = page(client, c, user, "?route=suggested")
        assert 'id="route-hint"' not in html and "建议转交" not in html
        assert 'name="suggested"' not in html
    client.logout()
    html = client.get(url(c)).content.decode()
    assert 'id="route-hint"' not in html and "建议转交" not in html


def test_no_suggestion_with_too_few_concluded_concerns_both_sides(client, s) -> None:
    history(s, food=MIN_EXAMPLES - 1 - 4, exams=4)
    c = waiting(s)
    html = page(client, c, s.officer)
    assert 'id="route-hint"' not in html and 'name="suggested" value=' not in html
    # One more concludes: the kept model is trained again, and now it suggests.
    concluded(s, 1, FOOD, s.hq)
    assert f"依据本校 {MIN_EXAMPLES} 件已办结的诉求" in hint_of(
        page(client, c, s.officer)
    )


def test_nothing_is_suggested_where_it_already_is_or_when_unsure(client, s) -> None:
    history(s)
    at_office = waiting(s, handler=s.hq)
    assert 'id="route-hint"' not in page(client, at_office, s.office)
    unknown = waiting(s, ["图书馆", "空调"])
    assert 'id="route-hint"' not in page(client, unknown, s.officer)
    mixed = waiting(s, ["食堂", "成绩"])  # one word for each: an even guess
    assert 'id="route-hint"' not in page(client, mixed, s.officer)


def test_sensitive_concerns_are_not_learned_from_nor_given_a_suggestion(
    client, s
) -> None:
    # Sensitive concluded concerns do not count towards the minimum …
    history(s, food=MIN_EXAMPLES - 1 - 4, exams=4)
    concluded(s, 5, FOOD, s.union, category="mind")
    c = waiting(s)
    assert 'id="route-hint"' not in page(client, c, s.officer)
    # … nor in the number shown.
    concluded(s, 1, FOOD, s.hq)
    assert f"依据本校 {MIN_EXAMPLES} 件已办结的诉求" in hint_of(
        page(client, c, s.officer)
    )
    # A sensitive concern is never forwarded: no suggestion on its page.
    mind = waiting(s, category="mind")
    html = page(client, mind, s.named)
    assert 'id="route-hint"' not in html and 'id="forward-block"' not in html


# -- a person confirms ----------------------------------------------------------------------


def test_using_the_suggestion_only_chooses_the_target(client, s) -> None:
    history(s)
    c = waiting(s)
    html = page(client, c, s.officer, "?route=suggested")
    assert 'id="forward-block" open' in html
    assert '<option value="VRHQ" selected>' in html
    assert 'id="forward-suggested"' in html and 'id="use-suggestion"' not in html
    assert 'name="suggestion_used" value="True"' in html
    # Nothing is forwarded by opening the page.
    c.refresh_from_db()
    assert c.handler == s.union
    assert not ConcernEvent.objects.filter(concern=c, kind=EventKind.FORWARDED)
    # The handler submits: forwarded, with the suggestion recorded as used.
    response = client.post(
        url(c, "action", "forward"),
        {"to": "VRHQ", "suggested": "VRHQ", "suggestion_used": "True"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.handler == s.hq
    e = ConcernEvent.objects.get(concern=c, kind=EventKind.FORWARDED)
    assert e.suggested_to == s.hq and e.suggestion_used is True
    record = AuditEvent.objects.filter(action="voice.concern.forward").latest("seq")
    assert record.data["suggested"] == "VRHQ"
    assert record.data["suggestion_used"] is True


def test_a_hand_over_elsewhere_records_the_suggestion_as_not_used(client, s) -> None:
    history(s)
    c = waiting(s)
    client.force_login(s.officer)
    # Pressed "use the suggestion", then chose another office.
    response = client.post(
        url(c, "action", "forward"),
        {"to": "VRJW", "suggested": "VRHQ", "suggestion_used": "True"},
    )
    assert response.status_code == 302
    e = ConcernEvent.objects.get(concern=c, kind=EventKind.FORWARDED)
    assert e.to_org == s.jw and e.suggested_to == s.hq
    assert e.suggestion_used is False
    # Without a suggestion shown nothing is recorded.
    other = waiting(s, ["图书馆"])
    client.post(url(other, "action", "forward"), {"to": "VRJW"})
    e = ConcernEvent.objects.get(concern=other, kind=EventKind.FORWARDED)
    assert e.suggested_to is None and e.suggestion_used is False


def test_the_rights_officers_see_how_the_suggestions_fared(client, s) -> None:
    history(s)
    # Two hand-overs with a suggestion, concluded: one where suggested (used), one
    # moved on to 教务处 after a suggestion of 后勤处.
    right, wrong = concluded(s, 2, FOOD, s.hq)
    Concern.objects.filter(pk=wrong.pk).update(handler=s.jw)
    for c, used in ((right, True), (wrong, False)):
        ConcernEvent.objects.create(
            concern=c,
            at=timezone.now(),
            kind=EventKind.FORWARDED,
            from_org=s.union,
            to_org=s.hq,
            suggested_to=s.hq,
            suggestion_used=used,
        )
    c = waiting(s)
    html = page(client, c, s.officer)
    assert 'id="route-record" data-shown="2" data-right="1" data-used="1"' in html
    # An office's handler sees the suggestion on what they may forward, not the record.
    at_office = waiting(s, EXAMS, handler=s.hq)
    html = page(client, at_office, s.office)
    assert 'data-target="VRJW"' in hint_of(html) and 'id="route-record"' not in html


# -- bounded -------------------------------------------------------------------------------


def _queries(client: Any, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_page_trains_only_when_a_concern_concludes(client, s) -> None:
    c = waiting(s)
    client.force_login(s.officer)
    _queries(client, url(c))  # the process's first reads (not the page's own)
    none, html = _queries(client, url(c))
    assert 'id="route-hint"' not in html
    history(s)
    trained, html = _queries(client, url(c))
    kept, html = _queries(client, url(c))
    assert 'id="route-hint"' in html
    # Training reads the examples and the record once; a kept model the key only.
    assert trained == kept + 2 and kept == none
    concluded(s, 60, FOOD, s.hq)
    again, html = _queries(client, url(c))
    assert again == trained and "依据本校 84 件" in html
    assert _queries(client, url(c))[0] == kept <= 15
