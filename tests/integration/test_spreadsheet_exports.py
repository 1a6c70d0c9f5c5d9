"""Exports never hand a spreadsheet a formula (CSV/formula injection), and what was
escaped reads back: ``tongxue count`` on board.csv, the snapshot workbook, the delegate
CSV, ``tongxue apportion``'s output. Private exports are not cached."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.django_plugin import build_school_with_deviation
from tests.factories import UserFactory
from tests.factories_accounts import build_tree
from tests.factories_congress import allocated, build_union, enter
from tests.factories_federation import build_federation
from tests.factories_voting import build_voting
from tongxue.congresses import services as congress_services
from tongxue.congresses.models import Delegate
from tongxue.core.spreadsheets import (
    FORMULA_STARTS,
    safe_cell,
    unescape_cell,
    xlsx_row,
)
from tongxue.organisations.models import Organisation, Person, Position
from tongxue.snapshots.services import import_file
from tongxue.snapshots.xlsxio import read_xlsx
from tongxue.voting import selectors as voting_selectors
from tongxue.voting import services as voting_services

#: One text per dangerous first character (OWASP: = + - @ tab CR).
RISKY = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\tT",
    "\rR",
    '=HYPERLINK("http://evil.example/","点此")',
]


def directives(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d}


NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def neutral(text: str) -> bool:
    """Return whether a spreadsheet reads ``text`` as text or a plain number."""
    return text[:1] not in FORMULA_STARTS or bool(NUMBER.match(text))


def assert_no_formula(content: bytes) -> list[list[object]]:
    """Assert that no cell of the workbook is a formula; return the values."""
    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert cell.value[:1] not in FORMULA_STARTS, (
                        sheet.title,
                        cell.value,
                    )
            values.append([c.value for c in row])
    return values


# --- the shared module ------------------------------------------------------------


@pytest.mark.parametrize("text", [*RISKY, "＝1+1", "＠x", "'=1", "'"])
def test_a_risky_text_gets_one_apostrophe_and_reads_back(text):
    escaped = safe_cell(text)
    assert escaped == "'" + text
    assert unescape_cell(escaped) == text


@pytest.mark.parametrize(
    "value", [-5, -1.5, Decimal("-2.50"), 0, 12, None, True, "", "张伟", "a=b", "1-2"]
)
def test_numbers_and_harmless_texts_are_left_alone(value):
    assert safe_cell(value) is value
    assert unescape_cell(value) is value


def test_unescape_leaves_an_apostrophe_it_did_not_add():
    assert unescape_cell("'abc") == "'abc"
    assert unescape_cell("''") == "'"


@given(st.text())
def test_unescape_undoes_the_escape_of_any_text(text):
    escaped = safe_cell(text)
    assert unescape_cell(escaped) == text
    assert neutral(escaped)


def test_xlsx_row_stores_texts_as_strings_and_numbers_as_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append(xlsx_row(sheet, ["=1+1", "-x", -3, 2.5, "ok"]))
    buffer = io.BytesIO()
    book.save(buffer)
    values = assert_no_formula(buffer.getvalue())
    assert values == [["'=1+1", "'-x", -3, 2.5, "ok"]]
    cells = load_workbook(io.BytesIO(buffer.getvalue())).active[1]
    assert [c.data_type for c in cells] == ["s", "s", "n", "n", "s"]


# --- board.csv and the recount ----------------------------------------------------


def _counted_with_names(names: list[str]):  # type: ignore[no-untyped-def]
    setup = build_voting(voters=5, seats=1, candidates=len(names))
    for person_name, new in zip(setup.candidates, names, strict=True):
        Person.objects.filter(name=person_name).update(name=new)
    voting_selectors.clear_cache()
    voting_services.open_vote(actor=setup.admin, election=setup.election)
    election = setup.election
    election.refresh_from_db()
    marks = [[1, 0], [1, 0], [1, 0], [0, 1], [0, 0]]
    for voter, row in zip(setup.voters, marks, strict=True):
        voting_services.check_in(voter=voter, election=election)
        voting_services.cast(
            voter=voter,
            election_code=election.code,
            marks=[str(m) for m in row],
        )
    voting_services.close_vote(actor=setup.admin, election=election)
    return voting_services.count_vote(actor=setup.admin, election=election)


@pytest.mark.django_db
@pytest.mark.parametrize("names", [["=1+1", "@SUM(A1)"], ["-2", "+3"]])
def test_board_csv_escapes_names_and_tongxue_count_recounts_them(
    client, tmp_path: Path, names: list[str]
):
    election = _counted_with_names(names)
    stored = dict(election.result)
    assert [c["name"] for c in stored["candidates"]] == names
    response = client.get(f"/vote/{election.code}/board.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["'" + n for n in names]
    assert all(neutral(cell) for row in rows for cell in row)
    path = tmp_path / "board.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "count",
        str(path),
        "--seats",
        "1",
        "--present",
        str(stored["present"]),
        "--entitled",
        str(stored["entitled"]),
        "--issued",
        str(stored["ballots"]["issued"]),
        "--format",
        "json",
        stdout=out,
    )
    recount = json.loads(out.getvalue())
    assert recount["candidates"] == stored["candidates"]
    assert recount["elected"] == stored["elected"] == [names[0]]
    assert recount["ballots"] == stored["ballots"]


# --- invitation sheet CSV ---------------------------------------------------------


@pytest.mark.django_db
def test_invitation_csv_neutralises_names_and_departments(client):
    tree = build_tree(delegates=len(RISKY))
    for person, name in zip(tree.delegates, RISKY, strict=True):
        Person.objects.filter(pk=person.pk).update(name=name)
    Organisation.objects.filter(pk=tree.dept.pk).update(name="-院系")
    client.force_login(tree.union_admin)
    url = reverse(
        "accounts:invite-delegates", args=[tree.union.code, tree.meeting.code]
    )
    response = client.post(url, {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    body = rows[1:]
    assert sorted(r[0] for r in body) == sorted("'" + n for n in RISKY)
    assert {r[1] for r in body} == {"'-院系"}
    assert all(neutral(cell) for row in rows for cell in row)
    assert {"private", "no-store"} <= directives(response)


# --- the federation's balance CSV (public) ----------------------------------------


@pytest.mark.django_db
def test_balance_csv_neutralises_labels_and_keeps_negative_numbers(client):
    build_federation(per_school=2)
    Person.objects.filter(ethnicity="回族").update(ethnicity="=cmd|' /C calc'!A0")
    url = reverse("congresses:balance", kwargs={"code": "FED", "meeting_code": "FED-C"})
    response = client.get(url + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert all(neutral(cell) for row in rows for cell in row)
    groups = {r[1] for r in rows[1:] if r[0] == "ethnicity"}
    assert "'=cmd|' /C calc'!A0" in groups
    city = {r[1]: r for r in rows[1:] if r[0] == "city"}
    assert city["FC1"][8] == "-2"  # a negative number stays a number


# --- the delegate list: CSV (re-importable) and Excel ------------------------------


@pytest.mark.django_db
def test_delegate_exports_neutralise_text_and_the_csv_imports_back(client):
    u = build_union()
    m = allocated(u)
    person = u.students["UD0"][0]
    Person.objects.filter(pk=person.pk).update(
        name='=HYPERLINK("http://evil.example/","x")', ident="@ID-1"
    )
    person.refresh_from_db()
    enter(u, m, person, votes=30)
    client.force_login(u.admin)
    url = reverse("congresses:export-delegates", args=[u.union.code, m.code, "csv"])
    response = client.get(url)
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example/","x")', "'@ID-1"]
    assert rows[1][-1] == "30"
    assert all(neutral(cell) for row in rows for cell in row)
    assert {"private", "no-store"} <= directives(response)

    workbook = client.get(
        reverse("congresses:export-delegates", args=[u.union.code, m.code, "xlsx"])
    )
    values = assert_no_formula(workbook.content)
    assert values[1][:2] == ['\'=HYPERLINK("http://evil.example/","x")', "'@ID-1"]
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(row=2, column=len(values[0])).value == 30  # votes: a number
    assert sheet.cell(row=2, column=len(values[0])).data_type == "n"
    assert {"private", "no-store"} <= directives(workbook)

    Delegate.objects.filter(meeting=m).delete()
    entered, errors = congress_services.import_delegates(
        actor=u.admin, meeting=m, text=text
    )
    assert (entered, errors) == (1, [])
    assert Delegate.objects.get(meeting=m).person.ident == "@ID-1"


# --- the snapshot workbook (compliance export.xlsx, export_snapshot) ---------------


@pytest.mark.django_db
def test_snapshot_workbook_has_no_formula_and_reads_back_the_texts(client):
    school = build_school_with_deviation()
    Organisation.objects.filter(pk=school.union.pk).update(
        name='=HYPERLINK("http://evil.example/","学生会")'
    )
    Organisation.objects.filter(pk=school.department.pk).update(name="@SUM(A1)")
    Position.objects.filter(organisation=school.union).update(title="+主席")
    client.force_login(school.admin)
    response = client.get(reverse("snapshots:export-xlsx", args=["SSU"]))
    assert response.status_code == 200
    assert_no_formula(response.content)
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book["organisations"][1]]
    union_row = next(
        [c for c in row]
        for row in book["organisations"].iter_rows(min_row=2)
        if row[header.index("code")].value == "SSU"
    )
    served = union_row[header.index("students_served")]
    assert served.data_type == "n"  # numbers stay numbers
    doc, _errors = read_xlsx(response.content)
    names = {r["code"]: r["name"] for r in doc["organisations"]}
    assert names["SSU"] == '=HYPERLINK("http://evil.example/","学生会")'
    assert names["SDEPT"] == "@SUM(A1)"
    assert {p["title"] for p in doc["positions"]} >= {"+主席"}
    assert {"private", "no-store"} <= directives(response)
    # The workbook imports as what is stored: nothing to change (before, the name
    # written as a formula read back empty: "name: This field is required.").
    result = import_file(
        response.content,
        filename="SSU.xlsx",
        actor=UserFactory(is_superuser=True),
        dry_run=True,
    )
    for table in ("organisations", "positions"):
        counts = result.counts[table]
        assert (counts.created, counts.updated) == (0, 0), table
        assert counts.unchanged > 0, table


# --- tongxue apportion's CSV ------------------------------------------------------


def test_apportion_output_neutralises_units_and_reads_back(tmp_path: Path, capsys):
    from django.utils.translation import override

    from tongxue.cli import main

    weights = tmp_path / "w.csv"
    weights.write_text("unit,weight\n=A,60\n-B,40\n", encoding="utf-8")
    with override("en"):
        assert main(["apportion", str(weights), "--seats", "5"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["unit", "seats"], ["'=A", "3"], ["'-B", "2"]]
    # The output is a --row-seats file for the biproportional method: it reads back.
    seats = tmp_path / "seats.csv"
    seats.write_text(out, encoding="utf-8")
    from tongxue.congresses.management.commands.apportion import read_pairs

    assert [u for u, _ in read_pairs(seats, "seats")] == ["=A", "-B"]


# --- Cache-Control ----------------------------------------------------------------


@pytest.mark.django_db
def test_private_exports_and_pages_are_private_no_store(client):
    school = build_school_with_deviation()
    client.force_login(school.admin)
    for name in ("snapshots:export-json", "snapshots:export-xlsx"):
        response = client.get(reverse(name, args=["SSU"]))
        assert response.status_code == 200
        assert {"private", "no-store"} <= directives(response), name
    template = client.get(reverse("snapshots:template", args=["SSU"]))
    assert template.status_code == 200
    assert {"private", "no-store"} <= directives(template)
    audit = client.get(reverse("compliance:log", args=["SSU"]))
    assert audit.status_code == 200
    assert {"private", "no-store"} <= directives(audit)
    # A public page seen by a signed-in user may carry their name: private too.
    home = client.get(reverse("home"))
    assert {"private", "no-store"} <= directives(home)


@pytest.mark.django_db
def test_public_pages_stay_cacheable_for_visitors(client):
    build_school_with_deviation()
    for url in (reverse("home"), reverse("organisations:detail", args=["SSU"])):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" not in directives(response)
        assert "no-store" not in directives(response)


@pytest.mark.django_db
def test_a_session_without_a_user_keeps_public_pages_cacheable():
    build_school_with_deviation()
    visitor = Client()
    session = visitor.session
    session["seen"] = True
    session.save()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = visitor.get(reverse("home"))
    assert response.status_code == 200
    assert "private" not in directives(response)


@pytest.mark.django_db
def test_the_public_board_csv_stays_cacheable(client):
    election = _counted_with_names(["甲", "乙"])
    response = client.get(f"/vote/{election.code}/board.csv")
    assert response.status_code == 200
    assert "private" not in directives(response)
