"""The jobs' settings, with their defaults (tongxue/config/settings.py reads them from
the environment: JOBS_HEARTBEAT_SECONDS, JOBS_STALE_SECONDS, JOBS_MAX_ATTEMPTS,
JOBS_KEEP_DAYS)."""

from __future__ import annotations

from django.conf import settings


def heartbeat_seconds() -> float:
    """How often a worker writes its heartbeat and looks for stale and periodic work."""
    return float(getattr(settings, "TONGXUE_JOBS_HEARTBEAT_SECONDS", 10.0))


def stale_seconds() -> float:
    """After how long without a heartbeat a worker's running tasks go back to the queue."""
    return float(getattr(settings, "TONGXUE_JOBS_STALE_SECONDS", 60.0))


def max_attempts() -> int:
    """How many times a job is started before a lost worker makes it fail."""
    return int(getattr(settings, "TONGXUE_JOBS_MAX_ATTEMPTS", 3))


def keep_days() -> int:
    """How long finished jobs, task results and periodic runs are kept."""
    return int(getattr(settings, "TONGXUE_JOBS_KEEP_DAYS", 30))
