"""Read elections: the public page, the manager's dashboard, the certified result.

Every selector reads with a bounded number of queries, however many candidates,
assessments or steps there are. Public data never includes personal identifiers
(student numbers, idents, user names): candidates are shown by name and statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_noop

from tongxue.core.errors import Refusal
from tongxue.core.words import join_names
from tongxue.domain import counting
from tongxue.domain.findings import Message
from tongxue.domain.guards import cite
from tongxue.elections.models import (
    Assessment,
    Candidate,
    CandidateStatus,
    Condition,
    Election,
    ElectionStatus,
    RoundKind,
    Step,
)
from tongxue.evaluations.selectors import cadre_record_summary
from tongxue.organisations.models import Organisation
from tongxue.organisations.profiles import governing_profile

#: The profile parameter that lists the criteria of CAD-1.
CRITERIA_PARAMETER = "cadre_criteria"
#: The subject type of election notices (tongxue.publicity).
SUBJECT_TYPE = "elections.election"
#: Notice kinds: the approved candidate list and the certified result (ELE-4).
CANDIDATES_NOTICE = "candidates"
RESULT_NOTICE = "result"
#: Criterion labels (message ids) for pages and notices.
CRITERION_LABELS = {
    "political": gettext_noop("Political standing"),
    "academic": gettext_noop("Academic record"),
    "character": gettext_noop("Character and conduct"),
    "work_style": gettext_noop("Work style"),
    "standing": gettext_noop("Standing among students"),
    "dedication": gettext_noop("Dedication to serving students"),
}

#: Statuses in which the result is public.
PUBLIC_RESULT = (ElectionStatus.CERTIFIED, ElectionStatus.EFFECTIVE)
#: The workflow steps shown on the dashboard, in order, with the status that ends each.
WORKFLOW = (
    ("draft", gettext_noop("Prepare the election method")),
    ("nomination", gettext_noop("Nominate and assess candidates")),
    ("vetting", gettext_noop("Party committee approval")),
    ("approved", gettext_noop("Candidates announced; open the ballot")),
    ("open", gettext_noop("Voting")),
    ("closed", gettext_noop("Count")),
    ("counted", gettext_noop("Certify the result")),
    ("certified", gettext_noop("Public notice of the result")),
    ("effective", gettext_noop("Result in effect")),
)


# -- the election's method, criteria and plan (read by the services too) -----------------


def method_of(election: Election) -> counting.ElectionMethod:
    """Return the election method in force (its stored data, with the seats)."""
    data = dict(election.method or {})
    data["seats"] = election.seats
    return counting.ElectionMethod.from_dict(data)


def _criteria_text(criteria: Iterable[str]) -> str:
    """The criteria by their labels, in the active language, joined (#16)."""
    from django.utils.translation import gettext

    return join_names(gettext(CRITERION_LABELS.get(c, c)) for c in criteria)


def criteria_of(election: Election) -> tuple[str, ...]:
    """Return the CAD-1 criteria of the governing profile (``cadre_criteria``)."""
    return governing_profile(election.organisation).strings(CRITERIA_PARAMETER)


def _criteria_clauses(election: Election) -> tuple[str, ...]:
    return governing_profile(election.organisation).clauses(CRITERIA_PARAMETER)


def _cite(election: Election, requirement: str) -> tuple[str, ...]:
    """The clauses of ``requirement`` in the plan governing the election's union only."""
    return cite(governing_profile(election.organisation), requirement)


def cited(refusal: Refusal | None, election: Election) -> Refusal | None:
    """Return ``refusal`` citing only the clauses of the plan governing the election
    (the counting module's refusals name both plans' clauses)."""
    if refusal is not None:
        profile = governing_profile(election.organisation)
        refusal.clauses = profile.own_clauses(refusal.clauses)
    return refusal


def vetting_refusal(election: Election) -> Refusal | None:
    """Return why the list cannot go for approval: conditions, assessments, margin."""
    criteria = criteria_of(election)
    have = set(
        Condition.objects.filter(election=election).values_list("criterion", flat=True)
    )
    missing = [c for c in criteria if c not in have]
    if missing:
        return Refusal(
            "ELE-2.conditions-missing",
            Message(
                gettext_noop(
                    "The Youth League committee has not set the conditions for: "
                    "{criteria}."
                ),
                {"criteria": _criteria_text(missing)},
            ),
            requirement="ELE-2",
            clauses=_cite(election, "ELE-2"),
        )
    pending = list(
        Candidate.objects.filter(
            election=election, status=CandidateStatus.NOMINATED
        ).values_list("person__name", flat=True)
    )
    if pending:
        return Refusal(
            "CAD-1.not-assessed",
            Message(
                gettext_noop(
                    "Assess every candidate against every criterion first: {names}."
                ),
                {"names": join_names(pending)},
            ),
            requirement="CAD-1",
            clauses=_criteria_clauses(election),
        )
    if election.round_kind != RoundKind.TIE_REVOTE:
        eligible = Candidate.objects.filter(
            election=election, status=CandidateStatus.ELIGIBLE
        ).count()
        return cited(counting.margin_refusal(method_of(election), eligible), election)
    return None


def ready_to_open(election: Election) -> Refusal | None:
    """Return why the ballot of ``election`` cannot open yet, or None (ELE-2, ELE-4).

    The candidate list is approved by the Party committee, the approved candidates
    meet the 差额 margin of the election method (a tie revote is among the tied
    only), and the candidate list has been announced (public notice, kind
    ``candidates``). Called by the voting side before it opens the ballot.
    """
    from tongxue.publicity.selectors import notice_for

    if election.status != ElectionStatus.APPROVED:
        return Refusal(
            "ELE-2.not-approved",
            Message(
                gettext_noop(
                    "The ballot opens only after the Party committee approved the "
                    "candidate list."
                ),
                {},
            ),
            requirement="ELE-2",
            clauses=_cite(election, "ELE-2"),
        )
    approved = Candidate.objects.filter(
        election=election, status=CandidateStatus.APPROVED
    ).count()
    if election.round_kind != RoundKind.TIE_REVOTE:
        refusal = cited(
            counting.margin_refusal(method_of(election), approved), election
        )
        if refusal is not None:
            return refusal
    elif approved < 1:
        return cited(counting.margin_refusal(method_of(election), approved), election)
    notice = notice_for(SUBJECT_TYPE, election.pk, CANDIDATES_NOTICE)
    if notice is None or notice.withdrawn_at is not None:
        return Refusal(
            "ELE-4.candidates-not-announced",
            Message(
                gettext_noop("The candidate list has not been announced yet."),
                {},
            ),
            requirement="ELE-4",
            clauses=_cite(election, "ELE-4"),
        )
    return None


def elections_of(organisation: Organisation) -> QuerySet[Election]:
    """Return an organisation's elections, newest first, with candidate counts."""
    return (
        Election.objects.filter(organisation=organisation)
        .select_related("meeting")
        .annotate(
            n_approved=Count(
                "candidates", filter=Q(candidates__status=CandidateStatus.APPROVED)
            )
        )
        .order_by("-created_at", "-id")
    )


def get_election(code: str) -> Election:
    """Return the election ``code`` with its organisation and meeting (one query)."""
    return Election.objects.select_related(
        "organisation", "meeting", "previous_round"
    ).get(code=code)


def public_candidates(election: Election) -> list[Candidate]:
    """Return the approved candidates in ballot order, before approval none (1 query).

    Once the ballot is over the approved candidates stay listed.
    """
    return list(
        Candidate.objects.filter(election=election, status=CandidateStatus.APPROVED)
        .select_related("person")
        .only(
            "id",
            "position",
            "statement",
            "nominated_by",
            "nominators",
            "status",
            "election_id",
            "person__name",
        )
        .order_by("position", "id")
    )


@dataclass(frozen=True)
class NoticeRow:
    notice: Any
    status: Any


def notices_of(election: Election) -> list[NoticeRow]:
    """Return the election's public notices with their state (one query)."""
    from tongxue.publicity.models import Notice
    from tongxue.publicity.selectors import notice_status, with_counts

    notices = with_counts(
        Notice.objects.filter(subject_type=SUBJECT_TYPE, subject_id=election.pk)
    ).order_by("created_at", "id")
    return [NoticeRow(n, notice_status(n)) for n in notices]


def steps_of(election: Election) -> list[Step]:
    """Return the workflow steps, oldest first (one query)."""
    return list(Step.objects.filter(election=election).order_by("at", "id"))


@dataclass
class CandidateRow:
    candidate: Candidate
    assessments: dict[str, Assessment] = field(default_factory=dict)
    #: Published cadre evaluations of the candidate, as evidence (CAD-1, CAD-3).
    evaluations: list[dict[str, Any]] = field(default_factory=list)


def cadre_evaluations(person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Return each person's published cadre evaluations when they exist (one query)."""
    return cadre_record_summary(person_ids)


@dataclass
class Dashboard:
    election: Election
    criteria: list[tuple[str, str]]  # (criterion, label)
    conditions: dict[str, Condition]
    candidates: list[CandidateRow]
    steps: list[Step]
    notices: list[NoticeRow]
    required: int
    eligible: int
    approved: int
    open_refusal: Refusal | None
    submit_refusal: Refusal | None
    next_rounds: list[Election]

    @property
    def conditions_complete(self) -> bool:
        return all(c in self.conditions for c, _ in self.criteria)


def dashboard(election: Election) -> Dashboard:
    """Return everything the manager's page shows, in a bounded number of queries."""
    criteria = criteria_of(election)
    conditions = {c.criterion: c for c in Condition.objects.filter(election=election)}
    candidates = list(
        Candidate.objects.filter(election=election)
        .select_related("person")
        .prefetch_related(Prefetch("assessments", queryset=Assessment.objects.all()))
        .order_by("position", "id")
    )
    evaluations = cadre_evaluations([c.person_id for c in candidates])
    rows = [
        CandidateRow(
            c,
            {a.criterion: a for a in c.assessments.all()},
            [e for e in evaluations.get(c.person_id, []) if e.get("published")],
        )
        for c in candidates
    ]
    try:
        required = counting.required_candidates(method_of(election))
    except counting.CountingError:
        required = election.seats
    return Dashboard(
        election=election,
        criteria=[(c, CRITERION_LABELS.get(c, c)) for c in criteria],
        conditions=conditions,
        candidates=rows,
        steps=steps_of(election),
        notices=notices_of(election),
        required=required,
        eligible=sum(c.status == CandidateStatus.ELIGIBLE for c in candidates),
        approved=sum(c.status == CandidateStatus.APPROVED for c in candidates),
        open_refusal=ready_to_open(election)
        if election.status == ElectionStatus.APPROVED
        else None,
        submit_refusal=vetting_refusal(election)
        if election.status == ElectionStatus.NOMINATION
        else None,
        next_rounds=list(Election.objects.filter(previous_round=election)),
    )


def public_result(election: Election) -> dict[str, Any] | None:
    """Return the certified result JSON, or None before certification.

    The explanation is re-derived from the stored figures in the active language
    (``explanation_translated``); see :func:`translated_explanation`.
    """
    if election.status not in PUBLIC_RESULT or not election.result:
        return None
    data = dict(election.result)
    data["explanation_translated"] = translated_explanation(data)
    return data


def translated_explanation(result: dict[str, Any]) -> list[str]:
    """Return the count's explanation in the active language, or the stored one.

    The stored JSON carries the explanation as rendered when counted. Counting its
    figures again (``counting.count_tally``: the count is a pure function of the tally)
    gives the same steps as messages, translated here. When the recount does not
    reproduce the stored election (data the method cannot read), the stored text is
    kept as it is.
    """
    from tongxue.core.errors import render_message

    stored = [str(line) for line in result.get("explanation") or []]
    try:
        rows = result["candidates"]
        names = [str(c["name"]) for c in rows]
        ballots = result["ballots"]
        tally = counting.Tally(
            issued=ballots.get("issued"),
            returned=int(ballots["returned"]),
            valid=int(ballots["valid"]),
            void=int(ballots["void"]),
            void_reasons=dict(result.get("void_reasons") or {}),
            yes={str(c["name"]): int(c["yes"]) for c in rows},
            no={str(c["name"]): int(c["no"]) for c in rows},
            abstain={str(c["name"]): int(c["abstain"]) for c in rows},
        )
        method = counting.ElectionMethod.from_dict(result["method"])
        again = counting.count_tally(
            names,
            tally,
            method=method,
            present=int(result.get("present") or 0),
            entitled=result.get("entitled"),
        )
    except (KeyError, TypeError, ValueError, counting.CountingError):
        return stored
    if list(again.elected) != list(result.get("elected") or []):
        return stored
    # Names joined with the reader's list separator (、 in Chinese, #16).
    return [render_message(m) for m in again.explanation]


def result_notice(election: Election) -> Any:
    from tongxue.publicity.selectors import notice_for

    return notice_for(SUBJECT_TYPE, election.pk, RESULT_NOTICE)


def candidates_notice(election: Election) -> Any:
    from tongxue.publicity.selectors import notice_for

    return notice_for(SUBJECT_TYPE, election.pk, CANDIDATES_NOTICE)
