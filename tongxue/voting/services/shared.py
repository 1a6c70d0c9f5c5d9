"""Helpers shared by the voting services: permission, public steps, the ballot's names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from tongxue.core.auditlog import Actor
from tongxue.core.permissions import Perm, require
from tongxue.domain.findings import Refusal
from tongxue.elections.models import (
    Candidate,
    Election,
)
from tongxue.elections.selectors import ready_to_open


def _require(actor: Actor, election: Election) -> str:
    org = election.organisation
    return require(actor, Perm.RUN_ELECTION, org.path, target=election.title)


def _step(
    election: Election, actor: Actor, role: str, before: str, action: str
) -> None:
    """Record the transition on the election's public workflow (elections.Step)."""
    from tongxue.elections.models import Step

    user = actor if actor is not None and actor.is_authenticated else None
    Step.objects.create(
        election=election,
        action=action,
        from_status=before,
        to_status=election.status,
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        role=role,
        at=timezone.now(),
    )


def _ready_to_open(election: Election) -> Refusal | None:
    """Ask the elections app whether the election may open (ELE-2 approval, 差额)."""
    return ready_to_open(election)


def method_data(election: Election) -> dict[str, Any]:
    """Return the election method in force as data, with the election's seats."""
    from tongxue.domain.counting import CountingError, ElectionMethod

    data = dict(election.method or {})
    data["seats"] = election.seats
    try:
        return ElectionMethod.from_dict(data).to_dict()
    except CountingError as exc:
        raise Refusal("invalid-method", exc.message, field="method") from None


def _ballot_names(candidates: Sequence[Candidate]) -> list[str]:
    """Return the names printed on the ballot, made unique by their ballot order."""
    names = [c.person.name for c in candidates]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [
        f"{name} ({k + 1})" if seen[name] > 1 else name for k, name in enumerate(names)
    ]
