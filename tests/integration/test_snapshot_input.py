"""Hostile or broken snapshot files (issue #11): refused early, clearly, never a 500.

Zip bombs and workbooks over a limit are refused before they are parsed; long error
lists show the first 200 problems and the total; a NUL byte, a lone surrogate, nesting
too deep or a number too long is a problem of the file (exit 2, a 400 page), named by
table, row and field where it has one; an exported workbook imports back unchanged.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from tests.django_plugin import build_school_with_deviation
from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.cli import main
from tongxue.core.models import AuditEvent
from tongxue.organisations.models import Organisation, OrgKind, Person
from tongxue.snapshots.errors import SnapshotInvalid, describe
from tongxue.snapshots.jsonio import read_json
from tongxue.snapshots.selectors import export_tables, export_xlsx
from tongxue.snapshots.services import import_file, import_tables
from tongxue.snapshots.xlsxio import read_xlsx, write_xlsx

pytestmark = pytest.mark.django_db

MIB = 1 << 20
ORGS_SHEET = "xl/worksheets/sheet1.xml"  # write_xlsx writes the tables in order
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A management command closes every connection when it ends (see test_snapshot_cli)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def never_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the workbook reaches openpyxl: the refusal must come before parsing."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def snapshot(**tables: Any) -> dict[str, Any]:
    return {"format": "tongxue-snapshot", "version": 1, **tables}


def org(code: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"{code}部", "kind": "school"} | extra


def workbook(**parts: bytes | Callable[[Any], None]) -> bytes:
    """Return a snapshot workbook (one organisation) with ``parts`` replaced or added.

    A part is bytes, or a function writing it in chunks (for parts far larger than the
    test should hold in memory).
    """
    base = zipfile.ZipFile(io.BytesIO(write_xlsx(snapshot(organisations=[org("X")]))))
    out = io.BytesIO()
    names = {
        name.replace("__", "/").replace("_dot_", "."): p for name, p in parts.items()
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for info in base.infolist():
            if info.filename not in names:
                book.writestr(info.filename, base.read(info.filename))
        for name, part in names.items():
            if callable(part):
                with book.open(name, "w") as stream:
                    part(stream)
            else:
                book.writestr(name, part)
    return out.getvalue()


def sheet_xml(rows: str, dimension: str | None = None, doctype: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {NS}>{dim}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def text_row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


HEADER = text_row(1, "code", "name", "kind")


def org_rows(count: int) -> str:
    return HEADER + "".join(
        text_row(n + 2, f"C{n}", f"组织{n}", "school") for n in range(count)
    )


def spaces(size: int) -> Callable[[Any], None]:
    """A sheet of ``size`` bytes, nearly all blanks between two elements."""
    head, tail = sheet_xml(org_rows(1)).split(b"<sheetData>")

    def write(stream: Any) -> None:
        stream.write(head + b"<sheetData>")
        left = size - len(head) - len(tail) - 11
        while left > 0:
            stream.write(b" " * min(left, MIB))
            left -= MIB
        stream.write(tail)

    return write


def refusal(data: bytes, name: str = "book.xlsx") -> str:
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(data, filename=name)
    return "\n".join(describe(e, workbook=exc.value.workbook) for e in exc.value.errors)


# Zip bombs and workbooks over a limit --------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_declared_size_unparsed(never_parsed) -> None:  # type: ignore[no-untyped-def]
    """150 MB of sheet in a file of some 150 KB (the issue's was 333 KB)."""
    data = workbook(**{ORGS_SHEET.replace("/", "__"): spaces(150 * MIB)})
    assert len(data) < 400_000
    message = refusal(data)
    assert "The workbook unpacks to more than 150.0 MB" in message
    assert "may unpack to at most 128.0 MB" in message


def test_the_unpacked_size_limit_on_both_sides(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SNAPSHOT_MAX_UNCOMPRESSED_BYTES = 4 * MIB
    settings.SNAPSHOT_MAX_COMPRESSION_RATIO = 100_000
    below = workbook(**{ORGS_SHEET.replace("/", "__"): spaces(3 * MIB)})
    assert import_file(below, filename="b.xlsx").counts["organisations"].created == 1
    above = workbook(**{ORGS_SHEET.replace("/", "__"): spaces(5 * MIB)})
    assert "may unpack to at most 4.0 MB" in refusal(above)


def test_a_part_compressed_beyond_the_ratio_is_refused(settings, never_parsed) -> None:  # type: ignore[no-untyped-def]
    data = workbook(**{ORGS_SHEET.replace("/", "__"): spaces(2 * MIB)})
    message = refusal(data)
    assert f"The part {ORGS_SHEET} of the workbook is compressed" in message
    assert "at most 100 times is accepted" in message


def test_a_ratio_within_the_limit_passes(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SNAPSHOT_MAX_COMPRESSION_RATIO = 5000
    data = workbook(**{ORGS_SHEET.replace("/", "__"): spaces(2 * MIB)})
    assert import_file(data, filename="b.xlsx").created == 1


def test_a_size_that_lies_is_not_a_workbook(never_parsed) -> None:  # type: ignore[no-untyped-def]
    """Parts that unpack to more than their declared size fail their check, unread."""
    data = bytearray(
        workbook(**{ORGS_SHEET.replace("/", "__"): sheet_xml(org_rows(50))})
    )
    name = ORGS_SHEET.encode()
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            header = 26 if signature == b"PK\x03\x04" else 28
            length = int.from_bytes(data[start + header : start + header + 2], "little")
            offset = 30 if signature == b"PK\x03\x04" else 46
            if data[start + offset : start + offset + length] == name:
                data[start + at : start + at + 4] = (100).to_bytes(4, "little")
            start += 4
    assert refusal(bytes(data)) == "The file is not an Excel workbook (.xlsx)."


def test_a_document_type_declaration_is_refused(never_parsed) -> None:  # type: ignore[no-untyped-def]
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    )
    data = workbook(
        **{ORGS_SHEET.replace("/", "__"): sheet_xml(HEADER, doctype=laughs)}
    )
    assert "declares a document type (<!DOCTYPE>)" in refusal(data)


def test_a_huge_declared_dimension_is_refused_before_any_row_is_read() -> None:
    sheet = sheet_xml(org_rows(1), dimension="A1:C1048576")
    message = refusal(workbook(**{ORGS_SHEET.replace("/", "__"): sheet}))
    assert "The workbook has more than 500000 rows" in message
    # A declared width is not padded into every row: read at the header's width.
    wide = sheet_xml(org_rows(1), dimension="A1:XFD2")
    doc, errors = read_xlsx(workbook(**{ORGS_SHEET.replace("/", "__"): wide}))
    assert errors == [] and doc["organisations"][0]["code"] == "C0"


def test_the_row_limit_on_both_sides(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SNAPSHOT_MAX_ROWS = 50
    fits = workbook(
        **{ORGS_SHEET.replace("/", "__"): sheet_xml(org_rows(50), "A1:C51")}
    )
    assert import_file(fits, filename="b.xlsx").counts["organisations"].created == 50
    declared = sheet_xml(org_rows(1), dimension="A1:C52")
    assert "more than 50 rows" in refusal(
        workbook(**{ORGS_SHEET.replace("/", "__"): declared})
    )
    # Undeclared: counted while read, empty rows too (a lone row 100,000 is 99,998).
    many = workbook(**{ORGS_SHEET.replace("/", "__"): sheet_xml(org_rows(51))})
    assert "sheet organisations: The workbook has more than 50 rows" in refusal(many)
    gap = sheet_xml(org_rows(1) + text_row(100_000, "C9", "远", "school"))
    assert "more than 50 rows" in refusal(
        workbook(**{ORGS_SHEET.replace("/", "__"): gap})
    )
    # JSON: the rows of all tables together.
    people = [{"id": f"P{i}", "name": "某"} for i in range(49)]
    assert import_tables(
        read_json(json.dumps(snapshot(organisations=[org("X")], people=people)))
    )
    with pytest.raises(SnapshotInvalid) as exc:
        read_json(
            json.dumps(snapshot(organisations=[org("X")], people=[*people, people[0]]))
        )
    assert "The file has 51 rows; a snapshot may have at most 50." in describe(
        exc.value.errors[0]
    )


def test_the_sheet_limit_on_both_sides(settings) -> None:  # type: ignore[no-untyped-def]
    def book_of(sheets: int) -> bytes:
        book = openpyxl.Workbook()
        book.active.title = "organisations"
        book.active.append(["code", "name", "kind"])
        book.active.append(["X", "某校", "school"])
        for n in range(sheets - 1):
            book.create_sheet(f"extra{n}")
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    assert "The workbook has 21 sheets; a snapshot workbook has at most 20." in refusal(
        book_of(21)
    )
    message = refusal(book_of(20))  # read: its unknown sheets are the problem
    assert "Unknown sheet “extra18”." in message and "sheets;" not in message


def test_a_header_cell_far_to_the_right_is_an_unknown_column() -> None:
    """A cell in column XFD (16,384) is read once, not padded into every row."""
    far = HEADER.replace(
        "</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    rows = "".join(text_row(n, f"C{n}", "某", "school") for n in range(2, 5))
    sheet = sheet_xml(far + rows)
    doc, errors = read_xlsx(workbook(**{ORGS_SHEET.replace("/", "__"): sheet}))
    assert [(e.table, e.row, e.field) for e in errors] == [("organisations", 1, "x")]
    assert [r["code"] for r in doc["organisations"]] == ["C2", "C3", "C4"]


def test_a_json_file_over_its_size_limit_is_refused_unread(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.SNAPSHOT_MAX_JSON_BYTES = MIB
    text = json.dumps(snapshot(organisations=[org("X")])).encode()
    fits = tmp_path / "fits.json"
    fits.write_bytes(text.ljust(MIB))
    assert import_file(fits).counts["organisations"].created == 1
    over = tmp_path / "over.json"
    over.write_bytes(text.ljust(MIB + 1))
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(over)
    assert describe(exc.value.errors[0]) == (
        "The file is too large: 1.0 MB; a snapshot file may have at most 1.0 MB."
    ), "the en catalogue must translate the new message to itself"
    with pytest.raises(SnapshotInvalid) as exc:  # also when given as bytes
        read_json(over.read_bytes())
    assert "a JSON snapshot may have at most 1.0 MB" in describe(exc.value.errors[0])


def test_the_web_form_caps_the_upload(client, settings) -> None:  # type: ignore[no-untyped-def]
    school = build_school_with_deviation()
    client.force_login(school.admin)
    settings.SNAPSHOT_MAX_UPLOAD_BYTES = MIB
    text = json.dumps(
        snapshot(
            organisations=[org("SNEW", kind="functional_department", parent="SSU")]
        )
    )
    url = reverse("snapshots:import", args=["SSU"])

    def send(size: int):  # type: ignore[no-untyped-def]
        data = text.encode().ljust(size)
        return client.post(
            url, {"file": SimpleUploadedFile("s.json", data, "application/json")}
        )

    ok = send(MIB)
    assert ok.status_code == 200 and "Dry run of s.json" in ok.content.decode()
    over = send(MIB + 1)
    assert over.status_code == 400
    assert "The file is too large: at most 1 MB." in over.content.decode()
    assert "At most 1 MB." in client.get(url).content.decode()


# Long error lists --------------------------------------------------------------------------


def five_thousand_bad_rows(tmp_path: Path) -> Path:
    rows = [org(f"B{i}", kind="galaxy") for i in range(5000)]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(snapshot(organisations=rows)), "utf-8")
    return path


def test_the_command_lists_200_problems_and_the_total(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = five_thousand_bad_rows(tmp_path)
    assert main(["import", str(path), "--language", "en"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert sum("field kind: “galaxy” is not one of" in line for line in err) == 200
    assert "… and 4800 more problems (only the first 200 are listed)." in err
    assert err[-1].endswith("5000 problem(s) found; nothing was imported.")
    assert main(["audit", str(path), "--language", "en"]) == 2
    err = capsys.readouterr().err
    assert err.count("“galaxy” is not one of") == 200
    assert "(5000 errors)" in err and "… and 4800 more problems" in err


def test_the_web_page_lists_200_problems_and_the_total(client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    school = build_school_with_deviation()
    client.force_login(school.admin)
    rows = [org(f"SB{i}", kind="galaxy", parent="SSU") for i in range(5000)]
    data = json.dumps(snapshot(organisations=rows)).encode()
    response = client.post(
        reverse("snapshots:import", args=["SSU"]),
        {"file": SimpleUploadedFile("s.json", data, "application/json")},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="import-error"') == 200
    assert "5000 problems in s.json: nothing was written." in html
    assert "… and 4800 more problems (only the first 200 are listed)." in html
    assert len(html) < 200_000


# Bad characters, deep nesting, long numbers -------------------------------------------------

BAD = [
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X", '
        '"name": "a\\u0000b", "kind": "school"}]}',
        "table organisations, row 1, field name: The text contains the character "
        "U+0000 (at position 2), which cannot be stored: remove it.",
        id="nul",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X", '
        '"name": "\\ud800", "kind": "school"}]}',
        "table organisations, row 1, field name: The text contains the character "
        "U+D800 (at position 1)",
        id="surrogate",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X", '
        '"name": "某", "kind": "school"}], "people": [{"id": "P\\u0000", "name": "x"}]}',
        "table people, row 1, field id: The text contains the character U+0000",
        id="nul-in-a-key",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X\\ud800", '
        '"name": "某", "kind": "school"}], "meetings": [{"code": "M", '
        '"organisation": "X\\ud800", "kind": "congress", "opened": "2025-11-01"}]}',
        "table organisations, row 1, field code: The text contains the character "
        "U+D800 (at position 2)",
        id="surrogate-in-a-key",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X", '
        '"name": "某", "kind": "school", "\\ud800": 1}]}',
        "table organisations, row 1: Unknown field “\\ud800”.",
        id="surrogate-field-name",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": '
        + "[" * 100_000
        + "]" * 100_000
        + "}",
        "The file is nested too deeply",
        id="deep",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X", '
        '"name": "某", "kind": "school", "students_served": ' + "9" * 5000 + "}]}",
        "The file holds a number too long to read.",
        id="digits",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "root": "' + "R" * 65 + '", "organisations": '
        '[{"code": "X", "name": "某", "kind": "school"}]}',
        "field root: Text longer than 64 characters.",
        id="long-root",
    ),
    pytest.param(
        '{"format": "tongxue-snapshot", "organisations": [{"code": "X", '
        '"name": "某", "kind": "school", "students_served": '
        + "[" * 500
        + "]" * 500
        + "}]}",
        "field students_served: Expected a whole number, got “[[[...]]]”.",
        id="deep-cell",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_is_a_problem_of_the_file_on_the_command_line(
    tmp_path, capsys, text: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    assert main(["import", str(path), "--language", "en"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert main(["audit", str(path), "--language", "en"]) == 2
    assert message in capsys.readouterr().err
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_is_a_400_on_the_web(client, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    school = build_school_with_deviation()
    client.force_login(school.admin)
    response = client.post(
        reverse("snapshots:import", args=["SSU"]),
        {"file": SimpleUploadedFile("s.json", text.encode(), "application/json")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message.rsplit(": ", 1)[-1].replace("“", "&ldquo;")[:30] in html or (
        message.rsplit(": ", 1)[-1][:30] in html
    )
    assert "\x00" not in html


# An exported workbook imports back unchanged -----------------------------------------------------


def tricky_tree() -> None:
    """Texts a spreadsheet would read as formulas, numbers, booleans or dates."""
    root = SchoolFactory(code="RT", name="=1+1 学校", county="1e5")
    union = OrganisationFactory(code="RTU", parent=root, name="-减号学生会")
    dept = OrganisationFactory(
        code="RTD", parent=union, kind=OrgKind.DEPARTMENT_UNION, name="@at 学院"
    )
    people = [
        PersonFactory(
            ident="0012",
            name='=HYPERLINK("http://x","点")',
            student_number="0012",
            department=dept,
        ),
        PersonFactory(
            ident="T2", name="+8613800000000", student_number="2024", department=dept
        ),
        PersonFactory(
            ident="T3", name="'引号", student_number="TRUE", ethnicity="2025-01-01"
        ),
        PersonFactory(ident="T4", name="''两个", student_number="-0"),
    ]
    for person in people:
        PositionFactory(
            organisation=union,
            person=person,
            title="=干事",
            public_contact="=cmd|' /C calc'!A0",
        )
    MeetingFactory(code="=M1", organisation=union)


def test_an_exported_workbook_imports_back_with_no_error_and_no_change() -> None:
    tricky_tree()
    before = export_tables("RT")
    data = export_xlsx("RT")
    result = import_file(data, filename="rt.xlsx")
    assert result.created == result.updated == 0
    assert result.unchanged == sum(
        len(before[t])
        for t in (
            "organisations",
            "people",
            "positions",
            "meetings",
            "delegates",
            "reviews",
            "justifications",
        )
    )
    assert export_tables("RT") == before
    assert Person.objects.get(ident="0012").name == '=HYPERLINK("http://x","点")'
    # And the workbook reads as the export's document, cell for cell.
    doc, errors = read_xlsx(data)
    assert errors == []
    assert {p["id"]: p["name"] for p in doc["people"]} == {
        p["id"]: p["name"] for p in before["people"]
    }
