"""Set up an election: create it, draft and adopt its election method, cancel it (ELE-1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop, override

from tongxue.congresses.models import Meeting
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.elections.bodies import POST_LABELS, body_refusal
from tongxue.elections.models import (
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.elections.services.shared import (
    _locked,
    _method_from,
    _move_with_step,
    _require_status,
    _step,
    _text,
    _unique_code,
    _user,
)


@transaction.atomic
def create_election(
    *,
    actor: Actor,
    meeting: Meeting,
    post: str,
    seats: int,
    title: str = "",
    mode: str = VotingMode.ELECTRONIC,
    method: Mapping[str, Any] | None = None,
    code: str = "",
) -> Election:
    """Create an election of ``post`` by ``meeting`` in draft (ELE-1, ELE-3 · GS-8, CQ-3).

    The union committee and presidium are elected by the congress, the president by
    the congress or the standing conference; a department union's by its department
    congress (or the all-student assembly standing in for it). Any other body, or a
    post filled by open selection, is refused. ``method`` overrides the defaults of
    the election method (election-rules.md).
    """
    org = meeting.organisation
    role = require(actor, Perm.RUN_ELECTION, org.path, target=org.name)
    refusal = body_refusal(org, meeting, post)
    if refusal is not None:
        raise refusal
    if mode not in VotingMode.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="mode",
            value=mode,
        )
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise refuse(
            "invalid", gettext_noop("Seats must be at least 1."), field="seats"
        )
    data = _method_from(seats, method)
    code = (code or "").strip() or _unique_code(f"{meeting.code}-{post}")
    if Election.objects.filter(code=code).exists():
        raise refuse(
            "duplicate",
            gettext_noop("The code {code} is already used."),
            field="code",
            code=code,
        )
    if not title.strip():
        with override("zh-hans"):
            title = f"{org.name}{gettext(POST_LABELS.get(post, post))}选举"
    election = Election.objects.create(
        code=code,
        organisation=org,
        meeting=meeting,
        title=_text("title", title, required=True)[:200],
        post=post,
        seats=seats,
        mode=mode,
        method=data,
        created_by=_user(actor),
    )
    _step(
        election=election,
        actor=actor,
        role=role,
        action="created",
        to_status=election.status,
        data={"post": post, "seats": seats, "mode": mode, "method": data},
    )
    return election


@transaction.atomic
def update_method(
    *,
    actor: Actor,
    election: Election,
    seats: int | None = None,
    mode: str | None = None,
    method: Mapping[str, Any] | None = None,
) -> Election:
    """Change the seats, voting mode or election method while still in draft."""
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.DRAFT)
    seats = election.seats if seats is None else seats
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise refuse(
            "invalid", gettext_noop("Seats must be at least 1."), field="seats"
        )
    if mode is not None and mode not in VotingMode.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="mode",
            value=mode,
        )
    data = _method_from(seats, method if method is not None else election.method)
    election.seats, election.method = seats, data
    election.mode = mode or election.mode
    election.save(update_fields=["seats", "method", "mode"])
    _step(
        election=election,
        actor=actor,
        role=role,
        action="method_changed",
        data={"seats": seats, "mode": election.mode, "method": data},
    )
    return election


@transaction.atomic
def adopt_method(*, actor: Actor, election: Election, comment: str = "") -> Election:
    """Record that the congress adopted the election method; nomination opens.

    draft → nomination. The method is printed on the result.
    """
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    return _move_with_step(
        election=election,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="method_adopted",
        comment=_text("comment", comment),
        data={"method": election.method},
    )


@transaction.atomic
def cancel_election(*, actor: Actor, election: Election, comment: str) -> Election:
    """Cancel an election before its ballot opens; the reason is required and public."""
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    return _move_with_step(
        election=election,
        target=ElectionStatus.CANCELLED,
        actor=actor,
        role=role,
        action="cancelled",
        comment=_text("comment", comment, required=True),
    )
