"""The balance report of a federation congress, stored with its delegate list (CON-12, #15).

Computing the balance page reads the federation's schools and structure (thousands of
organisations at province scale) and counts its registered students by gender and ethnic
group: about 100 ms, on every request before #15. The report is now kept in
:class:`~tongxue.congresses.models.StoredBalance`, one row per congress, with a key: a
hash of the inputs that are cheap to read on each request,

* the congress's delegate list, each delegate's registry row (gender, ethnic group,
  department, class, enrolment) and posts in the area: the rows the page reads first
  anyway (:func:`tongxue.congresses.balance.read_delegates`);
* the congress (code, kind, day, session, work report) and the federation (code, path);
* the profiles of the federation and of the organisations above it, and the parameters
  of the profile that governs it;
* the organisations under the federation: how many, the students they serve, and the
  last change of any (one aggregate query);
* the newest person registered (a student added changes the population);
* the day (the findings are as of today) and the rules (:func:`~tongxue.domain.stored.
  rule_version`), and :data:`FORMAT`.

The page reads the stored report while its key holds, else computes it and stores it
(one ``INSERT … ON CONFLICT``). The services that change a delegate list delete the
congress's report in their transaction (:func:`forget_report`), a snapshot import every
report (:func:`forget_all`): an import may change any organisation, person or post.
What the key does not see — a registered student's gender, ethnic group or enrolment
changed one at a time outside an import — shows from the next day (the day is in the
key); the page says when its report was computed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from tongxue.congresses.models import Meeting, StoredBalance
from tongxue.domain import model as dm
from tongxue.domain.profiles import get_profile
from tongxue.domain.stored import rule_version
from tongxue.organisations.models import Organisation, Person

#: The layout of ``StoredBalance.data``; part of the key, so a new layout recomputes.
FORMAT = 1


def _segments(path: str | None) -> list[str]:
    return [c for c in (path or "").split("/") if c]


def _governing_profile(chain: Sequence[tuple[str, str]]) -> str:
    """The profile governing the last organisation of ``chain`` (its path, root first,
    as (code, profile)): its own, else the nearest set above, else the default."""
    for _code, profile in reversed(chain):
        if profile:
            return profile
    return str(settings.TONGXUE_DEFAULT_PROFILE)


@lru_cache(maxsize=1)
def _rules() -> str:
    """The rules' version (:func:`~tongxue.domain.stored.rule_version`): fixed once
    the rules are registered, when the process starts."""
    return rule_version()


def report_key(
    federation: Organisation,
    meeting: Meeting,
    people: Iterable[dm.Person],
    positions: Iterable[dm.Position],
    *,
    today: date,
) -> str:
    """The key of the stored report: a hash of the inputs listed in the module's
    docstring (three queries: the profiles above, the organisations below, the newest
    person; the delegates' rows are the caller's)."""
    segments = _segments(federation.path)
    order = {code: i for i, code in enumerate(segments)}
    chain = sorted(
        Organisation.objects.filter(code__in=segments).values_list("code", "profile"),
        key=lambda row: order[row[0]],
    )
    below = Organisation.objects.filter(path__startswith=federation.path).aggregate(
        n=Count("pk"), served=Sum("students_served"), changed=Max("updated_at")
    )
    newest = Person.objects.aggregate(newest=Max("pk"))["newest"]
    profile = get_profile(_governing_profile(chain))
    parts: list[Any] = [
        FORMAT,
        _rules(),
        today.isoformat(),
        settings.TONGXUE_DEFAULT_PROFILE,
        (federation.code, federation.path),
        (
            meeting.code,
            meeting.kind,
            meeting.opened.isoformat(),
            meeting.session,
            meeting.work_report,
        ),
        chain,
        (profile.code, sorted(profile.parameters.items())),
        (below["n"], below["served"], below["changed"], newest),
        sorted(people, key=lambda p: p.id),
        sorted(positions, key=repr),
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def stored_report(meeting: Meeting, key: str) -> tuple[dict[str, Any], datetime] | None:
    """The report stored for ``meeting`` under ``key`` and when it was computed, or
    None (one query)."""
    row = (
        StoredBalance.objects.filter(meeting=meeting, key=key)
        .values_list("data", "computed_at")
        .first()
    )
    if row is None or not isinstance(row[0], dict) or row[0].get("format") != FORMAT:
        return None
    return row[0], row[1]


def store_report(meeting: Meeting, key: str, data: dict[str, Any]) -> datetime:
    """Store ``data`` as the report of ``meeting`` under ``key`` (one upsert); return
    when it was computed."""
    now = timezone.now()
    StoredBalance.objects.bulk_create(
        [StoredBalance(meeting=meeting, key=key, data=data, computed_at=now)],
        update_conflicts=True,
        unique_fields=["meeting"],
        update_fields=["key", "data", "computed_at"],
    )
    return now


def forget_report(meeting: Meeting) -> None:
    """Delete the stored report of ``meeting`` (its delegate list changed)."""
    StoredBalance.objects.filter(meeting=meeting).delete()


def forget_all(where: Q | None = None) -> None:
    """Delete every stored report (or those of the meetings ``where`` selects)."""
    StoredBalance.objects.filter(where or Q()).delete()
