"""Allowed state transitions of congresses, elections, cadre selections, exit cases,
evaluation periods and background jobs.

Each lifecycle is data: its states in order with their labels (English message ids,
translated where they are shown: the Django model's choices carry the same labels, a
test checks it) and, for each state, the states it may move to. Services move an object
with :func:`tongxue.core.lifecycle.transition`, which locks the row, asks
:meth:`Lifecycle.refusal` and refuses with the returned
:class:`~tongxue.domain.findings.Refusal` (naming both states by their labels); one
service per transition. A page shows the buttons of a state from a transition table
(:mod:`tongxue.core.transition_table`) checked against the lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tongxue.domain.findings import Message, Refusal, gettext_noop


@dataclass(frozen=True)
class Lifecycle:
    """The states of one kind of object and the transitions between them."""

    name: str
    #: Each state, in order, with its label (an English message id, gettext_noop).
    labels: Mapping[str, str]
    transitions: Mapping[str, tuple[str, ...]]
    initial: str

    def __post_init__(self) -> None:
        unknown = {
            s
            for src, targets in self.transitions.items()
            for s in (src, *targets)
            if s not in self.labels
        }
        if unknown or self.initial not in self.labels:
            raise ValueError(f"{self.name}: unknown states {sorted(unknown)}")

    @property
    def states(self) -> tuple[str, ...]:
        """The states, in order."""
        return tuple(self.labels)

    def label(self, state: str) -> str:
        """Return the label of ``state`` (a message id), or ``state`` if unknown."""
        return self.labels.get(state, state)

    def sources(self, target: str) -> tuple[str, ...]:
        """Return the states that may move to ``target``, in order."""
        return tuple(s for s in self.labels if target in self.allowed(s))

    def allowed(self, current: str) -> tuple[str, ...]:
        """Return the states ``current`` may move to."""
        return self.transitions.get(current, ())

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed(current)

    def is_final(self, state: str) -> bool:
        return not self.allowed(state)

    def refusal(self, current: str, target: str) -> Refusal | None:
        """Return the refusal for moving from ``current`` to ``target``, or None.

        The message names both states by their labels (``*_label`` parameters are
        translated when the message is rendered): "无法从“计划中”转为“已闭幕”".
        """
        if self.can(current, target):
            return None
        return Refusal(
            "invalid-transition",
            Message(
                gettext_noop(
                    "This cannot move from “{current_label}” to “{target_label}”."
                ),
                {
                    "current_label": self.label(current),
                    "target_label": self.label(target),
                },
            ),
        )

    def require(self, current: str, target: str) -> None:
        """Raise :meth:`refusal` unless ``current`` may move to ``target``.

        For a service that checks the move before the work that precedes it (a vote's
        count, a period's opening); :func:`tongxue.core.lifecycle.transition` checks
        again under the row lock when it saves.
        """
        refusal = self.refusal(current, target)
        if refusal is not None:
            raise refusal


#: A congress (学生代表大会), an all-student assembly or a standing-conference meeting.
#: Seats are frozen when they are allocated; the delegate list is frozen (CON-5 checked)
#: when the congress moves to ``delegates_elected``.
CONGRESS = Lifecycle(
    name="congress",
    labels={
        "planned": gettext_noop("Planned"),
        "seats_allocated": gettext_noop("Seats allocated"),
        "delegates_elected": gettext_noop("Delegates elected"),
        "convened": gettext_noop("Convened"),
        "closed": gettext_noop("Closed"),
    },
    transitions={
        "planned": ("seats_allocated",),
        "seats_allocated": ("planned", "delegates_elected"),
        "delegates_elected": ("convened",),
        "convened": ("closed",),
    },
    initial="planned",
)

#: An election held by a congress or the standing conference (ELE-1 … ELE-5).
#: A further round (tie revote, supplementary election 另行选举) is a new election
#: linked to the round before it.
ELECTION = Lifecycle(
    name="election",
    labels={
        # the election method (选举办法) is being prepared
        "draft": gettext_noop("Draft"),
        # the method is adopted; candidates are nominated and assessed
        "nomination": gettext_noop("Nomination"),
        # the candidate list waits for the Party committee's approval (ELE-2)
        "vetting": gettext_noop("Awaiting approval"),
        # approved; the candidate list is announced (公示, ELE-4)
        "approved": gettext_noop("Candidates approved"),
        # the ballot is open
        "open": gettext_noop("Voting open"),
        # voting has ended; counting (paper: two entries reconciled)
        "closed": gettext_noop("Voting closed"),
        # the count is complete and explained
        "counted": gettext_noop("Counted"),
        # the presidium certified the result; its notice period runs
        "certified": gettext_noop("Certified, under public notice"),
        # the notice period is over and every objection is answered
        "effective": gettext_noop("Effective"),
        # the whole vote was void (returned > issued, no quorum)
        "void": gettext_noop("Void"),
        "cancelled": gettext_noop("Cancelled"),
    },
    transitions={
        "draft": ("nomination", "cancelled"),
        "nomination": ("vetting", "cancelled"),
        "vetting": ("nomination", "approved", "cancelled"),
        "approved": ("open", "nomination", "cancelled"),
        "open": ("closed",),
        "closed": ("counted", "void"),
        "counted": ("certified", "void"),
        "certified": ("effective",),
    },
    initial="draft",
)

#: The open selection of a cadre post (CAD-1, ELE-3, ELE-4).
SELECTION = Lifecycle(
    name="selection",
    labels={
        "advertised": gettext_noop("Advertised"),  # students apply
        # applications are assessed against the criteria (CAD-1)
        "assessing": gettext_noop("Assessing"),
        # the shortlist is announced (公示) with objections
        "shortlisted": gettext_noop("Shortlist announced"),
        # the appointee is announced (公示) with objections
        "decided": gettext_noop("Decision announced"),
        # the notice period is over; the position is filled
        "appointed": gettext_noop("Appointed"),
        "cancelled": gettext_noop("Cancelled"),
    },
    transitions={
        "advertised": ("assessing", "cancelled"),
        "assessing": ("shortlisted", "cancelled"),
        "shortlisted": ("decided", "assessing", "cancelled"),
        "decided": ("appointed", "shortlisted"),
    },
    initial="advertised",
)

#: A cadre's exit case (CAD-5): 劝退, 免职 or 罢免 by a defined procedure.
EXIT_CASE = Lifecycle(
    name="exit-case",
    labels={
        "opened": gettext_noop("Opened"),  # a ground is recorded
        # the cadre has been told and may make a statement
        "notified": gettext_noop("Cadre notified"),
        # the competent body decided (or the case was dismissed)
        "decided": gettext_noop("Decided"),
        # the decision is public; the appeal window runs
        "published": gettext_noop("Published"),
        "appealed": gettext_noop("Appealed"),
        "closed": gettext_noop("Case closed"),
        "dismissed": gettext_noop("Dismissed"),  # no measure taken
    },
    transitions={
        "opened": ("notified", "dismissed"),
        "notified": ("decided", "dismissed"),
        "decided": ("published",),
        "published": ("appealed", "closed"),
        "appealed": ("closed", "dismissed"),
    },
    initial="opened",
)

#: An evaluation period (a semester, CAD-3, CAD-4): planned, open for ratings, closed
#: and published.
EVALUATION_PERIOD = Lifecycle(
    name="evaluation-period",
    labels={
        "planned": gettext_noop("Planned"),
        "open": gettext_noop("Open for ratings"),
        "closed": gettext_noop("Closed and published"),
    },
    transitions={"planned": ("open",), "open": ("closed",)},
    initial="planned",
)

#: A background job (#14, :mod:`tongxue.jobs`): queued until a worker takes it; done
#: in the same transaction as its work, or failed with a message for the person who
#: started it. A running job whose worker died (or was stopped) goes back to the queue
#: until its attempts are spent.
JOB = Lifecycle(
    name="job",
    labels={
        "queued": gettext_noop("Queued"),
        "running": gettext_noop("Running"),
        "done": gettext_noop("Done"),
        "failed": gettext_noop("Could not finish"),
    },
    transitions={
        # failed from the queue: its attempts were spent before it could start again
        "queued": ("running", "failed"),
        "running": ("done", "failed", "queued"),
    },
    initial="queued",
)

#: A student's concern (诉求, RGT-1 · GS-10, GS-4, CQ-5), 接诉即办 style: received
#: (待受理) until a handler acknowledges it; in hand (办理中) until answered; the student
#: rates the answer (回访): satisfied or basically satisfied closes it, unsatisfied reopens
#: it once (重办) and after the second answer any rating closes it; no rating in time
#: closes it unrated. A duplicate is merged into another (its supporters carry over);
#: the student may withdraw a concern not yet answered. A hand-over (转办) or an
#: escalation (督办) changes the handler, not the state.
CONCERN = Lifecycle(
    name="concern",
    labels={
        "received": gettext_noop("Received"),
        "in_hand": gettext_noop("In hand"),
        "answered": gettext_noop("Answered"),
        "reopened": gettext_noop("Reopened"),
        "closed": gettext_noop("Concluded"),
        "merged": gettext_noop("Merged"),
        "withdrawn": gettext_noop("Withdrawn by the student"),
    },
    transitions={
        "received": ("in_hand", "answered", "merged", "withdrawn"),
        "in_hand": ("answered", "merged", "withdrawn"),
        "answered": ("closed", "reopened"),
        "reopened": ("answered", "merged"),
    },
    initial="received",
)

#: A union's report on students' concerns to the school (形成报告提交学校党政部门, RGT-1 ·
#: GS-10, CQ-5): a draft, generated (again) by a job, until the union records that it
#: submitted it; then fixed, and its items are followed until each is concluded.
SCHOOL_REPORT = Lifecycle(
    name="school-report",
    labels={
        "draft": gettext_noop("Draft"),
        "submitted": gettext_noop("Submitted to the school"),
    },
    transitions={"draft": ("submitted",)},
    initial="draft",
)

#: A face-to-face meeting (RGT-3 · GS-10, GS-4, CQ-5: 校领导接待日, 职能部门交流会, a
#: federation's meeting with deputies): planned, students sign up; held once its minutes
#: are recorded (after it started), or cancelled while planned. Only a held meeting
#: counts for the audit.
FACE_MEETING = Lifecycle(
    name="face-meeting",
    labels={
        "planned": gettext_noop("Planned"),
        "held": gettext_noop("Meeting held"),
        "cancelled": gettext_noop("Cancelled"),
    },
    transitions={"planned": ("held", "cancelled")},
    initial="planned",
)

#: A survey of students (TRN-2, #18): drafted, open for answers, closed (results
#: computed; published with the close or later, ``Survey.published_at``).
SURVEY = Lifecycle(
    name="survey",
    labels={
        "draft": gettext_noop("Draft"),
        "open": gettext_noop("Open for answers"),
        "closed": gettext_noop("Closed"),
    },
    transitions={"draft": ("open",), "open": ("closed",)},
    initial="draft",
)

#: A union's project (ORG-11 · GS-9, CQ-4, #18): planned, running (its events and
#: check-ins), concluded with its outcome report published, or cancelled before it
#: concluded. Only a project that ran counts for the audit.
PROJECT = Lifecycle(
    name="project",
    labels={
        "planned": gettext_noop("Planned"),
        "running": gettext_noop("Running"),
        "concluded": gettext_noop("Concluded"),
        "cancelled": gettext_noop("Cancelled"),
    },
    transitions={
        "planned": ("running", "cancelled"),
        "running": ("concluded", "cancelled"),
    },
    initial="planned",
)

LIFECYCLES: dict[str, Lifecycle] = {
    lc.name: lc
    for lc in (
        CONGRESS,
        ELECTION,
        SELECTION,
        EXIT_CASE,
        EVALUATION_PERIOD,
        JOB,
        CONCERN,
        SCHOOL_REPORT,
        FACE_MEETING,
        SURVEY,
        PROJECT,
    )
}
