"""Raising concerns at scale (#17, RGT-1): numbered one after the other under
concurrency (none lost, none doubled, each with its step, audit record and
notifications), the daily limit held when one student raises at once, the first step
and defaults written by the one-round-trip insert as by the ORM, the recipients read
ahead of the union's lock, and the re-audit of a raise left to the job (no re-audit at
commit) with the stored findings still those of a fresh audit.

docs/voice.md, "Raising at scale"; docs/audit.md, "Re-audit after writes".
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import TestCase
from django.utils import timezone

from tests.factories_voice import build_voice_school, student
from tongxue.compliance import nightly, reaudit
from tongxue.compliance.models import AuditRun, DirtyOrganisation, StoredFinding
from tongxue.compliance.store import store_audit
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.domain.audit import audit
from tongxue.domain.stored import finding_from_data, finding_to_data
from tongxue.jobs.models import Job
from tongxue.jobs.testing import run_queued_jobs
from tongxue.notifications.models import Notification
from tongxue.notifications.services import prepare, send_prepared
from tongxue.organisations.mappers import load_registry
from tongxue.voice import services
from tongxue.voice.models import Concern, ConcernEvent, ConcernStatus, EventKind

pytestmark = pytest.mark.django_db


def raise_as(vs: Any, user: Any, title: str, visibility: str = "public") -> Any:
    return services.raise_concern(
        actor=user,
        union=vs.union,
        category=vs.category("food"),
        title=title,
        body=f"{title}：二食堂的饭菜太咸了",
        visibility=visibility,
    )


def _canonical(data: Any) -> str:
    return json.dumps(
        finding_to_data(finding_from_data(data)), sort_keys=True, ensure_ascii=False
    )


def stored_is_fresh() -> bool:
    stored = Counter(
        _canonical(d) for d in StoredFinding.objects.values_list("data", flat=True)
    )
    fresh = Counter(
        json.dumps(finding_to_data(f), sort_keys=True, ensure_ascii=False)
        for f in audit(load_registry(None), as_of=timezone.localdate()).findings
    )
    return stored == fresh


def test_the_first_step_and_the_defaults_are_written_with_the_concern():
    vs = build_voice_school()
    before = Concern.objects.filter(union=vs.union).count()
    raised = raise_as(vs, vs.author, "食堂饭菜太咸", visibility="anonymous")
    c = Concern.objects.get(pk=raised.concern.pk)
    assert c.number == raised.concern.number == before + 1
    assert raised.concern.reference == c.reference
    assert c.author_id is None and c.tracking_hash  # anonymous: no author stored
    assert (c.status, c.supporters, c.verified, c.reopened_count) == (
        ConcernStatus.RECEIVED,
        0,
        False,
        0,
    )
    assert c.public_body and c.tokens
    step = ConcernEvent.objects.get(concern=c)
    assert (step.kind, step.at, step.to_org_id, step.actor_id, step.public) == (
        EventKind.RAISED,
        c.raised_at,
        c.handler_id,
        None,
        True,
    )
    record = AuditEvent.objects.get(action="voice.concern.raise")
    assert record.actor_id is None and record.target.endswith(c.reference)


def test_the_recipients_read_ahead_are_told_as_by_notify():
    vs = build_voice_school()
    gone = student(vs.k1, "gone-student")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with transaction.atomic():
        prepared = prepare(
            "voice.concern_received", user_ids=[vs.class_officer.pk, gone.pk]
        )
        sent = send_prepared(prepared, params={"reference": "2026-0001"}, url="/v/")
    assert sent == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [
        vs.class_officer.pk
    ]
    with pytest.raises(ValueError):
        prepare("no.such-kind", user_ids=[vs.class_officer.pk])
    with pytest.raises(ValueError), transaction.atomic():
        send_prepared(prepared, params={}, url="https://elsewhere.example/")


def test_a_raise_is_left_to_the_reaudit_job_and_the_findings_stay_fresh():
    vs = build_voice_school()
    store_audit(root=None)
    runs = AuditRun.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        raise_as(vs, vs.author, "宿舍热水不稳定")
    # marked in the raise's transaction, the job queued, nothing stored at commit
    assert list(DirtyOrganisation.objects.values_list("code", flat=True)) == [
        vs.union.code
    ]
    assert Job.objects.filter(kind=reaudit.KIND, status="queued").count() == 1
    assert AuditRun.objects.count() == runs
    assert not any(
        isinstance(getattr(cb, "__self__", None), reaudit._Batch) for cb in callbacks
    )
    # a second raise finds the job queued and leaves its mark to it
    raise_as(vs, vs.author, "食堂排队太久")
    assert Job.objects.filter(kind=reaudit.KIND).count() == 1
    assert DirtyOrganisation.objects.count() == 2
    # pending marks are not drift; the job stores what a fresh audit finds
    assert nightly.nightly_pass().drift == []
    raise_as(vs, vs.author, "图书馆座位不够")
    assert run_queued_jobs() == 1
    assert not DirtyOrganisation.objects.exists()
    assert stored_is_fresh()
    assert nightly.nightly_pass().drift == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_in_one_union_are_numbered_one_after_the_other():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    vs = build_voice_school(prefix="C")
    students = [student(vs.k1 if i % 2 else vs.k2, f"c-student{i}") for i in range(12)]
    per = 3

    def work(i: int) -> list[int]:
        try:
            return [
                raise_as(vs, students[i], f"问题{i}-{k}").concern.number
                for k in range(per)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = [n for ns in pool.map(work, range(len(students))) for n in ns]
    n = len(students) * per
    assert sorted(numbers) == list(range(1, n + 1))  # none lost, none doubled
    stored = Concern.objects.filter(union=vs.union)
    assert sorted(stored.values_list("number", flat=True)) == list(range(1, n + 1))
    assert ConcernEvent.objects.filter(concern__union=vs.union).count() == n
    assert AuditEvent.objects.filter(action="voice.concern.raise").count() == n
    # each concern told its handler once (its class committee's officer here)
    told = Counter(
        Notification.objects.filter(kind="voice.concern_received").values_list(
            "url", flat=True
        )
    )
    assert len(told) == n and set(told.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_one_student_raising_at_once_is_held_to_the_daily_limit():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    vs = build_voice_school(prefix="L")

    def work(i: int) -> str:
        try:
            raise_as(vs, vs.author, f"问题{i}")
            return "raised"
        except Refusal as e:
            return e.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = Counter(pool.map(work, range(8)))
    assert outcomes == {"raised": 5, "throttled": 3}
    assert Concern.objects.filter(union=vs.union).count() == 5
