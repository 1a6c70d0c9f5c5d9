"""Root conftest: the Django fixtures load only with pytest-django.

The domain tests (``tests/domain``) are pure Python and run without Django:
``pytest tests/domain -p no:django``. Every other test needs pytest-django, whose
fixtures and hooks live in :mod:`tests.django_plugin`.

**The day the run started.** Many test modules fix ``TODAY`` when they are collected,
and the services they call ask the clock for today. A run that crosses midnight (the
site's midnight is 16:00 UTC; the machine's is another) would compare yesterday with
today and fail for no fault of the code. So when a test starts on another day than the
run did — in either clock — the clock is moved back to the moment the run started and
keeps ticking from there (time-machine), for that test alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine

_STARTED: dt.datetime | None = None


def _days(moment: dt.datetime) -> tuple[dt.date, dt.date]:
    """The machine's day and the site's day (settings.TIME_ZONE's default)."""
    site = zoneinfo.ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))
    return moment.astimezone().date(), moment.astimezone(site).date()


@contextlib.contextmanager
def same_day_as(started: dt.datetime | None) -> Iterator[None]:
    """Run the block on ``started``'s day in both clocks: unchanged when it is still
    that day, else with the clock moved back to ``started`` (and ticking)."""
    if started is None or _days(dt.datetime.now(dt.UTC)) == _days(started):
        yield
        return
    with time_machine.travel(started, tick=True):
        yield


def pytest_configure(config: pytest.Config) -> None:
    global _STARTED
    _STARTED = dt.datetime.now(dt.UTC)
    if config.pluginmanager.hasplugin("django"):
        from tests import django_plugin

        config.pluginmanager.register(django_plugin, "tongxue-django-fixtures")


@pytest.fixture(autouse=True)
def _same_day_as_the_run() -> Iterator[None]:
    with same_day_as(_STARTED):
        yield
