"""Write public notices (公示) and objections (ELE-4 · GS-12, CQ-7).

``publish_notice`` is called by the services of other apps (elections, cadres) inside
their own transaction, after they checked their own permission; it checks that the
actor may publish at the notice's organisation (:data:`PUBLISHERS`) and writes the
notice and its audit record. Anyone signed in may lodge an objection while the notice
runs; those holding ``Perm.ANSWER`` at the notice's organisation answer it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import GRANTS, Perm, require, roles_at
from tongxue.domain.publicity import notice_end
from tongxue.notifications.services import notify
from tongxue.organisations.models import Organisation
from tongxue.organisations.profiles import governing_profile
from tongxue.publicity.models import Notice, Objection
from tongxue.publicity.selectors import may_withdraw
from tongxue.publicity.text import official

#: The profile parameter behind the length of a notice (ELE-4).
NOTICE_PARAMETER = "notice_period_working_days"
MAX_TEXT = 5000
#: Who publishes notices at an organisation: its managers (a cadre selection's
#: shortlist and appointment, an exit decision: CAD-1, CAD-5), the presidium (an
#: election's result) and the Party committee (the candidate list it approved, ELE-2).
PUBLISHERS = frozenset({Perm.MANAGE, Perm.RUN_ELECTION, Perm.APPROVE})


def _check_publisher(actor: Actor, organisation: Organisation) -> None:
    """Refuse unless the actor may publish a notice at ``organisation`` (one query)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return  # a system command (import, demo) or the operator
    roles = roles_at(actor, organisation.path)
    if not any(GRANTS.get(r, frozenset()) & PUBLISHERS for r in roles):
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to publish a notice of {target}."),
            target=organisation.name,
        )


def _dates(values: list[str] | tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(v) for v in values if v)


def holidays() -> frozenset[date]:
    return _dates(getattr(settings, "TONGXUE_HOLIDAYS", ()) or ())


def extra_working_days() -> frozenset[date]:
    return _dates(getattr(settings, "TONGXUE_EXTRA_WORKING_DAYS", ()) or ())


def default_working_days(organisation: Organisation) -> int:
    """Return the governing profile's notice period in working days."""
    return governing_profile(organisation).int(NOTICE_PARAMETER)


@transaction.atomic
def publish_notice(
    *,
    actor: Actor,
    organisation: Organisation,
    subject_type: str,
    subject_id: int,
    kind: str,
    title: str = "",
    body: str = "",
    text: dict[str, Any] | None = None,
    starts: date | None = None,
    working_days: int | None = None,
) -> Notice:
    """Publish a notice for ``working_days`` working days (the profile's by default).

    A shorter period than the profile's is refused (ELE-4); a longer one is allowed.
    ``text``: the title and body as phrases (:mod:`tongxue.publicity.text`), shown in
    each reader's language; the Chinese rendering is stored as ``title`` and ``body``
    unless they are given.
    """
    _check_publisher(actor, organisation)
    if text:
        official_title, official_body = official(text)
        title = title or official_title
        body = body or official_body
    minimum = default_working_days(organisation)
    days = minimum if working_days is None else working_days
    if days < minimum:
        raise refuse(
            "notice-too-short",
            gettext_noop(
                "A public notice lasts at least {minimum} working days; {days} is too "
                "short (ELE-4)."
            ),
            field="working_days",
            minimum=minimum,
            days=days,
        )
    if not title.strip():
        raise refuse("required", gettext_noop("A notice needs a title."), field="title")
    start = starts or timezone.localdate()
    ends = notice_end(
        start, days, holidays=holidays(), extra_working_days=extra_working_days()
    )
    notice = Notice.objects.create(
        organisation=organisation,
        subject_type=subject_type,
        subject_id=subject_id,
        kind=kind,
        title=title.strip()[:200],
        body=body,
        text=text or {},
        starts=start,
        ends=ends,
        working_days=days,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="notice.published",
        organisation=organisation.code,
        target=title[:200],
        data={
            "notice": notice.pk,
            "subject": f"{subject_type}:{subject_id}",
            "kind": kind,
            "starts": start.isoformat(),
            "ends": ends.isoformat(),
        },
    )
    return notice


@transaction.atomic
def lodge_objection(
    *, actor: Actor, notice: Notice, text: str, today: date | None = None
) -> Objection:
    """Lodge an objection while the notice runs (any signed-in user)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to lodge an objection."))
    day = today or timezone.localdate()
    if notice.withdrawn_at is not None or day > notice.ends or day < notice.starts:
        raise refuse(
            "notice-closed",
            gettext_noop(
                "Objections can be lodged only while the notice runs ({starts} to "
                "{ends})."
            ),
            starts=notice.starts.isoformat(),
            ends=notice.ends.isoformat(),
        )
    text = text.strip()
    if not text:
        raise refuse(
            "required", gettext_noop("Write what you object to."), field="text"
        )
    if len(text) > MAX_TEXT:
        raise refuse(
            "too-long",
            gettext_noop("An objection is at most {limit} characters."),
            field="text",
            limit=MAX_TEXT,
        )
    objection = Objection.objects.create(notice=notice, lodged_by=actor, text=text)
    auditlog.record(
        actor=actor,
        action="notice.objection_lodged",
        organisation=notice.organisation.code,
        target=notice.title[:200],
        data={"notice": notice.pk, "objection": objection.pk},
        # who objected is shown to those who may answer, as on the notice's page
        actor_perm=Perm.ANSWER,
    )
    return objection


@transaction.atomic
def answer_objection(
    *, actor: Actor, objection: Objection, answer: str, upheld: bool
) -> Objection:
    """Answer an objection (``Perm.ANSWER``); an upheld objection stops the subject."""
    notice = objection.notice
    role = require(actor, Perm.ANSWER, notice.organisation.path, target=notice.title)
    answer = answer.strip()
    if not answer:
        raise refuse("required", gettext_noop("Write the answer."), field="answer")
    if objection.answered_at is not None:
        raise refuse(
            "already-answered", gettext_noop("This objection has been answered.")
        )
    objection.answer = answer
    objection.upheld = upheld
    objection.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "upheld", "answered_by", "answered_at"])
    auditlog.record(
        actor=actor,
        action="notice.objection_answered",
        organisation=notice.organisation.code,
        target=notice.title[:200],
        role=role,
        data={"notice": notice.pk, "objection": objection.pk, "upheld": upheld},
    )
    _objection_answered(objection, notice)
    return objection


def _objection_answered(objection: Objection, notice: Notice) -> None:
    """Tell the objector, and nobody else, that their objection was answered (#14).

    Only the notice's title, which everyone reads on the notice: the answer itself is
    behind the link, on the notice's page.
    """
    if objection.lodged_by_id is None:
        return
    notify(
        "objection.answered",
        user_ids=[objection.lodged_by_id],
        params={"notice": notice.title},
        url=reverse("publicity:detail", args=[notice.pk])
        + f"#objection-{objection.pk}",
        organisation=notice.organisation.code,
    )


@transaction.atomic
def withdraw_notice(
    *, actor: Actor, notice: Notice, today: date | None = None
) -> Notice:
    """Withdraw a notice published in error, before its end (``Perm.MANAGE``, ELE-4).

    The notice stays visible, marked withdrawn, and takes no more objections; a
    subject that waits for its notice (an election's ballot and its result taking
    effect, a cadre selection's decision and appointment) does not go ahead on it: a
    new notice is needed. A notice that has ended is not withdrawn (its subject may
    have taken effect). Withdrawing a withdrawn notice changes nothing.
    """
    role = require(actor, Perm.MANAGE, notice.organisation.path, target=notice.title)
    locked = (
        Notice.objects.select_for_update()
        .only("withdrawn_at", "ends")
        .get(pk=notice.pk)
    )
    notice.withdrawn_at, notice.ends = locked.withdrawn_at, locked.ends
    if notice.withdrawn_at is not None:
        return notice
    if not may_withdraw(notice, today):
        raise refuse(
            "notice-ended",
            gettext_noop(
                "This notice ended on {ends}: a notice is withdrawn only before its "
                "end."
            ),
            ends=notice.ends.isoformat(),
        )
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at"])
    auditlog.record(
        actor=actor,
        action="notice.withdrawn",
        organisation=notice.organisation.code,
        target=notice.title[:200],
        role=role,
        data={"notice": notice.pk},
    )
    return notice
