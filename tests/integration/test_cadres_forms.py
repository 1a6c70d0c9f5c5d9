"""The cadre pages' POST data goes through forms (tongxue.cadres.forms; #13).

The selection's shortlist and decision, the record's contact and read marks, the exit
case's position and texts: the field names are the pages' own; an unauthorised actor is
refused (403) before any parse error is shown; a parse error names its field.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PositionFactory, UserFactory
from tests.factories_cadres import build_cadre_school, student
from tongxue.cadres import forms, services
from tongxue.cadres.models import (
    Application,
    ExitCase,
    RelayMessage,
    SelectionState,
)
from tongxue.organisations.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return build_cadre_school()


def _assessed(cs, applicants=2):  # type: ignore[no-untyped-def]
    sel = services.advertise(
        actor=None,
        organisation=cs.department,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        closes=TODAY,
        term_start=TODAY + dt.timedelta(days=30),
        public_contact="vp@su.example.edu.cn",
    )
    for _ in range(applicants):
        p = student(cs.dept_union)
        services.apply(actor=p.user, selection=sel, statement="x")
    services.start_assessment(
        actor=None, selection=sel, today=TODAY + dt.timedelta(days=1)
    )
    for app in Application.objects.filter(selection=sel):
        for c in sel.criteria:
            services.assess(
                actor=cs.admin,
                application=app,
                criterion=c,
                verdict="meets",
                evidence="x",
            )
    return sel


def _action(sel, name):  # type: ignore[no-untyped-def]
    return reverse("cadres:selection-action", args=[sel.pk, name])


# -- the shortlist and the decision ---------------------------------------------------


def test_shortlist_form_takes_only_the_selections_applications(cs):
    sel = _assessed(cs)
    other = _assessed(build_cadre_school("D"), applicants=1)
    mine = list(Application.objects.filter(selection=sel).order_by("pk"))
    theirs = Application.objects.get(selection=other)
    form = forms.ShortlistForm({"applications": [str(mine[0].pk)]}, selection=sel)
    assert form.is_valid()
    assert list(form.cleaned_data["applications"]) == [mine[0]]
    assert not forms.ShortlistForm(
        {"applications": [str(theirs.pk)]}, selection=sel
    ).is_valid()
    assert not forms.ShortlistForm({"applications": ["x"]}, selection=sel).is_valid()
    empty = forms.ShortlistForm({}, selection=sel)
    assert empty.is_valid() and list(empty.cleaned_data["applications"]) == []


def test_a_forged_shortlist_is_refused_naming_the_field_and_nothing_moves(client, cs):
    sel = _assessed(cs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cs.admin)
    response = client.post(_action(sel, "shortlist"), {"applications": ["999999"]})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="selection-error"' in body
    assert "On the shortlist: " in body
    sel.refresh_from_db()
    assert sel.state == SelectionState.ASSESSING
    # The page's own post: the applications ticked.
    ids = [str(a.pk) for a in Application.objects.filter(selection=sel)]
    assert (
        client.post(_action(sel, "shortlist"), {"applications": ids}).status_code == 302
    )
    sel.refresh_from_db()
    assert sel.state == SelectionState.SHORTLISTED


def test_a_forged_shortlist_from_a_non_manager_is_forbidden_first(client, cs):
    sel = _assessed(cs)
    client.force_login(UserFactory())
    response = client.post(_action(sel, "shortlist"), {"applications": ["x"]})
    assert response.status_code == 403


def test_decide_without_an_application_is_the_services_refusal(client, cs):
    sel = _assessed(cs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cs.admin)
    for data in ({}, {"application": "x"}, {"application": "999999"}):
        response = client.post(_action(sel, "decide"), data)
        assert response.status_code == 400
        assert "Choose an application from the shortlist." in response.content.decode()
    client.force_login(UserFactory())
    assert client.post(_action(sel, "decide"), {}).status_code == 403


# -- the record -----------------------------------------------------------------------


def _cadre(cs):  # type: ignore[no-untyped-def]
    user = UserFactory()
    person = cs.president.person
    person.user = user
    person.save()
    return user, reverse("cadres:record", args=[person.pk])


def test_record_contact_form_parses_the_position_and_the_contact(client, cs):
    user, url = _cadre(cs)
    client.force_login(user)
    assert client.post(url, {"position": "x", "contact": "a@b.cn"}).status_code == 404
    assert client.post(url, {"contact": "a@b.cn"}).status_code == 404
    response = client.post(
        url, {"position": cs.president.pk, "contact": " zhuxi@su.example.edu.cn "}
    )
    assert response.status_code == 302
    cs.president.refresh_from_db()
    assert cs.president.public_contact == "zhuxi@su.example.edu.cn"


def test_record_contact_length_stays_the_services_rule(client, cs):
    user, url = _cadre(cs)
    client.force_login(user)
    response = client.post(url, {"position": cs.president.pk, "contact": "a" * 201})
    assert response.status_code == 400
    assert forms.ContactForm(
        {"position": cs.president.pk, "contact": "a" * 201}
    ).is_valid()  # the form parses; the service refuses and names the field


def test_read_form_needs_a_message_id(client, cs):
    user, url = _cadre(cs)
    sender = UserFactory()
    # a message sent through the roster's old relay form, before the merge (RGT-6)
    message = RelayMessage.objects.create(
        position=cs.president, sender=sender, text="你好"
    )
    client.force_login(user)
    assert client.post(url, {"read": ""}).status_code == 404
    assert client.post(url, {"read": "0"}).status_code == 404
    assert client.post(url, {"read": str(message.pk)}).status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None


# -- exit cases -----------------------------------------------------------------------


def _vp(cs):  # type: ignore[no-untyped-def]
    return PositionFactory(
        organisation=cs.union,
        person=student(cs.dept_union),
        role=Role.VICE_PRESIDENT,
        title="副主席",
        public_contact="vp@su.example.edu.cn",
    )


def test_exit_case_position_from_the_query_or_the_form(client, cs):
    vp = _vp(cs)
    client.force_login(cs.admin)
    base = reverse("cadres:exit-new")
    assert client.get(base).status_code == 404
    assert client.get(base + "?position=x").status_code == 404
    assert client.get(base + "?position=0").status_code == 404
    assert client.get(base + f"?position={vp.pk}").status_code == 200
    # Posted without the query string: the hidden field names the position.
    response = client.post(
        base, {"position": vp.pk, "ground": "violation", "evidence": "记录"}
    )
    assert response.status_code == 302
    assert ExitCase.objects.get().position == vp


def test_exit_texts_are_parsed_and_their_rules_stay_the_services(client, cs):
    vp = _vp(cs)
    case = services.open_exit_case(
        actor=cs.admin, position=vp, ground="violation", evidence="记录"
    )
    act = reverse("cadres:exit-action", args=[case.pk, "notify"])
    client.force_login(cs.admin)
    assert client.post(act, {}).status_code == 400  # the notice needs a text
    assert client.post(act, {"text": "请说明"}).status_code == 302
    case.refresh_from_db()
    assert case.notice_text == "请说明"
    # Closing takes an empty outcome (the service's rule, not the form's).
    assert forms.TextForm({}).is_valid()
