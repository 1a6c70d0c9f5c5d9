"""Certification, public notice, taking effect and further rounds (ELE-4, ELE-5)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PositionFactory
from tests.factories_elections import approved_election, build_scene, counted
from tongxue.core.errors import Refusal
from tongxue.elections import selectors, services
from tongxue.elections.models import Candidate, Election, ElectionStatus, Step
from tongxue.organisations.models import Position

pytestmark = pytest.mark.django_db

LATER = dt.date.today() + dt.timedelta(days=60)


@pytest.fixture
def scene():
    return build_scene()


def _names(election):
    return list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )


def _clear_win(election):
    a, b, c = _names(election)
    ballots = [{a: "1", b: "1"}, {a: "1", b: "1"}, {a: "1", c: "1"}]
    return counted(election, ballots, present=3), (a, b, c)


def test_certify_publishes_the_result_notice(scene):
    election, (a, b, _) = _clear_win(approved_election(scene))
    assert election.result["elected"] == [a, b]
    services.certify_result(actor=scene.presidium, election=election, comment="无误")
    election.refresh_from_db()
    assert election.status == ElectionStatus.CERTIFIED
    assert election.certified_at is not None
    notice = selectors.result_notice(election)
    assert notice.kind == "result"
    assert a in notice.body and b in notice.body
    step = Step.objects.get(election=election, action="certified")
    assert step.role == "union_admin" and step.comment == "无误"


@pytest.mark.parametrize("who", ["advisor", "party", "outsider"])
def test_only_the_presidium_certifies(scene, who):
    election, _ = _clear_win(approved_election(scene))
    with pytest.raises(Refusal) as exc:
        services.certify_result(actor=getattr(scene, who), election=election)
    assert exc.value.code == "forbidden"


def test_certify_needs_a_counted_valid_result(scene):
    election = approved_election(scene)
    with pytest.raises(Refusal) as exc:
        services.certify_result(actor=scene.presidium, election=election)
    assert exc.value.code == "wrong-status"
    election, _ = _clear_win(election)
    Election.objects.filter(pk=election.pk).update(
        result={**election.result, "valid": False}
    )
    election.refresh_from_db()
    with pytest.raises(Refusal) as exc:
        services.certify_result(actor=scene.presidium, election=election)
    assert exc.value.code == "result-void"
    services.void_result(
        actor=scene.presidium, election=election, comment="收回多于发出"
    )
    election.refresh_from_db()
    assert election.status == ElectionStatus.VOID


def test_paper_election_is_certified_only_when_reconciled(scene, monkeypatch):
    election, _ = _clear_win(approved_election(scene))
    Election.objects.filter(pk=election.pk).update(mode="paper")
    election.refresh_from_db()
    monkeypatch.setattr(services.results, "_reconciled", lambda e: False)
    with pytest.raises(Refusal) as exc:
        services.certify_result(actor=scene.presidium, election=election)
    assert exc.value.code == "ELE-5.not-reconciled"
    monkeypatch.setattr(services.results, "_reconciled", lambda e: True)
    services.certify_result(actor=scene.presidium, election=election)
    assert election.status == ElectionStatus.CERTIFIED


def test_reconciled_asks_the_voting_app_through_its_hook(scene, monkeypatch):
    """elections imports nothing of voting (#13): voting registers its answer (ELE-5)."""
    from tongxue.elections import hooks
    from tongxue.voting import selectors as voting

    election, _ = _clear_win(approved_election(scene))
    assert voting.reconciled in hooks.COUNTS_SETTLED
    assert services._reconciled(election) is voting.reconciled(election)
    monkeypatch.setattr(hooks.COUNTS_SETTLED, "_items", [])
    assert services._reconciled(election) is False  # nothing registered: not settled
    monkeypatch.setattr(hooks.COUNTS_SETTLED, "_items", [lambda e: True])
    assert services._reconciled(election) is True


def test_result_takes_effect_after_the_notice_and_appoints_the_elected(scene):
    election, (a, b, _) = _clear_win(approved_election(scene))
    services.certify_result(actor=scene.presidium, election=election)
    with pytest.raises(Refusal) as exc:
        services.make_effective(actor=scene.presidium, election=election)
    assert exc.value.code == "ELE-4.notice-running"
    with pytest.raises(Refusal) as exc:
        services.make_effective(actor=scene.party, election=election, today=LATER)
    assert exc.value.code == "forbidden"
    services.make_effective(
        actor=scene.presidium,
        election=election,
        today=LATER,
        public_contact="su@example.edu.cn",
    )
    election.refresh_from_db()
    assert election.status == ElectionStatus.EFFECTIVE
    held = Position.objects.filter(organisation=scene.union, role="vice_president")
    assert sorted(held.values_list("person__name", flat=True)) == sorted([a, b])
    assert all(p.start == LATER for p in held)


def test_an_unanswered_or_upheld_objection_stops_the_result(scene):
    from tongxue.publicity import services as publicity

    election, _ = _clear_win(approved_election(scene))
    services.certify_result(actor=scene.presidium, election=election)
    notice = selectors.result_notice(election)
    objection = publicity.lodge_objection(
        actor=scene.outsider, notice=notice, text="计票有误"
    )
    with pytest.raises(Refusal) as exc:
        services.make_effective(actor=scene.presidium, election=election, today=LATER)
    assert exc.value.code == "ELE-4.notice-running"
    publicity.answer_objection(
        actor=scene.presidium, objection=objection, answer="经复核属实", upheld=True
    )
    with pytest.raises(Refusal):
        services.make_effective(actor=scene.presidium, election=election, today=LATER)
    assert not Position.objects.filter(organisation=scene.union).exists()


def test_a_second_president_is_refused_by_the_registry_guard(scene):
    sitting = PositionFactory(
        organisation=scene.union,
        role="president",
        title="主席",
        start=dt.date(2025, 9, 1),
    )
    election = approved_election(scene, seats=1, candidates=2, post="president")
    a, b = _names(election)
    election = counted(election, [{a: "1"}, {a: "1"}, {b: "1"}], present=3)
    services.certify_result(actor=scene.presidium, election=election)
    with pytest.raises(Refusal) as exc:
        services.make_effective(
            actor=scene.presidium,
            election=election,
            today=LATER,
            public_contact="su@example.edu.cn",
        )
    assert exc.value.requirement == "ORG-2"  # the guard names the rule it would break
    election.refresh_from_db()
    assert election.status == ElectionStatus.CERTIFIED  # nothing changed
    # Ending the sitting president's term first lets the result take effect.
    sitting.end = LATER - dt.timedelta(days=1)
    sitting.save()
    services.make_effective(
        actor=scene.presidium,
        election=election,
        today=LATER,
        public_contact="su@example.edu.cn",
    )
    assert (
        Position.objects.get(
            organisation=scene.union, role="president", end__isnull=True
        ).person.name
        == a
    )


def test_supplementary_round_for_the_unfilled_seat(scene):
    election = approved_election(scene, seats=2, candidates=3)
    a, b, c = _names(election)
    election = counted(
        election, [{a: "1", b: "1"}, {a: "1", c: "1"}, {a: "1"}], present=3
    )
    step = election.result["next_step"]
    assert step["kind"] == "supplementary" and step["seats"] == 1
    with pytest.raises(Refusal) as exc:
        services.start_next_round(actor=scene.presidium, election=election)
    assert exc.value.code == "wrong-status"
    services.certify_result(actor=scene.presidium, election=election)
    with pytest.raises(Refusal):
        services.start_next_round(actor=scene.party, election=election)
    nxt = services.start_next_round(actor=scene.presidium, election=election)
    assert nxt.previous_round == election and nxt.round == 2
    assert nxt.seats == 1 and nxt.method["seats"] == 1
    assert {k: v for k, v in nxt.method.items() if k != "seats"} == {
        k: v for k, v in election.method.items() if k != "seats"
    }
    assert nxt.status == ElectionStatus.NOMINATION
    assert sorted(_names_all(nxt)) == sorted(step["candidates"])
    with pytest.raises(Refusal) as exc:
        services.start_next_round(actor=scene.presidium, election=election)
    assert exc.value.code == "duplicate"
    # The carried-over candidates are assessed: the list goes straight to approval.
    services.submit_for_approval(actor=scene.presidium, election=nxt)
    services.approve_candidates(actor=scene.party, election=nxt)
    assert selectors.ready_to_open(nxt) is None


def _names_all(election):
    return list(
        Candidate.objects.filter(election=election).values_list(
            "person__name", flat=True
        )
    )


def test_no_next_round_when_the_result_is_complete(scene):
    election, _ = _clear_win(approved_election(scene))
    services.certify_result(actor=scene.presidium, election=election)
    with pytest.raises(Refusal) as exc:
        services.start_next_round(actor=scene.presidium, election=election)
    assert exc.value.code == "no-next-round"


def test_explanation_is_recounted_from_the_stored_figures_and_translated(
    scene, monkeypatch
):
    import django.utils.translation as translation

    election, _ = _clear_win(approved_election(scene))
    result = election.result
    with translation.override("en"):
        assert selectors.translated_explanation(result) == result["explanation"]
    # Rendered by core.errors.render_message (names joined by the reader's separator).
    monkeypatch.setattr("tongxue.core.errors.gettext", lambda s: f"«{s}»")
    lines = selectors.translated_explanation(result)
    assert len(lines) == len(result["explanation"])
    assert all(line.startswith("«") for line in lines)  # each step went through gettext


def test_explanation_falls_back_to_the_stored_text(scene):
    election, _ = _clear_win(approved_election(scene))
    broken = {**election.result, "method": {"seats": "many"}}
    assert selectors.translated_explanation(broken) == election.result["explanation"]
    changed = {**election.result, "elected": ["someone else"]}
    assert selectors.translated_explanation(changed) == election.result["explanation"]
