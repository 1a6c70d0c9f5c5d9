"""Cadres on the home (我的): the cadre's exit case and messages; the managers' queue.

The cadre sees an exit case that waits for their statement or may be appealed
(CAD-5) and the students' messages not yet read (CAD-2); those who manage a union's
cadres see the selections whose applications closed (CAD-1) and the exit cases that
wait for them. The 述职 (work report) is the evaluations app's (``evaluations/home.py``).
:class:`~tongxue.cadres.apps.CadresConfig` registers :func:`cadre_items` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (#13: accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.cadres.models import (
    ExitCase,
    ExitState,
    RelayMessage,
    Selection,
    SelectionState,
)
from tongxue.core.permissions import Perm
from tongxue.organisations.models import Person, Position

#: At most this many items of each kind on the home.
LIMIT = 20


def post_columns(posts: QuerySet[Position], now: datetime) -> QuerySet[Position]:
    """Annotate posts with what waits for their cadre: unread messages (``home_unread``)
    and the exit case to answer (``home_case``, ``home_case_state``,
    ``home_case_until``): a statement after the notice, an appeal within its window.

    Registered on :data:`tongxue.accounts.selectors.HOME_POST_COLUMNS`: the home's
    query of the person's posts carries them, so :func:`cadre_items` reads no more.
    """
    today = timezone.localdate(now)
    actionable = (
        ExitCase.objects.filter(position=OuterRef("pk"))
        .filter(
            Q(state=ExitState.NOTIFIED, statement_at__isnull=True)
            | Q(state=ExitState.PUBLISHED, appeal_until__gte=today)
        )
        .order_by("-opened_at", "-pk")
    )
    unread = (
        RelayMessage.objects.filter(position=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("position")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return posts.annotate(
        home_unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        home_case=Subquery(actionable.values("pk")[:1]),
        home_case_state=Subquery(actionable.values("state")[:1]),
        home_case_until=Subquery(actionable.values("appeal_until")[:1]),
    )


def _own(person: Person, now: datetime) -> list[HomeItem]:
    """The cadre's exit case to answer and unread messages: from the posts the home
    loaded with :func:`post_columns` (no query), else one query; none for a person
    who never held a post."""
    loaded = list(person.positions.all())
    if not loaded:
        return []
    if all(hasattr(p, "home_unread") for p in loaded):
        posts = loaded
    else:
        posts = list(
            post_columns(
                Position.objects.filter(person=person).select_related("organisation"),
                now,
            )
        )
    posts = [p for p in posts if p.home_unread or p.home_case is not None][:LIMIT]
    items = []
    for p in posts:
        org = p.organisation.name
        if p.home_case is not None and p.home_case_state == ExitState.NOTIFIED:
            items.append(
                HomeItem(
                    kind="exit-statement",
                    title=gettext("Write your statement on the exit case"),
                    why=gettext(
                        "An exit case about your post %(post)s was opened and you were "
                        "notified: you may state your side before it is decided "
                        "(CAD-5)."
                    )
                    % {"post": p.title},
                    due=None,
                    url=reverse("cadres:exit", args=[p.home_case]),
                    organisation_name=org,
                    urgent=True,
                )
            )
        elif p.home_case is not None:
            items.append(
                HomeItem(
                    kind="exit-appeal",
                    title=gettext("You may appeal the exit decision"),
                    why=gettext(
                        "The decision on your post %(post)s was published; you may "
                        "appeal it until the last day of the appeal period (CAD-5)."
                    )
                    % {"post": p.title},
                    due=p.home_case_until,
                    url=reverse("cadres:exit", args=[p.home_case]),
                    organisation_name=org,
                )
            )
        if p.home_unread:
            items.append(
                HomeItem(
                    kind="relay",
                    title=ngettext(
                        "%(n)d unread message from students",
                        "%(n)d unread messages from students",
                        p.home_unread,
                    )
                    % {"n": p.home_unread},
                    why=gettext(
                        "Students wrote to you as %(post)s through the public roster "
                        "(CAD-2)."
                    )
                    % {"post": p.title},
                    due=None,
                    url=reverse("cadres:me"),
                    organisation_name=org,
                )
            )
    return items


#: The states in which an exit case waits for the union's managers, whatever else.
MANAGER_STATES = (ExitState.OPENED, ExitState.DECIDED, ExitState.APPEALED)


def _managed(user: AbstractBaseUser, now: datetime) -> list[HomeItem]:
    """Selections to assess and exit cases to move on, for ``Perm.MANAGE`` (two
    queries, none without the role)."""
    orgs = organisations_with(user, Perm.MANAGE)
    if not orgs:
        return []
    today = timezone.localdate(now)
    items = []
    selections = (
        Selection.objects.filter(
            within(orgs), state=SelectionState.ADVERTISED, closes__lt=today
        )
        .select_related("organisation")
        .annotate(n=Count("applications"))
        .order_by("closes", "pk")[:LIMIT]
    )
    for s in selections:
        items.append(
            HomeItem(
                kind="selection-assess",
                title=gettext("Assess the applications for %(title)s")
                % {"title": s.title},
                why=ngettext(
                    "Applications closed on %(closes)s with %(n)d application: "
                    "start assessing it against the criteria (CAD-1).",
                    "Applications closed on %(closes)s with %(n)d applications: "
                    "start assessing them against the criteria (CAD-1).",
                    s.n,
                )
                % {"closes": s.closes.isoformat(), "n": s.n},
                due=s.closes,
                url=reverse("cadres:selection", args=[s.pk]),
                organisation_name=s.organisation.name,
            )
        )
    cases = (
        ExitCase.objects.filter(within(orgs, "position__organisation__path"))
        .filter(
            Q(state__in=MANAGER_STATES)
            | Q(state=ExitState.NOTIFIED, statement_at__isnull=False)
            | Q(state=ExitState.PUBLISHED, appeal_until__lt=today)
        )
        .select_related("position", "position__organisation", "position__person")
        .order_by("opened_at", "pk")[:LIMIT]
    )
    whys = {
        ExitState.OPENED: gettext("Notify the cadre and invite a statement (CAD-5)."),
        ExitState.NOTIFIED: gettext(
            "The cadre has written a statement: the case waits for the decision."
        ),
        ExitState.DECIDED: gettext("The decision is recorded: publish it (CAD-5)."),
        ExitState.APPEALED: gettext(
            "The cadre appealed the decision: answer the appeal and close the case."
        ),
        ExitState.PUBLISHED: gettext(
            "The appeal period is over without an appeal: close the case."
        ),
    }
    for c in cases:
        items.append(
            HomeItem(
                kind="exit-case",
                title=gettext("Exit case: %(name)s, %(post)s")
                % {"name": c.position.person.name, "post": c.position.title},
                why=whys[ExitState(c.state)],
                due=c.appeal_until if c.state == ExitState.PUBLISHED else None,
                url=reverse("cadres:exit", args=[c.pk]),
                organisation_name=c.position.organisation.name,
            )
        )
    return items


def cadre_items(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """The cadre's own items, then their managers' queue."""
    items = _own(person, now) if person is not None else []
    return items + _managed(user, now)
