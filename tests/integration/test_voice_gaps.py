"""The rights channel's gaps (#17): concerns received offline, follow-up codes (their
normal form and the throttle on guessing), marking a concern sensitive (RGT-7), an exit
case from a concern about a cadre and back (CAD-8).

The school is :func:`tests.factories_voice.build_voice_school`'s: every kind of user,
and a cadre who is also a rights officer and a named handler (the worst case).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PositionFactory
from tests.factories_voice import build_voice_school
from tongxue.accounts import activation_throttle
from tongxue.cadres.models import ExitCase, ExitGround
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.organisations.models import Organisation, Position
from tongxue.voice import access, selectors, services
from tongxue.voice.models import (
    Channel,
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    Visibility,
)

pytestmark = pytest.mark.django_db

START = reverse("voice:start")
TRACK = reverse("voice:track")
QUEUE = reverse("voice:queue")
RECORD = reverse("voice:record")


@pytest.fixture
def vs() -> Any:
    return build_voice_school("G")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def detail_url(c: Concern) -> str:
    return reverse("voice:detail", args=[c.union.code, c.number])


def action_url(c: Concern, action: str) -> str:
    return reverse("voice:action", args=[c.union.code, c.number, action])


def get(client: Client, url: str, user: Any = None) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def raise_(vs: Any, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "actor": vs.author,
        "union": vs.union,
        "category": vs.category("food"),
        "title": "二食堂的饭菜太贵了",
        "body": "二食堂的饭菜又涨价了，希望学校平抑价格",
        "visibility": Visibility.PUBLIC,
    }
    args.update(kw)
    return services.raise_concern(**args)


# -- 1. concerns received offline --------------------------------------------------------


def test_the_offline_page_is_for_rights_officers_only(client, vs) -> None:
    assert get(client, RECORD).status_code == 302  # signed out: sign in
    for name in ("author", "other", "office_handler", "advisor"):
        assert get(client, RECORD, vs.users[name]).status_code == 403, name
    for name in (
        "class_officer",
        "dept_officer",
        "union_officer",
        "union_admin",
        "federation_admin",
        "operator",
    ):
        response = get(client, RECORD, vs.users[name])
        assert response.status_code == 200, name
        assert f'value="{vs.union.code}"' in response.content.decode()


def test_the_offline_page_lists_the_unions_the_service_accepts(vs) -> None:
    other_school = build_voice_school("H")
    unions = list(Organisation.objects.filter(kind__in=selectors.SCHOOL_LEVEL))
    assert {u.code for u in unions} == {"GSU", "HSU"}
    for name, user in vs.users.items():
        listed = set(
            Organisation.objects.filter(
                access.offline_unions_q(user), kind__in=selectors.SCHOOL_LEVEL
            ).values_list("code", flat=True)
        )
        accepted = set()
        for union in unions:
            category = union.concern_categories.get(code="food")
            try:
                services.record_offline(
                    actor=user,
                    union=union,
                    category=category,
                    title="信箱来信",
                    body="宿舍热水不稳定",
                    channel=Channel.MAILBOX,
                )
            except Refusal as refusal:
                assert refusal.code == "forbidden", (name, refusal.code)
            else:
                accepted.add(union.code)
        assert listed == accepted, name
    assert other_school.union.code not in {
        u
        for u in Organisation.objects.filter(
            access.offline_unions_q(vs.class_officer), kind__in=selectors.SCHOOL_LEVEL
        ).values_list("code", flat=True)
    }


def test_the_record_link_is_shown_to_those_who_may_record(client, vs) -> None:
    for name in ("class_officer", "union_officer", "union_admin"):
        assert 'id="record-link"' in get(client, START, vs.users[name]).content.decode()
        assert 'id="record-link"' in get(client, QUEUE, vs.users[name]).content.decode()
    for name in ("office_handler", "author", "named"):
        assert (
            'id="record-link"'
            not in get(client, START, vs.users[name]).content.decode()
        )
    assert (
        'id="record-link"' not in get(client, QUEUE, vs.office_handler).content.decode()
    )


def test_an_officer_records_a_mailbox_concern_and_the_student_follows_it(
    client, vs
) -> None:
    client.force_login(vs.class_officer)
    response = client.post(
        RECORD,
        {
            "union": vs.union.code,
            "channel": Channel.MAILBOX,
            "category": "housing",
            "title": "7号楼热水不稳定",
            "body": "信箱来信：7号楼晚上十点后没有热水",
            "place": "7号楼",
            "visibility": Visibility.PRIVATE,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    concern = Concern.objects.get(title="7号楼热水不稳定")
    assert concern.channel == Channel.MAILBOX
    assert concern.author_id is None
    assert concern.handler == vs.k1  # the officer's own class
    code = response.context["code"]
    assert code and code in response.content.decode()
    assert concern.reference in response.content.decode()
    assert concern.tracking_hash == access.hash_code(code)
    event = AuditEvent.objects.get(action="voice.concern.record_offline")
    assert event.actor_id == vs.class_officer.pk
    assert event.data["channel"] == Channel.MAILBOX
    # the code is shown once: the concern's pages never show it again
    assert (
        code not in get(client, detail_url(concern), vs.class_officer).content.decode()
    )
    # the student types it back from the slip, in lower case and without dashes
    client.logout()
    typed = code.lower().replace("-", "")
    tracked = client.post(TRACK, {"code": typed})
    assert tracked.status_code == 200
    assert concern.reference in tracked.content.decode()


def test_the_offline_form_names_its_errors(client, vs) -> None:
    client.force_login(vs.union_officer)
    response = client.post(RECORD, {"union": vs.union.code, "title": "", "body": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"channel", "category", "title", "body"} <= set(errors)
    # the site itself is not an offline channel
    response = client.post(
        RECORD,
        {
            "channel": Channel.ONLINE,
            "category": "food",
            "title": "t",
            "body": "b",
            "visibility": Visibility.PRIVATE,
        },
    )
    assert response.status_code == 400
    assert "channel" in response.context["form"].errors
    assert not Concern.objects.exists()


def test_an_offline_concern_about_a_cadre_needs_the_cadre_and_stays_restricted(
    client, vs
) -> None:
    client.force_login(vs.union_officer)
    data = {
        "channel": Channel.RECEPTION,
        "category": "cadre",
        "title": "副主席态度问题",
        "body": "接待日反映：副主席处理请假时态度恶劣",
        "visibility": Visibility.PUBLIC,
    }
    response = client.post(RECORD, data)
    assert response.status_code == 400
    assert "about_person" in response.context["form"].errors
    response = client.post(RECORD, {**data, "about_person": vs.cadre_person.pk})
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.about_person_id == vs.cadre_person.pk
    assert concern.visibility == Visibility.PRIVATE  # asked public: never public
    assert concern.handler == vs.union
    assert not access.can_view(vs.cadre, concern)
    assert not access.can_view(vs.union_officer, concern)
    assert access.can_view(vs.named, concern)
    # the officer cannot record one about themself
    with pytest.raises(Refusal) as refused:
        services.record_offline(
            actor=vs.cadre,
            union=vs.union,
            category=vs.category("cadre"),
            title="t",
            body="b",
            channel=Channel.PHONE,
            about_person=vs.cadre_person,
        )
    assert refused.value.field == "about_person"


# -- 2. follow-up codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JK2M",
        "abcd-efgh-jk2m",
        "abcdefghjk2m",
        " ABCD EFGH JK2M ",
        "abcd efgh\tjk2m",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫ２Ｍ",  # a Chinese input method's full-width characters
        "ABCD—EFGH—JK2M",
    ],
)
def test_a_code_has_one_normal_form(typed: str) -> None:
    assert access.normalise_code(typed) == "ABCDEFGHJK2M"
    assert access.hash_code(typed) == hashlib.sha256(b"ABCDEFGHJK2M").hexdigest()


def test_another_code_is_another_hash() -> None:
    assert access.hash_code("ABCD-EFGH-JK2N") != access.hash_code("ABCD-EFGH-JK2M")
    assert access.normalise_code("---") == ""


def test_the_stored_hash_is_of_the_normal_form_and_every_typing_finds_it(
    client, vs
) -> None:
    raised = raise_(vs, visibility=Visibility.ANONYMOUS)
    code = raised.tracking_code
    concern = raised.concern
    # stored: the hash of the code without its dashes
    assert (
        concern.tracking_hash
        == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    )
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    for typed in (
        code,
        code.lower(),
        code.replace("-", ""),
        code.replace("-", " ").lower(),
        f"  {code[:4]} {code[5:9]}  {code[10:]} ",
        full_width,
    ):
        assert access.code_matches(concern, typed), typed
        response = client.post(TRACK, {"code": typed})
        assert response.status_code == 200, typed
        assert concern.reference in response.content.decode()


THROTTLE = {"window": 600, "session": 10, "address": 30}


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    now = [2_000_000.0]
    monkeypatch.setattr(activation_throttle, "clock", lambda: now[0])
    return now


def wrong(client: Client, k: int, **extra: Any) -> Any:
    return client.post(TRACK, {"code": f"ZZZZ-ZZZZ-{k:04d}"}, **extra)


@override_settings(VOICE_TRACK_THROTTLE=THROTTLE)
def test_nine_wrong_codes_then_the_right_one_is_found(client, vs, clock) -> None:
    raised = raise_(vs, visibility=Visibility.ANONYMOUS)
    for k in range(9):
        assert wrong(client, k).status_code == 400
    response = client.post(TRACK, {"code": raised.tracking_code})
    assert response.status_code == 200


@override_settings(VOICE_TRACK_THROTTLE=THROTTLE)
def test_ten_wrong_codes_in_a_session_block_it_and_say_so(client, vs, clock) -> None:
    raised = raise_(vs, visibility=Visibility.ANONYMOUS)
    for k in range(10):
        assert wrong(client, k).status_code == 400
    blocked = client.post(TRACK, {"code": raised.tracking_code})  # even the right one
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    assert raised.concern.reference not in blocked.content.decode()
    assert "10 分钟后再试" in blocked.content.decode()
    client.cookies["django_language"] = "en"
    blocked = client.post(TRACK, {"code": raised.tracking_code})
    assert "Try again in 10 minutes" in blocked.content.decode()
    # a fresh session from the same address is not blocked (10 of its 30)
    assert Client().post(TRACK, {"code": raised.tracking_code}).status_code == 200
    # the window ends
    clock[0] += 600
    assert client.post(TRACK, {"code": raised.tracking_code}).status_code == 200


@override_settings(VOICE_TRACK_THROTTLE=THROTTLE)
def test_an_address_is_blocked_after_its_limit_across_sessions(vs, clock) -> None:
    raised = raise_(vs, visibility=Visibility.ANONYMOUS)
    for n in range(3):
        c = Client()
        for k in range(10 if n < 2 else 9):
            assert wrong(c, k).status_code == 400
    # 29 wrong codes from the address: one more is answered
    last = Client()
    assert wrong(last, 99).status_code == 400
    assert Client().post(TRACK, {"code": raised.tracking_code}).status_code == 429
    # another address is not blocked
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(TRACK, {"code": raised.tracking_code}).status_code == 200


@override_settings(VOICE_TRACK_THROTTLE=THROTTLE)
def test_a_wrong_code_posted_with_a_step_counts_as_a_guess(client, vs, clock) -> None:
    raised = raise_(vs, visibility=Visibility.ANONYMOUS)
    concern = raised.concern
    url = action_url(concern, "withdraw")
    for k in range(10):
        assert client.post(url, {"code": f"ZZZZ-ZZZZ-{k:04d}"}).status_code == 404
    assert client.post(url, {"code": raised.tracking_code}).status_code == 429
    assert client.post(TRACK, {"code": raised.tracking_code}).status_code == 429
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RECEIVED


# -- 3. marking a concern sensitive (RGT-7) ---------------------------------------------


def test_a_handler_marks_a_public_concern_sensitive(client, vs) -> None:
    concern = raise_(vs).concern
    assert concern.handler == vs.k1
    assert list(selectors.public_concerns(vs.union)) == [concern]
    assert [c.pk for c in selectors.similar_concerns(vs.union, "二食堂饭菜涨价")] == [
        concern.pk
    ]
    page = get(client, detail_url(concern), vs.class_officer).content.decode()
    assert 'id="sensitive-block"' in page
    assert 'id="unsensitive-block"' not in page
    assert (
        'id="sensitive-block"'
        not in get(client, detail_url(concern), vs.other).content.decode()
    )
    # the confirmation asks for a reason
    client.force_login(vs.class_officer)
    response = client.post(action_url(concern, "sensitive"), {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["sensitive_form"].errors
    response = client.post(
        action_url(concern, "sensitive"), {"reason": "正文提到学生的家庭经济困难"}
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE  # out of the marking officer's sight
    concern.refresh_from_db()
    assert concern.sensitive
    assert concern.visibility == Visibility.PRIVATE
    assert concern.handler == vs.union
    assert list(selectors.public_concerns(vs.union)) == []
    assert selectors.similar_concerns(vs.union, "二食堂饭菜涨价") == []
    # only the named handlers (and the author) see it from now on
    for name, status in (
        ("author", 200),
        ("named", 200),
        ("class_officer", 404),
        ("union_officer", 404),
        ("union_admin", 404),
        ("operator", 404),
        ("other", 404),
    ):
        assert get(client, detail_url(concern), vs.users[name]).status_code == status, (
            name
        )
    client.logout()
    assert client.get(detail_url(concern)).status_code == 302
    assert concern.pk in set(
        selectors.handler_queue(vs.named).values_list("pk", flat=True)
    )
    assert not selectors.handler_queue(vs.union_officer).filter(pk=concern.pk).exists()
    # the timeline's step is internal; the audit record has no reason
    step = ConcernEvent.objects.get(concern=concern, kind=EventKind.SENSITIVE)
    assert not step.public and step.text == "正文提到学生的家庭经济困难"
    audit = AuditEvent.objects.get(action="voice.concern.mark_sensitive")
    assert audit.actor_id == vs.class_officer.pk
    assert "家庭" not in str(audit.data)
    author_page = get(client, detail_url(concern), vs.author).content.decode()
    assert "家庭经济困难" not in author_page


def test_only_a_handler_marks_and_never_twice(vs) -> None:
    concern = raise_(vs).concern
    for name in ("author", "other", "office_handler", "advisor"):
        with pytest.raises(Refusal) as refused:
            services.mark_sensitive(actor=vs.users[name], concern=concern, reason="r")
        assert refused.value.code == "forbidden", name
    with pytest.raises(Refusal):
        services.mark_sensitive(actor=vs.union_officer, concern=concern, reason=" ")
    services.mark_sensitive(actor=vs.union_officer, concern=concern, reason="r")
    with pytest.raises(Refusal) as refused:
        services.mark_sensitive(actor=vs.named, concern=concern, reason="r")
    assert refused.value.code == "already"


def test_only_a_named_handler_takes_the_mark_back(client, vs) -> None:
    concern = raise_(vs).concern
    services.mark_sensitive(actor=vs.union_officer, concern=concern, reason="r")
    for name in ("union_officer", "union_admin", "class_officer", "operator", "author"):
        with pytest.raises(Refusal) as refused:
            services.unmark_sensitive(actor=vs.users[name], concern=concern, reason="r")
        assert refused.value.code == "forbidden", name
    client.force_login(vs.union_officer)
    assert (
        client.post(action_url(concern, "unsensitive"), {"reason": "r"}).status_code
        == 404
    )
    page = get(client, detail_url(concern), vs.named).content.decode()
    assert 'id="unsensitive-block"' in page and 'id="sensitive-block"' not in page
    response = client.post(
        action_url(concern, "unsensitive"), {"reason": "核实后不涉及隐私"}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert not concern.sensitive
    assert concern.visibility == Visibility.PRIVATE  # it stays private
    assert access.can_view(vs.union_officer, concern)
    assert not access.can_view(vs.other, concern)
    assert (
        AuditEvent.objects.filter(action="voice.concern.unmark_sensitive").count() == 1
    )


def test_a_sensitive_category_keeps_its_concerns_sensitive(client, vs) -> None:
    concern = raise_(
        vs, category=vs.category("mental"), visibility=Visibility.PRIVATE
    ).concern
    assert concern.sensitive
    page = get(client, detail_url(concern), vs.named).content.decode()
    assert 'id="unsensitive-block"' not in page
    with pytest.raises(Refusal) as refused:
        services.unmark_sensitive(actor=vs.named, concern=concern, reason="r")
    assert refused.value.code == "invalid"


# -- 4. an exit case from a concern about a cadre, and back (CAD-8) ----------------------


def cadre_concern(vs: Any) -> Concern:
    concern = raise_(
        vs,
        category=vs.category("cadre"),
        title="副主席打压不同意见",
        body="副主席在例会上多次打压提出不同意见的同学",
        visibility=Visibility.PRIVATE,
        about_person=vs.cadre_person,
    ).concern
    return concern


def post_of(vs: Any) -> Position:
    return Position.objects.get(person=vs.cadre_person)


def test_a_named_handler_opens_an_exit_case_from_a_founded_concern(client, vs) -> None:
    concern = cadre_concern(vs)
    # not yet looked into: no button, and the service refuses
    page = get(client, detail_url(concern), vs.named).content.decode()
    assert 'id="exit-case-block"' not in page
    with pytest.raises(Refusal) as refused:
        services.open_exit_case(
            actor=vs.named,
            concern=concern,
            position=post_of(vs),
            ground=ExitGround.VIOLATION,
            evidence="e",
        )
    assert refused.value.code == "not-founded"
    services.acknowledge(actor=vs.named, concern=concern)
    page = get(client, detail_url(concern), vs.named).content.decode()
    assert 'id="exit-case-block"' in page
    data = {
        "position": post_of(vs).pk,
        "ground": ExitGround.VIOLATION,
        "evidence": "经核实，该同学在三次例会上打压不同意见。",
    }
    response = client.post(action_url(concern, "exit-case"), data)
    assert response.status_code == 400  # "founded" not confirmed
    assert "founded" in response.context["exit_form"].errors
    response = client.post(action_url(concern, "exit-case"), {**data, "founded": "on"})
    assert response.status_code == 302
    concern.refresh_from_db()
    case = ExitCase.objects.get()
    assert concern.exit_case_id == case.pk
    assert case.source_reference == concern.reference
    assert case.position == post_of(vs)
    assert case.opened_by == vs.named
    opened = AuditEvent.objects.get(action="cadres.exit.opened")
    assert opened.role == "named_handler"
    assert opened.data["source"] == concern.reference
    assert (
        AuditEvent.objects.get(action="voice.concern.exit_case").data["case"] == case.pk
    )
    step = ConcernEvent.objects.get(concern=concern, kind=EventKind.EXIT_CASE)
    assert not step.public
    # the concern's page links to the case; no second case
    page = get(client, detail_url(concern), vs.named).content.decode()
    assert reverse("cadres:exit", args=[case.pk]) in page
    assert 'id="exit-case-block"' not in page
    with pytest.raises(Refusal) as refused:
        services.open_exit_case(
            actor=vs.named,
            concern=concern,
            position=post_of(vs),
            ground=ExitGround.OTHER,
            evidence="e",
        )
    assert refused.value.code == "already"
    # the student who raised it does not see the internal step
    author_page = get(client, detail_url(concern), vs.author).content.decode()
    assert reverse("cadres:exit", args=[case.pk]) not in author_page


def test_who_may_open_an_exit_case_from_a_concern(vs) -> None:
    concern = cadre_concern(vs)
    services.acknowledge(actor=vs.named, concern=concern)
    for name in (
        "cadre",  # named for cadres, but the concern is about them
        "union_officer",
        "union_admin",  # manages cadres, but does not handle this concern
        "class_officer",
        "operator",
        "author",
        "other",
    ):
        with pytest.raises(Refusal) as refused:
            services.open_exit_case(
                actor=vs.users[name],
                concern=concern,
                position=post_of(vs),
                ground=ExitGround.VIOLATION,
                evidence="e",
            )
        assert refused.value.code == "forbidden", name
    # a post the cadre does not hold
    other_post = PositionFactory(organisation=vs.dept, person=vs.other.person)
    with pytest.raises(Refusal) as refused:
        services.open_exit_case(
            actor=vs.advisor,
            concern=concern,
            position=other_post,
            ground=ExitGround.VIOLATION,
            evidence="e",
        )
    assert refused.value.field == "position"
    # the League advisor may
    case = services.open_exit_case(
        actor=vs.advisor,
        concern=concern,
        position=post_of(vs),
        ground=ExitGround.VIOLATION,
        evidence="经核实属实",
    )
    assert AuditEvent.objects.get(action="cadres.exit.opened").role == "league_advisor"
    assert case.source_reference == concern.reference


def test_the_exit_case_shows_its_source_by_role(client, vs) -> None:
    concern = cadre_concern(vs)
    services.acknowledge(actor=vs.named, concern=concern)
    case = services.open_exit_case(
        actor=vs.named,
        concern=concern,
        position=post_of(vs),
        ground=ExitGround.VIOLATION,
        evidence="经核实属实",
    )
    url = reverse("cadres:exit", args=[case.pk])
    link = f'href="{detail_url(concern)}"'
    # the opener: the reference with its link
    page = get(client, url, vs.named)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="exit-source"' in html and link in html
    # the union's administrator manages the case but may not open the concern
    html = get(client, url, vs.union_admin).content.decode()
    assert concern.reference in html and link not in html
    # the cadre concerned: the reference only, never the concern
    page = get(client, url, vs.cadre)
    assert page.status_code == 200
    html = page.content.decode()
    assert concern.reference in html
    assert link not in html and detail_url(concern) not in html
    assert concern.title not in html and concern.body not in html
    assert vs.author.get_username() not in html
    assert get(client, detail_url(concern), vs.cadre).status_code == 404
    assert not selectors.handler_queue(vs.cadre).filter(pk=concern.pk).exists()
    # nobody else
    for name in ("union_officer", "author", "other"):
        assert get(client, url, vs.users[name]).status_code == 403, name


def test_an_exit_case_opened_in_cadres_has_no_source(client, vs) -> None:
    from tongxue.cadres import services as cadres

    case = cadres.open_exit_case(
        actor=vs.union_admin,
        position=post_of(vs),
        ground=ExitGround.VIOLATION,
        evidence="e",
    )
    assert case.source_reference == ""
    html = get(
        client, reverse("cadres:exit", args=[case.pk]), vs.union_admin
    ).content.decode()
    assert 'id="exit-source"' not in html
    # without the concerns app's word, managing the union is still required
    with pytest.raises(Refusal):
        cadres.open_exit_case(
            actor=vs.named,
            position=post_of(vs),
            ground=ExitGround.OTHER,
            evidence="e",
        )
