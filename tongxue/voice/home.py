"""Students' concerns on the home (我的): raise one; the handlers' queue.

A student (a person in a class or department) finds "Raise a concern" on the home: one
tap opens the form, a second picks the category, the third sends it (≤ 3 taps, #17).
A handler sees how many concerns wait for them and how many are overdue.
:class:`~tongxue.voice.apps.VoiceConfig` registers :func:`voice_items` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (#13: accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.core.permissions import Perm
from tongxue.domain.rights.flow import OPEN_STATUSES
from tongxue.organisations.models import Organisation, Person
from tongxue.voice import selectors
from tongxue.voice.models import Concern, NamedHandler


def _student() -> list[HomeItem]:
    """Raise a concern (no query: the home reads nothing more for it). An answer to
    rate is not listed here: the student is notified (``notifying``) and the home keeps
    its few queries."""
    return [
        HomeItem(
            kind="voice-raise",
            title=gettext("Raise a concern"),
            why=gettext(
                "A problem with the canteen, a dormitory, a course, a fee or a cadre? "
                "The union takes it to the office responsible and answers within set "
                "working days (RGT-1)."
            ),
            due=None,
            url=reverse("voice:raise"),
        )
    ]


def _awaiting(user: AbstractBaseUser, orgs: list[Organisation], today: date) -> Q:
    """The concerns waiting for the user to act on them: ordinary ones whose handler
    is within an organisation where the user handles concerns, and the sensitive ones
    and those about a cadre of a union naming the user for them (never one about the
    user). Inline subqueries: the count is one query."""
    named = NamedHandler.objects.filter(user_id=user.pk)
    return Q(status__in=sorted(OPEN_STATUSES)) & (
        (Q(sensitive=False, about_person__isnull=True) & within(orgs, "handler__path"))
        | Q(
            sensitive=True,
            about_person__isnull=True,
            union_id__in=named.filter(sensitive=True).values("union_id"),
        )
        | (
            Q(
                about_person__isnull=False,
                union_id__in=named.filter(about_cadres=True).values("union_id"),
            )
            & ~Q(about_person__user_id=user.pk)
        )
    )


def _handler(user: AbstractBaseUser, now: datetime) -> list[HomeItem]:
    """How many concerns wait for the handler, how many overdue (one query; none for
    a user without a handling role)."""
    orgs = organisations_with(user, Perm.HANDLE)
    if not orgs:
        return []
    today = timezone.localdate(now)
    counts = Concern.objects.filter(_awaiting(user, orgs, today)).aggregate(
        n=Count("pk"),
        late=Count("pk", filter=selectors.overdue_q(today)),
    )
    n, late = counts["n"] or 0, counts["late"] or 0
    if not n:
        return []
    title = ngettext("%(n)d concern awaits you", "%(n)d concerns await you", n) % {
        "n": n
    }
    if late:
        # "2 concerns await you (1 overdue)": the two parts joined as the language does.
        title = gettext("%(waiting)s %(overdue)s") % {
            "waiting": title,
            "overdue": ngettext("(%(m)d overdue)", "(%(m)d overdue)", late)
            % {"m": late},
        }
    url = reverse("voice:queue")
    return [
        HomeItem(
            kind="voice-queue",
            title=title,
            why=gettext(
                "Students' concerns routed to you: acknowledge, forward or answer "
                "them before their deadlines; overdue ones go one level up."
            ),
            due=None,
            url=url + "?overdue=on" if late else url,
            urgent=bool(late),
        )
    ]


def voice_items(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """The student's items, then the handler's."""
    items: list[HomeItem] = []
    if person is not None and (person.department_id or person.class_unit_id):
        items += _student()
    return items + _handler(user, now)
