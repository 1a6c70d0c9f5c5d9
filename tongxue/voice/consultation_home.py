"""网上学联 on the home (我的): the consultations open to the student (RGT-5 · GS-5).

A student of a school under a provincial or city federation finds each of its open
consultations on the home while it is open, due on its closing day, one tap from the
page where they send an idea: the federation asks (问需问计) without a mass
notification. One query, only for a user with a class or department (the home loads
the person with them). Imported by :class:`~tongxue.voice.apps.VoiceConfig` ``ready()``,
which registers :func:`consultation_items` on
:data:`tongxue.accounts.selectors.HOME_ITEMS`; the import also registers the
notification kind of :mod:`tongxue.voice.services.consultations`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tongxue.accounts.selectors import HOME_ITEMS, HomeItem
from tongxue.organisations.models import Person
from tongxue.voice import consultation_selectors as cs
from tongxue.voice.services import consultations as _kinds  # noqa: F401

__all__ = ["consultation_items"]


def consultation_items(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """The consultations open today of the federations above the student's class."""
    if person is None:
        return []
    unit = person.class_unit if person.class_unit_id else person.department
    if unit is None:
        return []
    today = timezone.localdate(now)
    return [
        HomeItem(
            kind="voice-consultation",
            title=gettext("Your ideas: %(title)s") % {"title": c.title},
            why=gettext(
                "%(federation)s asks students for their needs and ideas and answers "
                "publicly (RGT-5)."
            )
            % {"federation": c.federation.name},
            due=c.closes,
            url=reverse("voice:consultation", args=[c.federation.code, c.number]),
            organisation_name=c.federation.name,
        )
        for c in cs.open_for_path(unit.path, today)
    ]


HOME_ITEMS.register(consultation_items)
