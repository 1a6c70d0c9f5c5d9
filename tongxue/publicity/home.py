"""Public notices on the user's home (我的): notices to object to, objections to answer.

:class:`~tongxue.publicity.apps.PublicityConfig` registers :func:`notices_due` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (#13: accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.core.permissions import Perm
from tongxue.organisations.models import Person
from tongxue.publicity.models import Notice, Objection

#: At most this many notices of each kind on the home.
LIMIT = 20


def own_codes(person: Person) -> list[str]:
    """The codes of the person's own organisations: their class, their department and
    every organisation above them (the union, the school, the federations)."""
    codes: list[str] = []
    for org in (person.class_unit, person.department):
        if org is not None:
            codes.extend(c for c in org.path.split("/") if c and c not in codes)
    return codes


def _to_object(user: AbstractBaseUser, person: Person, now: datetime) -> list[HomeItem]:
    """Running notices of the person's own organisations they have not objected to
    (one query; none without a class or department)."""
    codes = own_codes(person)
    if not codes:
        return []
    today = timezone.localdate(now)
    objected = Objection.objects.filter(notice=OuterRef("pk"), lodged_by=user)
    notices = (
        Notice.objects.filter(
            organisation__code__in=codes,
            starts__lte=today,
            ends__gte=today,
            withdrawn_at__isnull=True,
        )
        .filter(~Exists(objected))
        .select_related("organisation")
        .order_by("ends", "pk")[:LIMIT]
    )
    return [
        HomeItem(
            kind="notice",
            title=gettext("Public notice: %(title)s") % {"title": n.display_title},
            why=gettext(
                "A public notice (公示) of your organisation %(org)s: until its last "
                "day any student may object to it (ELE-4)."
            )
            % {"org": n.organisation.name},
            due=n.ends,
            url=reverse("publicity:detail", args=[n.pk]),
            organisation_name=n.organisation.name,
        )
        for n in notices
    ]


def _to_answer(user: AbstractBaseUser) -> list[HomeItem]:
    """Notices with unanswered objections, for those who answer them (``Perm.ANSWER``
    at the notice's organisation; one query, none without such a role)."""
    orgs = organisations_with(user, Perm.ANSWER)
    if not orgs:
        return []
    waiting = Objection.objects.filter(
        within(orgs, "notice__organisation__path"), answered_at__isnull=True
    ).values("notice_id")
    notices = (
        Notice.objects.filter(pk__in=waiting)
        .annotate(
            unanswered=Count("objections", filter=Q(objections__answered_at=None))
        )
        .select_related("organisation")
        .order_by("ends", "pk")[:LIMIT]
    )
    return [
        HomeItem(
            kind="objections",
            title=gettext("Answer the objections to %(title)s")
            % {"title": n.display_title},
            why=ngettext(
                "%(n)d objection waits for its answer: the subject of the notice "
                "takes effect only once every objection is answered (ELE-4).",
                "%(n)d objections wait for their answer: the subject of the notice "
                "takes effect only once every objection is answered (ELE-4).",
                n.unanswered,
            )
            % {"n": n.unanswered},
            due=n.ends,
            url=reverse("publicity:detail", args=[n.pk]),
            organisation_name=n.organisation.name,
        )
        for n in notices
    ]


def notices_due(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """Notices the person may object to; objections the user has to answer."""
    items = _to_object(user, person, now) if person is not None else []
    return items + _to_answer(user)
