"""Read accounts: the roles held in an organisation's subtree, a user's home (我的).

The home (:func:`my_home`, ``/people/me/``) lists first what awaits the user — each
item with why it is there and by when — then the account's details. The items come
from the apps above through :data:`HOME_ITEMS` (accounts imports none of them, #13);
docs/accounts.md, "My home (我的)", lists every source.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.accounts.models import Invitation
from tongxue.core.hooks import Hook
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm
from tongxue.organisations.models import Organisation, Person, Position

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeItem:
    """One thing that awaits the user on their home: what, why, by when, where.

    ``why`` says why it is there ("you are a delegate of …"), ``due`` by when (a day
    means the end of that day; ``None``: no deadline), ``url`` the page where the user
    acts, one tap away. ``urgent`` marks it urgent whatever its deadline (an open vote
    closes when the presidium closes it); the home also marks urgent every item due
    within :data:`URGENT_WITHIN`.
    """

    kind: str
    title: str
    why: str
    due: datetime | date | None
    url: str
    organisation_name: str = ""
    urgent: bool = False


#: A source of home items: ``(user, person, now) -> list[HomeItem]``. ``person`` is the
#: user's registry person or None; it comes with its department and class, its newest
#: posts (``person.positions.all()``, with their organisations) and delegate seats
#: (``person.delegate_seats.all()``, with meeting and organisation) already loaded, so a
#: source that only needs those reads nothing more (``.all()``: a filter would query).
HomeSource = Callable[[AbstractBaseUser, Person | None, datetime], list[HomeItem]]
#: What awaits the user on their home (我的), a source per feature app registered in its
#: ``AppConfig.ready()`` from ``<app>/home.py`` (#13: accounts imports none of them).
#: One query per source where it can; a failing source is logged and left out.
HOME_ITEMS: Hook[HomeSource] = Hook("accounts.home_items")
#: What the apps above add to the home's query of the person's posts: a function
#: ``(posts, now) -> posts`` that annotates the queryset, so that their source reads
#: the columns from ``person.positions.all()`` without a query of its own (cadres: the
#: unread messages and the exit case waiting for the cadre, ``cadres/home.py``).
HOME_POST_COLUMNS: Hook[
    Callable[[QuerySet[Position], datetime], QuerySet[Position]]
] = Hook("accounts.home_post_columns")
#: Items due within this time are shown as urgent.
URGENT_WITHIN = timedelta(hours=48)
#: How many posts and seats the home shows (newest first).
POSTS_SHOWN = 20
SEATS_SHOWN = 10
#: The congresses whose delegates the roles page offers to invite, a function of the
#: organisation (the congresses app's :func:`~tongxue.congresses.invitations.invitable_congresses`).
#: Each item has a ``code`` (for ``accounts:invite-delegates``), ``session``,
#: ``opened`` and ``get_kind_display()``; newest first.
CONGRESSES: Hook[Callable[[Organisation], list[Any]]] = Hook("accounts.congresses")


def roles_within(organisation: Organisation) -> QuerySet[RoleAssignment]:
    """Return the role assignments at the organisation and below, for a page."""
    return (
        RoleAssignment.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("user", "user__person", "organisation")
        .only(
            "role",
            "granted_at",
            "organisation__code",
            "organisation__name",
            "organisation__path",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__password",
            "user__last_login",  # an account signed in by SSO has no password
            "user__person__name",
        )
        .order_by("organisation__path", "role", "user__username")
    )


def congresses_of(organisation: Organisation) -> list[Any]:
    """Return the congresses whose delegates the roles page offers to invite.

    They are the congresses app's (:data:`CONGRESSES`); newest first.
    """
    return [m for source in CONGRESSES for m in source(organisation)]


def open_invitation_of(person: Person) -> Invitation | None:
    """Return the person's open invitation, if any."""
    now = timezone.now()
    return (
        Invitation.objects.filter(
            person=person,
            redeemed_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class ShownItem:
    """A home item as the page shows it: its deadline in words, urgent or not."""

    item: HomeItem
    due_at: datetime | None
    due_text: str
    urgent: bool
    overdue: bool

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def due_iso(self) -> str:
        """The deadline for ``<time datetime>``: a day, or a moment."""
        due = self.item.due
        if isinstance(due, datetime):
            return timezone.localtime(due_moment(due)).isoformat(timespec="minutes")
        return due.isoformat() if due is not None else ""

    @property
    def due_label(self) -> str:
        """The deadline as shown: the day, with the time for a moment (local time)."""
        due = self.item.due
        if isinstance(due, datetime):
            return timezone.localtime(due_moment(due)).strftime("%Y-%m-%d %H:%M")
        return due.isoformat() if due is not None else ""


@dataclass
class Link:
    """A link of the account section (the cadre record, evaluations)."""

    kind: str
    url: str


@dataclass
class MyAccount:
    person: Person | None
    positions: list[Position] = field(default_factory=list)
    seats: list[Any] = field(default_factory=list)  # congresses.Delegate
    roles: list[RoleAssignment] = field(default_factory=list)
    items: list[ShownItem] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- roles, for the sources of home items -------------------------------------------

_ROLES_ATTR = "_tongxue_home_roles"


def roles_of(user: AbstractBaseUser) -> list[RoleAssignment]:
    """Return the user's roles with their organisations, by path (one query).

    Kept on the user object, so that the home and each of its sources read them once
    per request (the user object lives as long as the request).
    """
    cached = getattr(user, _ROLES_ATTR, None)
    if cached is not None:
        return list(cached)
    roles: list[RoleAssignment] = []
    if getattr(user, "is_authenticated", False):
        roles = list(
            RoleAssignment.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__path", "role")
        )
    setattr(user, _ROLES_ATTR, tuple(roles))
    return roles


def organisations_with(user: AbstractBaseUser, *perms: Perm) -> list[Organisation]:
    """Return the organisations where a role of the user grants one of ``perms``.

    Each covers its subtree; an organisation inside another one of the list is left
    out. Reads :func:`roles_of` (no query once it was read). The operator's
    ``is_superuser`` is not a role: an operator's home lists what their roles give.
    """
    wanted = set(perms)
    orgs = {
        a.organisation.path: a.organisation
        for a in roles_of(user)
        if GRANTS.get(a.role, frozenset()) & wanted
    }
    paths = sorted(orgs)
    kept: list[Organisation] = []
    for path in paths:
        if not any(path.startswith(k.path) for k in kept):
            kept.append(orgs[path])
    return kept


def within(orgs: Iterable[Organisation], field: str = "organisation__path") -> Q:
    """A filter: ``field`` (a path) lies in the subtree of one of ``orgs``."""
    q = Q(pk__in=[])
    for org in orgs:
        q |= Q(**{f"{field}__startswith": org.path})
    return q


# --- deadlines in words ----------------------------------------------------------------


def due_moment(due: datetime | date | None) -> datetime | None:
    """Return the moment a deadline falls: a day ends at its midnight (local time)."""
    if due is None:
        return None
    if isinstance(due, datetime):
        return due if timezone.is_aware(due) else timezone.make_aware(due)
    return timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min))


def due_in_words(due: datetime | date | None, now: datetime) -> str:
    """Say by when, from ``now``: "due in 3 days", "due today", "2 days overdue"."""
    moment = due_moment(due)
    if moment is None or due is None:
        return ""
    today = timezone.localdate(now)
    day = due if not isinstance(due, datetime) else timezone.localdate(moment)
    days = (day - today).days
    left = moment - now
    if left <= timedelta(0):
        late = (today - day).days
        if late < 1:
            return gettext("overdue")
        return ngettext("%(n)d day overdue", "%(n)d days overdue", late) % {"n": late}
    if isinstance(due, datetime) and left < timedelta(hours=1):
        minutes = max(1, math.ceil(left.total_seconds() / 60))
        return ngettext("due in %(n)d minute", "due in %(n)d minutes", minutes) % {
            "n": minutes
        }
    if isinstance(due, datetime) and left < timedelta(hours=24):
        hours = max(1, math.floor(left.total_seconds() / 3600))
        return ngettext("due in %(n)d hour", "due in %(n)d hours", hours) % {"n": hours}
    if days <= 0:
        return gettext("due today")
    if days == 1:
        return gettext("due tomorrow")
    return ngettext("due in %(n)d day", "due in %(n)d days", days) % {"n": days}


def shown(items: Iterable[HomeItem], now: datetime) -> list[ShownItem]:
    """Return the urgent items first, then soonest due, undated last, with their words.

    An urgent item without a date (an open vote the person has not cast) comes before a
    dated one that is not urgent: it is what the person can do now.
    """
    out = []
    for item in items:
        moment = due_moment(item.due)
        out.append(
            ShownItem(
                item=item,
                due_at=moment,
                due_text=due_in_words(item.due, now),
                urgent=item.urgent
                or (moment is not None and moment - now <= URGENT_WITHIN),
                overdue=moment is not None and moment <= now,
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    out.sort(
        key=lambda s: (not s.urgent, s.due_at is None, s.due_at or far, s.item.title)
    )
    return out


def home_items(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """Ask every registered source; one that fails is logged and left out."""
    items: list[HomeItem] = []
    for source in HOME_ITEMS:
        try:
            items.extend(source(user, person, now))
        except Exception:
            # Another app's bug must not take the home down; it is logged, not hidden.
            logger.exception("%s.%s failed", source.__module__, source.__qualname__)
    return items


def _posts(now: datetime) -> QuerySet[Position]:
    posts = Position.objects.select_related("organisation").order_by("-start", "-id")
    for columns in HOME_POST_COLUMNS:
        try:
            posts = columns(posts, now)
        except Exception:
            # As for a source: logged, and the posts are read without those columns
            # (their source then reads them itself).
            logger.exception("%s.%s failed", columns.__module__, columns.__qualname__)
    return posts


def home_person(user: AbstractBaseUser, now: datetime | None = None) -> Person | None:
    """Return the user's person with what the home and its sources read (3 queries).

    Department and class joined; the person's posts (with their organisations) and
    delegate seats (with meeting and organisation), newest first, prefetched: one
    person's own, a handful, so the sources read them without a query. The posts
    carry the columns of :data:`HOME_POST_COLUMNS`.
    """
    now = now or timezone.now()
    return (
        Person.objects.filter(user=user)
        .select_related("department", "class_unit")
        .prefetch_related(
            Prefetch("positions", queryset=_posts(now)),
            Prefetch("delegate_seats", queryset=person_seats()),
        )
        .first()
    )


def person_seats() -> QuerySet[Any]:
    """The delegate seats with their meetings, newest meeting first (no query yet)."""
    # The congresses app's Delegate, reached through the relation (#13: no import).
    delegate = Person._meta.get_field("delegate_seats").related_model
    return delegate.objects.select_related("meeting", "meeting__organisation").order_by(
        "-meeting__opened", "-id"
    )


def my_home(user: AbstractBaseUser, now: datetime | None = None) -> MyAccount:
    """Return what awaits the signed-in user, then their person, posts, seats, roles.

    Four queries (person, posts, seats, roles) and one per source of items that has
    something to read for this user.
    """
    now = now or timezone.now()
    person = home_person(user, now)
    account = MyAccount(person=person, roles=roles_of(user))
    if person is not None:
        account.positions = list(person.positions.all())[:POSTS_SHOWN]
        account.seats = list(person.delegate_seats.all())[:SEATS_SHOWN]
    account.items = shown(home_items(user, person, now), now)
    if person is not None and account.positions:
        cadre = _url("cadres:me")
        if cadre:
            account.links.append(Link("cadre", cadre))
    evaluations = _url("evaluations:mine")
    if evaluations:
        account.links.append(Link("evaluations", evaluations))
    return account
