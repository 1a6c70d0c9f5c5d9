"""The stored findings follow the writes (#15): a recorded change marks what it can
affect and one re-audit job stores it again; a small school is re-audited at once; the
nightly pass finds no drift unless some is planted, catches dates passing, and keeps
each term's counts.

docs/audit.md, "Re-audit after writes, nightly pass, history".
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.django_plugin import build_school_with_deviation
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
)
from tests.factories_federation import build_federation
from tongxue.compliance import nightly, reaudit
from tongxue.compliance.models import (
    AuditRun,
    DirtyOrganisation,
    FindingHistory,
    Justification,
    StoredCoverage,
    StoredFinding,
)
from tongxue.compliance.services import (
    record_justification,
    withdraw_justification,
)
from tongxue.compliance.store import store_audit
from tongxue.congresses.models import Delegate, MeetingStatus
from tongxue.congresses.services.delegates import remove_delegate
from tongxue.congresses.services.planning import plan_congress
from tongxue.core.errors import Refusal
from tongxue.domain.audit import audit
from tongxue.domain.findings import Finding
from tongxue.domain.stored import finding_from_data, finding_to_data
from tongxue.domain.terms import term_of
from tongxue.jobs import periodic
from tongxue.jobs.models import Job
from tongxue.jobs.testing import run_periodic, run_queued_jobs
from tongxue.notifications.models import Notification
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import (
    Organisation,
    OrgKind,
    Position,
    Role,
    SchoolType,
)
from tongxue.organisations.services.organisations import update_organisation
from tongxue.organisations.services.positions import appoint, end_position
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db

DEPUTY = "ORG-4.department-deputies"
START = dt.date(2025, 9, 1)


# -- helpers ------------------------------------------------------------------------------


def canonical(f: Finding) -> str:
    return json.dumps(finding_to_data(f), sort_keys=True, ensure_ascii=False)


def stored_findings() -> Counter[str]:
    return Counter(
        canonical(finding_from_data(d))
        for d in StoredFinding.objects.values_list("data", flat=True)
    )


def fresh_findings(as_of: dt.date | None = None) -> Counter[str]:
    day = as_of or timezone.localdate()
    return Counter(canonical(f) for f in audit(load_registry(None), as_of=day).findings)


def assert_stored_is_fresh() -> None:
    """Every organisation stored, and its stored findings those of a fresh audit."""
    assert stored_findings() == fresh_findings()
    assert StoredCoverage.objects.count() == Organisation.objects.count()


def rules_at(code: str) -> list[str]:
    return sorted(
        StoredFinding.objects.filter(organisation__code=code).values_list(
            "rule", flat=True
        )
    )


def department(union_code: str, *, deputies: int = 2, code: str = "") -> Organisation:
    """A functional department of ``union_code`` with ``deputies`` deputy heads (two
    are allowed, ORG-4 · GS-9, CQ-4)."""
    dept = OrganisationFactory(
        code=code or f"{union_code}-R",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=Organisation.objects.get(code=union_code),
        students_served=None,
    )
    for _ in range(deputies):
        PositionFactory(
            organisation=dept, role=Role.DEPARTMENT_DEPUTY, title="副部长", start=START
        )
    return dept


def appoint_deputy(dept: Organisation) -> Position:
    person = PersonFactory(department=None)
    return appoint(
        actor=None,
        organisation=dept,
        person=person,
        role=Role.DEPARTMENT_DEPUTY,
        title="副部长",
        start=START,
    )


def federation() -> Organisation:
    """The federation FED (cities FC1, FC2; four schools with a union and a department
    union each; two delegates a school at its congress FED-C), a functional department
    at FS-U1's and FS-M1's unions, everything stored."""
    fed, meeting = build_federation(per_school=2)
    meeting.status = MeetingStatus.SEATS_ALLOCATED  # its delegates are being entered
    meeting.save(update_fields=["status"])
    department("FS-U1-U", code="FS-U1-R")
    department("FS-M1-U", code="FS-M1-R")
    store_audit(root=None)
    return fed


def reaudit_jobs() -> int:
    return Job.objects.filter(kind=reaudit.KIND).count()


# -- a write, then the job ----------------------------------------------------------------


def test_an_appointment_queues_one_reaudit_whose_job_stores_what_a_fresh_audit_finds():
    federation()
    assert_stored_is_fresh()
    appoint_deputy(Organisation.objects.get(code="FS-U1-R"))  # a third deputy
    # Marked in the write's transaction, the job queued; not stored yet.
    assert list(DirtyOrganisation.objects.values_list("code", flat=True)) == ["FS-U1-R"]
    assert reaudit_jobs() == 1
    assert DEPUTY not in rules_at("FS-U1-R")
    assert stored_findings() != fresh_findings()

    assert run_queued_jobs() == 1
    assert DEPUTY in rules_at("FS-U1-R")
    assert_stored_is_fresh()
    assert not DirtyOrganisation.objects.exists()
    job = Job.objects.get(kind=reaudit.KIND)
    assert job.status == "done" and job.started_by is None
    # FS-U1's school (4 organisations), then FC1 and FED above it: one pass from FED.
    run = AuditRun.objects.filter(kind=AuditRun.Kind.INCREMENTAL).get()
    assert (run.root, run.organisations) == ("FED", 6)
    # The other city's schools were not touched.
    assert run_queued_jobs() == 0


def test_two_writes_queue_one_job_which_processes_both():
    federation()
    appoint_deputy(Organisation.objects.get(code="FS-U1-R"))
    appoint_deputy(Organisation.objects.get(code="FS-M1-R"))
    assert reaudit_jobs() == 1
    assert DirtyOrganisation.objects.count() == 2
    assert run_queued_jobs() == 1
    assert DEPUTY in rules_at("FS-U1-R") and DEPUTY in rules_at("FS-M1-R")
    assert not DirtyOrganisation.objects.exists()
    assert_stored_is_fresh()
    # A write after the job ran queues the next one.
    end_position(
        actor=None,
        position=Position.objects.filter(organisation__code="FS-U1-R").first(),
        end=timezone.localdate(),
    )
    assert reaudit_jobs() == 2
    assert run_queued_jobs() == 1
    assert_stored_is_fresh()


def store_and_mark_another(*args: Any, **kwargs: Any) -> AuditRun:
    """``store_audit`` that lets a change elsewhere be marked while the job runs."""
    run = store_audit(*args, **kwargs)
    with transaction.atomic():
        appoint_deputy(Organisation.objects.get(code="FS-M1-R"))
    return run


def test_a_change_marked_while_the_job_runs_waits_for_the_next_job(monkeypatch):
    federation()
    appoint_deputy(Organisation.objects.get(code="FS-U1-R"))
    monkeypatch.setattr(reaudit, "store_audit", store_and_mark_another)
    job = Job.objects.get(kind=reaudit.KIND)
    from tongxue.jobs import runner

    assert runner.execute(job.pk) == "done"
    # The job read FS-U1-R's mark only: FS-M1-R's stays, with a new job queued for it
    # (the running job is not "queued").
    assert list(DirtyOrganisation.objects.values_list("code", flat=True)) == ["FS-M1-R"]
    assert Job.objects.filter(kind=reaudit.KIND, status="queued").count() == 1
    monkeypatch.undo()
    # The first job's task (run above without the queue) finds it done; the second runs.
    assert run_queued_jobs() == 2
    assert not DirtyOrganisation.objects.exists()
    assert_stored_is_fresh()


def test_a_federation_congress_change_reaudits_the_federation():
    federation()
    delegate = Delegate.objects.filter(meeting__code="FED-C").first()
    remove_delegate(actor=None, delegate=delegate)
    assert list(DirtyOrganisation.objects.values_list("code", flat=True)) == ["FED"]
    assert run_queued_jobs() == 1
    assert_stored_is_fresh()
    run = AuditRun.objects.filter(kind=AuditRun.Kind.INCREMENTAL).get()
    assert run.organisations == Organisation.objects.count()  # FED's whole subtree


def test_a_federation_profile_change_reaudits_every_organisation_below():
    """The profile is inherited: a change at FED changes findings at the unions."""
    federation()
    fed = Organisation.objects.get(code="FED")
    update_organisation(actor=None, organisation=fed, profile="cqtgu-2017")
    assert stored_findings() != fresh_findings()
    assert run_queued_jobs() == 1
    assert_stored_is_fresh()
    clauses = {
        c
        for d in StoredFinding.objects.filter(organisation__code="FS-M2-U").values_list(
            "data", flat=True
        )
        for c in finding_from_data(d).clauses
    }
    assert clauses and all(c.startswith("CQ-") for c in clauses)


def test_a_union_congress_and_a_rename_are_reaudited():
    federation()
    union = Organisation.objects.get(code="FS-V1-U")
    plan_congress(
        actor=None, organisation=union, kind="congress", opened=dt.date(2025, 12, 1)
    )
    update_organisation(
        actor=None,
        organisation=Organisation.objects.get(code="FS-M2-U"),
        name="改名学生会",
    )
    assert reaudit_jobs() == 1
    assert stored_findings() != fresh_findings()
    assert run_queued_jobs() == 1
    assert_stored_is_fresh()
    # The new name is in the stored messages of FS-M2-U's findings.
    names = {
        finding_from_data(d).message.params.get("org")
        for d in StoredFinding.objects.filter(organisation__code="FS-M2-U").values_list(
            "data", flat=True
        )
    }
    assert names == {"改名学生会"}


def test_a_justification_and_its_withdrawal_are_stored_and_stay_equal_after_the_job():
    federation()
    dept = Organisation.objects.get(code="FS-U1-R")
    appoint_deputy(dept)
    run_queued_jobs()
    justification = record_justification(
        actor=None,
        organisation=dept,
        rule=DEPUTY,
        reason="校区分设",
        approved_by="校团委",
        approved_on=timezone.localdate(),
    )
    justified = StoredFinding.objects.get(organisation=dept, rule=DEPUTY)
    assert justified.justified  # stored at once by the service
    run_queued_jobs()
    assert_stored_is_fresh()
    withdraw_justification(actor=None, justification=justification)
    run_queued_jobs()
    assert not StoredFinding.objects.get(organisation=dept, rule=DEPUTY).justified
    assert_stored_is_fresh()


def test_an_import_is_reaudited_up_to_the_federation():
    federation()
    document = {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {
                "code": "FS-M1-D2",
                "name": "新系学生会",
                "kind": "department_union",
                "parent": "FS-M1-U",
                "students_served": 300,
            }
        ],
    }
    import_tables(document, within="FS-M1")
    # The import stored its subtree itself; the job does everything above, alone.
    assert rules_at("FS-M1-D2")  # a union without a president, a congress …
    assert sorted(DirtyOrganisation.objects.values_list("code", "alone")) == [
        ("FC2", True),
        ("FED", True),
    ]
    assert run_queued_jobs() == 1
    assert_stored_is_fresh()
    run = AuditRun.objects.filter(kind=AuditRun.Kind.INCREMENTAL).get()
    assert (run.root, run.organisations) == ("FED", 2)  # FC2, FED (FS-M1's 5 stored)


def test_a_rolled_back_write_marks_nothing_and_queues_nothing():
    federation()
    with pytest.raises(RuntimeError), transaction.atomic():
        appoint_deputy(Organisation.objects.get(code="FS-U1-R"))
        raise RuntimeError
    assert not DirtyOrganisation.objects.exists()
    assert reaudit_jobs() == 0


def test_writes_that_change_no_finding_and_writes_before_any_store_mark_nothing():
    fed, _ = build_federation()
    dept = department("FS-U1-U", code="FS-U1-R")
    appoint_deputy(dept)  # nothing stored yet: nothing to keep up to date
    assert not DirtyOrganisation.objects.exists() and reaudit_jobs() == 0
    store_audit(root=None)
    from tongxue.accounts.services.roles import grant_role

    grant_role(
        actor=None, user=UserFactory(), organisation=fed, role="federation_admin"
    )
    assert not DirtyOrganisation.objects.exists() and reaudit_jobs() == 0
    assert reaudit.unaudited("job.start") and reaudit.unaudited("role.grant")
    assert not reaudit.unaudited("position.appoint")
    assert not reaudit.unaudited("jobs")


def test_the_scope_of_a_change_is_its_school_and_everything_above():
    federation()
    assert reaudit.affected(["FS-U1-D"]) == {
        "FED": {"FED", "FC1", "FS-U1", "FS-U1-U", "FS-U1-D", "FS-U1-R"}
    }
    everything = set(Organisation.objects.values_list("code", flat=True))
    assert reaudit.affected(["FC2", "FS-U1-R", "nowhere"]) == {
        "FED": (everything - {"FS-V1", "FS-V1-U", "FS-V1-D"})
    }
    assert reaudit.affected(["FED"]) == {"FED": everything}
    assert reaudit.affected(["nowhere"]) == {}


# -- at once, for a small school ----------------------------------------------------------


def test_a_change_in_a_school_alone_is_reaudited_at_commit_without_a_job():
    built = build_school_with_deviation(deputies=2)
    store_audit(root=None)
    with (
        TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        appoint_deputy(built.department)
        assert DirtyOrganisation.objects.count() == 1  # in the transaction
    assert len(callbacks) == 1
    assert reaudit_jobs() == 0
    assert DEPUTY in rules_at(built.department.code)
    assert not DirtyOrganisation.objects.exists()
    assert_stored_is_fresh()
    run = AuditRun.objects.filter(kind=AuditRun.Kind.INCREMENTAL).get()
    assert run.root == built.school.code


def test_a_school_under_a_federation_is_fresh_at_once_and_the_job_does_the_rest():
    federation()
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        appoint_deputy(Organisation.objects.get(code="FS-U1-R"))
        appoint_deputy(Organisation.objects.get(code="FS-U1-R"))
    assert DEPUTY in rules_at("FS-U1-R")  # the school, at once
    assert DirtyOrganisation.objects.count() == 2  # two records; FED still to do
    assert reaudit_jobs() == 1
    assert run_queued_jobs() == 1
    assert_stored_is_fresh()
    assert not DirtyOrganisation.objects.exists()


def test_a_school_above_the_limit_is_left_to_the_job(monkeypatch):
    built = build_school_with_deviation(deputies=2)
    store_audit(root=None)
    monkeypatch.setattr(reaudit, "SYNC_LIMIT", 2)  # the school has 3 organisations
    with (
        TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        appoint_deputy(built.department)
    assert len(callbacks) == 1  # the commit's callback, with no school to store
    assert DEPUTY not in rules_at(built.department.code)
    assert reaudit_jobs() == 1 and run_queued_jobs() == 1
    assert_stored_is_fresh()


# -- any sequence of writes (hypothesis) ----------------------------------------------------


class Writes(RuleBasedStateMachine):
    """Random writes through the services on a federation and a school on its own;
    after each, with its commit's callbacks and the queued jobs run, the stored
    findings are those of a fresh audit."""

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        federation()
        built = build_school_with_deviation(prefix="Z", deputies=1)
        store_audit(root=None)
        self.departments = ["FS-U1-R", "FS-M1-R", built.department.code]
        self.unions = ["FS-U1-U", "FS-V1-U", "FS-M2-U", built.union.code]
        self.organisations = ["FS-U1", "FS-M1-D", "FC2", "FED", built.school.code]
        self.school = built.school.code

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def write(self, fn: Any, **kwargs: Any) -> None:
        with TestCase.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    fn(**kwargs)
            except Refusal:
                pass
        run_queued_jobs()

    @rule(i=st.integers(0, 2))
    def appoint(self, i: int) -> None:
        dept = Organisation.objects.get(code=self.departments[i])
        self.write(appoint_deputy, dept=dept)

    @rule(i=st.integers(0, 20), days=st.integers(0, 400))
    def end(self, i: int, days: int) -> None:
        open_ = list(Position.objects.filter(end__isnull=True).order_by("pk"))
        if open_:
            self.write(
                end_position,
                actor=None,
                position=open_[i % len(open_)],
                end=START + dt.timedelta(days=days),
            )

    @rule(i=st.integers(0, 4), name=st.sampled_from(["甲", "乙"]))
    def rename(self, i: int, name: str) -> None:
        org = Organisation.objects.get(code=self.organisations[i])
        self.write(update_organisation, actor=None, organisation=org, name=name)

    @rule(i=st.integers(0, 2), profile=st.sampled_from(["gansu-2017", "cqtgu-2017"]))
    def profile(self, i: int, profile: str) -> None:
        """Inherited below: findings change in the whole subtree."""
        org = Organisation.objects.get(code=["FED", "FC2", "FS-M1"][i])
        self.write(update_organisation, actor=None, organisation=org, profile=profile)

    @rule(i=st.integers(0, 2), kind=st.sampled_from(sorted(SchoolType)))
    def school_type(self, i: int, kind: str) -> None:
        """Read above: the federation's presidium covers its schools' types (FED-1)."""
        school = Organisation.objects.get(code=["FS-V1", "FS-M2", self.school][i])
        self.write(
            update_organisation, actor=None, organisation=school, school_type=kind
        )

    @rule(i=st.integers(0, 3), days=st.integers(-800, 30))
    def congress(self, i: int, days: int) -> None:
        union = Organisation.objects.get(code=self.unions[i])
        opened = timezone.localdate() + dt.timedelta(days=days)
        self.write(
            plan_congress,
            actor=None,
            organisation=union,
            kind="congress",
            opened=opened,
        )

    @rule(i=st.integers(0, 20))
    def unseat(self, i: int) -> None:
        seats = list(Delegate.objects.order_by("pk"))
        if seats:
            self.write(remove_delegate, actor=None, delegate=seats[i % len(seats)])

    @rule(i=st.integers(0, 2))
    def justify(self, i: int) -> None:
        dept = Organisation.objects.get(code=self.departments[i])
        self.write(
            record_justification,
            actor=None,
            organisation=dept,
            rule=DEPUTY,
            reason="分校区",
            approved_by="校团委",
            approved_on=timezone.localdate(),
        )

    @rule(i=st.integers(0, 20))
    def withdraw(self, i: int) -> None:
        recorded = list(Justification.objects.order_by("pk"))
        if recorded:
            self.write(
                withdraw_justification,
                actor=None,
                justification=recorded[i % len(recorded)],
            )

    @invariant()
    def stored_is_fresh(self) -> None:
        assert_stored_is_fresh()
        assert not DirtyOrganisation.objects.exists()


def test_after_any_sequence_of_writes_stored_equals_fresh():
    run_state_machine_as_test(
        Writes,
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# -- the nightly pass ---------------------------------------------------------------------


def superuser() -> Any:
    return UserFactory(username="operator", is_superuser=True, is_staff=True)


def test_the_nightly_pass_of_an_untouched_database_finds_no_drift(caplog):
    federation()
    admin = superuser()
    with caplog.at_level(logging.ERROR, logger="tongxue.compliance.nightly"):
        run = nightly.nightly_pass()
    assert run.kind == AuditRun.Kind.NIGHTLY and run.root == ""
    assert run.drift == []
    assert not caplog.records
    assert not Notification.objects.filter(user=admin).exists()
    assert_stored_is_fresh()


def test_planted_drift_is_found_reported_and_repaired(caplog, client):
    federation()
    admin = superuser()
    other = UserFactory(username="someone")
    # Planted: a finding edited by hand, another deleted, an organisation unstored.
    edited = StoredFinding.objects.filter(organisation__code="FS-U1-U").first()
    data = dict(edited.data)
    data["severity"] = (
        "recommendation" if data["severity"] != "recommendation" else "deviation"
    )
    StoredFinding.objects.filter(pk=edited.pk).update(data=data)
    gone = StoredFinding.objects.filter(organisation__code="FS-M2-U").first()
    gone_rule = gone.rule
    gone.delete()
    StoredCoverage.objects.filter(organisation__code="FS-V1-D").delete()
    StoredFinding.objects.filter(organisation__code="FS-V1-D").delete()
    with caplog.at_level(logging.ERROR, logger="tongxue.compliance.nightly"):
        run = nightly.nightly_pass()
    by_org = {d["organisation"]: d for d in run.drift}
    assert set(by_org) == {"FS-U1-U", "FS-M2-U", "FS-V1-D"}
    assert by_org["FS-U1-U"]["missing"] == [edited.rule]
    assert by_org["FS-U1-U"]["stale"] == [edited.rule]
    assert by_org["FS-M2-U"] == {
        "organisation": "FS-M2-U",
        "not_stored": False,
        "missing": [gone_rule],
        "stale": [],
    }
    assert by_org["FS-V1-D"]["not_stored"] is True
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert "3 organisations" in caplog.records[0].getMessage()
    note = Notification.objects.get(user=admin)
    assert note.kind == nightly.ALERT and note.params["count"] == 3
    assert not Notification.objects.filter(user=other).exists()
    # The operator opens the run from the notification's link.
    client.force_login(admin)
    page = client.get(note.url)
    assert page.status_code == 200 and "FS-M2-U" in page.content.decode()
    # Repaired: stored afresh, and the next night finds nothing.
    assert_stored_is_fresh()
    assert nightly.nightly_pass().drift == []


def test_pending_changes_are_not_drift_and_are_covered_by_the_pass():
    federation()
    appoint_deputy(Organisation.objects.get(code="FS-U1-R"))  # job not run yet
    run = nightly.nightly_pass()
    assert run.drift == []
    assert not DirtyOrganisation.objects.exists()
    assert_stored_is_fresh()
    assert run_queued_jobs() == 1  # the queued job finds nothing left to do
    assert not AuditRun.objects.filter(kind=AuditRun.Kind.INCREMENTAL).exists()


def test_a_date_passing_is_caught_by_the_nightly_pass_not_reported_as_drift():
    federation()
    union = Organisation.objects.get(code="FS-U1-U")
    PositionFactory(
        organisation=union,
        role=Role.PRESIDENT,
        title="主席",
        start=dt.date(2024, 9, 1),
        end=dt.date(2026, 6, 30),
    )
    day = dt.date(2026, 6, 30)
    store_audit(root=None, as_of=day)
    assert stored_findings() == fresh_findings(day)
    before = rules_at("FS-U1-U")
    later = day + dt.timedelta(days=1)  # the president's term has ended
    run = nightly.nightly_pass(today=later)
    assert run.drift == []  # compared on the day they were stored for
    assert run.as_of == later
    assert rules_at("FS-U1-U") != before
    assert stored_findings() == fresh_findings(later)


def test_the_nightly_pass_is_a_daily_periodic_job():
    entry = {p.name: p for p in periodic.registered()}[nightly.NAME]
    assert entry.every == dt.timedelta(days=1) and entry.func == nightly.FUNC
    federation()
    assert run_periodic(now=timezone.now()) >= 1
    job = Job.objects.get(kind="periodic", title=nightly.NAME)
    assert job.status == "done" and "0" in job.message
    assert AuditRun.objects.filter(kind=AuditRun.Kind.NIGHTLY).count() == 1


# -- history ------------------------------------------------------------------------------


def test_the_first_nightly_pass_of_a_term_keeps_its_counts(client):
    federation()
    autumn = dt.date(2026, 9, 1)
    nightly.nightly_pass(today=autumn)
    rows = FindingHistory.objects.filter(term="2026-autumn")
    assert rows.exists() and {r.term_start for r in rows} == {autumn}
    expected = Counter()
    for org, req, sev, justified in StoredFinding.objects.values_list(
        "organisation__code", "requirement", "severity", "justified"
    ):
        if not justified:
            expected[(org, req, sev)] += 1
    assert {
        (r.organisation.code, r.requirement, r.severity): r.count
        for r in rows.select_related("organisation")
    } == dict(expected)
    # Later passes of the same term keep it as it was.
    n = rows.count()
    appoint_deputy(Organisation.objects.get(code="FS-U1-R"))
    nightly.nightly_pass(today=autumn + dt.timedelta(days=20))
    assert FindingHistory.objects.filter(term="2026-autumn").count() == n
    # January belongs to the autumn term; March starts the spring term.
    assert term_of(dt.date(2027, 1, 15)).code == "2026-autumn"
    nightly.nightly_pass(today=dt.date(2027, 3, 2))
    spring = FindingHistory.objects.filter(term="2027-spring")
    assert {r.term_start for r in spring} == {dt.date(2027, 3, 1)}
    deputies = spring.get(organisation__code="FS-U1-R", requirement="ORG-4")
    assert deputies.count == 1
    assert not FindingHistory.objects.filter(
        term="2026-autumn", organisation__code="FS-U1-R"
    ).exists()

    # The page: the subtree's counts term by term, oldest first.
    html = client.get(reverse("compliance:history", args=["FC1"])).content.decode()
    # The compliance page links to it (#15).
    report = client.get(reverse("compliance:report", args=["FC1"])).content.decode()
    assert reverse("compliance:history", args=["FC1"]) in report
    assert html.index('data-term="2026-autumn"') < html.index('data-term="2027-spring"')
    city = FindingHistory.objects.filter(
        term="2027-spring", organisation__path__startswith="/FED/FC1/"
    )
    total = sum(city.values_list("count", flat=True))
    assert f"<td data-total>{total}</td>" in html
    assert "2027年春季学期" in html
    from tongxue.compliance.history import finding_history

    terms = finding_history(Organisation.objects.get(code="FS-M2").path)
    assert [t.term for t in terms] == ["2026-autumn", "2027-spring"]
    assert terms[1].total == sum(
        FindingHistory.objects.filter(
            term="2027-spring", organisation__path__startswith="/FED/FC2/FS-M2/"
        ).values_list("count", flat=True)
    )


def test_the_history_page_before_any_term_says_so(client):
    OrganisationFactory(code="LONE")
    response = client.get(reverse("compliance:history", args=["LONE"]))
    assert response.status_code == 200
    assert "尚未统计任何学期" in response.content.decode()
