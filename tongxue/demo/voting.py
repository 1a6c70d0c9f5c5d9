"""Demo voting: three delegate accounts and an open electronic election they can vote in.

DEMO ONLY. ``delegate1`` … ``delegate3`` share the published demo password
(:data:`tongxue.demo.accounts.DEMO_PASSWORD`); each is linked to a delegate of the demo
school union's latest congress, so they are on the voter roll. Creating them is
idempotent and audited like :mod:`tongxue.demo.accounts`.

The election: an open electronic election of that congress if the elections demo made
one; else an approved one, which is opened here; else one is created here through the
elections services (core members, 3 seats: method adopted, conditions set, the last four
delegates by identifier nominated, assessed, approved by the Party committee and
announced) and opened. The elections demo's candidates are the first delegates by
identifier, so the two demos do not pick the same people as candidates.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core import auditlog
from tongxue.demo.accounts import AUDIT_LABEL, DEMO_PASSWORD
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.elections.models import Election, ElectionStatus, VotingMode
from tongxue.organisations.models import Enrolment, Organisation, OrgKind, Person, Role
from tongxue.voting import services

DELEGATES = ("delegate1", "delegate2", "delegate3")
DEMO_CODE_SUFFIX = "vote-demo"
SEATS = 3
CANDIDATES = 4  # 3 seats need 4 candidates under the default 20% margin, rounded up


def _congress() -> Meeting | None:
    union = (
        Organisation.objects.filter(
            path__startswith=f"/{SCHOOL_CODE}/", kind=OrgKind.SCHOOL_UNION
        )
        .order_by("code")
        .first()
    )
    if union is None:
        return None
    return (
        Meeting.objects.filter(
            organisation=union, kind=MeetingKind.CONGRESS, delegates__isnull=False
        )
        .order_by("-opened", "code")
        .first()
    )


def _delegate_accounts(meeting: Meeting) -> list[str]:
    """Link delegate1 … delegate3 to the first delegates of ``meeting`` (by ident)."""
    user_model = get_user_model()
    out = []
    existing = {
        u.username: u for u in user_model.objects.filter(username__in=DELEGATES)
    }
    linked = {p.user_id: p for p in Person.objects.filter(user__username__in=DELEGATES)}
    free = iter(
        Person.objects.filter(
            delegate_seats__meeting=meeting, user__isnull=True
        ).order_by("ident")
    )
    for username in DELEGATES:
        user = existing.get(username)
        created = user is None
        if user is None:
            user = user_model.objects.create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            auditlog.record(
                actor=None,
                action="demo.user_created",
                target=username,
                label=AUDIT_LABEL,
                data={"superuser": False, "demo": True, "delegate": True},
            )
        if user.pk not in linked:
            person = next(free, None)
            if person is None:
                break
            person.user = user
            person.save(update_fields=["user"])
            auditlog.record(
                actor=None,
                action="demo.delegate_linked",
                organisation=meeting.organisation.code,
                target=username,
                label=AUDIT_LABEL,
                data={"meeting": meeting.code, "demo": True},
            )
        if created:
            out.append(username)
    return out


def _create_election(meeting: Meeting, as_of: datetime.date) -> Election:
    """Create and approve an election through the elections services (system actor)."""
    from tongxue.elections import services as elections
    from tongxue.elections.models import Candidate, EvidenceKind

    code = f"{meeting.code}-{DEMO_CODE_SUFFIX}"
    election = elections.create_election(
        actor=None,
        meeting=meeting,
        post=Role.CORE_MEMBER,
        seats=SEATS,
        mode=VotingMode.ELECTRONIC,
        code=code,
        title=f"{meeting.organisation.name}骨干成员选举（演示，电子投票）",
    )
    elections.adopt_method(actor=None, election=election)
    criteria = elections.criteria_of(election)
    elections.set_conditions(
        actor=None,
        election=election,
        conditions={c: "符合学生会章程规定的条件（演示）" for c in criteria},
    )
    people = list(
        Person.objects.filter(
            delegate_seats__meeting=meeting,
            enrolment=Enrolment.ENROLLED,
            user__isnull=True,
        ).order_by("-ident")[:CANDIDATES]
    )
    for person in people:
        candidate = elections.nominate(
            actor=None,
            election=election,
            person=person,
            nominated_by="presidium",
            statement="服务同学，公开透明。",
        )
        for criterion in criteria:
            elections.assess(
                actor=None,
                candidate=candidate,
                criterion=criterion,
                met=True,
                evidence_kind=EvidenceKind.OTHER,
                evidence="演示数据",
            )
    assert Candidate.objects.filter(election=election).count() == len(people)
    elections.submit_for_approval(actor=None, election=election)
    elections.approve_candidates(actor=None, election=election)
    election.refresh_from_db()
    return election


@transaction.atomic
def seed(*, scale: str, as_of: datetime.date) -> str:
    """Create the demo delegates and an open election; return a one-line summary."""
    meeting = _congress()
    if meeting is None:
        return ""
    created = _delegate_accounts(meeting)
    elections = Election.objects.filter(meeting=meeting, mode=VotingMode.ELECTRONIC)
    election = (
        elections.filter(status=ElectionStatus.OPEN).order_by("code").first()
        or elections.filter(status=ElectionStatus.APPROVED).order_by("code").first()
        or _create_election(meeting, as_of)
    )
    if election.status == ElectionStatus.APPROVED:
        services.open_vote(actor=None, election=election)
    accounts = ", ".join(DELEGATES)
    return (
        f"open election {election.code} at /vote/{election.code}/ "
        f"(voters {accounts}, password {DEMO_PASSWORD}, DEMO ONLY"
        f"{'; created ' + ', '.join(created) if created else ''})"
    )
