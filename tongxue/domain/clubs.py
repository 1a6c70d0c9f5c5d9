"""Student clubs and their activities as pure Python (ORG-14 · GS-6, GS-14, CQ-1, CQ-9).

"各级学生会组织要配合团组织加强对学生社团的引导、管理和服务" (GS-6, CQ-1);
"协助团组织加强对学生社团的管理，把好学生社团活动的政治关……规范日常活动，促进有序发展"
(GS-14, CQ-9). The union keeps the register of its clubs with the League committee; a
club registers each activity with the union and the League advisor reviews it before it
is held (把好政治关: the outside speakers and sponsors are part of what is reviewed).

The activity's lifecycle (:data:`ACTIVITY`)::

    draft ─► submitted ─► approved ─► held
      │          │  │         └─────► cancelled
      │          │  └─► rejected (final, with reasons)
      │          └────► returned (with reasons) ─► submitted (resubmitted) | cancelled
      └─► cancelled

Who decides (Tongxue's reading of 配合团组织 / 协助团组织: the simplest one): the union's
administrators register and submit the activity, their submission being the union's
check and recommendation; the League advisor of the union or of its school decides —
approves, returns with reasons (the club corrects and resubmits) or rejects with reasons
(final). Every decision records who took it, when, under which role and the reasons.
"""

from __future__ import annotations

import enum

from tongxue.domain.findings import Message, Refusal, gettext_noop
from tongxue.domain.lifecycle import Lifecycle

#: The longest reasons or record text a decision carries.
MAX_REASONS = 2000


class ClubStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DISSOLVED = "dissolved"


class ClubCategory(enum.StrEnum):
    """The six kinds of the 高校学生社团管理规定 (2020)."""

    POLITICAL = "political"  # 思想政治类
    ACADEMIC = "academic"  # 学术科技类
    ENTREPRENEURSHIP = "entrepreneurship"  # 创新创业类
    CULTURE_SPORTS = "culture_sports"  # 文化体育类
    VOLUNTEERING = "volunteering"  # 志愿公益类
    MUTUAL_AID = "mutual_aid"  # 自律互助类


class ActivityStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    HELD = "held"
    CANCELLED = "cancelled"


S = ActivityStatus

#: A club activity registered with the union and reviewed under the League's guidance.
ACTIVITY = Lifecycle(
    name="club activity",
    labels={
        S.DRAFT: gettext_noop("Draft"),
        S.SUBMITTED: gettext_noop("Awaiting review"),
        S.RETURNED: gettext_noop("Returned for changes"),
        S.APPROVED: gettext_noop("Approved"),
        S.REJECTED: gettext_noop("Rejected"),
        S.HELD: gettext_noop("Took place"),
        S.CANCELLED: gettext_noop("Cancelled"),
    },
    transitions={
        S.DRAFT: (S.SUBMITTED, S.CANCELLED),
        S.SUBMITTED: (S.APPROVED, S.RETURNED, S.REJECTED),
        S.RETURNED: (S.SUBMITTED, S.CANCELLED),
        S.APPROVED: (S.HELD, S.CANCELLED),
    },
    initial=S.DRAFT,
)

#: The states in which the union may still change the activity's details.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
#: The decisions of a review and the state each leads to.
DECISIONS = (S.APPROVED, S.RETURNED, S.REJECTED)
#: The states the public sees (an approved activity to come, a held one).
PUBLIC = frozenset({S.APPROVED, S.HELD})
#: The states that count as a registered activity of a club in a term (ORG-14): it was
#: reviewed and approved, and held or still to be held.
COUNTED = frozenset({S.APPROVED, S.HELD})


def decision_refusal(decision: str, reasons: str) -> Refusal | None:
    """Refuse a decision that is not one, or a return or rejection without reasons
    (ORG-14: a decision with reasons)."""
    if decision not in DECISIONS:
        return Refusal(
            "invalid", Message(gettext_noop("Choose a decision.")), field="decision"
        )
    text = reasons.strip()
    if decision != S.APPROVED and not text:
        return Refusal(
            "required",
            Message(
                gettext_noop(
                    "Give the reasons: the club reads them to correct or understand the decision."
                )
            ),
            field="reasons",
        )
    if len(text) > MAX_REASONS:
        return Refusal(
            "too-long",
            Message(
                gettext_noop("This text is at most {limit} characters."),
                {"limit": MAX_REASONS},
            ),
            field="reasons",
        )
    return None


def may_submit(club_status: str) -> bool:
    """Only an active club registers activities (a suspended or dissolved one not)."""
    return club_status == ClubStatus.ACTIVE
