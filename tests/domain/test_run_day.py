"""The test run keeps the day it started on (tests/conftest.py): a run that crosses
midnight must not compare a ``TODAY`` fixed at collection with a later today."""

from __future__ import annotations

import datetime as dt

from tests.conftest import same_day_as


def test_a_test_started_on_a_later_day_runs_on_the_runs_day() -> None:
    started = dt.datetime.now(dt.UTC) - dt.timedelta(days=2, hours=3)
    with same_day_as(started):
        now = dt.datetime.now(dt.UTC)
        assert started <= now < started + dt.timedelta(minutes=1)
        assert dt.date.today() == started.astimezone().date()
    assert dt.datetime.now(dt.UTC) - started > dt.timedelta(days=2)


def test_a_test_on_the_same_day_keeps_the_real_clock() -> None:
    started = dt.datetime.now(dt.UTC)
    with same_day_as(started):
        assert dt.datetime.now(dt.UTC) >= started
    with same_day_as(None):
        assert dt.datetime.now(dt.UTC) >= started
