"""Exit cases of cadres (CAD-5 · GS-12, CQ-7).

A case on a ground, notice to the cadre, the cadre's statement, a decision (劝退,
免职, or 罢免 by a counted vote of the electing body), its publication and the
profile's appeal window; the post is ended through
:func:`tongxue.organisations.services.end_position`. Each service is one transition of
:data:`tongxue.domain.lifecycle.EXIT_CASE`, made by
:func:`tongxue.core.lifecycle.transition` (row lock, check, save, audit event
``cadres.exit.<state>``).
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    ExitCase,
    ExitGround,
    ExitState,
    Measure,
)
from tongxue.cadres.services.shared import (
    APPEAL_PARAMETER,
    EXIT_SUBJECT,
    MEASURE_PHRASES,
    RECALL_PARAMETER,
    check_manage,
    clean_text,
    now,
    position_active,
    profile_for,
    publish,
    today_or,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.domain.lifecycle import EXIT_CASE
from tongxue.domain.profiles import Profile
from tongxue.organisations import services as registry
from tongxue.organisations.models import (
    Enrolment,
    Position,
)
from tongxue.publicity.text import phrase


def _move_case(
    actor: Actor,
    acting: str,
    case: ExitCase,
    target: str,
    changes: dict[str, Any],
    **data: Any,
) -> ExitCase:
    """Move the case with :func:`~tongxue.core.lifecycle.transition`; its audit event
    is ``cadres.exit.<target>`` with ``data``."""
    return transition(
        case,
        EXIT_CASE,
        target,
        actor=actor,
        action=f"cadres.exit.{target}",
        organisation=case.position.organisation.code,
        role=acting,
        subject=case.position.person.ident,
        data={"case": case.pk, **data},
        field="state",
        changes=changes,
    )


def _is_cadre(actor: Actor, case: ExitCase) -> bool:
    user_id = case.position.person.user_id
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and user_id is not None
        and user_id == actor.pk
    )


def has_failed_evaluation(person_id: int) -> bool:
    """Return whether a published evaluation of the person failed (evaluations app)."""
    from tongxue.cadres.selectors import evaluation_summary

    results = evaluation_summary([person_id]).get(person_id, [])
    return any(r.get("failed") and r.get("kind") == "evaluation" for r in results)


@transaction.atomic
def open_exit_case(
    *,
    actor: Actor,
    position: Position,
    ground: str,
    evidence: str,
    today: date | None = None,
    source_reference: str = "",
    authorised_as: str | None = None,
) -> ExitCase:
    """Open an exit case on a ground with evidence (CAD-5 · GS-12, CQ-7).

    The ground "cannot complete studies" needs the cadre's enrolment to say so
    (suspended, withdrawn or graduated); "failed evaluation" needs a failed published
    evaluation on record (below the profile's ``evaluation_fail_below``, computed by
    the evaluations app). One open case per post at a time.

    From a student's concern about the cadre (CAD-8): ``source_reference`` is the
    concern's reference, kept on the case; ``authorised_as`` is the role under which
    the concerns app allowed the actor (a named handler of concerns about cadres, the
    League advisor), who need not manage the organisation — for services of an app
    above this one that checked their own rule, never for a page's input.
    """
    acting = authorised_as or check_manage(actor, position.organisation)
    source_reference = (source_reference or "").strip()
    if len(source_reference) > 40:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field="source_reference",
            limit=40,
        )
    if ground not in ExitGround.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="ground",
            value=ground,
        )
    if not position_active(position, today_or(today)):
        raise refuse(
            "not-serving",
            gettext_noop("{name} does not hold this post now."),
            name=position.person.name,
        )
    if ground == ExitGround.STUDIES and position.person.enrolment == Enrolment.ENROLLED:
        raise refuse(
            "enrolled",
            gettext_noop(
                "{name} is enrolled: record the change of enrolment before opening a "
                "case on this ground."
            ),
            field="ground",
            name=position.person.name,
        )
    if ground == ExitGround.FAILED_EVALUATION and not has_failed_evaluation(
        position.person_id
    ):
        raise refuse(
            "no-failed-evaluation",
            gettext_noop(
                "{name} has no failed published evaluation on record: choose another "
                "ground or wait for the evaluation's results."
            ),
            field="ground",
            name=position.person.name,
        )
    open_states = [s for s in EXIT_CASE.states if not EXIT_CASE.is_final(s)]
    if ExitCase.objects.filter(position=position, state__in=open_states).exists():
        raise refuse(
            "duplicate",
            gettext_noop("An exit case for this post is already open."),
        )
    case = ExitCase.objects.create(
        position=position,
        ground=ground,
        evidence=clean_text("evidence", evidence),
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        source_reference=source_reference,
    )
    data: dict[str, Any] = {"case": case.pk, "position": position.pk, "ground": ground}
    if source_reference:
        data["source"] = source_reference
    auditlog.record(
        actor=actor,
        action="cadres.exit.opened",
        organisation=position.organisation.code,
        target=position.person.ident,
        role=acting,
        data=data,
    )
    return case


@transaction.atomic
def notify_cadre(*, actor: Actor, case: ExitCase, text: str) -> ExitCase:
    """Tell the cadre of the case and invite a statement (opened → notified)."""
    acting = check_manage(actor, case.position.organisation)
    text = clean_text("text", text)
    return _move_case(
        actor,
        acting,
        case,
        ExitState.NOTIFIED,
        {"notice_text": text, "notified_at": now()},
    )


@transaction.atomic
def submit_statement(*, actor: Actor, case: ExitCase, text: str) -> ExitCase:
    """The cadre's written statement, while the case waits for its decision."""
    if not _is_cadre(actor, case):
        raise refuse(
            "forbidden",
            gettext_noop("Only the cadre concerned can write the statement."),
        )
    if case.state != ExitState.NOTIFIED:
        raise refuse(
            "closed",
            gettext_noop(
                "A statement can be written after the notice and before the decision."
            ),
        )
    case.statement = clean_text("statement", text)
    case.statement_at = now()
    case.save(update_fields=["statement", "statement_at"])
    auditlog.record(
        actor=actor,
        action="cadres.exit.statement",
        organisation=case.position.organisation.code,
        target=case.position.person.ident,
        role="cadre",
        data={"case": case.pk},
    )
    return case


def recall_passes(case_profile: Profile, *, yes: int, members: int) -> bool:
    """CAD-5 · GS-12, CQ-7: a recall needs more than ``recall_threshold`` of the members."""
    from tongxue.domain.counting import passes

    threshold = Fraction(case_profile.fraction(RECALL_PARAMETER))
    return bool(passes(yes, threshold=threshold, strict=True, base=members))


@transaction.atomic
def decide_exit(
    *,
    actor: Actor,
    case: ExitCase,
    measure: str,
    body: str,
    reasons: str,
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    members: int | None = None,
    today: date | None = None,
) -> ExitCase:
    """Record the competent body's decision and end the post (notified → decided).

    劝退 and 免职 are decided by the body that appointed the cadre; 罢免 by the body that
    elected them with a recorded vote, which must pass the profile's
    ``recall_threshold`` of its members, counted by :mod:`tongxue.domain.counting`.
    The post is ended through the registry: the cadre's last day is the day before
    the decision, so the roster shows the post vacant from the decision on.
    """
    position = case.position
    acting = check_manage(actor, position.organisation)
    if measure not in Measure.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="measure",
            value=measure,
        )
    body = clean_text("body", body, limit=200)
    reasons = clean_text("reasons", reasons)
    EXIT_CASE.require(case.state, ExitState.DECIDED)
    votes: dict[str, Any] = {}
    if measure == Measure.RECALL:
        votes = _recall_vote(
            position,
            yes=votes_yes,
            no=votes_no,
            abstain=votes_abstain,
            members=members,
        )
    day = today_or(today)
    _move_case(
        actor,
        acting,
        case,
        ExitState.DECIDED,
        {
            "measure": measure,
            "body": body,
            "reasons": reasons,
            "decided_on": day,
            "decided_at": now(),
            **votes,
        },
        measure=measure,
        body=body,
    )
    _end_post(actor, position, day)
    return case


def _recall_vote(
    position: Position,
    *,
    yes: int | None,
    no: int | None,
    abstain: int | None,
    members: int | None,
) -> dict[str, Any]:
    """The electing body's recorded vote on a recall (罢免), refused unless it is
    complete, within the body's members and passes the profile's
    ``recall_threshold`` (CAD-5 · GS-12, CQ-7); the fields the case stores."""
    if yes is None or no is None or members is None:
        raise refuse(
            "vote-required",
            gettext_noop("A recall needs the recorded vote of the electing body."),
            field="votes_yes",
        )
    abstain = abstain or 0
    if yes + no + abstain > members:
        raise refuse(
            "invalid",
            gettext_noop("More votes than members of the electing body."),
            field="members",
        )
    prof = profile_for(position.organisation)
    if not recall_passes(prof, yes=yes, members=members):
        raise refuse(
            "recall-failed",
            gettext_noop(
                "The recall did not pass: {yes} of {members} members voted for it, "
                "more than {threshold} are needed. Dismiss the case with this "
                "vote as the reason."
            ),
            field="votes_yes",
            yes=yes,
            members=members,
            threshold=str(prof.fraction(RECALL_PARAMETER)),
        )
    return {
        "votes_yes": yes,
        "votes_no": no,
        "votes_abstain": abstain,
        "members": members,
    }


def _end_post(actor: Actor, position: Position, day: date) -> None:
    """End the post as of a decision taking effect on ``day``: the last day in office
    is the day before (the registry counts a term as held through its end date)."""
    last_day = max(day - timedelta(days=1), position.start)
    if position.end is None or position.end > last_day:
        registry.end_position(actor=actor, position=position, end=last_day)


@transaction.atomic
def publish_exit_decision(
    *,
    actor: Actor,
    case: ExitCase,
    starts: date | None = None,
    today: date | None = None,
) -> ExitCase:
    """Publish the decision (notice "exit-decision"); the appeal window opens.

    The window is the profile's ``exit_appeal_days`` calendar days from publication
    (CAD-5 · GS-12, CQ-7).
    """
    position = case.position
    acting = check_manage(actor, position.organisation)
    EXIT_CASE.require(case.state, ExitState.PUBLISHED)
    day = starts or today_or(today)
    prof = profile_for(position.organisation)
    appeal_until = day + timedelta(days=prof.int(APPEAL_PARAMETER))
    _move_case(
        actor,
        acting,
        case,
        ExitState.PUBLISHED,
        {"appeal_until": appeal_until, "published_at": now()},
        appeal_until=appeal_until.isoformat(),
    )
    measure = phrase(MEASURE_PHRASES[Measure(case.measure)])
    publish(
        actor=actor,
        organisation=position.organisation,
        subject_type=EXIT_SUBJECT,
        subject_id=case.pk,
        kind="exit-decision",
        text={
            "title": phrase(
                gettext_noop("{organisation} {title}: {measure}"),
                organisation=position.organisation.name,
                title=position.title,
                measure=measure,
            ),
            "body": [
                phrase(
                    gettext_noop("{name}, {title}: {measure}. {text}"),
                    name=position.person.name,
                    title=position.title,
                    measure=measure,
                    text=case.body,
                ),
            ],
        },
        starts=day,
    )
    return case


@transaction.atomic
def lodge_appeal(
    *, actor: Actor, case: ExitCase, text: str, today: date | None = None
) -> ExitCase:
    """The cadre appeals within the window (published → appealed)."""
    if not _is_cadre(actor, case):
        raise refuse("forbidden", gettext_noop("Only the cadre concerned can appeal."))
    day = today_or(today)
    if case.state == ExitState.PUBLISHED and (
        case.appeal_until is None or day > case.appeal_until
    ):
        raise refuse(
            "appeal-closed",
            gettext_noop("The appeal window closed on {until}."),
            until=case.appeal_until.isoformat() if case.appeal_until else "",
        )
    text = clean_text("appeal", text)
    return _move_case(
        actor,
        "cadre",
        case,
        ExitState.APPEALED,
        {"appeal": text, "appealed_at": now()},
    )


@transaction.atomic
def close_exit_case(
    *, actor: Actor, case: ExitCase, outcome: str = "", today: date | None = None
) -> ExitCase:
    """Close the case: after the appeal window, or rejecting an appeal with reasons."""
    acting = check_manage(actor, case.position.organisation)
    day = today_or(today)
    if case.state == ExitState.PUBLISHED and (
        case.appeal_until is not None and day <= case.appeal_until
    ):
        raise refuse(
            "appeal-open",
            gettext_noop("The appeal window runs until {until}."),
            until=case.appeal_until.isoformat(),
        )
    if case.state == ExitState.APPEALED:
        outcome = clean_text("outcome", outcome)
    return _move_case(
        actor,
        acting,
        case,
        ExitState.CLOSED,
        {"outcome": (outcome or "").strip(), "closed_at": now()},
    )


@transaction.atomic
def dismiss_exit_case(*, actor: Actor, case: ExitCase, outcome: str) -> ExitCase:
    """Dismiss the case without a measure, or grant an appeal (→ dismissed).

    Granting an appeal does not reinstate the cadre by itself: the union appoints them
    again through the registry, which runs its guards.
    """
    acting = check_manage(actor, case.position.organisation)
    outcome = clean_text("outcome", outcome)
    return _move_case(
        actor,
        acting,
        case,
        ExitState.DISMISSED,
        {"outcome": outcome, "closed_at": now()},
    )
