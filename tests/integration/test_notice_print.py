"""The printed 公示 notice: its address as text and QR code, the list once (ELE-4 · #16)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import segno

from tests.factories_elections import approved_election, build_scene, counted
from tongxue.core.checks import find_cjk_font
from tongxue.elections import selectors, services
from tongxue.elections.models import Candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    return build_scene()


def certified(scene):  # type: ignore[no-untyped-def]
    election = approved_election(scene)
    names = list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    a, b = names[0], names[1]
    election = counted(
        election, [{a: "1", b: "1"}, {a: "1", b: "1"}, {a: "1"}], present=3
    )
    services.certify_result(actor=scene.presidium, election=election)
    return election


def pdf_of(client, election, kind, monkeypatch):  # type: ignore[no-untyped-def]
    """Return (pdf bytes, the HTML given to WeasyPrint)."""
    weasyprint = pytest.importorskip("weasyprint")
    seen: list[str] = []
    real = weasyprint.HTML

    def spy(*args, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw["string"])
        return real(*args, **kw)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    response = client.get(f"/elections/{election.code}/notice/{kind}.pdf")
    if response.status_code == 503:
        pytest.skip("WeasyPrint's system libraries are missing")
    assert response.status_code == 200
    return response.content, seen[0]


def text_of(pdf: bytes, *pages: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(
        ["pdftotext", *pages, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_result_pdf_carries_the_notice_address_and_its_qr_code(
    client, scene, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    election = certified(scene)
    notice = selectors.result_notice(election)
    url = f"http://testserver/notices/{notice.pk}/"
    pdf, html = pdf_of(client, election, "result", monkeypatch)
    assert url in text_of(pdf).replace("\n", "")
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000")
    assert f'src="{qr}"' in html.replace("&amp;", "&").replace("&#x27;", "'")


def test_the_address_is_the_sites_when_configured(
    client, scene, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.TONGXUE_SITE_URL = "https://tongxue.example.edu.cn/"
    election = approved_election(scene)
    notice = selectors.candidates_notice(election)
    pdf, _ = pdf_of(client, election, "candidates", monkeypatch)
    text = text_of(pdf).replace("\n", "")
    assert f"https://tongxue.example.edu.cn/notices/{notice.pk}/" in text
    assert "testserver" not in text


def test_the_result_list_is_printed_once_on_one_page(
    client, scene, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    if not find_cjk_font():
        pytest.skip("no CJK font: the Chinese text of the PDF cannot be read back")
    election = certified(scene)
    pdf, _ = pdf_of(client, election, "result", monkeypatch)
    text = text_of(pdf)
    losers = [c["name"] for c in election.result["candidates"] if not c.get("elected")]
    assert losers, "the scene elects fewer than it lists"
    for name in losers:
        assert text.count(name) == 1, name  # in the table, not again in a text
    # The ballot counts are stated once (the notice's own text is not printed again).
    assert text.count("发出选票 3 张") == 1
    table_page = text_of(pdf, "-f", "1", "-l", "1")
    for c in election.result["candidates"]:
        assert c["name"] in table_page
