"""The voice demo's summary line (#17) says what the demo made: the union's concerns
as the database has them after the demo ran (the term's, the merged duplicates and
the term before's), the days the first and the last were raised on (not "four
months": the term before's reach five), and how many are open and overdue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Max, Min
from django.utils.timezone import localdate
from django.utils.translation import override

from tests.integration.test_voice_demo import AS_OF, _school, _seed
from tongxue.demo import voice as demo
from tongxue.domain.rights import OPEN_STATUSES
from tongxue.voice.models import Concern
from tongxue.voice.selectors import overdue_q

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"^(?P<union>\S+): (?P<offices>\d+) school offices, (?P<n>\d+) concerns raised "
    r"from (?P<first>\d{4}-\d\d-\d\d) to (?P<last>\d{4}-\d\d-\d\d) "
    r"\((?P<open>\d+) open, (?P<overdue>\d+) overdue\)"
)


def test_the_summary_line_gives_the_database_s_figures() -> None:
    union = _school()
    summary = _seed()
    assert "four months" not in summary
    said = SUMMARY.match(summary)
    assert said is not None, summary

    concerns = Concern.objects.filter(union=union)
    span = concerns.aggregate(first=Min("raised_at"), last=Max("raised_at"))
    first, last = localdate(span["first"]), localdate(span["last"])
    assert said["union"] == union.code
    assert int(said["offices"]) == len(demo.OFFICES)
    assert int(said["n"]) == concerns.count()
    assert dt.date.fromisoformat(said["first"]) == first
    assert dt.date.fromisoformat(said["last"]) == last == AS_OF
    assert int(said["open"]) == concerns.filter(status__in=OPEN_STATUSES).count()
    assert int(said["overdue"]) == concerns.filter(overdue_q(AS_OF)).count() == 2
    # the term before's concerns (voice_history) reach back further than four
    # months: the line says so by the dates, not by a span it would get wrong
    assert (AS_OF - first).days > 4 * 31
    assert concerns.count() > len(demo.RECENT)


def test_the_summary_line_in_chinese_names_the_same_days() -> None:
    _school()
    with override("zh-hans"):
        summary = demo.seed(scale="school", as_of=AS_OF)
    first = localdate(Concern.objects.aggregate(v=Min("raised_at"))["v"])
    assert f"{first.isoformat()} 至 {AS_OF.isoformat()}" in summary
    assert "四个月" not in summary
