"""Allowed state transitions of congresses, elections, cadre selections and exit cases.

Each lifecycle is data: its states in order and, for each state, the states it may move
to. Services ask :meth:`Lifecycle.refusal` before they move an object and refuse with
the returned :class:`~tongxue.domain.findings.Refusal`; one service per transition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tongxue.domain.findings import Message, Refusal, gettext_noop


@dataclass(frozen=True)
class Lifecycle:
    """The states of one kind of object and the transitions between them."""

    name: str
    states: tuple[str, ...]
    transitions: Mapping[str, tuple[str, ...]]
    initial: str

    def __post_init__(self) -> None:
        unknown = {
            s
            for src, targets in self.transitions.items()
            for s in (src, *targets)
            if s not in self.states
        }
        if unknown or self.initial not in self.states:
            raise ValueError(f"{self.name}: unknown states {sorted(unknown)}")

    def allowed(self, current: str) -> tuple[str, ...]:
        """Return the states ``current`` may move to."""
        return self.transitions.get(current, ())

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed(current)

    def is_final(self, state: str) -> bool:
        return not self.allowed(state)

    def refusal(self, current: str, target: str) -> Refusal | None:
        """Return the refusal for moving from ``current`` to ``target``, or None."""
        if self.can(current, target):
            return None
        return Refusal(
            "invalid-transition",
            Message(
                gettext_noop(
                    "This cannot move from “{current_label}” to “{target_label}”."
                ),
                {
                    "current_label": current,
                    "target_label": target,
                },
            ),
        )


#: A congress (学生代表大会), an all-student assembly or a standing-conference meeting.
#: Seats are frozen when they are allocated; the delegate list is frozen (CON-5 checked)
#: when the congress moves to ``delegates_elected``.
CONGRESS = Lifecycle(
    name="congress",
    states=("planned", "seats_allocated", "delegates_elected", "convened", "closed"),
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
    states=(
        "draft",  # the election method (选举办法) is being prepared
        "nomination",  # the method is adopted; candidates are nominated and assessed
        "vetting",  # the candidate list waits for the Party committee's approval (ELE-2)
        "approved",  # approved; the candidate list is announced (公示, ELE-4)
        "open",  # the ballot is open
        "closed",  # voting has ended; counting (paper: two entries reconciled)
        "counted",  # the count is complete and explained
        "certified",  # the presidium certified the result; its notice period runs
        "effective",  # the notice period is over and every objection is answered
        "void",  # the whole vote was void (returned > issued, no quorum)
        "cancelled",
    ),
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
    states=(
        "advertised",  # students apply
        "assessing",  # applications are assessed against the criteria (CAD-1)
        "shortlisted",  # the shortlist is announced (公示) with objections
        "decided",  # the appointee is announced (公示) with objections
        "appointed",  # the notice period is over; the position is filled
        "cancelled",
    ),
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
    states=(
        "opened",  # a ground is recorded
        "notified",  # the cadre has been told and may make a statement
        "decided",  # the competent body decided (or the case was dismissed)
        "published",  # the decision is public; the appeal window runs
        "appealed",
        "closed",
        "dismissed",  # no measure taken
    ),
    transitions={
        "opened": ("notified", "dismissed"),
        "notified": ("decided", "dismissed"),
        "decided": ("published",),
        "published": ("appealed", "closed"),
        "appealed": ("closed", "dismissed"),
    },
    initial="opened",
)

LIFECYCLES: dict[str, Lifecycle] = {
    lc.name: lc for lc in (CONGRESS, ELECTION, SELECTION, EXIT_CASE)
}
