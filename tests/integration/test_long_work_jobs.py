"""Long imports and exports run as background jobs (#14, docs/snapshot.md "Large files").

A web import of a file over ``SNAPSHOT_IMPORT_JOB_BYTES`` is checked cheaply in the
request, kept, and imported by a job in one transaction, with progress by table; the
job's result is the import page's. An export of a subtree of more than
``SNAPSHOT_EXPORT_JOB_ORGANISATIONS`` organisations is prepared by a job and downloaded
by its starter alone. Smaller ones stay in the request, as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import RoleFactory, UserFactory
from tongxue.core.models import AuditEvent, RoleAssignment
from tongxue.jobs import progress as job_progress
from tongxue.jobs.models import Job, JobStatus
from tongxue.jobs.testing import run_periodic, run_queued_jobs
from tongxue.organisations.models import Organisation, Person, Position
from tongxue.snapshots.errors import SnapshotInvalid, describe
from tongxue.snapshots.models import FilePurpose, SnapshotFile
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.services import import_file
from tongxue.snapshots.services.importing import WRITTEN
from tongxue.snapshots.xlsxio import write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def big_doc(n: int = 40, **tables: list[dict[str, Any]]) -> dict[str, Any]:
    """``n`` departments under SSU, a person heading each."""
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {
                "code": f"SBIG{k:03}",
                "name": f"大部{k}",
                "kind": "functional_department",
                "parent": "SSU",
            }
            for k in range(n)
        ],
        "people": [{"id": f"BIG{k:03}", "name": f"同学{k}"} for k in range(n)],
        "positions": [
            {
                "organisation": f"SBIG{k:03}",
                "person": f"BIG{k:03}",
                "role": "department_head",
                "title": "部长",
                "start": "2025-09-01",
            }
            for k in range(n)
        ],
    } | tables


def encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def post(client, data: bytes, *, name: str = "big.json", reviewed: bool = False):  # type: ignore[no-untyped-def]
    form: dict[str, Any] = {"file": SimpleUploadedFile(name, data)}
    if reviewed:
        form["reviewed"] = "on"
    return client.post(reverse("snapshots:import", args=["SSU"]), form)


def job_of(response) -> Job:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(pk=response.url.split("/")[-2])
    assert response.url == reverse("jobs:detail", args=[job.pk])
    return job


def ours() -> dict[str, int]:
    """What the test files write: counted to show that nothing was."""
    return {
        "organisations": Organisation.objects.filter(code__startswith="SBIG").count(),
        "people": Person.objects.filter(ident__startswith="BIG").count(),
        "positions": Position.objects.filter(person__ident__startswith="BIG").count(),
    }


NOTHING = {"organisations": 0, "people": 0, "positions": 0}


@pytest.fixture
def steps(monkeypatch) -> list[tuple[int, int | None, str]]:  # type: ignore[no-untyped-def]
    """Every progress write of a job: (done, total, message)."""
    written: list[tuple[int, int | None, str]] = []
    original = job_progress.write

    def spy(job: Job) -> None:
        written.append((job.progress_done, job.progress_total, job.message))
        original(job)

    monkeypatch.setattr(job_progress, "write", spy)
    return written


# ----------------------------------------------------------------------- imports


def test_a_large_import_runs_as_a_job_and_lands_what_the_request_would(
    client, settings, school_with_deviation, steps
):
    admin = school_with_deviation.admin
    data = encode(big_doc())
    # What the synchronous import writes, rolled back.
    with transaction.atomic():
        expected_result = import_file(
            data, filename="big.json", actor=admin, within="SSU"
        )
        expected = export_tables("SSU")
        transaction.set_rollback(True)
    assert ours() == NOTHING and expected_result.created == 120

    settings.SNAPSHOT_IMPORT_JOB_BYTES = len(data) - 1
    client.force_login(admin)
    # The dry run: queued, checked by the job, nothing written.
    job = job_of(post(client, data))
    assert job.kind == "snapshot.import" and job.status == JobStatus.QUEUED
    assert job.title == "Dry run of big.json at SSU"
    upload = SnapshotFile.objects.get(job=job)
    assert upload.purpose == FilePurpose.IMPORT and upload.owner == admin
    assert bytes(upload.data) == data and upload.dry_run
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert ours() == NOTHING
    result_url = reverse("snapshots:import-result", args=["SSU", job.pk])
    assert job.result_url == result_url
    assert job.message == "Dry run: 120 to create, 0 to update, 0 unchanged."
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert result_url in page
    html = client.get(result_url).content.decode()
    assert "Dry run of big.json: nothing was written yet." in html
    assert "confirm-import" in html and 'name="reviewed"' in html
    assert html.count("<td>40</td><td>0</td><td>0</td>") == 3
    upload.refresh_from_db()
    assert bytes(upload.data) == data  # kept for its confirmation (#16)

    # Progress by step: reading, checking, the scope, each table, the audit.
    total = len(WRITTEN) + 4
    assert [s[0] for s in steps] == [*range(total), total]
    assert {s[1] for s in steps} == {total}
    messages = [s[2] for s in steps]
    assert messages[:3] == [
        "Reading the file",
        "Checking the file",
        "Checking what you may change",
    ]
    assert "Checking the table people" in messages

    # Confirmed: the real import, by a job, with the review of that dry run.
    steps.clear()
    job = job_of(post(client, data, reviewed=True))
    assert job.title == "Import of big.json into SSU"
    assert ours() == NOTHING
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert "Importing the table positions" in [s[2] for s in steps]
    assert ours() == {"organisations": 40, "people": 40, "positions": 40}
    assert export_tables("SSU") == expected
    stored = SnapshotFile.objects.get(job=job).result
    assert stored["counts"] == expected_result.as_dict()
    event = AuditEvent.objects.get(action="snapshot.import")
    assert event.actor_label == admin.username and event.organisation == "SSU"
    html = client.get(job.result_url).content.decode()
    assert "big.json was imported." in html
    upload.refresh_from_db()
    assert upload.data is None  # the dry run's file, spent by the import
    # The confirmation is spent.
    again = post(client, data, reviewed=True)
    assert again.status_code == 400
    assert "This is not the file of your last dry run here" in again.content.decode()


def test_a_large_workbook_is_measured_unpacked_and_imported_by_a_job(
    client, settings, school_with_deviation
):
    data = write_xlsx(big_doc())
    settings.SNAPSHOT_IMPORT_JOB_BYTES = len(data) + 1  # the archive is smaller
    client.force_login(school_with_deviation.admin)
    job = job_of(post(client, data, name="big.xlsx"))
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert "Dry run: 120 to create" in job.message


def test_a_file_at_the_threshold_imports_in_the_request(
    client, settings, school_with_deviation
):
    data = encode(big_doc())
    settings.SNAPSHOT_IMPORT_JOB_BYTES = len(data)
    client.force_login(school_with_deviation.admin)
    response = post(client, data)
    assert response.status_code == 200
    assert "Dry run of big.json: nothing was written yet." in response.content.decode()
    response = post(client, data, reviewed=True)
    assert "big.json was imported." in response.content.decode()
    assert ours() == {"organisations": 40, "people": 40, "positions": 40}
    assert not Job.objects.exists() and not SnapshotFile.objects.exists()


def test_a_large_file_that_is_no_snapshot_is_refused_in_the_request(
    client, settings, school_with_deviation
):
    settings.SNAPSHOT_IMPORT_JOB_BYTES = 10
    client.force_login(school_with_deviation.admin)
    response = post(client, b"[" + b" " * 100 + b"]")
    assert response.status_code == 400
    assert "A snapshot must be a JSON object." in response.content.decode()
    response = post(client, b"PK\x03\x04" + b"x" * 100, name="big.xlsx")
    assert response.status_code == 400
    assert "The file is not an Excel workbook (.xlsx)." in response.content.decode()
    assert not Job.objects.exists() and not SnapshotFile.objects.exists()


def late_failure() -> dict[str, Any]:
    """Valid organisations, people and positions, then a semester whose report names
    someone without a post at SSU: refused after the first tables were written."""
    return big_doc(
        semesters=[
            {
                "organisation": "SSU",
                "code": "2025-1",
                "start": "2025-09-01",
                "end": "2026-01-15",
                "reports": ["BIG000"],
            }
        ]
    )


def test_a_failed_import_job_says_why_and_writes_nothing(
    client, settings, school_with_deviation
):
    admin = school_with_deviation.admin
    data = encode(late_failure())
    with pytest.raises(SnapshotInvalid) as refused:
        import_file(data, filename="bad.json", actor=admin, within="SSU")
    problems = [describe(e) for e in refused.value.errors]
    assert problems and all("semesters" in p for p in problems)
    settings.SNAPSHOT_IMPORT_JOB_BYTES = 100
    client.force_login(admin)
    # A dry run would say the same; the real import is tried here (its review is the
    # session's: granted as the import page would after a dry run).
    session = client.session
    session["tongxue.import.reviewed"] = {"SSU": hashlib.sha256(data).hexdigest()}
    session.save()
    job = job_of(post(client, data, name="bad.json", reviewed=True))
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    lines = job.error.splitlines()
    assert lines[0] == f"{len(problems)} problem in bad.json: nothing was written."
    assert lines[1:] == problems
    assert ours() == NOTHING
    assert not AuditEvent.objects.filter(action="snapshot.import").exists()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "nothing was written." in page
    # The upload's bytes are cleared by the hourly prune, which runs as a job.
    assert SnapshotFile.objects.get(job=job).data is not None
    run_periodic()
    assert SnapshotFile.objects.get(job=job).data is None


def test_the_job_checks_the_permission_again(client, settings, school_with_deviation):
    admin = school_with_deviation.admin
    data = encode(big_doc())
    settings.SNAPSHOT_IMPORT_JOB_BYTES = 100
    client.force_login(admin)
    job = job_of(post(client, data))
    RoleAssignment.objects.filter(user=admin).delete()
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "You are not allowed to import snapshots into SSU."
    assert ours() == NOTHING


def test_starting_an_import_job_needs_the_permission(settings, school_with_deviation):
    from tongxue.core.errors import Refusal
    from tongxue.snapshots.services.background import start_import_job

    cadre = UserFactory(username="cadre")
    with pytest.raises(Refusal):
        start_import_job(
            actor=cadre, within="SSU", data=b"{}", filename="x.json", dry_run=True
        )
    assert not Job.objects.exists() and not SnapshotFile.objects.exists()


def test_another_user_sees_neither_the_job_nor_its_result(
    client, settings, school_with_deviation
):
    settings.SNAPSHOT_IMPORT_JOB_BYTES = 100
    client.force_login(school_with_deviation.admin)
    job = job_of(post(client, encode(big_doc())))
    run_queued_jobs()
    job.refresh_from_db()
    other = UserFactory(username="other")
    RoleFactory(
        user=other, organisation=school_with_deviation.union
    )  # imports here too
    client.force_login(other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(job.result_url).status_code == 404


# ----------------------------------------------------------------------- exports


def test_a_small_export_downloads_at_once(client, settings, school_with_deviation):
    settings.SNAPSHOT_EXPORT_JOB_ORGANISATIONS = 2  # SSU and SDEPT
    client.force_login(school_with_deviation.admin)
    response = client.get(reverse("snapshots:export-json", args=["SSU"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="SSU.json"'
    assert json.loads(response.content) == json.loads(
        json.dumps(export_tables("SSU"), default=str)
    )
    assert not Job.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_a_large_export_is_prepared_by_a_job_for_its_starter_only(
    client, settings, school_with_deviation, fmt
):
    settings.SNAPSHOT_EXPORT_JOB_ORGANISATIONS = 1
    admin = school_with_deviation.admin
    client.force_login(admin)
    url = reverse(f"snapshots:export-{fmt}", args=["SSU"])
    page = client.get(url)
    assert page.status_code == 200 and b'id="start-export"' in page.content
    assert "2 organisations" in page.content.decode()
    assert not Job.objects.exists()
    job = job_of(client.post(url))
    assert job.kind == "snapshot.export"
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    stored = SnapshotFile.objects.get(job=job)
    assert job.result_url == reverse("snapshots:download", args=["SSU", stored.pk])
    assert f"SSU.{fmt} is ready" in job.message
    assert (
        job.result_url
        in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    )

    response = client.get(job.result_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'attachment; filename="SSU.{fmt}"'
    if fmt == "json":
        assert json.loads(response.content) == json.loads(
            json.dumps(export_tables("SSU"), default=str)
        )
    else:
        assert response.content[:2] == b"PK"

    other = UserFactory(username="other")
    RoleFactory(user=other, organisation=school_with_deviation.union)  # exports too
    client.force_login(other)
    assert client.get(job.result_url).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(job.result_url).status_code == 302  # to sign in

    # Expired after a day (404), deleted by the prune.
    client.force_login(admin)
    SnapshotFile.objects.filter(pk=stored.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(job.result_url).status_code == 404
    run_periodic()
    assert not SnapshotFile.objects.filter(pk=stored.pk).exists()


def test_an_export_job_needs_the_permission_when_it_runs(
    client, settings, school_with_deviation
):
    settings.SNAPSHOT_EXPORT_JOB_ORGANISATIONS = 1
    admin = school_with_deviation.admin
    client.force_login(admin)
    job = job_of(client.post(reverse("snapshots:export-json", args=["SSU"])))
    RoleAssignment.objects.filter(user=admin).delete()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "You are not allowed to export SSU."
    assert not SnapshotFile.objects.exists()
    # Nor may anyone start one without it.
    assert (
        client.post(reverse("snapshots:export-json", args=["SSU"])).status_code == 403
    )


# ------------------------------------------------- as a worker runs it (PostgreSQL)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="progress beside the job's transaction is PostgreSQL's (docs/jobs.md)",
)
@pytest.mark.django_db(transaction=True)
def test_the_page_sees_the_progress_while_the_import_is_one_transaction(
    monkeypatch, settings
):
    """Run outside any test transaction, as a worker does: each step's progress is
    visible to another connection at once, the import's rows only at the end."""
    from tests.django_plugin import build_school_with_deviation

    school = build_school_with_deviation()
    seen: list[tuple[int, int, str]] = []
    original = job_progress.write
    outside = connections.create_connection("default")

    def spy(job: Job) -> None:
        original(job)
        with outside.cursor() as cursor:
            cursor.execute("SELECT progress_done FROM jobs_job WHERE id = %s", [job.pk])
            (done,) = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM organisations_organisation"
                " WHERE code LIKE 'SBIG%%'"
            )
            (orgs,) = cursor.fetchone()
        seen.append((done, orgs, job.message))

    monkeypatch.setattr(job_progress, "write", spy)
    settings.SNAPSHOT_IMPORT_JOB_BYTES = 100
    from tongxue.snapshots.services.background import start_import_job

    data = encode(big_doc())
    job = start_import_job(
        actor=school.admin, within="SSU", data=data, filename="big.json", dry_run=False
    )
    try:
        assert run_queued_jobs() == 1
    finally:
        outside.close()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    total = len(WRITTEN) + 4
    assert [d for d, _o, _m in seen] == [*range(total), total]
    # Written inside, invisible outside until the job commits.
    after_people = next(o for _d, o, m in seen if m == "Importing the table people")
    assert after_people == 0
    assert ours() == {"organisations": 40, "people": 40, "positions": 40}
