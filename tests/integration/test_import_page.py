"""Web import of a snapshot (ORG-1): dry run first, then confirm; scoped to a subtree."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.django_plugin import build_school_with_deviation
from tests.factories import RoleFactory, UserFactory
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.organisations.models import Organisation, Person, Position
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.xlsxio import write_xlsx


def _without_labels(html: str) -> str:
    """The page without the cells' data-label attributes (a card's labels on a phone)."""
    return re.sub(r' data-label="[^"]*"', "", html)


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def import_url(code: str = "SSU") -> str:
    return reverse("snapshots:import", args=[code])


def snapshot(*orgs: dict[str, Any], **tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "tongxue-snapshot", "version": 1, "organisations": list(orgs)} | (
        tables
    )


def org_row(code: str, parent: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"{code}部",
        "kind": "functional_department",
        "parent": parent,
    } | extra


def upload(doc: dict[str, Any], name: str = "snap.json") -> SimpleUploadedFile:
    data = json.dumps(doc, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def post(client, doc, *, reviewed: bool = False, code: str = "SSU", name="snap.json"):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"file": upload(doc, name)}
    if reviewed:
        data["reviewed"] = "on"
    return client.post(import_url(code), data)


GOOD = snapshot(
    org_row("SNEW", "SSU"),
    people=[{"id": "IMP001", "name": "导入同学"}],
    positions=[
        {
            "organisation": "SNEW",
            "person": "IMP001",
            "role": "department_head",
            "title": "部长",
            "start": "2025-09-01",
        }
    ],
)


def test_only_importers_see_the_page(client, school_with_deviation):
    assert client.get(import_url()).status_code == 403
    cadre = UserFactory(username="cadre")
    RoleFactory(
        user=cadre, organisation=school_with_deviation.union, role=RoleKind.UNION_CADRE
    )
    client.force_login(cadre)
    assert client.get(import_url()).status_code == 403
    assert post(client, GOOD, reviewed=True).status_code == 403
    assert client.get(reverse("snapshots:template", args=["SSU"])).status_code == 403
    client.force_login(school_with_deviation.admin)
    assert client.get(import_url("SCH")).status_code == 403  # above the union
    assert client.get(import_url("NOPE")).status_code == 404
    page = client.get(import_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert reverse("snapshots:template", args=["SSU"]) in page
    detail = client.get(reverse("organisations:detail", args=["SSU"])).content.decode()
    assert import_url() in detail
    assert not Organisation.objects.filter(code="SNEW").exists()


def test_the_template_workbook_downloads(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = client.get(reverse("snapshots:template", args=["SSU"]))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_a_dry_run_then_a_confirmed_import(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    response = post(client, GOOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dry run of snap.json: nothing was written yet." in html
    assert "confirm-import" in html and 'name="reviewed"' in html
    assert not Organisation.objects.filter(code="SNEW").exists()
    assert not Person.objects.filter(ident="IMP001").exists()
    # organisations, people and positions: one row each to create.
    assert html.count("<td>1</td><td>0</td><td>0</td>") == 3

    response = post(client, GOOD, reviewed=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "snap.json was imported." in html
    new = Organisation.objects.get(code="SNEW")
    assert new.path == "/SCH/SSU/SNEW/"
    assert Position.objects.get(person__ident="IMP001").organisation == new
    assert AuditEvent.objects.filter(actor_label="sadmin").exists()
    # The confirmation is spent: importing again needs a new dry run.
    again = post(client, GOOD, reviewed=True)
    assert again.status_code == 400
    assert "This is not the file of your last dry run here" in again.content.decode()


def test_confirming_another_file_than_the_dry_run_is_refused(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    assert post(client, GOOD).status_code == 200
    other = snapshot(org_row("SOTHER", "SSU"))
    response = post(client, other, reviewed=True)
    assert response.status_code == 400
    assert "This is not the file of your last dry run here" in response.content.decode()
    assert not Organisation.objects.filter(code__in=["SNEW", "SOTHER"]).exists()


def test_a_bad_file_shows_every_error_and_writes_nothing(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    bad = snapshot(
        org_row("SBAD1", "SSU", kind="galaxy"),
        org_row("SBAD2", "SSU", students_served="many"),
        positions=[
            {
                "organisation": "SDEPT",
                "person": "GHOST",
                "role": "member",
                "title": "干事",
                "start": "2025-09-01",
            }
        ],
    )
    response = post(client, bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert "nothing was written" in html
    assert html.count('class="import-error"') >= 3
    cells = _without_labels(html)
    assert "<td>organisations</td><td>1</td><td>kind</td>" in cells
    assert "<td>organisations</td><td>2</td><td>students_served</td>" in cells
    assert "<td>positions</td><td>1</td><td>person</td>" in cells
    assert "confirm-import" not in html  # nothing to confirm
    assert not Organisation.objects.filter(code__startswith="SBAD").exists()
    # Not JSON at all, and not a snapshot file type.
    broken = SimpleUploadedFile("snap.json", b"{not json", "application/json")
    html = client.post(import_url(), {"file": broken}).content.decode()
    assert "The file is not valid JSON (line 1, column 2)." in html
    text = SimpleUploadedFile("snap.txt", b"hello", "text/plain")
    response = client.post(import_url(), {"file": text})
    assert response.status_code == 400
    assert "Choose a .json or .xlsx file." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_organisations_outside_the_subtree_are_refused(client, school_with_deviation):
    other = build_school_with_deviation(prefix="T")
    client.force_login(school_with_deviation.admin)
    cases = [
        # A new organisation directly under the school, above the union.
        (snapshot(org_row("SUP", "SCH")), "organisations", "1", "code", "SUP"),
        # Changing another school's department.
        (snapshot(org_row("TDEPT", "TSU")), "organisations", "1", "code", "TDEPT"),
        # Moving another school's department into the union (it is not ours).
        (snapshot(org_row("TDEPT", "SSU")), "organisations", "1", "code", "TDEPT"),
        # A new organisation whose chain leaves the subtree through the file.
        (
            snapshot(org_row("SA", "SB"), org_row("SB", "TSU")),
            "organisations",
            "1",
            "code",
            "SA",
        ),
        # Rows attached to an organisation of another school.
        (
            snapshot(
                people=[{"id": "X1", "name": "某人"}],
                positions=[
                    {
                        "organisation": "TSU",
                        "person": "X1",
                        "role": "member",
                        "title": "干事",
                        "start": "2025-09-01",
                    }
                ],
            ),
            "positions",
            "1",
            "organisation",
            "TSU",
        ),
    ]
    for doc, table, row, field, code in cases:
        response = post(client, doc)
        html = response.content.decode()
        assert response.status_code == 400
        cells = _without_labels(html)
        assert f"<td>{table}</td><td>{row}</td><td>{field}</td>" in cells, doc
        assert f"The organisation {code} is not within SSU" in html, doc
        assert "confirm-import" not in html
        # Without a successful dry run there is nothing to confirm.
        assert post(client, doc, reviewed=True).status_code == 400
    # Moving the union itself away from its school.
    html = post(client, snapshot(org_row("SSU", "TCH", kind="school_union"))).content
    assert "SSU cannot be moved from here" in html.decode()
    assert not Organisation.objects.filter(code__in=["SUP", "SA", "SB"]).exists()
    assert Organisation.objects.get(code="TDEPT").parent == other.union
    assert Organisation.objects.get(code="SSU").parent.code == "SCH"
    assert not Person.objects.filter(ident="X1").exists()


def test_an_exported_subtree_reimports_unchanged(client, school_with_deviation):
    """The union's own export is within scope; importing it changes nothing."""
    client.force_login(school_with_deviation.admin)
    doc = json.loads(json.dumps(export_tables("SSU"), default=str))
    html = post(client, doc).content.decode()
    assert "Dry run of snap.json" in html
    assert "Created<strong>0</strong>" in html
    assert "Updated<strong>0</strong>" in html
    assert "confirm-import" in html


def test_a_workbook_is_imported_after_its_dry_run(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    data = write_xlsx(
        snapshot(org_row("SXL", "SSU")) | {"default_profile": "gansu-2017"}
    )
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def send(reviewed: bool):  # type: ignore[no-untyped-def]
        form: dict[str, Any] = {"file": SimpleUploadedFile("book.xlsx", data, xlsx)}
        if reviewed:
            form["reviewed"] = "on"
        return client.post(import_url(), form)

    assert "Dry run of book.xlsx" in send(False).content.decode()
    assert not Organisation.objects.filter(code="SXL").exists()
    assert "book.xlsx was imported." in send(True).content.decode()
    assert Organisation.objects.get(code="SXL").parent.code == "SSU"


def test_the_page_counts_the_elections_and_semesters_it_stored(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    doc = GOOD | {
        "elections": [
            {"code": "SSU-E1", "organisation": "SSU", "post": "president"},
        ],
        # IMP001 reports on the post the file gives them at SNEW (CAD-4).
        "semesters": [
            {
                "organisation": "SNEW",
                "code": "2026-1",
                "start": "2026-02-20",
                "end": "2026-07-10",
                "reports": "IMP001",
            }
        ],
    }
    html = post(client, doc).content.decode()
    assert "<tr><td>elections</td><td>1</td><td>0</td><td>0</td></tr>" in html
    assert "<tr><td>semesters</td><td>1</td><td>0</td><td>0</td></tr>" in html
    assert "Checked but not stored" not in html
