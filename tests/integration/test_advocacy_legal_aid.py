"""Legal aid (RGT-2): the union's directory (who may keep it, what is public), referrals
of a concern with the student's consent (a step of its timeline), the audit both sides
and the directory page's bounded queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories_voice import build_voice_school
from tongxue.advocacy import services
from tongxue.advocacy.models import LegalAidContact, Referral
from tongxue.business.selectors import union_findings
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.organisations.mappers import load_registry
from tongxue.voice import services as voice
from tongxue.voice.models import ConcernEvent, EventKind, Visibility

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def vs():  # type: ignore[no-untyped-def]
    return build_voice_school("L")


def contact(
    vs: Any, name: str = "市法律援助中心", *, by: Any = None, **kw: Any
) -> LegalAidContact:
    return services.save_contact(
        actor=by or vs.union_admin,
        union=vs.union,
        kind=kw.pop("kind", "legal_aid_centre"),
        name=name,
        linked_since=kw.pop("linked_since", TODAY - dt.timedelta(days=100)),
        **kw,
    )


def concern(
    vs: Any,
    *,
    category: str = "housing",
    visibility: str = Visibility.PRIVATE,
    user: Any = None,
) -> Any:
    return voice.raise_concern(
        actor=user or vs.author,
        union=vs.union,
        category=vs.category(category),
        title="宿舍押金不退",
        body="退宿后押金一直没有退还",
        visibility=visibility,
    ).concern


# -- the directory ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["union_admin", "union_officer", "advisor", "operator"])
def test_the_union_and_the_league_advisor_keep_the_directory(vs: Any, who: str) -> None:
    entry = contact(vs, by=vs.users[who], phone="12348", note="王律师周三值班")
    assert entry.union == vs.union and entry.active
    record = AuditEvent.objects.get(action="advocacy.legal_aid.add")
    assert record.organisation == vs.union.code
    assert "王律师" not in str(record.data)  # never the note


@pytest.mark.parametrize(
    "who", ["class_officer", "dept_officer", "office_handler", "author", "named"]
)
def test_others_may_not_keep_it(vs: Any, who: str) -> None:
    with pytest.raises(Refusal) as refused:
        contact(vs, by=vs.users[who])
    assert refused.value.code == "forbidden"
    assert not LegalAidContact.objects.exists()


def test_a_department_union_keeps_no_directory(vs: Any) -> None:
    with pytest.raises(Refusal):
        services.save_contact(
            actor=vs.operator,
            union=vs.dept,
            kind="lawyer",
            name="李律师",
            linked_since=TODAY,
        )


def test_entries_are_unique_by_name_and_not_dated_in_the_future(vs: Any) -> None:
    contact(vs)
    with pytest.raises(Refusal) as twice:
        contact(vs)
    assert twice.value.field == "name"
    with pytest.raises(Refusal) as later:
        contact(vs, "张律师", linked_since=TODAY + dt.timedelta(days=1))
    assert later.value.field == "linked_since"


def test_the_public_page_shows_active_entries_without_notes(
    vs: Any, client: Client
) -> None:
    contact(vs, phone="12348", note="内部备注：值班表")
    retired = contact(vs, "旧律所")
    contact(vs, "旧律所", contact=retired, active=False)
    url = reverse("advocacy:legal_aid", args=[vs.union.code])
    body = client.get(url).content.decode()
    assert "市法律援助中心" in body and "12348" in body
    assert "内部备注" not in body and "旧律所" not in body
    assert 'id="contact-form"' not in body and 'id="refer-link"' not in body
    # the advisor edits: notes and retired entries too
    client.force_login(vs.advisor)
    body = client.get(url).content.decode()
    assert "内部备注" in body and "旧律所" in body and 'id="contact-form"' in body


def test_an_entry_is_added_and_edited_through_the_pages(
    vs: Any, client: Client
) -> None:
    client.force_login(vs.union_officer)
    url = reverse("advocacy:legal_aid", args=[vs.union.code])
    form = {
        "contact-kind": "lawyer",
        "contact-name": "张律师",
        "contact-body": "某某律师事务所",
        "contact-linked_since": TODAY.isoformat(),
        "contact-active": "on",
    }
    assert client.post(url, form).status_code == 302
    entry = LegalAidContact.objects.get(name="张律师")
    edit = reverse("advocacy:contact_edit", args=[vs.union.code, entry.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**form, "contact-areas": "劳动争议"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.areas == "劳动争议"
    # a refusal goes back to the form with the field named
    late = {
        **form,
        "contact-name": "李律师",
        "contact-linked_since": (TODAY + dt.timedelta(days=3)).isoformat(),
    }
    assert client.post(url, late).status_code == 400
    client.force_login(vs.author)
    assert client.post(url, form).status_code == 403
    assert client.get(edit).status_code == 403


def test_a_visitor_is_asked_to_sign_in_before_editing(vs: Any, client: Client) -> None:
    url = reverse("advocacy:legal_aid", args=[vs.union.code])
    response = client.post(url, {"contact-name": "x"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_directory_page_runs_a_fixed_number_of_queries(
    vs: Any, client: Client, django_assert_num_queries: Any
) -> None:
    url = reverse("advocacy:legal_aid", args=[vs.union.code])
    for i in range(2):
        contact(vs, f"律师{i}")
    client.get(url)  # warm the session and caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(2, 25):
        contact(vs, f"律师{i}")
    with django_assert_num_queries(few):
        client.get(url)


# -- referrals ----------------------------------------------------------------------------


def refer(vs: Any, c: Any, entry: Any, *, by: Any = None, **kw: Any) -> Referral:
    return services.refer(
        actor=by or vs.union_officer,
        concern=c,
        contact=entry,
        consent_on=kw.pop("consent_on", TODAY),
        consent_how=kw.pop("consent_how", "in_person"),
        **kw,
    )


def test_a_handler_refers_a_concern_with_consent(vs: Any) -> None:
    entry = contact(vs)
    c = concern(vs)
    referral = refer(vs, c, entry, note="学生同意由中心联系")
    assert (referral.union, referral.consent_how) == (vs.union, "in_person")
    step = ConcernEvent.objects.get(concern=c, kind=EventKind.REFERRED)
    assert step.actor == vs.union_officer
    assert step.text == step.public_text == "市法律援助中心"
    record = AuditEvent.objects.get(action="advocacy.referral")
    assert record.data["consent_how"] == "in_person"
    assert "学生同意" not in str(record.data)
    # the same entry twice is refused; another entry is a second referral
    with pytest.raises(Refusal) as twice:
        refer(vs, c, entry)
    assert twice.value.code == "duplicate"
    refer(vs, c, contact(vs, "张律师", kind="lawyer"))
    assert Referral.objects.filter(concern=c).count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent_how", ""),
        ("consent_how", "guessed"),
        ("consent_on", None),
        ("consent_on", TODAY + dt.timedelta(days=1)),
        ("consent_on", TODAY - dt.timedelta(days=1)),  # before the concern was raised
    ],
)
def test_no_referral_without_recorded_consent(vs: Any, field: str, value: Any) -> None:
    entry, c = contact(vs), concern(vs)
    with pytest.raises(Refusal) as refused:
        refer(vs, c, entry, **{field: value})
    assert refused.value.field == field
    assert not Referral.objects.exists()
    assert not ConcernEvent.objects.filter(kind=EventKind.REFERRED).exists()


@pytest.mark.parametrize(
    "who", ["author", "other", "office_handler", "advisor", "class_officer"]
)
def test_only_the_concerns_handlers_refer_it(vs: Any, who: str) -> None:
    entry = contact(vs)
    # an anonymous concern goes to the union: the class officer does not handle it
    c = concern(vs, visibility=Visibility.ANONYMOUS)
    with pytest.raises(Refusal) as refused:
        refer(vs, c, entry, by=vs.users[who])
    assert refused.value.code == "forbidden"


def test_a_sensitive_concern_is_referred_by_its_named_handler_only(vs: Any) -> None:
    entry = contact(vs)
    c = concern(vs, category="harassment")
    with pytest.raises(Refusal):
        refer(vs, c, entry, by=vs.union_officer)
    refer(vs, c, entry, by=vs.named)
    # the referral list shows it to its named handler, not to the other officers
    from tongxue.advocacy.selectors import referrals_seen_by

    assert [r.concern for r in referrals_seen_by(vs.named, vs.union)] == [c]
    assert list(referrals_seen_by(vs.union_officer, vs.union)) == []


def test_an_entry_of_another_union_or_retired_is_refused(vs: Any) -> None:
    other = build_voice_school("M")
    foreign = contact(other)
    c = concern(vs)
    with pytest.raises(Refusal) as refused:
        refer(vs, c, foreign)
    assert refused.value.field == "contact"
    retired = contact(vs, "旧律所")
    contact(vs, "旧律所", contact=retired, active=False)
    retired.refresh_from_db()
    with pytest.raises(Refusal):
        refer(vs, c, retired)


def test_a_withdrawn_concern_is_not_referred(vs: Any) -> None:
    entry, c = contact(vs), concern(vs)
    voice.withdraw(concern=c, actor=vs.author)
    c.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        refer(vs, c, entry)
    assert refused.value.code == "not-open"


def test_the_refer_page(vs: Any, client: Client) -> None:
    entry, c = contact(vs), concern(vs, visibility=Visibility.PUBLIC)
    url = reverse("advocacy:refer", args=[vs.union.code])
    client.force_login(vs.author)
    assert client.get(url).status_code == 403
    client.force_login(vs.union_officer)
    page = client.get(f"{url}?number={c.number}").content.decode()
    assert 'id="refer-form"' in page and f'value="{c.number}"' in page
    form = {
        "refer-number": c.number,
        "refer-contact": entry.pk,
        "refer-consent_how": "phone",
        "refer-consent_on": TODAY.isoformat(),
    }
    # without the consent ticked: refused by the form, nothing recorded
    assert client.post(url, form).status_code == 400
    assert not Referral.objects.exists()
    response = client.post(url, {**form, "refer-consent": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "voice:detail", args=[vs.union.code, c.number]
    )
    assert Referral.objects.get().consent_how == "phone"
    assert c.reference in client.get(url).content.decode()
    # the public timeline of a public concern says it, naming the body, never the student
    client.logout()
    detail = client.get(response["Location"]).content.decode()
    assert "市法律援助中心" in detail
    # a number that is not a concern the user handles
    client.force_login(vs.union_officer)
    missing = client.post(url, {**form, "refer-consent": "on", "refer-number": 999})
    assert missing.status_code == 400


# -- the audit (RGT-2) ---------------------------------------------------------------------


def rgt2(vs: Any) -> list[str]:
    return [f.rule for f in union_findings(vs.union, "RGT-2", as_of=TODAY)]


def test_rgt2_a_union_without_legal_aid_then_with_an_entry(vs: Any) -> None:
    assert rgt2(vs) == ["RGT-2.no-legal-aid"]
    entry = contact(vs)
    assert rgt2(vs) == []
    links = load_registry(vs.union.code).advocacy.legal_aid_of[vs.union.code]  # type: ignore[union-attr]
    assert (links.contacts, links.referrals) == (1, 0)
    # retired but a concern was referred: still a link on record
    refer(vs, concern(vs), entry)
    contact(vs, entry.name, contact=entry, active=False)
    links = load_registry(vs.union.code).advocacy.legal_aid_of[vs.union.code]  # type: ignore[union-attr]
    assert (links.contacts, links.referrals) == (0, 1)
    assert rgt2(vs) == []
