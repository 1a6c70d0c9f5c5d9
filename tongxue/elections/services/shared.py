"""Helpers shared by the election services: locking, status checks, public steps, notices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.lifecycle import transition
from tongxue.domain import counting
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.models import (
    Election,
    Step,
)
from tongxue.elections.selectors import (
    SUBJECT_TYPE,
)

MAX_TEXT = 5000


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _label(actor: Actor) -> str:
    user = _user(actor)
    return user.get_username() if user is not None else "system"


def _text(field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > MAX_TEXT:
        raise refuse(
            "too-long",
            gettext_noop("At most {limit} characters."),
            field=field,
            limit=MAX_TEXT,
        )
    return value


def _locked(election: Election) -> Election:
    """Lock the election's row and refresh ``election`` from it (two managers at once).

    The caller's instance is updated in place, so it sees every change the service
    makes.
    """
    locked = Election.objects.select_for_update().get(pk=election.pk)
    for f in Election._meta.concrete_fields:
        setattr(election, f.attname, getattr(locked, f.attname))
    return election


def _require_status(election: Election, *statuses: str) -> None:
    if election.status not in statuses:
        raise refuse(
            "wrong-status",
            gettext_noop("This cannot be done while the election is “{status_label}”."),
            status_label=_status_label(election.status),
        )


def _status_label(status: str) -> str:
    return ELECTION.label(status)


def _public_step(
    *,
    election: Election,
    actor: Actor,
    role: str,
    action: str,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
) -> Step:
    """Record a step on the election's public workflow (who, which role, when: ELE-2)."""
    return Step.objects.create(
        election=election,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=_user(actor),
        actor_label=_label(actor),
        role=role,
        comment=comment,
        at=timezone.now(),
    )


def _step(
    *,
    election: Election,
    actor: Actor,
    role: str,
    action: str,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> Step:
    """Record a step that moves nothing (or a new election), with its audit record."""
    step = _public_step(
        election=election,
        actor=actor,
        role=role,
        action=action,
        comment=comment,
        from_status=from_status,
        to_status=to_status,
    )
    auditlog.record(
        actor=actor,
        action=f"election.{action}",
        organisation=election.organisation.code,
        target=election.code,
        role=role,
        data={
            "election": election.code,
            "from": from_status or None,
            "to": to_status or None,
            "comment": comment,
            **(data or {}),
        },
    )
    return step


def _move_with_step(
    *,
    election: Election,
    target: str,
    actor: Actor,
    role: str,
    action: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Election:
    """Move ``election`` to ``target`` with :func:`~tongxue.core.lifecycle.transition`
    (its audit event is ``election.<action>``) and record the public step.

    Every caller has locked the election (:func:`_locked`): its status is the
    database's.
    """
    before = election.status
    transition(
        election,
        ELECTION,
        target,
        actor=actor,
        action=f"election.{action}",
        organisation=election.organisation.code,
        role=role,
        subject=election.code,
        data={"election": election.code, "comment": comment, **(data or {})},
        changes=changes,
    )
    _public_step(
        election=election,
        actor=actor,
        role=role,
        action=action,
        comment=comment,
        from_status=before,
        to_status=target,
    )
    return election


def _method_from(seats: int, method: Mapping[str, Any] | None) -> dict[str, Any]:
    data = dict(method or {})
    data["seats"] = seats
    try:
        return counting.ElectionMethod.from_dict(data).to_dict()
    except counting.CountingError as exc:
        raise Refusal("invalid-method", exc.message, field="method") from None


def _unique_code(base: str) -> str:
    code, n = base[:60], 2
    while Election.objects.filter(code=code).exists():
        code = f"{base[:56]}-{n}"
        n += 1
    return code


def _publish(*, actor: Actor, election: Election, kind: str, text: dict) -> Any:
    from tongxue.publicity.services import publish_notice

    return publish_notice(
        actor=actor,
        organisation=election.organisation,
        subject_type=SUBJECT_TYPE,
        subject_id=election.pk,
        kind=kind,
        text=text,
    )
