"""Demo voting: delegate accounts and an open electronic election they can win.

DEMO ONLY. ``delegate1`` … ``delegate5`` share the published demo password
(:data:`tongxue.demo.accounts.DEMO_PASSWORD`). The electing body is the demo school
union's standing delegate conference (常任代表会议), which may elect the president
(ELE-1 · GS-8): its voter roll is the union's serving standing delegates (CON-8, five
in the demo), and each account is linked to one of them, so the demo voters can reach
the quorum (more than 2/3 of those entitled: 4 of 5) and elect. Without a standing
conference or standing delegates the demo falls back to the latest congress (whose
roll is far larger than the demo accounts: its vote can only end void). Creating the
accounts is idempotent and audited like :mod:`tongxue.demo.accounts`.

Two open votes: the congress's (its roll is every congress delegate, so the demo
voters alone cannot reach its quorum; the demo student ``tongxue up`` names votes there)
and, when there is a standing conference, the standing conference's, which the demo
voters can win. For each meeting: an open electronic election if there is one; else an
approved one, which is opened here; else one is created here through the elections
services (at the congress core members, 3 seats, 4 candidates; at the standing
conference the president, 1 seat, 2 candidates: method adopted, conditions set, the last congress delegates by identifier
without an account nominated, assessed, approved by the Party committee and announced)
and opened. The elections demo's candidates are the first delegates by identifier, so
the two demos do not pick the same people as candidates.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxue.business.models import StandingDelegate
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core import auditlog
from tongxue.demo.accounts import AUDIT_LABEL, DEMO_PASSWORD
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.elections.models import Election, ElectionStatus, VotingMode
from tongxue.organisations.models import Enrolment, Organisation, OrgKind, Person, Role
from tongxue.voting import services

DELEGATES = ("delegate1", "delegate2", "delegate3", "delegate4", "delegate5")
DEMO_CODE_SUFFIX = "vote-demo"
SEATS = 3
CANDIDATES = 4  # 3 seats need 4 candidates under the default 20% margin, rounded up
# At the standing conference: the president, 1 seat, 2 candidates (20 % of 1, rounded up).
STANDING_SEATS = 1
STANDING_CANDIDATES = 2


def _union() -> Organisation | None:
    return (
        Organisation.objects.filter(
            path__startswith=f"/{SCHOOL_CODE}/", kind=OrgKind.SCHOOL_UNION
        )
        .order_by("code")
        .first()
    )


def _congress() -> Meeting | None:
    union = _union()
    if union is None:
        return None
    return (
        Meeting.objects.filter(
            organisation=union, kind=MeetingKind.CONGRESS, delegates__isnull=False
        )
        .order_by("-opened", "code")
        .first()
    )


def _standing_conference(union: Organisation) -> Meeting | None:
    """The union's latest standing-conference meeting, when it has standing delegates."""
    if not StandingDelegate.objects.filter(union=union, ended_on__isnull=True).exists():
        return None
    return (
        Meeting.objects.filter(organisation=union, kind=MeetingKind.STANDING_CONFERENCE)
        .order_by("-opened", "code")
        .first()
    )


def _voters(meeting: Meeting) -> QuerySet[Person]:
    """The people on ``meeting``'s voter roll (as ``voting.services.open_vote`` builds it)."""
    if meeting.kind == MeetingKind.STANDING_CONFERENCE:
        return Person.objects.filter(
            pk__in=StandingDelegate.objects.filter(
                union_id=meeting.organisation_id, ended_on__isnull=True
            ).values("person_id")
        )
    return Person.objects.filter(delegate_seats__meeting=meeting)


def _delegate_accounts(meeting: Meeting) -> list[str]:
    """Link delegate1 … delegate5 to the first voters of ``meeting`` (by ident)."""
    user_model = get_user_model()
    out = []
    existing = {
        u.username: u for u in user_model.objects.filter(username__in=DELEGATES)
    }
    linked = {p.user_id: p for p in Person.objects.filter(user__username__in=DELEGATES)}
    free = iter(_voters(meeting).filter(user__isnull=True).order_by("ident"))
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


def _create_election(
    meeting: Meeting, congress: Meeting, as_of: datetime.date
) -> Election:
    """Create and approve an election through the elections services (system actor);
    the candidates are ``congress``'s delegates."""
    from tongxue.elections import services as elections
    from tongxue.elections.models import Candidate, EvidenceKind

    code = f"{meeting.code}-{DEMO_CODE_SUFFIX}"
    standing = meeting.kind == MeetingKind.STANDING_CONFERENCE
    election = elections.create_election(
        actor=None,
        meeting=meeting,
        post=Role.PRESIDENT if standing else Role.CORE_MEMBER,
        seats=STANDING_SEATS if standing else SEATS,
        mode=VotingMode.ELECTRONIC,
        code=code,
        title=(
            f"{meeting.organisation.name}主席选举（常任代表会议，演示，电子投票）"
            if standing
            else f"{meeting.organisation.name}骨干成员选举（演示，电子投票）"
        ),
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
            delegate_seats__meeting=congress,
            enrolment=Enrolment.ENROLLED,
            user__isnull=True,
        ).order_by("-ident")
    )
    # The congress's election takes the last CANDIDATES, the standing conference's the
    # next ones, so the two demo votes do not share candidates.
    people = (
        people[CANDIDATES : CANDIDATES + STANDING_CANDIDATES]
        if standing
        else people[:CANDIDATES]
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
    """Create the demo delegates and the open elections (the congress's, and the
    standing conference's that the demo voters can win); return a one-line summary."""
    congress = _congress()
    if congress is None:
        return ""
    standing = _standing_conference(congress.organisation)
    created = _delegate_accounts(standing or congress)
    parts = []
    for meeting in (congress, standing):
        if meeting is None:
            continue
        election = _open_election(meeting, congress, as_of)
        accounts = pgettext("list separator", ", ").join(
            _voters(meeting)
            .filter(user__username__in=DELEGATES)
            .order_by("user__username")
            .values_list("user__username", flat=True)
        )
        entitled = _voters(meeting).count()
        parts.append(
            _(
                "open election {code} at /vote/{code}/ ({entitled} voters; demo "
                "voters: {accounts})"
            ).format(code=election.code, entitled=entitled, accounts=accounts or "—")
        )
    comma = pgettext("list separator", ", ")
    done = _("; created {names}").format(names=comma.join(created)) if created else ""
    return pgettext("clause separator", "; ").join(parts) + _(
        " (password {password}, DEMO ONLY{created})"
    ).format(password=DEMO_PASSWORD, created=done)


def _open_election(
    meeting: Meeting, congress: Meeting, as_of: datetime.date
) -> Election:
    """``meeting``'s open electronic election: the open one, an approved one opened
    here, or one created and opened here."""
    elections = Election.objects.filter(meeting=meeting, mode=VotingMode.ELECTRONIC)
    election = (
        elections.filter(status=ElectionStatus.OPEN).order_by("code").first()
        or elections.filter(status=ElectionStatus.APPROVED).order_by("code").first()
        or _create_election(meeting, congress, as_of)
    )
    if election.status == ElectionStatus.APPROVED:
        services.open_vote(actor=None, election=election)
    return election
