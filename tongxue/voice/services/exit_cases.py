"""Open an exit case from a founded concern about a cadre (CAD-8 → CAD-5).

A concern about a cadre is handled by the union's named handlers for concerns about
cadres and seen by the League advisor, never by the cadre (:mod:`tongxue.voice.access`).
When it is founded, one of them may open an exit case on the cadre's post: the case
is the cadres app's (:func:`tongxue.cadres.services.open_exit_case`, its checks and
audit record), opened under the role checked here, and keeps the concern's reference
(``ExitCase.source_reference``: the cadres app sits below this one and never reads a
concern); the concern keeps the case (``Concern.exit_case_id``). The cadre reads the
case and its evidence when notified, and the reference — never the concern.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from tongxue.cadres import services as cadres
from tongxue.cadres.models import ExitCase
from tongxue.cadres.selectors import served_path
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.models import RoleKind
from tongxue.organisations.models import Position
from tongxue.voice import access
from tongxue.voice.models import Concern, ConcernStatus, EventKind
from tongxue.voice.services.shared import audit, event, moment, today_or

#: A concern looked into (acknowledged at least) may lead to an exit case.
FOUNDED_STATUSES = (
    ConcernStatus.IN_HAND,
    ConcernStatus.ANSWERED,
    ConcernStatus.REOPENED,
    ConcernStatus.CLOSED,
)
NAMED_HANDLER = "named_handler"


def deciding_role(actor: Actor, concern: Concern) -> str:
    """The role under which ``actor`` may open an exit case from the concern: a named
    handler of the union for concerns about cadres, or a League advisor of the union
    (a refusal for anyone else, the cadre concerned first)."""
    if concern.about_person_id is None:
        raise refuse(
            "invalid",
            gettext_noop("Concern {target} is not about a cadre."),
            target=concern.reference,
        )
    v = access.viewer(actor)
    if v.person_id is not None and v.person_id == concern.about_person_id:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to handle concern {target}."),
            target=concern.reference,
        )
    if concern.union_id in v.named_cadres:
        return NAMED_HANDLER
    if any(concern.union.path.startswith(p) for p in v.advisor_paths):
        return str(RoleKind.LEAGUE_ADVISOR)
    raise refuse(
        "forbidden",
        gettext_noop(
            "Only the union's named handlers for concerns about cadres and the "
            "League advisor can open an exit case from concern {target}."
        ),
        target=concern.reference,
    )


def may_open(actor: Actor, concern: Concern) -> bool:
    """Whether ``actor`` may open an exit case from the concern now (no query beyond
    the viewer's)."""
    if concern.exit_case_id is not None or concern.status not in FOUNDED_STATUSES:
        return False
    try:
        deciding_role(actor, concern)
    except Refusal:
        return False
    return True


def cadre_posts(concern: Concern, today: dt.date | None = None) -> QuerySet[Position]:
    """The posts the cadre of the concern holds in the union's school on ``today``."""
    day = today_or(today)
    return (
        Position.objects.filter(
            person_id=concern.about_person_id,
            organisation__path__startswith=served_path(concern.union),
            start__lte=day,
        )
        .exclude(end__lt=day)
        .select_related("organisation", "person")
        .order_by("organisation__path", "role")
    )


@transaction.atomic
def open_exit_case(
    *,
    actor: Actor,
    concern: Concern,
    position: Position,
    ground: str,
    evidence: str,
    today: dt.date | None = None,
) -> ExitCase:
    """Open an exit case on ``position`` from the founded concern (see the module).

    Refused: anyone but a named handler for concerns about cadres or a League advisor
    of the union (never the cadre); a concern not about a cadre, not yet looked into
    (received), merged or withdrawn, or that already led to a case; a post the cadre
    does not hold in the school; and whatever the cadres app refuses (a ground, no
    evidence, a case already open on the post)."""
    role = deciding_role(actor, concern)
    status, case_id = (
        Concern.objects.select_for_update()
        .values_list("status", "exit_case_id")
        .get(pk=concern.pk)
    )
    if case_id is not None:
        raise refuse(
            "already",
            gettext_noop("Concern {target} already led to an exit case."),
            target=concern.reference,
        )
    if status not in FOUNDED_STATUSES:
        raise refuse(
            "not-founded",
            gettext_noop(
                "Concern {target} must be taken in hand and looked into before an "
                "exit case is opened from it."
            ),
            target=concern.reference,
        )
    if (
        position is None
        or not cadre_posts(concern, today).filter(pk=position.pk).exists()
    ):
        raise refuse(
            "invalid",
            gettext_noop("Choose a post the cadre holds now."),
            field="position",
        )
    case = cadres.open_exit_case(
        actor=actor,
        position=position,
        ground=ground,
        evidence=evidence,
        today=today,
        source_reference=concern.reference,
        authorised_as=role,
    )
    concern.exit_case_id = case.pk
    Concern.objects.filter(pk=concern.pk).update(exit_case_id=case.pk)
    event(concern, EventKind.EXIT_CASE, at=moment(today), actor=actor, public=False)
    audit(
        concern,
        "voice.concern.exit_case",
        actor=actor,
        role=role,
        data={"case": case.pk, "position": position.pk, "ground": ground},
    )
    return case
