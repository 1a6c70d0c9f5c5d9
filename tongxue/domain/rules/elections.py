"""Which body elects which post: ELE-1, ELE-3 · GS-8, CQ-3.

* ELE-1: the union committee and presidium (vice-presidents, core members, members)
  are elected by the congress; the president by the congress or the standing
  conference (常任代表会议).
* ELE-3: a department union's presidium and president are elected by the department
  congress (or, for a department small enough, the all-student assembly that stands in
  for it, CON-2); other cadres (heads of department, the secretary-general) are not
  elected but selected openly.

The tables and :func:`body_refusal` are the one place where this is decided. The
elections service refuses to create an election the decision refuses
(``tongxue.elections.bodies``); the audit rules below report every recorded election
(``Registry.elections``) held by the wrong body, or of a post that is not elected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding, Message, Refusal, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import Election, MeetingKind, OrgKind, Registry, Role

#: The posts a congress elects, and the bodies that may elect each (ELE-1).
ELECTED_POSTS: Mapping[str, tuple[MeetingKind, ...]] = {
    Role.PRESIDENT: (MeetingKind.CONGRESS, MeetingKind.STANDING_CONFERENCE),
    Role.VICE_PRESIDENT: (MeetingKind.CONGRESS,),
    Role.CORE_MEMBER: (MeetingKind.CONGRESS,),
    Role.MEMBER: (MeetingKind.CONGRESS,),
}
#: For a department union, the posts elected and the bodies that may elect them (ELE-3).
DEPARTMENT_POSTS: Mapping[str, tuple[MeetingKind, ...]] = {
    Role.PRESIDENT: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
    Role.VICE_PRESIDENT: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
    Role.CORE_MEMBER: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
}
CLAUSES = ("GS-8", "CQ-3")
#: English labels (message ids) of the posts and meeting kinds, for messages.
POST_LABELS: Mapping[str, str] = {
    Role.PRESIDENT: _("President"),
    Role.VICE_PRESIDENT: _("Vice-president"),
    Role.SECRETARY_GENERAL: _("Secretary-general"),
    Role.DEPARTMENT_HEAD: _("Head of department"),
    Role.DEPARTMENT_DEPUTY: _("Deputy head of department"),
    Role.CORE_MEMBER: _("Core member"),
    Role.MEMBER: _("Member"),
    Role.CLUB_LEADER: _("Club leader"),
}
KIND_LABELS: Mapping[str, str] = {
    MeetingKind.CONGRESS: _("Student congress"),
    MeetingKind.ASSEMBLY: _("All-student assembly"),
    MeetingKind.STANDING_CONFERENCE: _("Standing delegate conference"),
}
BODIES_LABELS: Mapping[tuple[MeetingKind, ...], str] = {
    (MeetingKind.CONGRESS,): _("the congress"),
    (MeetingKind.CONGRESS, MeetingKind.STANDING_CONFERENCE): _(
        "the congress or the standing conference"
    ),
    (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY): _(
        "the department congress or the all-student assembly"
    ),
}
#: Election states in which an election fills no post: not audited.
NOT_FILLING = frozenset({"cancelled", "void"})


def post_label(post: str) -> str:
    """Return the English label of a post (a message id the page translates)."""
    return POST_LABELS.get(post, post)


def requirement_for(org_kind: str) -> str:
    """Return the requirement governing elections at an organisation of this kind."""
    return "ELE-3" if org_kind == OrgKind.DEPARTMENT_UNION else "ELE-1"


def electing_bodies(org_kind: str, post: str) -> tuple[MeetingKind, ...] | None:
    """Return the kinds of meeting that may elect ``post`` at an ``org_kind``.

    None when the post is not elected there at all (it is filled by open selection).
    """
    table = DEPARTMENT_POSTS if org_kind == OrgKind.DEPARTMENT_UNION else ELECTED_POSTS
    return table.get(post)


def body_refusal(org_kind: str, meeting_kind: str, post: str) -> Refusal | None:
    """Return why a meeting of ``meeting_kind`` may not elect ``post`` at an
    organisation of ``org_kind``, or None when it may (ELE-1, ELE-3 · GS-8, CQ-3).

    The refusal's code is ``ELE-1.wrong-body`` / ``ELE-3.wrong-body`` (field
    ``meeting``) or ``ELE-1.not-elected`` / ``ELE-3.not-elected`` (field ``post``,
    requirement ELE-3: a post filled by open selection).
    """
    requirement = requirement_for(org_kind)
    bodies = electing_bodies(org_kind, post)
    if bodies is None:
        return Refusal(
            f"{requirement}.not-elected",
            Message(
                _(
                    "The post “{post_label}” is not elected by a congress: it is "
                    "filled by open selection."
                ),
                {"post_label": post_label(post)},
            ),
            requirement="ELE-3",
            clauses=CLAUSES,
            field="post",
        )
    if meeting_kind not in bodies:
        return Refusal(
            f"{requirement}.wrong-body",
            Message(
                _(
                    "A meeting of kind “{kind_label}” cannot elect the post "
                    "“{post_label}”; it is elected by: {bodies_label}."
                ),
                {
                    "kind_label": KIND_LABELS.get(meeting_kind, meeting_kind),
                    "post_label": post_label(post),
                    "bodies_label": BODIES_LABELS[bodies],
                },
            ),
            requirement=requirement,
            clauses=CLAUSES,
            field="meeting",
        )
    return None


# ------------------------------------------------------------------------- the audit

_MSG_WRONG_BODY = _(
    "{org}: the election {election} is held by the meeting {meeting}, of kind "
    "“{kind_label}”, which cannot elect the post “{post_label}”; it is elected by: "
    "{bodies_label}."
)
_MSG_NOT_ELECTED = _(
    "{org}: the election {election} fills the post “{post_label}”, which is not "
    "elected by a congress: it is filled by open selection."
)
_MSG_OTHER_ORG = _(
    "{org}: the election {election} is held by the meeting {meeting} of another "
    "organisation ({meeting_org}); the post “{post_label}” is elected by: "
    "{bodies_label}."
)
_MSG_UNKNOWN_MEETING = _(
    "{org}: the election {election} records no electing meeting known to the data, "
    "so whether the right body elects the post “{post_label}” cannot be checked."
)


def election_findings(
    ctx: AuditContext, election: Election, requirement: str
) -> Iterator[Finding]:
    """Yield what is wrong with the body electing ``election`` (at most one finding)."""
    reg = ctx.registry
    org = reg.org[election.organisation]
    meeting = reg.meeting_by_code.get(election.meeting or "")
    evidence = {
        "election": election.code,
        "meeting": election.meeting,
        "post": election.post,
    }
    labels: dict[str, str] = {"post_label": post_label(election.post)}
    bodies = electing_bodies(org.kind, election.post)
    if meeting is not None and meeting.organisation == election.organisation:
        refusal = body_refusal(org.kind, meeting.kind, election.post)
        if refusal is None:
            return
        evidence["kind"] = meeting.kind.value
        labels.update(refusal.message.params)
        wrong = refusal.code.endswith(".wrong-body")
        yield _finding(
            ctx,
            election,
            code=refusal.code,
            requirement=refusal.requirement,
            text=_MSG_WRONG_BODY if wrong else _MSG_NOT_ELECTED,
            evidence=evidence,
            labels=labels,
        )
        return
    if bodies is None:
        yield _finding(
            ctx,
            election,
            code=f"{requirement}.not-elected",
            requirement="ELE-3",
            text=_MSG_NOT_ELECTED,
            evidence=evidence,
            labels=labels,
        )
        return
    if meeting is None:
        yield _finding(
            ctx,
            election,
            code=f"{requirement}.meeting-unknown",
            requirement=requirement,
            text=_MSG_UNKNOWN_MEETING,
            evidence=evidence,
            labels=labels,
            severity=Severity.INCOMPLETE,
        )
        return
    other = reg.org.get(meeting.organisation)
    evidence["meeting_org"] = meeting.organisation
    labels["bodies_label"] = BODIES_LABELS[bodies]
    labels["meeting_org"] = other.name if other is not None else meeting.organisation
    yield _finding(
        ctx,
        election,
        code=f"{requirement}.wrong-body",
        requirement=requirement,
        text=_MSG_OTHER_ORG,
        evidence=evidence,
        labels=labels,
    )


def _finding(
    ctx: AuditContext,
    election: Election,
    *,
    code: str,
    requirement: str,
    text: str,
    evidence: dict[str, str | None],
    labels: Mapping[str, object],
    severity: Severity | None = None,
) -> Finding:
    found = ctx.finding(
        rule=code,
        org=election.organisation,
        params=(),
        message=text,
        evidence=evidence,
        severity=severity,
    )
    # A post filled by open selection is an ELE-3 matter wherever it is elected (the
    # requirement of the refusal the elections service gives); the message carries the
    # labels as parameters, the evidence keeps the codes.
    return replace(
        found,
        requirement=requirement,
        message=Message(text, {**found.message.params, **labels}),
    )


def _elections(reg: Registry, department: bool) -> Iterator[Election]:
    for election in sorted(reg.elections, key=lambda e: (e.organisation, e.code)):
        org = reg.org.get(election.organisation)
        if org is None or election.status in NOT_FILLING:
            continue
        if (org.kind == OrgKind.DEPARTMENT_UNION) == department:
            yield election


@rule("ELE-1")
def union_elections(ctx: AuditContext) -> Iterator[Finding]:
    """ELE-1 · GS-8, CQ-3: each election is held by a body that may elect its post.

    At a school-level union the congress elects the committee and presidium, the
    president by the congress or the standing conference. Reports ``ELE-1.wrong-body``
    (the meeting's kind, or a meeting of another organisation), ``ELE-1.not-elected``
    (a post filled by open selection; requirement ELE-3) and, incomplete,
    ``ELE-1.meeting-unknown`` (no electing meeting in the data). Cancelled and void
    elections filled no post and are not audited.
    """
    for election in _elections(ctx.registry, department=False):
        yield from election_findings(ctx, election, "ELE-1")


@rule("ELE-3")
def department_elections(ctx: AuditContext) -> Iterator[Finding]:
    """ELE-3 · GS-8, CQ-3: a department union's elections are held by its department
    congress or the all-student assembly; other cadres are selected openly.

    Reports ``ELE-3.wrong-body``, ``ELE-3.not-elected`` and, incomplete,
    ``ELE-3.meeting-unknown``, as :func:`union_elections` does.
    """
    for election in _elections(ctx.registry, department=True):
        yield from election_findings(ctx, election, "ELE-3")
