"""Delegate lists, seat tables and results as Excel and PDF, from their pages (#16).

Each file opens (openpyxl; pdftotext for the PDF), holds the rows its page shows in the
user's language (zh-hans, the default, and en), names its organisation, meeting or
election, date and page address, carries no student number, is refused where its page
is (404), and is read in the same number of queries at two sizes of the list.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories_congress import build_union, enter, planned
from tests.factories_elections import approved_election, build_scene, counted
from tongxue.congresses import services as congress_services
from tongxue.core.checks import find_cjk_font
from tongxue.domain import counting
from tongxue.elections import services as election_services
from tongxue.elections.models import Candidate, Election, ElectionStatus
from tongxue.organisations.models import Person

pytestmark = pytest.mark.django_db

# ----------------------------------------------------------------------- helpers


def sheets(response: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The workbook of a response: sheet name → rows of values."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def after_header(rows: list[tuple[Any, ...]], first: str) -> list[tuple[Any, ...]]:
    """The rows under the header row whose first cell is ``first``, up to a blank."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    out = []
    for row in rows[start + 1 :]:
        if not row or all(v is None for v in row):
            break
        out.append(row)
    return out


def header(rows: list[tuple[Any, ...]], first: str) -> list[Any]:
    row = next(r for r in rows if r and r[0] == first)
    return [v for v in row if v is not None]


def flat(rows: list[tuple[Any, ...]]) -> str:
    return "\n".join(" ".join(str(v) for v in r if v is not None) for r in rows)


def pdf_text(response: Any, *, chinese: bool = True) -> str:
    """The text of a PDF response (skips where WeasyPrint, pdftotext or, for Chinese
    text, a CJK font is missing: the text could not be read back)."""
    if response.status_code == 503:
        pytest.skip("WeasyPrint's system libraries are missing")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    if chinese and not find_cjk_font():
        pytest.skip("no CJK font: the Chinese text of the PDF cannot be read back")
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return out


def kept(fmt: str) -> int:
    """The queries of keeping a PDF made now in the database cache (the tests'
    cache; Redis in production takes none): its read, then its write (a count for
    culling, a lookup, the insert, in a savepoint: core.exports.kept_pdf)."""
    return 6 if fmt == "pdf" else 0


def english(client: Any) -> None:
    client.cookies["django_language"] = "en"


# ----------------------------------------------------------------------- congresses


def congress(*, people: int = 12, prefix: str = "U") -> tuple[Any, Any]:
    """A union with three departments and a congress of 60 seats, frozen."""
    u = build_union(prefix=prefix, people=(people, people, people))
    meeting = planned(u)
    congress_services.allocate_seats(
        actor=u.admin, meeting=meeting, method="hamilton", seats=60
    )
    congress_services.freeze_seats(actor=u.admin, meeting=meeting)
    meeting.refresh_from_db()
    return u, meeting


def seat_delegates(u: Any, meeting: Any, n: int) -> list[Any]:
    """Enter ``n`` delegates, spread over the departments; return the people."""
    people = [p for d in u.departments for p in u.students[d.code]]
    chosen = people[:n]
    for p in chosen:
        enter(u, meeting, p, seat=p.department.code)
    return chosen


def page(name: str, u: Any, meeting: Any, *args: str) -> str:
    return reverse(f"congresses:{name}", args=[u.union.code, meeting.code, *args])


def test_the_delegate_page_links_its_excel_and_pdf_for_everyone(client) -> None:
    u, meeting = congress()
    body = client.get(page("delegates", u, meeting)).content.decode()
    assert f'href="{page("delegates-file", u, meeting, "xlsx")}"' in body
    assert f'href="{page("delegates-file", u, meeting, "pdf")}"' in body
    # the managers' file with student numbers stays theirs
    assert page("export-delegates", u, meeting, "xlsx") not in body


def test_the_delegate_list_as_excel_in_chinese_holds_every_delegate(client) -> None:
    u, meeting = congress()
    people = seat_delegates(u, meeting, 30)  # more than a page (25) of the list
    rows = sheets(client.get(page("delegates-file", u, meeting, "xlsx")))["代表名单"]
    text = flat(rows)
    assert rows[0][0] == "代表名单"
    assert u.union.name in text and "学生代表大会" in text and "2026-12-10" in text
    assert f"http://testserver{page('delegates', u, meeting)}" in text
    assert header(rows, "姓名") == [
        "姓名",
        "院系",
        "年级",
        "名额",
        "所占名额的年级",
        "选举单位",
        "日期",
        "得票",
        "投票数",
        "选民人数",
    ]
    body = after_header(rows, "姓名")
    assert sorted(r[0] for r in body) == sorted(p.name for p in people)
    first = next(r for r in body if r[0] == people[0].name)
    assert first[1] == people[0].department.name
    assert first[2] == people[0].grade  # a number, not a text
    assert first[5] == u.classes[people[0].department.code].name
    assert first[6].date().isoformat() == "2026-11-20"  # a date cell
    assert first[7:10] == (30, 38, 40)
    # public: no student number, as on the page
    for p in people:
        assert p.ident not in text


def test_the_delegate_list_as_excel_in_english(client) -> None:
    u, meeting = congress()
    people = seat_delegates(u, meeting, 3)
    english(client)
    rows = sheets(client.get(page("delegates-file", u, meeting, "xlsx")))[
        "Delegate list"
    ]
    assert rows[0][0] == "Delegate list"
    assert "Student congress · session 1 · 2026-12-10" in flat(rows)
    assert header(rows, "Name")[:4] == ["Name", "Department", "Grade", "Seat"]
    assert {r[0] for r in after_header(rows, "Name")} == {p.name for p in people}


def test_a_name_that_looks_like_a_formula_stays_text(client) -> None:
    u, meeting = congress()
    (person,) = seat_delegates(u, meeting, 1)
    Person.objects.filter(pk=person.pk).update(name='=HYPERLINK("http://x","点此")')
    response = client.get(page("delegates-file", u, meeting, "xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book["代表名单"].iter_rows() for c in row if c.value]
    (cell,) = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert cell.value == '\'=HYPERLINK("http://x","点此")'
    assert cell.data_type == "s"


def test_an_empty_delegate_list_is_a_file_that_says_so(client) -> None:
    u, meeting = congress()
    rows = sheets(client.get(page("delegates-file", u, meeting, "xlsx")))["代表名单"]
    assert header(rows, "姓名")[0] == "姓名"
    assert [r[0] for r in after_header(rows, "姓名")] == ["尚未录入代表。"]


def test_the_delegate_list_as_pdf_in_chinese_and_english(client) -> None:
    u, meeting = congress()
    people = seat_delegates(u, meeting, 30)
    text = pdf_text(client.get(page("delegates-file", u, meeting, "pdf")))
    assert "代表名单" in text and u.union.name in text and "2026-12-10" in text
    assert "姓名" in text and "选举单位" in text
    for p in people:
        assert p.name in text
        assert p.ident not in text
    one_line = text.replace("\n", "")
    assert f"http://testserver{page('delegates', u, meeting)}" in one_line
    english(client)
    text = pdf_text(client.get(page("delegates-file", u, meeting, "pdf")))
    assert "Delegate list" in text and "Elected by" in text
    assert "Student congress" in text and "代表名单" not in text
    assert people[0].name in text


def test_the_delegate_files_are_refused_where_the_page_is(client) -> None:
    u, meeting = congress()
    assert client.get(page("delegates", u, meeting)).status_code == 200
    assert client.get(page("delegates-file", u, meeting, "csv")).status_code == 404
    missing = reverse("congresses:delegates-file", args=[u.union.code, "NOPE", "xlsx"])
    assert client.get(missing).status_code == 404
    other = reverse("congresses:delegates-file", args=["NOPE", meeting.code, "pdf"])
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("n", [2, 30])
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_delegate_files_queries_are_bounded(
    client, django_assert_num_queries, n, fmt
) -> None:
    u, meeting = congress()
    seat_delegates(u, meeting, n)
    # the organisation, the meeting, the delegates with their provenance
    with django_assert_num_queries(3 + kept(fmt)):
        response = client.get(page("delegates-file", u, meeting, fmt))
    assert response.status_code in (200, 503)


def test_the_seat_page_links_its_files_once_allocated(client) -> None:
    u = build_union()
    meeting = planned(u)
    body = client.get(page("seats", u, meeting)).content.decode()
    assert 'id="seats-download"' not in body
    assert client.get(page("seats-file", u, meeting, "xlsx")).status_code == 404
    assert client.get(page("seats-file", u, meeting, "pdf")).status_code == 404
    congress_services.allocate_seats(actor=u.admin, meeting=meeting, method="hamilton")
    body = client.get(page("seats", u, meeting)).content.decode()
    assert f'href="{page("seats-file", u, meeting, "xlsx")}"' in body
    assert f'href="{page("seats-file", u, meeting, "pdf")}"' in body
    assert client.get(page("seats-file", u, meeting, "csv")).status_code == 404
    missing = reverse("congresses:seats-file", args=[u.union.code, "NOPE", "xlsx"])
    assert client.get(missing).status_code == 404


def test_the_seat_table_as_excel_in_chinese_and_english(client) -> None:
    u, meeting = congress()
    book = sheets(client.get(page("seats-file", u, meeting, "xlsx")))
    rows = book["各院系代表名额"]
    text = flat(rows)
    assert rows[0][0] == "代表名额分配"
    assert u.union.name in text and "2026-12-10" in text
    assert f"http://testserver{page('seats', u, meeting)}" in text
    assert "共 60 个席位" in text
    assert header(rows, "院系")[:3] == ["院系", "代码", "学生数"]
    body = {r[1]: r for r in after_header(rows, "院系")}
    assert {code: r[5] for code, r in body.items()} == {"UD0": 30, "UD1": 18, "UD2": 12}
    assert body["UD0"][0] == u.departments[0].name and body["UD0"][2] == 500
    english(client)
    rows = sheets(client.get(page("seats-file", u, meeting, "xlsx")))[
        "Seats by department"
    ]
    assert rows[0][0] == "Seat allocation"
    assert "60 seats (minimum" in flat(rows)
    assert header(rows, "Department")[:3] == ["Department", "Code", "Students"]
    assert len(after_header(rows, "Department")) == 3


MATRIX = {
    "UD0": {1: 150, 2: 130, 3: 120, 4: 100},
    "UD1": {1: 90, 2: 80, 3: 70, 4: 60},
    "UD2": {1: 70, 2: 60, 3: 40, 4: 30},
}


def test_seats_by_grade_carry_the_matrix_and_its_divisors(client) -> None:
    u = build_union()
    meeting = planned(u)
    allocation = congress_services.allocate_seats_by_grade(
        actor=u.admin, meeting=meeting, seats=20, matrix=MATRIX
    )
    cells = {
        (c.unit.code, c.grade): (c.students, c.seats)
        for c in allocation.cells.select_related("unit")
    }
    book = sheets(client.get(page("seats-file", u, meeting, "xlsx")))
    rows = book["按院系和年级分配名额"]
    assert header(rows, "院系") == [
        "院系",
        "1年级",
        "2年级",
        "3年级",
        "4年级",
        "名额",
        "除数",
    ]
    body = after_header(rows, "院系")
    by_name = {r[0]: r for r in body}
    for i, dept in enumerate(u.departments):
        row = by_name[dept.name]
        assert list(row[1:5]) == [cells[(f"UD{i}", g)][1] for g in (1, 2, 3, 4)]
    totals = by_name["名额"]
    assert sum(totals[1:5]) == 20
    assert "双比例分配" in flat(rows)
    students = after_header(book["各院系各年级学生数"], "院系")
    assert [list(r[1:5]) for r in students] == [
        [MATRIX[f"UD{i}"][g] for g in (1, 2, 3, 4)] for i in range(3)
    ]
    text = pdf_text(client.get(page("seats-file", u, meeting, "pdf")))
    assert "按院系和年级分配名额" in text and "1年级" in text
    for dept in u.departments:
        assert dept.name in text
    english(client)
    book = sheets(client.get(page("seats-file", u, meeting, "xlsx")))
    assert header(book["Seats by department and grade"], "Department")[1] == "Grade 1"
    # a sheet's name is cut at Excel's 31 characters; its heading is whole
    students_sheet = book["Students by department and grad"]
    assert ("Students by department and grade",) in students_sheet


@pytest.mark.parametrize("departments", [3, 9])
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_seat_files_queries_are_bounded(
    client, django_assert_num_queries, departments, fmt
) -> None:
    u = build_union(weights=tuple(100 + 10 * i for i in range(departments)))
    meeting = planned(u)
    congress_services.allocate_seats(actor=u.admin, meeting=meeting, method="hamilton")
    # the organisation, the meeting, the allocation, its rows
    with django_assert_num_queries(4 + kept(fmt)):
        response = client.get(page("seats-file", u, meeting, fmt))
    assert response.status_code in (200, 503)


# ----------------------------------------------------------------------- elections


def certified(scene: Any, *, candidates: int = 3) -> Election:
    """Two of ``candidates`` elected on three ballots, certified."""
    election = approved_election(scene, candidates=candidates)
    names = list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    a, b = names[0], names[1]
    election = counted(
        election, [{a: "1", b: "1"}, {a: "1", b: "1"}, {a: "1"}], present=3
    )
    election_services.certify_result(actor=scene.presidium, election=election)
    election.refresh_from_db()
    return election


def void_for_quorum(scene: Any) -> Election:
    """Counted with 3 of 5 voters present (the quorum is 2/3): void."""
    election = approved_election(scene)
    names = list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    method = counting.ElectionMethod.from_dict(
        {**election.method, "seats": election.seats}
    )
    ballots = [{names[0]: "1"}, {names[0]: "1"}, {names[1]: "1"}]
    result = counting.count(
        names, ballots, method=method, present=3, entitled=5, issued=3
    )
    Election.objects.filter(pk=election.pk).update(
        status="counted", result=result.to_json()
    )
    election.refresh_from_db()
    election_services.void_result(
        actor=scene.presidium, election=election, comment="未达到法定人数"
    )
    election.refresh_from_db()
    assert election.status == ElectionStatus.VOID
    return election


def result_url(election: Election, fmt: str | None = None) -> str:
    if fmt is None:
        return reverse("elections:result", args=[election.code])
    return reverse("elections:result-file", args=[election.code, fmt])


def test_the_result_as_excel_in_chinese_joins_names_with_the_chinese_comma(
    client,
) -> None:
    scene = build_scene()
    election = certified(scene)
    page_body = client.get(result_url(election)).content.decode()
    assert f'href="{result_url(election, "xlsx")}"' in page_body
    assert f'href="{result_url(election, "pdf")}"' in page_body
    book = sheets(client.get(result_url(election, "xlsx")))
    rows = book["选举结果"]
    text = flat(rows)
    assert rows[0][0] == "选举结果"
    assert scene.union.name in text and election.title in text
    assert f"http://testserver{result_url(election)}" in text
    assert "发出选票 3 张，收回 3 张，有效 3 张，无效 0 张。" in text
    assert header(rows, "候选人") == [
        "候选人",
        "赞成",
        "得票率",
        "反对",
        "弃权",
        "当选",
    ]
    body = {r[0]: r for r in after_header(rows, "候选人")}
    stored = {c["name"]: c for c in election.result["candidates"]}
    assert set(body) == set(stored)
    for name, c in stored.items():
        assert body[name][1] == c["yes"] and body[name][3] == c["no"]
        assert (body[name][5] == "当选") == bool(c["elected"])
    elected = election.result["elected"]
    assert len(elected) == 2
    assert f"当选：{'、'.join(elected)}" in text
    assert ", ".join(elected) not in text
    assert "计票过程" in book and "选举办法" in book


def test_the_result_in_english_joins_names_with_a_comma(client) -> None:
    scene = build_scene()
    election = certified(scene)
    english(client)
    rows = sheets(client.get(result_url(election, "xlsx")))["Result"]
    text = flat(rows)
    assert header(rows, "Candidate") == [
        "Candidate",
        "Yes",
        "Share",
        "No",
        "Abstain",
        "Elected",
    ]
    assert f"Elected: {', '.join(election.result['elected'])}" in text
    assert "Ballots issued 3, returned 3, valid 3, void 0." in text


def test_the_result_as_pdf_in_chinese_and_english(client) -> None:
    scene = build_scene()
    election = certified(scene)
    text = pdf_text(client.get(result_url(election, "pdf")))
    assert "选举结果" in text and election.title in text and scene.union.name in text
    for c in election.result["candidates"]:
        assert c["name"] in text
    assert "、".join(election.result["elected"]) in text
    assert f"http://testserver{result_url(election)}" in text.replace("\n", "")
    english(client)
    text = pdf_text(client.get(result_url(election, "pdf")))
    assert "Result" in text and "How it was counted" in text
    assert "选举结果" not in text


def test_a_void_elections_files_say_why(client) -> None:
    scene = build_scene()
    election = void_for_quorum(scene)
    assert client.get(result_url(election)).status_code == 200
    text = flat(sheets(client.get(result_url(election, "xlsx")))["选举结果"])
    assert "选举无效。" in text
    assert "实到投票人数 3 人，应到 5 人" in text
    english(client)
    text = pdf_text(client.get(result_url(election, "pdf")), chinese=False)
    assert "The election is void." in text
    assert "Voters present: 3 of the 5 entitled" in text.replace("\n", " ")


def test_the_result_files_are_refused_where_the_page_is(client) -> None:
    scene = build_scene()
    election = approved_election(scene)
    names = list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    counted(election, [{names[0]: "1"}, {names[1]: "1"}], present=2)
    # counted, not certified: no public result, no file
    assert client.get(result_url(election)).status_code == 404
    for fmt in ("xlsx", "pdf"):
        assert client.get(result_url(election, fmt)).status_code == 404
    client.force_login(scene.outsider)
    assert client.get(result_url(election, "xlsx")).status_code == 404
    election_services.certify_result(actor=scene.presidium, election=election)
    assert client.get(result_url(election, "xlsx")).status_code == 200
    assert client.get(result_url(election, "csv")).status_code == 404
    nope = reverse("elections:result-file", args=["NOPE", "pdf"])
    assert client.get(nope).status_code == 404


@pytest.mark.parametrize("candidates", [3, 10])
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_result_files_queries_are_bounded(
    client, django_assert_num_queries, candidates, fmt
) -> None:
    scene = build_scene(students=candidates)
    election = certified(scene, candidates=candidates)
    assert len(election.result["candidates"]) == candidates
    # the election with its organisation and meeting; the result is its JSON
    with django_assert_num_queries(1 + kept(fmt)):
        response = client.get(result_url(election, fmt))
    assert response.status_code in (200, 503)


def test_a_pdf_is_made_once_for_the_same_content_and_again_when_it_changes(
    client, monkeypatch
) -> None:
    """Public PDFs cost WeasyPrint ≈ 1.3 s of CPU per 100 rows: the same content is
    made once and kept (core.exports.kept_pdf); another row, another language or
    another reader's request for the same file: made again only when the content
    differs. The kept file says when it was made."""
    from django.test import Client

    weasyprint = pytest.importorskip("weasyprint")
    made: list[str] = []

    class Writer:
        def __init__(self, string: str, **_kwargs: Any) -> None:
            made.append(string)

        def write_pdf(self) -> bytes:
            return f"%PDF-1.7 made {len(made)}".encode()

    monkeypatch.setattr(weasyprint, "HTML", Writer)
    u, meeting = congress(prefix="K")
    people = [p for d in u.departments for p in u.students[d.code]]
    for p in people[:5]:
        enter(u, meeting, p, seat=p.department.code)
    url = page("delegates-file", u, meeting, "pdf")
    first = client.get(url)
    again = Client().get(url)  # another reader, the same content
    assert first.status_code == again.status_code == 200
    assert first.content == again.content == b"%PDF-1.7 made 1"
    assert len(made) == 1 and "生成于" in made[0]
    enter(u, meeting, people[5], seat=people[5].department.code)
    changed = client.get(url)
    assert changed.content == b"%PDF-1.7 made 2" and people[5].name in made[1]
    english(client)
    assert client.get(url).content == b"%PDF-1.7 made 3"
    assert "Made on" in made[2]
    assert client.get(url).content == b"%PDF-1.7 made 3" and len(made) == 3
