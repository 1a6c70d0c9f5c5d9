"""The business of a congress and of the standing conference, as pure rules.

A congress (学生代表大会) reviews the union's work report, elects the new leadership,
adopts or amends the charter and collects students' opinions on the school (CON-7 ·
GS-8, CQ-3). Between congresses the standing conference (常任代表会议, 常代会) of the
standing delegates (常任代表) supervises and evaluates the union, checks the charter's
implementation, hears and reviews work reports and elects or decides changes to the
leadership, but it takes over no daily executive work such as rights cases (CON-10 ·
GS-8, CQ-3). Standing delegates are recommended by the department unions from among the
delegates of the union's congress (CON-8 · GS-8, CQ-3).

Each rule lives here once: the services call these functions as guards before they
write, the audit (``tongxue.domain.rules.business``) reads the same kinds.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction

from tongxue.domain.counting import passes
from tongxue.domain.findings import Message, Refusal, gettext_noop

#: The clauses every business refusal cites (both plans say it in the same measure).
CLAUSES = ("GS-8", "CQ-3")


class AgendaKind(enum.StrEnum):
    """What an item on a meeting's agenda (议程) is."""

    WORK_REPORT = "work_report"  # 审议工作报告 (CON-7, CON-13)
    LEADERSHIP = "leadership"  # 选举产生新一届领导机构 / 决定人事变动 (CON-7, CON-10)
    CHARTER_ADOPTION = "charter_adoption"  # 通过章程 (CON-7)
    CHARTER_AMENDMENT = "charter_amendment"  # 修改章程 (CON-7)
    OPINIONS = "opinions"  # 征集学生对学校的意见建议 (CON-7)
    SUPERVISION = "supervision"  # 监督、评议学生会工作 (CON-10)
    CHARTER_IMPLEMENTATION = "charter_implementation"  # 检查章程执行情况 (CON-10)
    RIGHTS_CASE = "rights_case"  # 处理权益个案: executive work (CON-10)
    EVENT = "event"  # 组织开展活动: executive work (CON-10)
    DAILY_WORK = "daily_work"  # 日常工作: executive work (CON-10)
    OTHER = "other"


#: Message ids of the kinds (the same as the Django choices' labels).
AGENDA_KIND_LABELS: Mapping[AgendaKind, str] = {
    AgendaKind.WORK_REPORT: gettext_noop("Review of the work report"),
    AgendaKind.LEADERSHIP: gettext_noop("Election of the leadership"),
    AgendaKind.CHARTER_ADOPTION: gettext_noop("Adoption of the charter"),
    AgendaKind.CHARTER_AMENDMENT: gettext_noop("Amendment of the charter"),
    AgendaKind.OPINIONS: gettext_noop("Students' opinions on the school"),
    AgendaKind.SUPERVISION: gettext_noop("Supervision and evaluation of the union"),
    AgendaKind.CHARTER_IMPLEMENTATION: gettext_noop(
        "Check of the charter's implementation"
    ),
    AgendaKind.RIGHTS_CASE: gettext_noop("A rights case"),
    AgendaKind.EVENT: gettext_noop("Running an event"),
    AgendaKind.DAILY_WORK: gettext_noop("Daily work of the union"),
    AgendaKind.OTHER: gettext_noop("Other business"),
}

#: Daily executive work, which the standing conference may not take over (CON-10).
EXECUTIVE_KINDS = frozenset(
    {AgendaKind.RIGHTS_CASE, AgendaKind.EVENT, AgendaKind.DAILY_WORK}
)

#: What the standing conference may have on its agenda (CON-10 · GS-8, CQ-3).
STANDING_CONFERENCE_KINDS = frozenset(
    {
        AgendaKind.SUPERVISION,
        AgendaKind.CHARTER_IMPLEMENTATION,
        AgendaKind.WORK_REPORT,
        AgendaKind.LEADERSHIP,
        AgendaKind.OTHER,
    }
)

#: The kinds of meeting (values of ``tongxue.domain.model.MeetingKind``).
CONGRESS = "congress"
ASSEMBLY = "assembly"
STANDING_CONFERENCE = "standing_conference"

#: Meetings that may adopt or amend a charter: the congress (or the all-student
#: assembly that replaces a small department's congress, CON-2).
CHARTER_MEETINGS = frozenset({CONGRESS, ASSEMBLY})


def _refusal(
    code: str, text: str, *, field: str | None = None, **params: object
) -> Refusal:
    return Refusal(
        code,
        Message(text, params),
        requirement=code.split(".", 1)[0],
        clauses=CLAUSES,
        field=field,
    )


def agenda_refusal(meeting_kind: str, kind: str) -> Refusal | None:
    """Return why ``kind`` may not be on the agenda of a ``meeting_kind``, or None.

    CON-10 · GS-8, CQ-3: a standing-conference meeting supervises and evaluates, checks
    the charter's implementation, hears and reviews work reports and decides leadership
    changes (and other business). Executive work (a rights case, running an event,
    daily work) is refused as ``CON-10.executive-item``; adopting or amending the charter
    or collecting opinions is the congress's business (``CON-10.congress-business``).
    """
    try:
        item = AgendaKind(kind)
    except ValueError:
        return Refusal(
            "invalid",
            Message(gettext_noop("“{value}” is not a valid choice."), {"value": kind}),
            field="kind",
        )
    if meeting_kind != STANDING_CONFERENCE or item in STANDING_CONFERENCE_KINDS:
        return None
    if item in EXECUTIVE_KINDS:
        return _refusal(
            "CON-10.executive-item",
            gettext_noop(
                "The standing conference supervises and reviews the union's work; it "
                "does not take over executive work such as “{kind_label}”."
            ),
            field="kind",
            kind_label=AGENDA_KIND_LABELS[item],
        )
    return _refusal(
        "CON-10.congress-business",
        gettext_noop(
            "“{kind_label}” is the business of the congress, not of the standing "
            "conference."
        ),
        field="kind",
        kind_label=AGENDA_KIND_LABELS[item],
    )


def standing_delegate_refusal(
    *,
    person: str,
    department: str,
    person_department: str | None,
    congress: str | None,
    congress_delegates: Collection[str],
    person_name: str = "",
) -> Refusal | None:
    """Return why ``department`` may not recommend ``person`` as a standing delegate.

    CON-8 · GS-8, CQ-3: standing delegates are recommended by the department unions from
    among the delegates of the union's latest congress, each department its own
    delegates. ``congress`` is the code of that congress (None: the union has none).
    """
    name = person_name or person
    if congress is None:
        return _refusal(
            "CON-8.no-congress",
            gettext_noop(
                "The union has held no congress: standing delegates are chosen from "
                "among its delegates."
            ),
        )
    if person not in congress_delegates:
        return _refusal(
            "CON-8.not-a-delegate",
            gettext_noop(
                "{person_name} is not a delegate of congress {congress}: standing "
                "delegates are recommended from among the congress delegates."
            ),
            field="person",
            person_name=name,
            congress=congress,
        )
    if person_department != department:
        return _refusal(
            "CON-8.other-department",
            gettext_noop(
                "{person_name} is not a delegate of this department: a department "
                "recommends its own delegates."
            ),
            field="person",
            person_name=name,
        )
    return None


# --------------------------------------------------------------------------- votes


class VoteMethod(enum.StrEnum):
    """How a motion's yes votes are measured (the meeting's own rules of procedure)."""

    VOTES_CAST = "votes_cast"  # more than half of the votes cast (yes + no + abstain)
    DELEGATES_MAJORITY = "delegates_majority"  # more than half of the delegates
    DELEGATES_TWO_THIRDS = "delegates_two_thirds"  # at least two thirds of delegates


VOTE_METHOD_LABELS: Mapping[VoteMethod, str] = {
    VoteMethod.VOTES_CAST: gettext_noop("More than half of the votes cast"),
    VoteMethod.DELEGATES_MAJORITY: gettext_noop("More than half of all delegates"),
    VoteMethod.DELEGATES_TWO_THIRDS: gettext_noop(
        "At least two thirds of all delegates"
    ),
}


@dataclass(frozen=True, slots=True)
class Threshold:
    fraction: Fraction
    strict: bool
    of_delegates: bool  # the base is the delegates entitled, not the votes cast


THRESHOLDS: Mapping[VoteMethod, Threshold] = {
    VoteMethod.VOTES_CAST: Threshold(Fraction(1, 2), True, False),
    VoteMethod.DELEGATES_MAJORITY: Threshold(Fraction(1, 2), True, True),
    VoteMethod.DELEGATES_TWO_THIRDS: Threshold(Fraction(2, 3), False, True),
}


@dataclass(frozen=True, slots=True)
class VoteResult:
    yes: int
    no: int
    abstain: int
    method: VoteMethod
    base: int  # what the threshold is a fraction of
    passed: bool

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


def vote_result(
    *, yes: int, no: int, abstain: int, method: str, delegates: int
) -> VoteResult:
    """Return the result of a recorded vote, or raise a :class:`Refusal`.

    ``delegates`` is the number of delegates entitled to vote (the meeting's delegates;
    the standing delegates at a standing conference). Counts are refused when negative,
    or when more votes are cast than there are delegates (for a method measured
    against the delegates, which then must be known).
    """
    try:
        how = VoteMethod(method)
    except ValueError:
        raise Refusal(
            "invalid",
            Message(
                gettext_noop("“{value}” is not a valid choice."), {"value": method}
            ),
            field="method",
        ) from None
    if min(yes, no, abstain) < 0:
        raise Refusal(
            "invalid",
            Message(gettext_noop("Vote counts cannot be negative."), {}),
            field="yes",
        )
    threshold = THRESHOLDS[how]
    cast = yes + no + abstain
    if threshold.of_delegates:
        if delegates <= 0:
            raise Refusal(
                "no-delegates",
                Message(
                    gettext_noop(
                        "No delegates are recorded for this meeting, so a share of "
                        "the delegates cannot be computed: choose the votes cast."
                    ),
                    {},
                ),
                field="method",
            )
        if cast > delegates:
            raise Refusal(
                "too-many-votes",
                Message(
                    gettext_noop(
                        "{cast} votes were cast but the meeting has {delegates} "
                        "delegates."
                    ),
                    {"cast": cast, "delegates": delegates},
                ),
                field="yes",
            )
        base = delegates
    else:
        if cast == 0:
            raise Refusal(
                "invalid",
                Message(gettext_noop("No votes were cast."), {}),
                field="yes",
            )
        base = cast
    ok = passes(yes, threshold=threshold.fraction, strict=threshold.strict, base=base)
    return VoteResult(yes, no, abstain, how, base, ok)


# --------------------------------------------------------------------------- charter


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a charter diff: ``op`` is "=", "-" (removed) or "+" (added)."""

    op: str
    old_number: int | None
    new_number: int | None
    text: str


def charter_diff(old: str, new: str) -> tuple[DiffLine, ...]:
    """Return the line-by-line difference between two charter texts (difflib)."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(
                DiffLine("=", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)
            )
            continue
        out.extend(DiffLine("-", i + 1, None, a[i]) for i in range(i1, i2))
        out.extend(DiffLine("+", None, j + 1, b[j]) for j in range(j1, j2))
    return tuple(out)


def diff_stats(lines: tuple[DiffLine, ...]) -> tuple[int, int]:
    """Return (lines added, lines removed)."""
    return (
        sum(1 for d in lines if d.op == "+"),
        sum(1 for d in lines if d.op == "-"),
    )
