"""A report's PDF is made once and stored (RGT-1 · GS-10, CQ-5; #17, docs/voice.md
"Reports to the school"): made by the report's job in the language of who started it,
served from storage without WeasyPrint, made again when the report changed (submitted,
generated again), made on the first download for a report generated before PDFs were
stored, and for another language; the file is the report's."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import get_language, override

from tests.factories_voice_public import build_school, concern
from tongxue.jobs.models import Job
from tongxue.jobs.testing import run_queued_jobs
from tongxue.voice import report_files, report_services, reports
from tongxue.voice.models import ReportPdf, SchoolReport

pytestmark = pytest.mark.django_db

NOV = reports.month_period(dt.date(2026, 11, 1))
AS_OF = dt.date(2026, 12, 7)


class Printer:
    """Stands for WeasyPrint (``report_files.pdf_bytes``): counts the PDFs made; each
    names its report, its status and its language."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str, str]] = []

    def __call__(self, report: SchoolReport, url: str) -> bytes:
        language = get_language() or ""
        self.calls.append((report.pk, language, url))
        return f"%PDF-1.7 report {report.pk} {report.status} {language}".encode()


@pytest.fixture
def printer(monkeypatch: pytest.MonkeyPatch) -> Printer:
    made = Printer()
    monkeypatch.setattr(report_files, "pdf_bytes", made)
    return made


@pytest.fixture
def s() -> Any:
    s = build_school("P")
    concern(s, title="宿舍热水器坏了", raised=dt.date(2026, 11, 20))
    return s


def _pdf(
    client: Client, s: Any, report: SchoolReport, language: str = "zh-hans"
) -> Any:
    client.cookies["django_language"] = language
    return client.get(reverse("voice:report_pdf", args=[s.union.code, report.pk]))


def test_the_job_makes_the_pdf_and_the_download_serves_it(
    s: Any, client: Client, printer: Printer
) -> None:
    client.force_login(s.officer)
    client.cookies["django_language"] = "zh-hans"
    started = client.post(
        reverse("voice:reports", args=[s.union.code]), {"period": "monthly:2026-11-01"}
    )
    assert started.status_code == 302
    assert run_queued_jobs() == 2  # the report, then its PDF in a job of its own
    job = Job.objects.get(kind=report_services.GENERATE)
    report = SchoolReport.objects.get(union=s.union)
    assert job.status == "done" and job.result_url.endswith(f"/{report.pk}/")
    assert Job.objects.get(kind=report_services.PDF).status == "done"
    # made in a job, in the starter's language, with the page's full address
    assert printer.calls == [
        (
            report.pk,
            "zh-hans",
            f"http://testserver/voice/{s.union.code}/reports/{report.pk}/",
        )
    ]
    stored = ReportPdf.objects.get(report=report)
    assert stored.language == "zh-hans"
    # downloading it twice makes nothing: the stored file, the report's
    for _ in range(2):
        response = _pdf(client, s, report)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == bytes(stored.data)
        assert response.content == f"%PDF-1.7 report {report.pk} draft zh-hans".encode()
        assert response["Content-Disposition"].startswith("inline")
        assert f"{s.union.code}-monthly-2026-11.pdf" in response["Content-Disposition"]
    assert len(printer.calls) == 1


def test_a_report_generated_before_gets_its_pdf_on_the_first_download_once(
    s: Any, client: Client, printer: Printer
) -> None:
    report = report_services.generate(
        actor=s.officer, union=s.union, period=NOV, today=AS_OF
    )  # not through the job: no PDF stored, as before PDFs were
    assert not ReportPdf.objects.exists()
    client.force_login(s.officer)
    first = _pdf(client, s, report)
    assert first.status_code == 200 and len(printer.calls) == 1
    again = _pdf(client, s, report)
    assert again.content == first.content and len(printer.calls) == 1
    # another language: made once too, the first kept
    english = _pdf(client, s, report, "en")
    assert english.content.endswith(b" en") and len(printer.calls) == 2
    assert _pdf(client, s, report, "en").content == english.content
    assert len(printer.calls) == 2
    assert ReportPdf.objects.filter(report=report).count() == 2


def test_the_pdf_is_made_again_when_the_report_changes(
    s: Any, client: Client, printer: Printer
) -> None:
    report = report_services.generate(
        actor=s.officer, union=s.union, period=NOV, today=AS_OF
    )
    client.force_login(s.officer)
    _pdf(client, s, report)
    old_key = ReportPdf.objects.get(report=report).key
    # generated again: a new content, the stored PDF no longer matches
    report = report_services.generate(
        actor=s.officer, union=s.union, period=NOV, today=AS_OF
    )
    assert report_services.pdf_key(report) != old_key
    _pdf(client, s, report)
    assert len(printer.calls) == 2
    # submitted: its PDF says so, made again by a job after the submission
    with override("zh-hans"):  # the job makes it in the submitter's language
        report_services.submit(actor=s.officer, report=report, submitted_to="学校党委")
    assert Job.objects.filter(kind=report_services.PDF).count() == 1
    assert run_queued_jobs() == 1
    assert len(printer.calls) == 3
    response = _pdf(client, s, report)
    assert response.content.startswith(
        f"%PDF-1.7 report {report.pk} submitted".encode()
    )
    assert len(printer.calls) == 3  # the job's, served as stored


def test_without_weasyprint_the_report_stands_and_the_download_says_so(
    s: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(report: SchoolReport, url: str) -> bytes:
        raise report_files.PdfUnavailable("no weasyprint")

    monkeypatch.setattr(report_files, "pdf_bytes", missing)
    client.force_login(s.officer)
    client.post(
        reverse("voice:reports", args=[s.union.code]), {"period": "monthly:2026-11-01"}
    )
    run_queued_jobs()
    job = Job.objects.get(kind=report_services.GENERATE)
    assert job.status == "done"
    report = SchoolReport.objects.get(union=s.union)
    assert not ReportPdf.objects.exists()
    response = _pdf(client, s, report, "en")
    assert response.status_code == 503 and b"WeasyPrint" in response.content


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is not installed")
def test_the_stored_pdf_is_the_reports_and_weasyprint_is_not_called_again(
    s: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    report = report_services.generate(
        actor=s.officer, union=s.union, period=NOV, today=AS_OF
    )
    client.force_login(s.officer)
    first = _pdf(client, s, report)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("WeasyPrint called for a stored PDF")

    monkeypatch.setattr(weasyprint, "HTML", forbidden)
    again = _pdf(client, s, report)
    assert again.status_code == 200 and again.content == first.content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=again.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    flat = "".join(text.split())
    assert "学生诉求月度报告" in flat and "宿舍热水器坏了" in flat
    assert f"/voice/{s.union.code}/reports/{report.pk}/" in flat
