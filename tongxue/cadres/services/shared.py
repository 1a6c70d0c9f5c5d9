"""What the cadre services share: permission, texts, dates, notices (CAD-1 … CAD-7)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    Measure,
)
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, has_perm, require
from tongxue.domain.profiles import Profile
from tongxue.organisations.models import (
    Organisation,
    Person,
    Position,
    Role,
)
from tongxue.organisations.profiles import governing_profile

#: Profile parameters used here.
CRITERIA_PARAMETER = "cadre_criteria"  # CAD-1
APPEAL_PARAMETER = "exit_appeal_days"  # CAD-5
RECALL_PARAMETER = "recall_threshold"  # CAD-5

#: Posts a union's congress elects (ELE-1, ELE-3 · GS-8, CQ-3): never selected openly.
ELECTED_ROLES = (Role.PRESIDENT, Role.VICE_PRESIDENT)
MAX_TEXT = 5000
#: A run of seven or more digits (separators allowed) looks like a phone number.
_PHONE = re.compile(r"(?:\d[\s\-()+.]*){7,}")

EXIT_SUBJECT = "cadres.exitcase"


def today_or(today: date | None = None) -> date:
    """The day a service acts on: ``today`` when given (tests, demos), else today."""
    return today or timezone.localdate()


def now() -> Any:
    """The time stamped on a transition."""
    return timezone.now()


def profile_for(org: Organisation) -> Profile:
    """The profile governing ``org`` (its own, the nearest above, or the default)."""
    return governing_profile(org)


def clean_text(field: str, value: str, *, limit: int = MAX_TEXT) -> str:
    """A required text, stripped, of at most ``limit`` characters."""
    value = (value or "").strip()
    if not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def check_manage(actor: Actor, org: Organisation) -> str:
    """The actor's role that allows managing ``org``'s cadres (a refusal otherwise)."""
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def person_of(actor: Actor) -> Person | None:
    """The signed-in actor's person record, or None."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.filter(user=actor).select_related("department").first()


def can_manage(actor: Actor, org: Organisation) -> bool:
    """Whether the actor may manage ``org``'s cadres."""
    return actor is not None and has_perm(actor, Perm.MANAGE, org.path)


def is_served(person: Person, prefix: str) -> bool:
    """Whether the person's department or class lies under ``prefix`` (a union's
    served path)."""
    paths = Organisation.objects.filter(
        pk__in=[p for p in (person.department_id, person.class_unit_id) if p]
    ).values_list("path", flat=True)
    return any(p.startswith(prefix) for p in paths)


def position_active(position: Position, day: date) -> bool:
    """Whether the position is held on ``day``."""
    return position.start <= day and (position.end is None or position.end >= day)


def find_notice(subject: str, obj_id: int, kind: str) -> Any:
    """The public notice (公示) of ``kind`` about an object, or None."""
    from tongxue.publicity.selectors import notice_for

    return notice_for(subject, obj_id, kind)


def takes_effect(notice: Any, today: date) -> bool:
    """Whether the notice's subject may take effect (ELE-4): its period is over, every
    objection is answered and none was upheld."""
    from tongxue.publicity.selectors import takes_effect as effective

    return bool(effective(notice, today))


#: The measures' names in a notice (the same words as ``Measure``'s labels), read in
#: each reader's language.
MEASURE_PHRASES = {
    Measure.ADVISE_RESIGN: gettext_noop("Advised to resign (劝退)"),
    Measure.DISMISS: gettext_noop("Dismissal (免职)"),
    Measure.RECALL: gettext_noop("Recall (罢免)"),
}


def publish(**kwargs: Any) -> Any:
    """Publish a notice (:func:`tongxue.publicity.services.publish_notice`)."""
    from tongxue.publicity.services import publish_notice

    return publish_notice(**kwargs)


def looks_like_phone(contact: str) -> bool:
    """Whether a contact looks like a phone number (seven digits or more)."""
    return bool(_PHONE.search(contact or ""))


def phone_refusal(field: str = "public_contact") -> Any:
    """The refusal of a phone number as a public contact (CAD-2)."""
    return refuse(
        "private-contact",
        gettext_noop(
            "Publish an official address (an e-mail or office), not a phone "
            "number; leave it empty to use the relay form."
        ),
        field=field,
    )
