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

A presidium post (president, vice-president) of a union is filled only through an
election whose result is certified: each :class:`~tongxue.domain.model.Position`
records the code of the election that produced it. :func:`appointment_refusal` is the
registry's guard (an appointment without such an election is refused, saying how to
fill the post), and :func:`holder_findings` the audit of every holder: one without an
election on record, or by an election that is not certified or is of another post or
organisation, is a violation (M); one by an election the data does not hold is
incomplete. A department congress may elect committee members (委员) too: the plans
do not forbid it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding, Message, Refusal, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.lifecycle import ELECTION
from tongxue.domain.model import (
    SCHOOL_LEVEL_UNIONS,
    Election,
    MeetingKind,
    OrgKind,
    Position,
    Registry,
    Role,
)
from tongxue.domain.rules.organisation import is_secondary

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
    # Committee members (委员): the plans elect the presidium and select other cadres
    # openly, and forbid neither a congress nor an assembly electing members.
    Role.MEMBER: (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY),
}
#: The presidium posts (主席团): filled only through a certified election.
PRESIDIUM_POSTS: tuple[Role, ...] = (Role.PRESIDENT, Role.VICE_PRESIDENT)
#: The election states in which a result fills posts: certified, then effective.
FILLING = frozenset({"certified", "effective"})
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


#: English labels (message ids, the same as the Django choices') of election states:
#: the lifecycle's.
STATUS_LABELS: Mapping[str, str] = ELECTION.labels


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


# ----------------------------------------------------- who holds a presidium post, and how

_MSG_NO_ELECTION = _(
    "{org}: {name} ({title}) holds the post “{post_label}” without an election on "
    "record; the post is filled only by an election of {bodies_label}."
)
_MSG_ELECTION_UNKNOWN = _(
    "{org}: {count} presidium post(s) are held by elections the data does not hold "
    "({elections}), e.g. imported from a file that names them without their rows; "
    "whether their results were certified cannot be checked."
)
_MSG_NOT_CERTIFIED = _(
    "{org}: {name} ({title}) holds the post “{post_label}” by the election "
    "{election}, whose result is not certified (status: {status_label})."
)
_MSG_MISMATCH = _(
    "{org}: {name} ({title}) holds the post “{post_label}” by the election "
    "{election}, which fills the post “{election_post_label}” at {election_org}."
)
_REFUSE_NO_ELECTION = _(
    "The post “{post_label}” is filled only by an election of {bodies_label}, not by "
    "appointment: run an election for it (Elections → Set up an election); the "
    "elected take up the post when its certified result takes effect."
)
_REFUSE_UNKNOWN = _("The election {election} is not on record.")
_REFUSE_NOT_CERTIFIED = _(
    "The result of the election {election} is not certified (status: "
    "{status_label}): the post is filled once its certified result takes effect."
)
_REFUSE_MISMATCH = _(
    "The election {election} fills the post “{election_post_label}” at "
    "{election_org}, not the post “{post_label}” here."
)
#: Per problem of a holder: the audit's message, the guard's, and the severity (None:
#: the requirement's obligation, a violation).
_HOLDER_PROBLEMS: Mapping[str, tuple[str, str, Severity | None]] = {
    "no-election": (_MSG_NO_ELECTION, _REFUSE_NO_ELECTION, None),
    "election-unknown": (_MSG_ELECTION_UNKNOWN, _REFUSE_UNKNOWN, Severity.INCOMPLETE),
    "election-not-certified": (_MSG_NOT_CERTIFIED, _REFUSE_NOT_CERTIFIED, None),
    "election-mismatch": (_MSG_MISMATCH, _REFUSE_MISMATCH, None),
}


def presidium_requirement(reg: Registry, position: Position) -> str | None:
    """Return ELE-1 or ELE-3 when ``position`` is a presidium post filled only by an
    election: a president or vice-president of a school-level union (outside
    secondary schools, which CON-11 governs) or of a department union; else None."""
    if position.role not in PRESIDIUM_POSTS:
        return None
    org = reg.org.get(position.organisation)
    if org is None:
        return None
    if org.kind == OrgKind.DEPARTMENT_UNION:
        return "ELE-3"
    if org.kind in SCHOOL_LEVEL_UNIONS:
        return None if is_secondary(reg, org.code) else "ELE-1"
    return None


def holder_problem(
    reg: Registry,
    position: Position,
    elections: Mapping[str, Election] | None = None,
) -> tuple[str, dict[str, str]] | None:
    """Return what is wrong with how ``position`` was filled, or None.

    ``(problem, labels)``: ``no-election`` (none on record), ``election-unknown`` (a
    code the data does not hold), ``election-not-certified`` or ``election-mismatch``
    (an election of another post or organisation); the labels are the message's
    parameters. None for a post that is not a presidium post (see
    :func:`presidium_requirement`) or that a certified election of it filled.
    ``elections`` maps codes to the registry's elections (built when not given).
    """
    if presidium_requirement(reg, position) is None:
        return None
    org = reg.org[position.organisation]
    labels = {"post_label": post_label(position.role)}
    if not position.election:
        bodies = electing_bodies(org.kind, position.role)
        labels["bodies_label"] = BODIES_LABELS[bodies] if bodies else ""
        return "no-election", labels
    labels["election"] = position.election
    table = elections if elections is not None else {e.code: e for e in reg.elections}
    election = table.get(position.election)
    if election is None:
        return "election-unknown", labels
    if election.organisation != position.organisation or election.post != str(
        position.role
    ):
        other = reg.org.get(election.organisation)
        labels["election_post_label"] = post_label(election.post)
        labels["election_org"] = other.name if other else election.organisation
        return "election-mismatch", labels
    if election.status not in FILLING:
        labels["status_label"] = STATUS_LABELS.get(election.status, election.status)
        return "election-not-certified", labels
    return None


def appointment_refusal(ctx: AuditContext, position: Position) -> Refusal | None:
    """The registry's guard: refuse to fill a presidium post but by a certified
    election of it (ELE-1, ELE-3 · GS-8, CQ-3), or return None.

    ``ctx.registry`` holds the organisation and its elections (before the write). The
    refusal's code is ``ELE-1.no-election`` … ``ELE-3.election-mismatch`` (field
    ``role``, or ``election``), citing the governing profile's clauses; the message
    of a direct appointment says how the post is filled.
    """
    problem = holder_problem(ctx.registry, position)
    if problem is None:
        return None
    name, labels = problem
    requirement = presidium_requirement(ctx.registry, position) or "ELE-1"
    found = ctx.finding(
        rule=f"{requirement}.{name}",
        org=position.organisation,
        params=(),
        message=_HOLDER_PROBLEMS[name][1],
    )
    return Refusal(
        found.rule,
        Message(found.message.text, labels),
        requirement=requirement,
        clauses=found.clauses,
        field="role" if name == "no-election" else "election",
    )


def holder_findings(ctx: AuditContext, department: bool) -> Iterator[Finding]:
    """Yield a finding for each presidium holder on the audit date whose post no
    certified election of it filled (see :func:`holder_problem`); the holders by
    elections the data does not hold are reported once per union (incomplete)."""
    reg = ctx.registry
    elections = {e.code: e for e in reg.elections}
    unknown: dict[str, list[Position]] = {}
    for position in sorted(
        reg.positions, key=lambda p: (p.organisation, p.role, p.start, p.person)
    ):
        if not position.active_on(ctx.as_of):
            continue
        requirement = presidium_requirement(reg, position)
        if requirement is None or (requirement == "ELE-3") != department:
            continue
        problem = holder_problem(reg, position, elections)
        if problem is None:
            continue
        name, labels = problem
        if name == "election-unknown":
            unknown.setdefault(position.organisation, []).append(position)
            continue
        text, _refusal, severity = _HOLDER_PROBLEMS[name]
        person = reg.person.get(position.person)
        yield ctx.finding(
            rule=f"{requirement}.{name}",
            org=position.organisation,
            params=(),
            message=text,
            evidence={
                "person": position.person,
                "name": person.name if person is not None else position.person,
                "title": position.title,
                "role": str(position.role),
                "election": position.election,
                **labels,
            },
            severity=severity,
        )
    for org, held in unknown.items():
        requirement = "ELE-3" if department else "ELE-1"
        codes = sorted({p.election or "" for p in held})
        yield ctx.finding(
            rule=f"{requirement}.election-unknown",
            org=org,
            params=(),
            message=_MSG_ELECTION_UNKNOWN,
            evidence={
                "count": len(held),
                "elections": ", ".join(codes),
                "people": sorted({p.person for p in held}),
            },
            severity=Severity.INCOMPLETE,
        )


@rule("ELE-1")
def union_presidium_holders(ctx: AuditContext) -> Iterator[Finding]:
    """ELE-1 · GS-8, CQ-3: the president and vice-presidents of a school-level union
    hold their posts by a certified election of the post.

    Reports ``ELE-1.no-election`` (no election on record: e.g. appointed directly, or
    imported from a file without the ``election`` column), ``ELE-1.election-not-certified``
    and ``ELE-1.election-mismatch`` (an election of another post or union), violations;
    ``ELE-1.election-unknown`` (an election the data does not hold), incomplete.
    """
    yield from holder_findings(ctx, department=False)


@rule("ELE-3")
def department_presidium_holders(ctx: AuditContext) -> Iterator[Finding]:
    """ELE-3 · GS-8, CQ-3: a department union's president and vice-presidents hold
    their posts by a certified election of its congress or assembly.

    Reports ``ELE-3.no-election``, ``ELE-3.election-not-certified``,
    ``ELE-3.election-mismatch`` and, incomplete, ``ELE-3.election-unknown``, as
    :func:`union_presidium_holders` does.
    """
    yield from holder_findings(ctx, department=True)
