"""Which body elects which post (ELE-1, ELE-3 · GS-8, CQ-3).

* ELE-1: the union committee and presidium (vice-presidents, core members, members)
  are elected by the congress; the president by the congress or the standing
  conference (常任代表会议).
* ELE-3: a department union's presidium and president are elected by the department
  congress (or, for a department small enough, the all-student assembly that stands in
  for it, CON-2); other cadres (heads of department, the secretary-general) are not
  elected but selected openly.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core.errors import Refusal
from tongxue.domain.findings import Message
from tongxue.organisations.models import Organisation, OrgKind, Role

#: The posts a congress elects, and the bodies that may elect each (ELE-1).
ELECTED_POSTS: dict[str, tuple[str, ...]] = {
    Role.PRESIDENT: (MeetingKind.CONGRESS, MeetingKind.STANDING_CONFERENCE),
    Role.VICE_PRESIDENT: (MeetingKind.CONGRESS,),
    Role.CORE_MEMBER: (MeetingKind.CONGRESS,),
    Role.MEMBER: (MeetingKind.CONGRESS,),
}
#: For a department union, the posts elected and the bodies that may elect them (ELE-3).
DEPARTMENT_POSTS: dict[str, tuple[str, ...]] = {
    Role.PRESIDENT: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
    Role.VICE_PRESIDENT: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
    Role.CORE_MEMBER: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
}
CLAUSES = ("GS-8", "CQ-3")
#: English labels (message ids) of the posts and meeting kinds, for refusals.
POST_LABELS = {
    Role.PRESIDENT: gettext_noop("President"),
    Role.VICE_PRESIDENT: gettext_noop("Vice-president"),
    Role.SECRETARY_GENERAL: gettext_noop("Secretary-general"),
    Role.DEPARTMENT_HEAD: gettext_noop("Head of department"),
    Role.DEPARTMENT_DEPUTY: gettext_noop("Deputy head of department"),
    Role.CORE_MEMBER: gettext_noop("Core member"),
    Role.MEMBER: gettext_noop("Member"),
    Role.CLUB_LEADER: gettext_noop("Club leader"),
}
KIND_LABELS = {
    MeetingKind.CONGRESS: gettext_noop("Student congress"),
    MeetingKind.ASSEMBLY: gettext_noop("All-student assembly"),
    MeetingKind.STANDING_CONFERENCE: gettext_noop("Standing delegate conference"),
}
BODIES_LABELS = {
    (MeetingKind.CONGRESS,): gettext_noop("the congress"),
    (MeetingKind.CONGRESS, MeetingKind.STANDING_CONFERENCE): gettext_noop(
        "the congress or the standing conference"
    ),
    (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY): gettext_noop(
        "the department congress or the all-student assembly"
    ),
}


def body_refusal(
    organisation: Organisation, meeting: Meeting, post: str
) -> Refusal | None:
    """Return why ``meeting`` may not elect ``post`` at ``organisation``, or None."""
    department = organisation.kind == OrgKind.DEPARTMENT_UNION
    requirement = "ELE-3" if department else "ELE-1"
    table = DEPARTMENT_POSTS if department else ELECTED_POSTS
    bodies = table.get(post)
    if bodies is None:
        return Refusal(
            f"{requirement}.not-elected",
            Message(
                gettext_noop(
                    "The post “{post_label}” is not elected by a congress: it is "
                    "filled by open selection."
                ),
                {"post_label": _label(post)},
            ),
            requirement="ELE-3",
            clauses=CLAUSES,
            field="post",
        )
    if meeting.kind not in bodies:
        return Refusal(
            f"{requirement}.wrong-body",
            Message(
                gettext_noop(
                    "A meeting of kind “{kind_label}” cannot elect the post "
                    "“{post_label}”; it is elected by: {bodies_label}."
                ),
                {
                    "kind_label": KIND_LABELS.get(meeting.kind, meeting.kind),
                    "post_label": _label(post),
                    "bodies_label": BODIES_LABELS[bodies],
                },
            ),
            requirement=requirement,
            clauses=CLAUSES,
            field="meeting",
        )
    return None


def _label(post: str) -> str:
    """Return the English label of a post (a message id the page translates)."""
    return POST_LABELS.get(post, post)
