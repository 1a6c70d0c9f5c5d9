"""Congresses on the home (我的): the delegate's coming congress; congresses due.

A delegate sees the congress they sit in that is still to come or in session (from the
seats the home already loaded: no query). Those who manage a union or a federation see
its congress due under the governing profile's interval (CON-1, CON-2, CON-11, CON-14:
the same periods the audit judges, read cheaply: the newest congress held, against the
interval) or the one planned within :data:`HORIZON`. One query for all their
organisations. :class:`~tongxue.congresses.apps.CongressesConfig` registers
:func:`congress_items` on :data:`tongxue.accounts.selectors.HOME_ITEMS` (#13: accounts
imports nothing of it).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tongxue.accounts.selectors import HomeItem, roles_of
from tongxue.congresses.models import MeetingKind, MeetingStatus
from tongxue.core.permissions import GRANTS, Perm
from tongxue.domain.model import SECONDARY_SCHOOL_TYPES
from tongxue.domain.profiles import Profile, ProfileError, load_profile
from tongxue.organisations.models import Organisation, OrgKind, Person

#: A congress planned, or due, within this many days shows on the managers' home.
HORIZON = timedelta(days=120)
HELD = (MeetingStatus.CONVENED, MeetingStatus.CLOSED)
SCHOOL_UNIONS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
FEDERATIONS = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)


def _seat_items(person: Person, today: date) -> list[HomeItem]:
    """The congresses the person is a delegate of, still to come or in session."""
    items = []
    for seat in person.delegate_seats.all():
        m = seat.meeting
        org = m.organisation
        name = gettext("The %(kind)s of %(org)s") % {
            "kind": m.get_kind_display(),
            "org": org.name,
        }
        if m.status == MeetingStatus.CONVENED:
            why = gettext("You are a delegate: it is in session.")
            due: date | None = m.closes
        elif m.status != MeetingStatus.CLOSED and m.opened >= today:
            why = gettext("You are a delegate: it opens on %(date)s.") % {
                "date": m.opened.isoformat()
            }
            due = m.opened
        else:
            continue
        items.append(
            HomeItem(
                kind="congress",
                title=name,
                why=why,
                due=due,
                url=reverse("congresses:detail", args=[org.code, m.code]),
                organisation_name=org.name,
            )
        )
    return items


def months_after(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to the month's end: the
    last day a period of ``months`` months from ``day`` still covers
    (:func:`tongxue.domain.dates.months_before` the other way)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=32)
def _profile(code: str, dirs: tuple[str, ...]) -> Profile | None:
    try:
        return load_profile(code, search=tuple(Path(d) for d in dirs))
    except ProfileError:
        return None


def _governing(org: Organisation, rows: dict[str, dict[str, Any]]) -> Profile | None:
    """The organisation's profile: its own, the nearest set above, or the default
    (as :func:`tongxue.organisations.profiles.governing_profile`, from rows read)."""
    codes = [c for c in org.path.split("/") if c]
    code = next(
        (rows[c]["profile"] for c in reversed(codes) if rows.get(c, {}).get("profile")),
        settings.TONGXUE_DEFAULT_PROFILE,
    )
    dirs = tuple(str(d) for d in getattr(settings, "TONGXUE_PROFILE_DIRS", ()) or ())
    return _profile(code, dirs)


def _interval(
    org: Organisation, rows: dict[str, dict[str, Any]], profile: Profile
) -> tuple[int, bool] | None:
    """The congress interval in months, and whether an all-student assembly counts."""
    codes = [c for c in org.path.split("/") if c]
    if org.kind in SCHOOL_UNIONS:
        secondary = any(
            rows.get(c, {}).get("kind") == OrgKind.SCHOOL
            and rows[c]["school_type"] in SECONDARY_SCHOOL_TYPES
            for c in codes
        )
        param = (
            "secondary_congress_max_interval_months"
            if secondary
            else "school_congress_max_interval_months"
        )
    elif org.kind == OrgKind.DEPARTMENT_UNION:
        param = "department_congress_max_interval_months"
    elif org.kind in FEDERATIONS:
        param = "federation_congress_max_interval_months"
    else:
        return None
    if not profile.has(param):
        return None
    assembly = False
    if org.kind == OrgKind.DEPARTMENT_UNION and profile.has("assembly_students_below"):
        students = rows[org.code]["students_served"]
        assembly = students is not None and students < profile.int(
            "assembly_students_below"
        )
    return profile.int(param), assembly


def _due_items(user: AbstractBaseUser, today: date) -> list[HomeItem]:
    """Congresses due or planned soon at the organisations where the user's roles
    grant ``Perm.MANAGE`` (the organisations themselves, not their subtrees): one query
    for them all, none without such a role."""
    orgs = {
        a.organisation.code: a.organisation
        for a in roles_of(user)
        if Perm.MANAGE in GRANTS.get(a.role, frozenset())
        and a.organisation.kind
        in (*SCHOOL_UNIONS, OrgKind.DEPARTMENT_UNION, *FEDERATIONS)
    }
    if not orgs:
        return []
    codes = {c for o in orgs.values() for c in o.path.split("/") if c}
    held = Q(meetings__status__in=HELD, meetings__opened__lte=today)
    rows = {
        r["code"]: r
        for r in Organisation.objects.filter(code__in=codes)
        .annotate(
            last_congress=Max(
                "meetings__opened", filter=held & Q(meetings__kind=MeetingKind.CONGRESS)
            ),
            last_assembly=Max(
                "meetings__opened", filter=held & Q(meetings__kind=MeetingKind.ASSEMBLY)
            ),
            planned=Min(
                "meetings__opened",
                filter=Q(
                    meetings__kind=MeetingKind.CONGRESS, meetings__opened__gte=today
                )
                & ~Q(meetings__status__in=HELD),
            ),
        )
        .values(
            "code",
            "kind",
            "profile",
            "school_type",
            "students_served",
            "last_congress",
            "last_assembly",
            "planned",
        )
    }
    items = []
    for code, org in sorted(orgs.items()):
        row = rows[code]
        profile = _governing(org, rows)
        rule = _interval(org, rows, profile) if profile is not None else None
        if rule is None:
            continue
        months, assembly = rule
        last = row["last_congress"]
        if (
            assembly
            and row["last_assembly"]
            and (last is None or row["last_assembly"] > last)
        ):
            last = row["last_assembly"]
        due = months_after(last, months) if last is not None else None
        planned = row["planned"]
        if planned is not None and (due is None or planned <= due):
            if planned - today > HORIZON:
                continue  # on time, and not yet to prepare
            items.append(
                HomeItem(
                    kind="congress-planned",
                    title=gettext("Prepare the congress of %(org)s")
                    % {"org": org.name},
                    why=gettext(
                        "It is planned to open on %(date)s: seats, delegates' "
                        "elections and candidates come first (CON-3 … CON-6)."
                    )
                    % {"date": planned.isoformat()},
                    due=planned,
                    url=reverse("congresses:list", args=[code]),
                    organisation_name=org.name,
                )
            )
            continue
        if due is not None and due - today > HORIZON:
            continue
        if last is None:
            why = gettext(
                "No congress of %(org)s is recorded; the governing rules (%(profile)s) "
                "ask for one at least every %(months)d months."
            ) % {"org": org.name, "profile": profile.code, "months": months}
        else:
            why = gettext(
                "The governing rules (%(profile)s) ask for a congress at least every "
                "%(months)d months; the last was held on %(last)s."
            ) % {"profile": profile.code, "months": months, "last": last.isoformat()}
        items.append(
            HomeItem(
                kind="congress-due",
                title=gettext("A congress of %(org)s is due") % {"org": org.name},
                why=why,
                due=due,
                url=reverse("congresses:plan", args=[code]),
                organisation_name=org.name,
                urgent=due is None,
            )
        )
    return items


def congress_items(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """The delegate's congresses (no query), then the managers' congresses due."""
    today = timezone.localdate(now)
    items = _seat_items(person, today) if person is not None else []
    return items + _due_items(user, today)
