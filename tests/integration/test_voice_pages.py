"""The concern pages (#17) for students and handlers: each page for each role.

Status codes, what each viewer is shown and not shown, the forms' errors (each naming
its field), the steps of a concern from raising to rating, the follow-up code of an
anonymous concern, the handler queue's filters and its bounded queries.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UserFactory,
)
from tests.factories_voice_public import build_school, concern
from tongxue.core.models import RoleKind
from tongxue.voice import services
from tongxue.voice.models import (
    Category,
    Concern,
    ConcernStatus,
    NamedHandler,
    Photo,
    Visibility,
)

pytestmark = pytest.mark.django_db

START = reverse("voice:start")
RAISE = reverse("voice:raise")
TRACK = reverse("voice:track")
QUEUE = reverse("voice:queue")


@pytest.fixture
def s() -> Any:
    school = build_school("VP")
    school.admin = UserFactory(username="vp-admin")
    RoleFactory(user=school.admin, organisation=school.union, role=RoleKind.UNION_ADMIN)
    school.office = UserFactory(username="vp-office")
    RoleFactory(
        user=school.office,
        organisation=school.offices[0],
        role=RoleKind.OFFICE_HANDLER,
    )
    school.outsider = build_school("VX").students[0]
    return school


def raise_(
    s: Any,
    *,
    user: Any = None,
    visibility: str = Visibility.PUBLIC,
    category: str = "food",
    title: str = "二食堂的饭菜太贵",
    body: str = "二食堂的饭菜又涨价了，联系电话13812345678",
) -> Any:
    return services.raise_concern(
        actor=user or s.students[0],
        union=s.union,
        category=s.categories[category],
        title=title,
        body=body,
        visibility=visibility,
    )


def url(c: Concern, name: str = "detail", *extra: Any) -> str:
    return reverse(f"voice:{name}", args=[c.union.code, c.number, *extra])


def act(c: Concern, action: str) -> str:
    return url(c, "action", action)


def html_of(client: Any, path: str, user: Any = None, status: int = 200) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def raise_data(**kw: Any) -> dict[str, Any]:
    return {
        "category": "food",
        "title": "二食堂晚饭太咸",
        "body": "最近一周二食堂的晚饭都很咸。",
        "place": "二食堂",
        "visibility": Visibility.PRIVATE,
    } | kw


# -- start ------------------------------------------------------------------------------


def test_the_start_page_for_each_role(client, s) -> None:
    html = html_of(client, START)
    assert 'id="sign-in-to-raise"' in html and 'id="my-concerns"' not in html
    assert 'id="queue-link"' not in html
    mine = raise_(s, visibility=Visibility.PRIVATE).concern
    html = html_of(client, START, s.students[0])
    assert f'href="{RAISE}"' in html and 'id="raise-link"' in html
    assert f'data-reference="{mine.reference}"' in html
    assert 'id="queue-link"' not in html and "settings-link" not in html
    assert f'href="{reverse("voice:public", args=[s.union.code])}"' in html
    # Another student sees none of it.
    html = html_of(client, START, s.students[1])
    assert mine.reference not in html and 'id="mine-empty"' in html
    html = html_of(client, START, s.officer)
    assert 'id="queue-link"' in html and "settings-link" not in html
    assert 'id="no-union"' in html  # an officer without a class raises nothing online
    html = html_of(client, START, s.admin)
    settings = reverse("voice:settings", args=[s.union.code])
    assert 'id="queue-link"' in html and f'href="{settings}"' in html


# -- raise ------------------------------------------------------------------------------


def test_the_raise_page_needs_a_student_of_a_school(client, s) -> None:
    response = client.get(RAISE)
    assert response.status_code == 302 and "/login" in response["Location"]
    html = html_of(client, RAISE, UserFactory(username="no-person"))
    assert 'id="no-union"' in html and 'id="raise-form"' not in html
    Category.objects.filter(pk=s.categories["dorm"].pk).update(active=False)
    html = html_of(client, RAISE, s.students[0])
    assert 'id="raise-form"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # Categories as chips (an inactive one left out), a sensitive one marked.
    assert html.count('<label class="chip') == 3
    assert 'data-code="food"' in html and 'data-code="dorm"' not in html
    assert "chip-sensitive" in html and "不公开" in html
    # Similar concerns while typing: htmx, no inline script.
    assert 'hx-get="/voice/similar/"' in html
    assert html.count('hx-trigger="keyup changed delay:500ms"') == 2
    assert "<script>" not in html and "onclick" not in html
    # Photos from the camera or the album; visibility in plain words.
    assert 'capture="environment"' in html and "multiple" in html
    assert 'data-visibility="anonymous"' in html and "跟进码" in html
    assert "anon-warning" in html


def test_raise_form_errors_name_their_fields(client, s) -> None:
    client.force_login(s.students[0])
    response = client.post(RAISE, {"visibility": Visibility.PUBLIC})
    assert response.status_code == 400
    html = response.content.decode()
    for name in ("category", "title", "body"):
        assert f'href="#field-{name}"' in html, name
    assert "请选择诉求的类别" in html  # the category's own message
    assert not Concern.objects.exists()
    # A concern about a cadre names the cadre.
    response = client.post(RAISE, raise_data(category="cadre"))
    assert response.status_code == 400
    assert 'href="#field-about_person"' in response.content.decode()
    # At most three photos; a file that is not a photo is refused by name.
    photos = [png(f"p{i}.png") for i in range(4)]
    response = client.post(RAISE, raise_data(photos=photos))
    assert response.status_code == 400
    assert 'href="#field-photos"' in response.content.decode()
    fake = SimpleUploadedFile("notes.png", b"not a picture", content_type="image/png")
    response = client.post(RAISE, raise_data(photos=[fake]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#field-photos"' in html and "notes.png" in html
    assert not Concern.objects.exists()


def test_raising_with_a_photo_leads_to_the_confirmation(client, s) -> None:
    client.force_login(s.students[0])
    response = client.post(
        RAISE, raise_data(visibility=Visibility.PUBLIC, photos=[png()])
    )
    c = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == url(c, "raised")
    html = html_of(client, url(c, "raised"))
    assert c.reference in html and 'id="follow-up"' not in html
    assert c.author == s.students[0] and Photo.objects.filter(concern=c).count() == 1
    photo = Photo.objects.get()
    html = html_of(client, url(c))
    assert url(c, "photo", photo.pk) in html
    # A public concern's photo is for everyone; the confirmation is the author's.
    client.logout()
    response = client.get(url(c, "photo", photo.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client.get(url(c, "raised")).status_code == 302
    client.force_login(s.students[1])
    assert client.get(url(c, "raised")).status_code == 404


def test_a_private_concerns_photo_is_hidden_from_other_students(client, s) -> None:
    client.force_login(s.students[0])
    client.post(RAISE, raise_data(photos=[png()]))
    c, photo = Concern.objects.get(), Photo.objects.get()
    assert client.get(url(c, "photo", photo.pk)).status_code == 200
    client.force_login(s.students[1])
    assert client.get(url(c, "photo", photo.pk)).status_code == 404
    client.force_login(s.officer)
    assert client.get(url(c, "photo", photo.pk)).status_code == 200


def test_an_anonymous_concern_shows_its_code_once(client, s) -> None:
    client.force_login(s.students[0])
    response = client.post(RAISE, raise_data(visibility=Visibility.ANONYMOUS))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    c = Concern.objects.get()
    assert c.author_id is None and c.tracking_hash
    html = response.content.decode()
    code = html.split('id="follow-up-code" value="')[1].split('"')[0]
    assert len(code) == 14 and 'data-copy="#follow-up-code"' in html
    assert "只显示这一次" in html and c.reference in html
    # Nothing links it to the student afterwards.
    assert c.reference not in html_of(client, START)
    assert client.get(url(c, "raised")).status_code == 404
    assert client.get(url(c)).status_code == 404
    # The code finds it (typed in small letters and spaces too).
    html = html_of(client, TRACK)
    assert 'id="track-form"' in html
    response = client.post(TRACK, {"code": f" {code.lower()} "})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "二食堂晚饭太咸" in html and 'id="track-note"' in html
    response = client.post(TRACK, {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 400
    assert "没有诉求使用这个跟进码" in response.content.decode()
    assert client.post(TRACK, {"code": ""}).status_code == 400


# -- similar concerns and 我也遇到 ------------------------------------------------------


def test_similar_concerns_list_only_public_ones(client, s) -> None:
    public = raise_(s).concern
    private = raise_(
        s, user=s.students[1], visibility=Visibility.PRIVATE, title="二食堂饭菜有虫子"
    ).concern
    sensitive = raise_(
        s, user=s.students[1], category="mind", title="二食堂饭菜让我焦虑"
    ).concern
    similar = reverse("voice:similar")
    client.force_login(s.students[2])
    html = html_of(client, f"{similar}?union={s.union.code}&title=二食堂饭菜&body=")
    assert f'data-reference="{public.reference}"' in html
    assert private.reference not in html and sensitive.reference not in html
    assert f'formaction="{url(public, "support")}"' in html
    assert f'hx-post="{url(public, "support")}"' in html
    assert "13812345678" not in html  # the public text is masked
    # Too little typed, or an unknown union: nothing.
    assert "similar-item" not in html_of(
        client, f"{similar}?union={s.union.code}&text=二"
    )
    assert "similar-item" not in html_of(
        client, f"{similar}?union=NOPE&text=二食堂饭菜"
    )
    # The author is not offered "me too" on their own concern.
    html = html_of(
        client, f"{similar}?union={s.union.code}&text=二食堂饭菜", s.students[0]
    )
    assert public.reference in html and "support-button" not in html


def test_me_too_from_the_suggestions_and_from_the_page(client, s) -> None:
    c = raise_(s).concern
    client.force_login(s.students[1])
    response = client.post(url(c, "support"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="similar-item supported"' in response.content.decode()
    c.refresh_from_db()
    assert c.supporters == 1
    html = html_of(client, url(c))
    assert 'id="unsupport-button"' in html and 'data-count="1"' in html
    response = client.post(url(c, "support"), {"withdraw": "1"})
    assert response.status_code == 302 and response["Location"] == url(c)
    c.refresh_from_db()
    assert c.supporters == 0
    assert 'id="support-button"' in html_of(client, url(c))
    # The author cannot; a private concern is not found; a visitor signs in first.
    client.force_login(s.students[0])
    response = client.post(url(c, "support"), follow=True)
    assert 'id="support-button"' not in response.content.decode()
    c.refresh_from_db()
    assert c.supporters == 0
    private = raise_(s, user=s.students[2], visibility=Visibility.PRIVATE).concern
    client.force_login(s.students[1])
    assert client.post(url(private, "support")).status_code == 404
    client.logout()
    assert client.post(url(c, "support")).status_code == 302
    c.refresh_from_db()
    assert c.supporters == 0


# -- detail: who sees what --------------------------------------------------------------


def test_a_public_concern_shows_no_identity_and_masked_text(client, s) -> None:
    c = raise_(s).concern
    for user in (None, s.students[1], s.outsider):
        client.logout()
        html = html_of(client, url(c), user)
        assert "联系电话***" in html and "13812345678" not in html
        assert 'id="concern-author"' not in html and s.students[0].username not in html
        assert 'id="concern-handling"' not in html and 'id="rate-form"' not in html
    assert 'id="support-button"' in html  # another school's student too: it is public
    html = html_of(client, url(c), s.officer)
    assert "13812345678" in html and 'id="concern-handling"' in html
    assert 'id="acknowledge"' in html and 'id="forward-block"' in html
    assert 'id="concern-author"' not in html  # public: the author is shown to nobody
    assert 'id="support-button"' not in html
    html = html_of(client, url(c), s.students[0])
    assert "13812345678" in html and 'id="withdraw-block"' in html
    assert 'id="concern-handling"' not in html


def test_a_private_concern_is_seen_by_its_author_and_handlers_only(client, s) -> None:
    c = raise_(s, visibility=Visibility.PRIVATE).concern
    response = client.get(url(c))
    assert response.status_code == 302 and "/login" in response["Location"]
    for user in (s.students[1], s.outsider, s.office):
        client.force_login(user)
        assert client.get(url(c)).status_code == 404
    html = html_of(client, url(c), s.officer)
    assert 'id="concern-author"' in html and s.people[0].name in html
    html = html_of(client, url(c), s.admin)
    assert 'id="concern-author"' in html and 'id="verify-block"' not in html
    # Once forwarded to an office, its handlers see it (and act).
    services.forward(actor=s.officer, concern=c, to=s.offices[0])
    html = html_of(client, url(c), s.office)
    assert 'id="answer-block"' in html
    assert (
        client.get(reverse("voice:detail", args=[c.union.code, 999])).status_code == 404
    )


def test_sensitive_and_anonymous_concerns(client, s) -> None:
    sensitive = raise_(s, category="mind", title="压力很大睡不着").concern
    assert sensitive.visibility == Visibility.PRIVATE  # never public
    client.force_login(s.officer)
    assert client.get(url(sensitive)).status_code == 404
    html = html_of(client, url(sensitive), s.named)
    assert "压力很大睡不着" in html and 'id="answer-block"' in html
    assert 'id="forward-block"' not in html  # it stays with the named handlers
    anonymous = raise_(s, user=s.students[1], visibility=Visibility.ANONYMOUS).concern
    html = html_of(client, url(anonymous), s.officer)
    assert 'id="concern-author"' not in html and s.people[1].name not in html
    client.force_login(s.students[1])
    assert client.get(url(anonymous)).status_code == 404


def test_a_concern_about_a_cadre_names_the_cadre_who_never_sees_it(client, s) -> None:
    cadre_user = UserFactory(username="vp-cadre")
    cadre = PersonFactory(ident="VPCADRE", name="权益部长", user=cadre_user)
    PositionFactory(organisation=s.union, person=cadre, title="权益部部长")
    html = html_of(client, RAISE, s.students[0])
    assert 'id="field-about_person"' in html and "权益部长 · 权益部部长" in html
    client.post(RAISE, raise_data(category="cadre", about_person=str(cadre.pk)))
    c = Concern.objects.get()
    assert c.about_person == cadre and c.visibility == Visibility.PRIVATE
    client.force_login(cadre_user)
    assert client.get(url(c)).status_code == 404
    assert c.reference not in html_of(client, START)
    html = html_of(client, url(c), s.named)
    assert 'id="answer-block"' in html
    client.force_login(s.officer)
    assert client.get(url(c)).status_code == 404


def test_the_concern_page_reads_a_bounded_number_of_queries(client, s) -> None:
    c = raise_(s, visibility=Visibility.PRIVATE).concern
    client.force_login(s.officer)
    few = _queries(client, url(c))
    for k in range(8):
        services.add_note(actor=s.officer, concern=c, text=f"备注{k}")
    services.forward(actor=s.officer, concern=c, to=s.offices[0])
    many = _queries(client, url(c))
    assert few == many <= 20
    client.force_login(s.students[0])
    assert _queries(client, url(c)) <= 20


# -- handler steps ----------------------------------------------------------------------


def test_a_concern_goes_from_acknowledgement_to_rating(client, s) -> None:
    c = raise_(s, visibility=Visibility.PRIVATE).concern
    client.force_login(s.officer)
    response = client.post(act(c, "acknowledge"))
    assert response.status_code == 302 and response["Location"] == url(c)
    c.refresh_from_db()
    assert c.status == ConcernStatus.IN_HAND
    assert 'id="acknowledge"' not in html_of(client, url(c))
    # Forward: a target outside the school's is an error on the field.
    other = OrganisationFactory(code="VXOFF", name="外校后勤处", parent=None)
    response = client.post(act(c, "forward"), {"to": other.code})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="forward-block" open' in html and "errorlist" in html
    response = client.post(
        act(c, "forward"), {"to": s.offices[0].code, "note": "请核实"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.handler == s.offices[0]
    # The office answers; an empty answer is refused on its field.
    client.force_login(s.office)
    response = client.post(act(c, "answer"), {"text": ""})
    assert response.status_code == 400
    assert 'id="answer-block" open' in response.content.decode()
    assert client.post(act(c, "answer"), {"text": "已调整菜价"}).status_code == 302
    c.refresh_from_db()
    assert c.status == ConcernStatus.ANSWERED
    # The author rates: 不满意 needs a reason and reopens it once.
    html = html_of(client, url(c), s.students[0])
    assert 'id="rate-form"' in html and 'id="concern-answer"' in html
    assert "已调整菜价" in html.split('id="concern-answer"')[1].split("</section>")[0]
    assert 'data-rating="unsatisfied"' in html
    response = client.post(act(c, "rate"), {"rating": "unsatisfied"})
    assert response.status_code == 400
    assert "请说明不满意的原因" in response.content.decode()
    response = client.post(act(c, "rate"), {"rating": "unsatisfied", "reason": "没变"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == ConcernStatus.REOPENED
    client.force_login(s.office)
    client.post(act(c, "answer"), {"text": "已再次调整"})
    client.force_login(s.students[0])
    assert client.post(act(c, "rate"), {"rating": "satisfied"}).status_code == 302
    c.refresh_from_db()
    assert c.status == ConcernStatus.CLOSED and c.rating == "satisfied"
    # The union records its own verification; the office may not.
    html = html_of(client, url(c), s.office)
    assert 'id="verify-block"' not in html
    assert client.post(act(c, "verify")).status_code == 403
    html = html_of(client, url(c), s.officer)
    assert 'id="verify-block"' in html
    assert client.post(act(c, "verify")).status_code == 302
    c.refresh_from_db()
    assert c.verified


def test_internal_notes_stay_with_the_handlers(client, s) -> None:
    c = raise_(s, visibility=Visibility.PRIVATE).concern
    client.force_login(s.officer)
    assert client.post(act(c, "note"), {"text": ""}).status_code == 400
    assert (
        client.post(act(c, "note"), {"text": "内部备注：已电话联系"}).status_code == 302
    )
    html = html_of(client, url(c))
    assert "内部备注：已电话联系" in html and 'data-kind="note"' in html
    html = html_of(client, url(c), s.students[0])
    assert "内部备注" not in html and 'data-kind="note"' not in html


def test_merging_names_the_other_concern_by_reference(client, s) -> None:
    first = raise_(s).concern
    dup = raise_(s, user=s.students[1], title="二食堂涨价").concern
    client.force_login(s.officer)
    response = client.post(act(dup, "merge"), {"into": "2026-9999", "confirm": "on"})
    assert response.status_code == 400
    assert 'id="merge-block" open' in response.content.decode()
    response = client.post(act(dup, "merge"), {"into": "abc", "confirm": "on"})
    assert response.status_code == 400
    response = client.post(act(dup, "merge"), {"into": first.reference})
    assert response.status_code == 400  # not confirmed
    dup.refresh_from_db()
    assert dup.status != ConcernStatus.MERGED
    response = client.post(
        act(dup, "merge"), {"into": first.reference, "confirm": "on"}
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    first.refresh_from_db()
    assert dup.status == ConcernStatus.MERGED and dup.merged_into == first
    assert first.supporters == 1  # the duplicate's author now follows the first
    html = html_of(client, url(dup), s.students[1])
    assert 'id="concern-merged"' in html and url(first) in html


def test_students_cannot_act_as_handlers(client, s) -> None:
    public = raise_(s).concern
    private = raise_(s, visibility=Visibility.PRIVATE).concern
    client.force_login(s.students[1])
    assert client.post(act(public, "acknowledge")).status_code == 403
    assert client.post(act(public, "answer"), {"text": "x"}).status_code == 403
    assert client.post(act(private, "acknowledge")).status_code == 404
    client.force_login(s.students[0])  # the author
    assert client.post(act(public, "acknowledge")).status_code == 403
    assert client.post(act(public, "nonsense")).status_code == 404
    client.logout()
    response = client.post(act(private, "acknowledge"))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.post(act(public, "acknowledge")).status_code == 403
    public.refresh_from_db()
    private.refresh_from_db()
    assert public.status == private.status == ConcernStatus.RECEIVED
    # GET on an action is not allowed.
    client.force_login(s.officer)
    assert client.get(act(public, "acknowledge")).status_code == 405


def test_the_author_withdraws_with_confirmation(client, s) -> None:
    c = raise_(s, visibility=Visibility.PRIVATE).concern
    html = html_of(client, url(c), s.students[0])
    assert 'id="withdraw-block"' in html and "无法撤销" in html
    assert client.post(act(c, "withdraw")).status_code == 302
    c.refresh_from_db()
    assert c.status == ConcernStatus.WITHDRAWN
    assert 'id="withdraw-block"' not in html_of(client, url(c))


# -- track: the follow-up code ----------------------------------------------------------


def test_the_code_holder_follows_and_rates_without_an_account(client, s) -> None:
    raised = raise_(s, user=s.students[1], visibility=Visibility.ANONYMOUS)
    c, code = raised.concern, raised.tracking_code
    other = raise_(s, user=s.students[2], visibility=Visibility.ANONYMOUS)
    services.answer(actor=s.officer, concern=c, text="已处理")
    html = client.post(TRACK, {"code": code}).content.decode()
    assert 'id="rate-form"' in html and f'name="code" value="{code}"' in html
    assert "已处理" in html
    # The code must be this concern's: another's or a wrong one finds nothing.
    data = {"rating": "satisfied"}
    assert client.post(act(c, "rate"), data | {"code": "WRONG"}).status_code == 404
    wrong = data | {"code": other.tracking_code}
    assert client.post(act(c, "rate"), wrong).status_code == 404
    assert client.post(act(c, "rate"), data).status_code == 302  # no code: sign in
    c.refresh_from_db()
    assert c.status == ConcernStatus.ANSWERED
    response = client.post(act(c, "rate"), {"rating": "unsatisfied", "code": code})
    assert response.status_code == 400 and "no-store" in response["Cache-Control"]
    response = client.post(act(c, "rate"), data | {"code": code})
    assert (
        response.status_code == 200 and 'id="concern-done"' in response.content.decode()
    )
    c.refresh_from_db()
    assert c.status == ConcernStatus.CLOSED and c.rating == "satisfied"


# -- the handler queue ------------------------------------------------------------------


def test_the_queue_is_for_handlers_and_filters(client, s) -> None:
    today = timezone.localdate()
    late = concern(
        s,
        title="宿舍漏水",
        category="dorm",
        visibility=Visibility.PRIVATE,
        raised=today - dt.timedelta(days=20),
    )
    fresh = concern(s, title="食堂排队太久")
    answered = concern(s, title="空调坏了", status="answered", answered=today)
    hidden = concern(
        s, title="心理压力", category="mind", visibility=Visibility.PRIVATE
    )
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(s.students[0])
    assert client.get(QUEUE).status_code == 403
    html = html_of(client, QUEUE, s.officer)
    assert 'class="log table-cards"' in html and 'data-label="' in html
    for c in (late, fresh):
        assert f'data-reference="{c.reference}"' in html
    assert answered.reference not in html  # waiting ones by default
    assert hidden.reference not in html  # sensitive: the named handlers' only
    assert (
        f'data-reference="{late.reference}" data-status="received" data-overdue' in html
    )
    html = html_of(client, f"{QUEUE}?overdue=on")
    assert late.reference in html and fresh.reference not in html
    html = html_of(client, f"{QUEUE}?status=answered")
    assert answered.reference in html and late.reference not in html
    html = html_of(client, f"{QUEUE}?status=all&category={s.categories['dorm'].pk}")
    assert late.reference in html and fresh.reference not in html
    html = html_of(client, f"{QUEUE}?status=bogus")  # a bad filter shows its error
    assert "errorlist" in html
    html = html_of(client, QUEUE, s.named)
    assert hidden.reference in html
    # The office sees what was forwarded to it only.
    client.force_login(s.office)
    assert "queue-empty" in html_of(client, QUEUE)


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_reads_a_bounded_number_of_queries(client, s) -> None:
    for _ in range(3):
        concern(s, visibility=Visibility.PRIVATE, supporters=2)
    client.force_login(s.officer)
    small = _queries(client, QUEUE)
    for k in range(60):
        concern(
            s,
            visibility=Visibility.PRIVATE,
            handler=s.offices[k % 2],
            category=("food", "dorm")[k % 2],
        )
    big = _queries(client, QUEUE)
    second = _queries(client, f"{QUEUE}?page=2")
    assert small == big == second <= 12
    html = html_of(client, f"{QUEUE}?page=2")
    assert 'class="pager"' in html and "第 2 页" in html


# -- settings ---------------------------------------------------------------------------


def test_settings_are_for_the_union_admin(client, s) -> None:
    path = reverse("voice:settings", args=[s.union.code])
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response["Location"]
    for user in (s.officer, s.students[0], s.named):
        client.force_login(user)
        assert client.get(path).status_code == 403
        assert client.post(path, {"form": "defaults"}).status_code == 403
    html = html_of(client, path, s.admin)
    assert 'id="category-list"' in html and 'data-code="mind"' in html
    assert 'data-user="vpnamed"' in html
    assert client.get(reverse("voice:settings", args=["NOPE"])).status_code == 404


def test_the_admin_edits_categories(client, s) -> None:
    path = reverse("voice:settings", args=[s.union.code])
    client.force_login(s.admin)
    bad = {"form": "category", "code": "饮 食", "name": "网络", "active": "on"}
    response = client.post(path, bad)
    assert response.status_code == 400 and "new-category" in response.content.decode()
    good = bad | {"code": "net", "default_handler": s.offices[1].code}
    assert client.post(path, good).status_code == 302
    net = Category.objects.get(union=s.union, code="net")
    assert net.default_handler == s.offices[1] and net.active
    html = html_of(client, f"{path}?edit=net")
    assert 'id="edit-category"' in html and 'value="net"' in html
    edit = {"form": "category", "category": "net", "code": "net", "name": "网络"}
    response = client.post(path, edit | {"acknowledge_days": "5", "answer_days": "3"})
    assert (
        response.status_code == 400
        and 'id="edit-category"' in response.content.decode()
    )
    edit |= {"acknowledge_days": "1", "answer_days": "4", "sensitive": "on"}
    assert client.post(path, edit).status_code == 302
    net.refresh_from_db()
    assert (net.acknowledge_days, net.answer_days, net.sensitive) == (1, 4, True)
    assert not net.active  # unticked: no longer offered
    assert 'data-code="net"' not in html_of(client, RAISE, s.students[0])


def test_the_admin_names_and_removes_handlers(client, s) -> None:
    path = reverse("voice:settings", args=[s.union.code])
    client.force_login(s.admin)
    response = client.post(
        path, {"form": "handler", "user": "nobody", "sensitive": "on"}
    )
    assert (
        response.status_code == 400
        and "没有使用此用户名的账号" in response.content.decode()
    )
    response = client.post(path, {"form": "handler", "user": s.officer.username})
    assert response.status_code == 400  # neither kind chosen
    data = {"form": "handler", "user": s.officer.username, "about_cadres": "on"}
    assert client.post(path, data).status_code == 302
    named = NamedHandler.objects.get(union=s.union, user=s.officer)
    assert named.about_cadres and not named.sensitive
    data = {"form": "remove", "user": s.officer.username}
    assert client.post(path, data).status_code == 302
    assert not NamedHandler.objects.filter(union=s.union, user=s.officer).exists()


def test_a_new_union_creates_the_usual_categories(client, s) -> None:
    union = OrganisationFactory(
        code="VPGU", name="研究生会", kind="graduate_union", parent=s.school
    )
    admin = UserFactory(username="gu-admin")
    RoleFactory(user=admin, organisation=union)
    path = reverse("voice:settings", args=[union.code])
    html = html_of(client, path, admin)
    assert 'id="no-categories"' in html and 'id="defaults-form"' in html
    assert client.post(path, {"form": "defaults"}).status_code == 302
    assert Category.objects.filter(union=union).count() >= 10


# -- the home ---------------------------------------------------------------------------


def home_kinds(client: Any, user: Any) -> str:
    return html_of(client, reverse("accounts:me"), user)


def test_raising_is_three_taps_from_the_home(client, s) -> None:
    html = home_kinds(client, s.students[0])
    assert 'data-kind="voice-raise"' in html and f'href="{RAISE}"' in html  # tap 1
    html = html_of(client, RAISE)
    assert 'class="chip' in html and 'id="raise-submit"' in html  # taps 2 and 3
    assert 'data-kind="voice-raise"' not in home_kinds(client, UserFactory())


def test_the_home_counts_what_awaits_each_handler(client, s) -> None:
    assert 'data-kind="voice-queue"' not in home_kinds(client, s.officer)
    today = timezone.localdate()
    concern(s, raised=today - dt.timedelta(days=20))
    c = raise_(s, visibility=Visibility.PRIVATE).concern
    html = home_kinds(client, s.officer)
    assert (
        'data-kind="voice-queue"' in html and "2 条诉求等你处理（1 条已逾期）" in html
    )
    assert 'data-urgent="true"' in html
    # Acknowledged, answered: nothing waits; a sensitive one waits for the named only.
    services.acknowledge(actor=s.officer, concern=c)
    html = home_kinds(client, s.officer)
    assert "2 条诉求等你处理（1 条已逾期）" in html
    services.answer(actor=s.officer, concern=c, text="已处理")
    assert "1 条诉求等你处理（1 条已逾期）" in home_kinds(client, s.officer)
    raise_(s, user=s.students[1], category="mind", title="压力很大")
    assert "2 条诉求等你处理（1 条已逾期）" in home_kinds(client, s.named)
    assert "1 条诉求等你处理（1 条已逾期）" in home_kinds(client, s.officer)
    assert 'data-kind="voice-queue"' not in home_kinds(client, s.office)
