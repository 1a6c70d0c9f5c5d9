"""Periodic work: once per period, however many workers run (#14).

An app registers its periodic work in its ``AppConfig.ready()``::

    from datetime import timedelta
    from tongxue.jobs import periodic

    periodic.register("publicity.close-notices", timedelta(hours=1),
                      "tongxue.publicity.jobs.close_notices")   # close_notices(job)

Periods are aligned on :data:`EPOCH` (2000-01-01 00:00 UTC): with ``every`` one day,
a period starts at midnight UTC. Each worker, every
``TONGXUE_JOBS_HEARTBEAT_SECONDS``, looks for the periods that have started and not
been claimed, and claims each by inserting a :class:`~tongxue.jobs.models.PeriodicRun`
row (unique on name and period start) in the same transaction as the job it starts:
of several workers, only the one whose INSERT succeeds starts the job; the others get
the unique constraint's error and go on. A period in which no worker ran is not made up
for: the next claim is for the current period. The function runs as a job
(``func(job)``, kind ``periodic``, no starter): one transaction, done once, retried
when its worker is lost, visible to operators in the admin's log.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

#: The origin periods are aligned on.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    func: str


_registry: dict[str, Periodic] = {}


def register(name: str, every: dt.timedelta, func: str) -> None:
    """Run ``func(job)`` once every ``every`` (at least one second), as a job.

    Registering the same name again with the same period and function does nothing
    (``ready()`` may run more than once); with others it is an error.
    """
    if every < dt.timedelta(seconds=1):
        raise ValueError(f"periodic {name!r}: a period is at least one second")
    if not name or len(name) > 100:
        raise ValueError(f"periodic {name!r}: a name is 1 to 100 characters")
    entry = Periodic(name, every, func)
    known = _registry.get(name)
    if known is not None and known != entry:
        raise ValueError(f"periodic {name!r} is already registered as {known}")
    _registry[name] = entry


def unregister(name: str) -> None:
    """Forget ``name`` (tests)."""
    _registry.pop(name, None)


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda p: p.name)


def period_start(every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """The start of the period of length ``every`` that ``now`` falls in."""
    return EPOCH + ((now - EPOCH) // every) * every


def _taken(wanted: dict[str, tuple[Periodic, dt.datetime]]) -> set[tuple[str, Any]]:
    """The (name, period start) of ``wanted`` already claimed (one query)."""
    from tongxue.jobs.models import PeriodicRun

    return set(
        PeriodicRun.objects.filter(
            name__in=wanted, period_start__in={s for _p, s in wanted.values()}
        ).values_list("name", "period_start")
    )


def claim_due(
    *, now: dt.datetime | None = None, worker_id: str = ""
) -> list[tuple[str, dt.datetime]]:
    """Claim and start every registered periodic task whose current period is free.

    Returns the (name, period start) claimed by this call.
    """
    from tongxue.jobs.models import PeriodicRun
    from tongxue.jobs.services import start_job

    now = now or timezone.now()
    wanted = {p.name: (p, period_start(p.every, now)) for p in _registry.values()}
    if not wanted:
        return []
    taken = _taken(wanted)
    claimed = []
    for name, (entry, start) in sorted(wanted.items()):
        if (name, start) in taken:
            continue
        try:
            import_string(entry.func)
        except ImportError:
            logger.exception("Periodic %s: its function cannot be imported", name)
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(
                    name=name, period_start=start, worker_id=worker_id
                )
                run.job = start_job(
                    kind="periodic",
                    actor=None,
                    title=name,
                    func=entry.func,
                    kwargs={},
                )
                run.save(update_fields=["job"])
        except IntegrityError:
            logger.debug("Periodic %s @ %s was claimed by another worker", name, start)
            continue
        logger.info("Periodic %s @ %s claimed by %s", name, start, worker_id)
        claimed.append((name, start))
    return claimed
