"""The JSON API of concerns (#17): the public list and figures anonymously, my concerns
and raising one signed in (session and CSRF); no identity ever for another's concern,
never a private, anonymous, sensitive or cadre concern in public."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory
from tests.factories_voice_public import build_school, concern
from tongxue.voice.models import Concern, Visibility

pytestmark = pytest.mark.django_db

#: Keys that would tell who raised a concern or how to follow an anonymous one.
IDENTITY_KEYS = {
    "author",
    "author_id",
    "user",
    "username",
    "name",
    "person",
    "tracking_hash",
    "tracking_code",
    "about_person",
    "visibility",
    "supporters_list",
    "student_number",
}


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    return build_school(prefix="A")


def _scene(s):  # type: ignore[no-untyped-def]
    hidden = [
        concern(s, title="私下的事情", visibility=Visibility.PRIVATE),
        concern(
            s,
            title="匿名的事情",
            visibility=Visibility.ANONYMOUS,
            tracking_hash="cd" * 32,
        ),
        concern(s, title="心理的事情", category="mind"),
        concern(s, title="干部的事情", category="cadre", about_person=s.people[1]),
        concern(s, title="标记敏感的事情", sensitive=True),
    ]
    shown = [
        concern(s, title="宿舍没有热水", category="dorm", place="7号楼", supporters=2),
        concern(
            s, title="饭菜太贵 13812345678", body="电话13812345678 学号20230001234"
        ),
    ]
    return hidden, shown


def _walk_keys(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _walk_keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_keys(v)


def test_public_concerns_anonymously_without_identity(s):
    hidden, shown = _scene(s)
    r = Client().get(f"/api/voice/{s.union.code}/concerns")
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 2
    refs = {item["reference"] for item in data["items"]}
    assert refs == {c.reference for c in shown}
    assert not IDENTITY_KEYS & set(_walk_keys(data))
    text = r.content.decode()
    for c in hidden:
        assert c.title not in text and c.reference not in text
    assert "13812345678" not in text
    for person, user in zip(s.people, s.students, strict=True):
        assert person.name not in text and user.username not in text
    dorm = next(i for i in data["items"] if i["category"] == "dorm")
    assert dorm["place"] == "7号楼"
    assert dorm["supporters"] == 2
    assert dorm["status"] == "received"
    assert dorm["raised"] == timezone.localdate().isoformat()
    assert dorm["url"] == f"/voice/{s.union.code}/{dorm['number']}/"


def test_another_student_or_a_handler_sees_no_identity_in_the_public_list(s):
    """Signed in as another student, as a handler or as the author: the public list
    is the same, without who raised anything."""
    _hidden, shown = _scene(s)
    for user in (s.students[1], s.officer, s.named, s.students[0]):
        client = Client()
        client.force_login(user)
        r = client.get(f"/api/voice/{s.union.code}/concerns")
        data = r.json()
        assert {i["reference"] for i in data["items"]} == {c.reference for c in shown}
        assert not IDENTITY_KEYS & set(_walk_keys(data))


def test_public_concerns_filters_and_pages(s):
    _hidden, (dorm, _food) = _scene(s)
    for k in range(55):
        concern(s, title=f"第{k}个")
    url = f"/api/voice/{s.union.code}/concerns"
    c = Client()
    first = c.get(url).json()
    assert first["count"] == 57 and len(first["items"]) == 50
    assert len(c.get(url + "?page=2").json()["items"]) == 7
    assert [i["reference"] for i in c.get(url + "?category=dorm").json()["items"]] == [
        dorm.reference
    ]
    # a hidden category's code or an unknown one selects nothing
    assert c.get(url + "?category=mind").json()["count"] == 0
    assert c.get(url + "?category=nope").json()["count"] == 0
    assert c.get(url + "?q=热水").json()["count"] == 1
    assert c.get(url + "?q=13812345678").json()["count"] == 0
    assert c.get(url + "?status=answered").json()["count"] == 0
    assert c.get(f"/api/voice/{s.dept.code}/concerns").status_code == 404


def test_public_concerns_bounded_queries(s, django_assert_max_num_queries):
    for k in range(60):
        concern(s, title=f"第{k}个")
    with django_assert_max_num_queries(4):
        r = Client().get(f"/api/voice/{s.union.code}/concerns")
    assert len(r.json()["items"]) == 50


def test_my_concerns_signed_in_only_and_only_mine(s):
    mine = concern(s, title="我的私下诉求", visibility=Visibility.PRIVATE)
    theirs = concern(
        s, title="别人的私下诉求", visibility=Visibility.PRIVATE, author=s.students[1]
    )
    concern(s, title="匿名", visibility=Visibility.ANONYMOUS, tracking_hash="ef" * 32)
    assert Client().get("/api/voice/mine").status_code == 401
    client = Client()
    client.force_login(s.students[0])
    data = client.get("/api/voice/mine").json()
    assert [i["reference"] for i in data["items"]] == [mine.reference]
    assert data["items"][0]["title"] == "我的私下诉求"
    assert data["items"][0]["visibility"] == "private"
    assert theirs.title not in json.dumps(data, ensure_ascii=False)
    assert not {"author", "author_id", "tracking_hash", "tracking_code"} & set(
        _walk_keys(data)
    )


def test_raise_a_concern_signed_in_with_csrf(s):
    url = "/api/voice/concerns"
    body = {
        "category": "food",
        "title": "二食堂的饭菜太贵",
        "body": "最近二食堂涨价了，请学校看一看。",
        "place": "二食堂",
        "visibility": "public",
    }
    # signed out: refused
    r = Client().post(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 401
    assert not Concern.objects.exists()
    # signed in without the CSRF token: refused
    client = Client(enforce_csrf_checks=True)
    client.force_login(s.students[0])
    r = client.post(url, json.dumps(body), content_type="application/json")
    assert r.status_code in (401, 403)
    assert not Concern.objects.exists()
    # with the token: raised with the student's union
    client.get("/voice/")
    token = client.cookies["csrftoken"].value
    r = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["union"] == s.union.code
    assert out["tracking_code"] is None
    concern_ = Concern.objects.get(union=s.union, number=out["number"])
    assert concern_.author == s.students[0]
    assert out["url"] == f"/voice/{s.union.code}/{concern_.number}/"
    # it appears in the public list, without its author
    listed = Client().get(f"/api/voice/{s.union.code}/concerns").json()
    assert [i["reference"] for i in listed["items"]] == [out["reference"]]
    assert "author" not in listed["items"][0]


def test_raise_anonymously_gives_the_code_once_and_keeps_no_author(s):
    client = Client()
    client.force_login(s.students[0])
    r = client.post(
        "/api/voice/concerns",
        json.dumps(
            {
                "category": "dorm",
                "title": "宿舍太吵",
                "body": "晚上太吵。",
                "visibility": "anonymous",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["tracking_code"]
    concern_ = Concern.objects.get(union=s.union, number=out["number"])
    assert concern_.author is None
    # not public, not mine
    assert Client().get(f"/api/voice/{s.union.code}/concerns").json()["count"] == 0
    assert client.get("/api/voice/mine").json()["count"] == 0


def test_raise_refusals(s):
    client = Client()
    client.force_login(s.students[0])
    url = "/api/voice/concerns"
    r = client.post(
        url,
        json.dumps({"category": "nope", "title": "x", "body": "y"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "category"
    # a student with no place in a school
    stranger = UserFactory(username="astranger")
    other = Client()
    other.force_login(stranger)
    r = other.post(
        url,
        json.dumps({"category": "food", "title": "x", "body": "y"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "no-union"
    assert not Concern.objects.exists()


def test_sensitive_concern_raised_public_is_never_public(s):
    client = Client()
    client.force_login(s.students[0])
    r = client.post(
        "/api/voice/concerns",
        json.dumps(
            {
                "category": "mind",
                "title": "压力很大",
                "body": "最近压力很大。",
                "visibility": "public",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["visibility"] != "public"
    assert Client().get(f"/api/voice/{s.union.code}/concerns").json()["count"] == 0


def test_figures_api(s, django_assert_max_num_queries):
    today = timezone.localdate()
    past = today - dt.timedelta(days=20)
    hq = s.offices[0]
    concern(
        s,
        handler=hq,
        raised=past,
        acknowledge_due=past + dt.timedelta(days=2),
        answer_due=past + dt.timedelta(days=10),
        acknowledged=past + dt.timedelta(days=2),
        answered=past + dt.timedelta(days=11),
        closed=past + dt.timedelta(days=12),
        status="closed",
        rating="basically",
        visibility=Visibility.ANONYMOUS,
    )
    concern(s, handler=hq, raised=past, category="mind")
    with django_assert_max_num_queries(8):
        r = Client().get(f"/api/voice/{s.union.code}/figures")
    assert r.status_code == 200
    data = r.json()
    units = {u["code"]: u for u in data["units"]}
    back = units[hq.code]
    assert back["received"] == 2
    assert (back["responded_in_time"], back["response_base"]) == (1, 2)
    assert back["response_rate"] == 0.5
    assert (back["answered_in_time"], back["answer_base"]) == (0, 2)
    assert back["on_time_rate"] == 0.0
    assert back["solved_rate"] == 1.0 and back["satisfaction_rate"] == 1.0
    assert units[s.offices[1].code]["response_rate"] is None
    assert units[s.union.code]["received"] == 2
    assert len(data["months"]) == 6 and data["months"][-1]["month"] == f"{today:%Y-%m}"
    assert not IDENTITY_KEYS - {"name"} & set(_walk_keys(data))
    assert "心理" not in r.content.decode()
