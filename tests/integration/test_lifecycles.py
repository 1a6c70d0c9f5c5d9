"""One lifecycle mechanism (#13): the state machines, the service helper, the buttons.

* every lifecycle of :mod:`tongxue.domain.lifecycle` is its model's choices: the same
  states in the same order, the same labels, the same initial state; every state field
  of every model is a lifecycle or says why it is not one;
* :func:`tongxue.core.lifecycle.transition` locks the row and moves from the state in
  the database, refuses naming both states by their labels in the reader's language
  (a stale form shows "无法从“计划中”转为“已闭幕”", not the codes), runs the service's
  extra check, saves the changes and audits, or does nothing at all;
* :class:`tongxue.core.transition_table.TransitionTable` offers only moves the
  lifecycle allows, to the permission each needs, and one partial renders them.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from tests.factories_congress import build_union, planned
from tongxue.congresses.models import Meeting, MeetingStatus
from tongxue.core.errors import render_message
from tongxue.core.lifecycle import transition
from tongxue.core.models import AuditEvent
from tongxue.core.permissions import Perm
from tongxue.core.transition_table import Button, Step, TransitionTable
from tongxue.domain.clubs import ACTIVITY
from tongxue.domain.finance import ENTRY
from tongxue.domain.findings import Message, Refusal
from tongxue.domain.lifecycle import (
    CONCERN,
    CONGRESS,
    ELECTION,
    EVALUATION_PERIOD,
    EXIT_CASE,
    FACE_MEETING,
    JOB,
    PROJECT,
    SCHOOL_REPORT,
    SELECTION,
    SURVEY,
    Lifecycle,
)

pytestmark = pytest.mark.django_db

#: Each model's state field and its lifecycle.
LIFECYCLE_FIELDS = {
    ("congresses.Meeting", "status"): CONGRESS,
    ("elections.Election", "status"): ELECTION,
    # an election as a snapshot recorded it: the same states, never moved here
    ("elections.RecordedElection", "status"): ELECTION,
    ("cadres.Selection", "state"): SELECTION,
    ("cadres.ExitCase", "state"): EXIT_CASE,
    ("evaluations.EvaluationPeriod", "status"): EVALUATION_PERIOD,
    ("jobs.Job", "status"): JOB,
    ("voice.Concern", "status"): CONCERN,
    ("voice.SchoolReport", "status"): SCHOOL_REPORT,
    ("advocacy.Dialogue", "status"): FACE_MEETING,
    ("surveys.Survey", "status"): SURVEY,
    # a ledger entry (TRN-4): its lifecycle is the finance domain's
    ("finances.Entry", "status"): ENTRY,
    # a union's project (ORG-11)
    ("projects.Project", "status"): PROJECT,
    # a club's activity, reviewed under the League's guidance (ORG-14)
    ("clubs.Activity", "status"): ACTIVITY,
}
#: State fields that are not a lifecycle, and why.
NOT_LIFECYCLES = {
    # derived from the assessments and the approval (services set it in bulk)
    ("elections.Candidate", "status"),
    # the outcome of the motion's one recorded vote
    ("business.CharterMotion", "status"),
    # django-tasks-db's queue row (a library's model, moved by its worker); what a
    # person sees is the job's own state, jobs.Job (the JOB lifecycle)
    ("django_tasks_database.DBTaskResult", "status"),
    # a club's standing on the union's register (active, suspended, dissolved): set by
    # the union's administrator in either direction, no order between the states
    ("clubs.Club", "status"),
}


def _state_fields() -> set[tuple[str, str]]:
    return {
        (model._meta.label, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if f.name in ("status", "state") and getattr(f, "choices", None)
    }


def test_every_state_field_is_a_lifecycle_or_says_why_not():
    assert _state_fields() == set(LIFECYCLE_FIELDS) | NOT_LIFECYCLES


@pytest.mark.parametrize(
    ("model", "name"), list(LIFECYCLE_FIELDS), ids=lambda x: str(x)
)
def test_every_lifecycle_is_its_models_choices(model, name):
    lc = LIFECYCLE_FIELDS[(model, name)]
    field = apps.get_model(model)._meta.get_field(name)
    with translation.override(None):  # the message ids themselves
        choices = [(value, str(label)) for value, label in field.choices]
    assert choices == list(lc.labels.items())
    assert field.default == lc.initial


# --------------------------------------------------------------- the service helper


def _move(meeting, target, **kw):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return transition(
            meeting,
            CONGRESS,
            target,
            actor=None,
            action=f"test.{target}",
            organisation=meeting.organisation.code,
            role="",
            subject=meeting.code,
            **kw,
        )


def test_transition_saves_the_state_and_the_changes_and_audits():
    u = build_union()
    m = planned(u)
    out = _move(
        m,
        MeetingStatus.SEATS_ALLOCATED,
        data={"seats": 9},
        changes={"work_report": True},
    )
    assert out is m and m.status == MeetingStatus.SEATS_ALLOCATED
    m.refresh_from_db()
    assert (m.status, m.work_report) == (MeetingStatus.SEATS_ALLOCATED, True)
    event = AuditEvent.objects.get(action="test.seats_allocated")
    assert (event.organisation, event.target) == (u.union.code, m.code)
    assert event.data == {"from": "planned", "to": "seats_allocated", "seats": 9}


def test_transition_moves_from_the_state_in_the_database_not_a_stale_object():
    u = build_union()
    m = planned(u)
    Meeting.objects.filter(pk=m.pk).update(status=MeetingStatus.CONVENED)
    # the object says planned, the row says convened: convened → closed is allowed
    _move(m, MeetingStatus.CLOSED)
    m.refresh_from_db()
    assert m.status == MeetingStatus.CLOSED
    assert AuditEvent.objects.get(action="test.closed").data["from"] == "convened"


def test_a_refused_move_changes_nothing_and_names_the_states_in_chinese():
    u = build_union()
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        _move(m, MeetingStatus.CLOSED, changes={"session": 99})
    assert exc.value.code == "invalid-transition"
    with translation.override("zh-hans"):
        assert render_message(exc.value.message) == "无法从“计划中”转为“已闭幕”。"
    with translation.override("en"):
        assert render_message(exc.value.message) == (
            "This cannot move from “Planned” to “Closed”."
        )
    assert m.session != 99  # not even on the object
    m.refresh_from_db()
    assert (m.status, m.session) == (MeetingStatus.PLANNED, 1)
    assert not AuditEvent.objects.filter(action__startswith="test.").exists()


def test_the_services_check_runs_after_the_lifecycle_and_can_refuse():
    u = build_union()
    m = planned(u)
    seen = []

    def check(meeting: Meeting) -> Refusal | None:
        seen.append(meeting.status)
        return Refusal("nope", Message("No."))

    with pytest.raises(Refusal) as exc:
        _move(m, MeetingStatus.SEATS_ALLOCATED, check=check)
    assert exc.value.code == "nope" and seen == ["planned"]
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED
    # a wrong move is refused before the check runs
    with pytest.raises(Refusal) as exc:
        _move(m, MeetingStatus.CLOSED, check=check)
    assert exc.value.code == "invalid-transition" and seen == ["planned"]
    # a check that passes lets the move through
    _move(m, MeetingStatus.SEATS_ALLOCATED, check=lambda meeting: None)
    m.refresh_from_db()
    assert m.status == MeetingStatus.SEATS_ALLOCATED


def test_a_stale_congress_form_is_refused_with_the_state_names_in_chinese(client):
    """The page posted from a planned congress after it moved on (issue #13)."""
    u = build_union()
    m = planned(u)
    client.force_login(u.admin)
    url = reverse("congresses:transition", args=[u.union.code, m.code, "closed"])
    response = client.post(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "无法从“计划中”转为“已闭幕”" in page
    assert "planned" not in page.split('id="status-title"')[1].split("</section>")[0]


# --------------------------------------------------------------- the transition table


def _table(*steps: Step) -> TransitionTable:
    return TransitionTable(CONGRESS, steps)


def test_a_table_refuses_a_step_the_lifecycle_forbids():
    with pytest.raises(ValueError, match="cannot move"):
        _table(Step("x", "X", Perm.MANAGE, target="closed", sources=("planned",)))
    with pytest.raises(ValueError, match="unknown states"):
        _table(Step("x", "X", Perm.MANAGE, target="adjourned"))
    with pytest.raises(ValueError, match="no state"):
        _table(Step("x", "X", Perm.MANAGE))  # moves nothing, shown nowhere
    with pytest.raises(ValueError, match="twice"):
        _table(
            Step("x", "X", Perm.MANAGE, target="closed"),
            Step("x", "Y", Perm.MANAGE, target="convened"),
        )


def test_the_buttons_are_those_of_the_state_the_permission_and_the_condition():
    table = _table(
        Step("freeze", "Freeze", Perm.MANAGE, target="seats_allocated"),
        Step("unfreeze", "Unfreeze", Perm.MANAGE, target="planned"),
        Step("elect", "Elect", Perm.RUN_ELECTION, target="delegates_elected"),
        Step("note", "Note", Perm.MANAGE, sources=("seats_allocated",)),
    )
    assert table.sources(table.step("unfreeze")) == ("seats_allocated",)  # type: ignore[arg-type]
    assert table.step("nope") is None
    m = Meeting(status="seats_allocated")

    def shown(grants, **kw):  # type: ignore[no-untyped-def]
        buttons = table.buttons(m, grants, url=lambda s: f"/{s.action}/", **kw)
        return [(b.step.action, b.url, b.open) for b in buttons]

    assert shown({Perm.MANAGE}) == [
        ("unfreeze", "/unfreeze/", False),
        ("note", "/note/", False),
    ]
    assert [a for a, _u, _o in shown({Perm.MANAGE, Perm.RUN_ELECTION})] == [
        "unfreeze",
        "elect",
        "note",
    ]
    assert shown(set()) == []
    assert shown({Perm.MANAGE}, when={"note": False}, opened="unfreeze") == [
        ("unfreeze", "/unfreeze/", True)
    ]
    m.status = "planned"
    assert [a for a, _u, _o in shown({Perm.MANAGE})] == ["freeze"]


def test_one_partial_renders_every_kind_of_button():
    request = RequestFactory().get("/")
    buttons = [
        Button(
            Step(
                "a",
                gettext_lazy("Cancel"),
                "p",
                target="x",
                link=True,
                button_id="action-a",
            ),
            "/a/",
        ),
        Button(Step("b", "Shortlist", "p", form="list-form", button_id="b-button"), ""),
        Button(
            Step(
                "c",
                "Close…",
                "p",
                fold=True,
                confirm="Really?",
                destructive=True,
                details_id="step-c",
            ),
            "/c/",
            open=True,
        ),
        Button(Step("d", "Open", "p", form_id="d-form", button_id="d-button"), "/d/"),
    ]
    with translation.override("zh-hans"):
        html = render_to_string(
            "partials/_transitions.html", {"buttons": buttons}, request=request
        )
    assert '<a class="button" id="action-a" href="/a/">取消</a>' in html
    assert (
        '<button type="submit" form="list-form" id="b-button">Shortlist</button>'
        in html
    )
    assert '<details class="confirm step" id="step-c" open>' in html
    assert '<summary class="button secondary">Close…</summary>' in html
    assert "<p><strong>Really?</strong></p>" in html and "确定，继续" in html
    assert 'action="/d/"' in html and 'id="d-form"' in html and 'id="d-button"' in html
    # every form of its own posts with its CSRF token
    assert html.count("<form ") == 2 == html.count('name="csrfmiddlewaretoken"')


@pytest.mark.parametrize(
    "lc", [CONGRESS, ELECTION, SELECTION, EXIT_CASE, EVALUATION_PERIOD]
)
def test_the_apps_tables_are_built_on_their_lifecycles(lc: Lifecycle):
    from tongxue.cadres.views import EXIT_STEPS, SELECTION_STEPS
    from tongxue.congresses.views import STEPS as CONGRESS_STEPS
    from tongxue.elections.views import STEPS as ELECTION_STEPS
    from tongxue.evaluations.views import PERIOD_STEPS
    from tongxue.voting.views import VOTE_STEPS

    tables = [
        *CONGRESS_STEPS.values(),
        ELECTION_STEPS,
        SELECTION_STEPS,
        EXIT_STEPS,
        PERIOD_STEPS,
        VOTE_STEPS,
    ]
    mine = [t for t in tables if t.lifecycle is lc]
    assert mine
    # every move of the lifecycle is offered by some step of the app's table
    moves = {(s, t) for s, ts in lc.transitions.items() for t in ts}
    offered = {
        (source, step.target)
        for table in mine
        for step in table.steps
        if step.target
        for source in table.sources(step)
    }
    if lc is ELECTION:  # the count moves to void itself when the vote is void
        moves -= {("closed", "void")}
    assert offered == moves
