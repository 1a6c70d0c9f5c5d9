"""Words in the reader's language, the leftovers of #16 ("Words", "Import and export").

- the note of a lapsed justification shows the evidence by its labels (副部长人数：3,
  委员会未涵盖的学生会群体：研究生会), not ``deputies = 3``;
- a problem of an import names the sheet and column as the user's workbook does
  (人员 · 性别 in the Chinese template, ``people`` · ``gender`` in the English one);
- the Excel template is made in the language of the request or of the operator
  (``LANGUAGE``, else the locale), each complete;
- the public board shows a yes/no ballot's marks and a void ballot's reason in words.

The list separator (、) of counting and pages: tests/integration/test_list_separators.py.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from tests.factories_voting import build_voting
from tongxue.cli import main
from tongxue.core.console import operator_language
from tongxue.core.errors import render_message
from tongxue.domain.findings import Finding, Message, Severity
from tongxue.domain.justifications import Lapse, lapse_note
from tongxue.domain.model import Justification
from tongxue.domain.stored import message_from_data, message_to_data
from tongxue.elections.models import ElectionStatus
from tongxue.organisations.models import Person
from tongxue.snapshots.errors import SnapshotInvalid, describe
from tongxue.snapshots.services import import_file
from tongxue.snapshots.xlsxio import template_xlsx
from tongxue.voting import selectors as voting_selectors
from tongxue.voting import services as voting

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- the note of a lapsed justification ------------------------------------------------


def _lapsed(rule: str, then: dict[str, Any], now: dict[str, Any]) -> Message:
    justification = Justification(
        "U", rule, "理由", "校团委", date(2025, 9, 1), None, then
    )
    finding = Finding(
        rule, rule.split(".")[0], (), Severity.DEVIATION, "U", Message("x"), now
    )
    return lapse_note(justification, finding, Lapse.CHANGED)


@pytest.mark.parametrize(
    ("language", "then", "now"),
    [
        ("zh-hans", "当时针对的是 副部长人数：3，", "现在的结果是 副部长人数：4。"),
        ("en", "written for Deputy heads: 3,", "the finding is now Deputy heads: 4."),
    ],
)
def test_a_lapsed_note_names_the_evidence_by_its_labels(
    language: str, then: str, now: str
) -> None:
    note = _lapsed(
        "ORG-4.department-deputies",
        {"deputies": 3, "limit": 2},
        {"deputies": 4, "limit": 2},
    )
    # Stored with the finding and read back (#15): still evidence, still labelled.
    note = message_from_data(message_to_data(note))
    with override(language):
        text = render_message(note)
    assert then in text and now in text
    assert "deputies" not in text and " = " not in text
    assert "上限" not in text and "Limit" not in text  # only what changed


@pytest.mark.parametrize(
    ("language", "then", "now"),
    [
        (
            "zh-hans",
            "委员会未涵盖的学生会群体：研究生会",
            "委员会未涵盖的学生会群体：研究生会、高等学校学生会",
        ),
        (
            "en",
            "Groups of unions without a committee member: Graduate unions,",
            "Groups of unions without a committee member: Graduate unions, School "
            "unions of higher-education schools.",
        ),
    ],
)
def test_a_lapsed_note_shows_coded_values_by_their_labels(
    language: str, then: str, now: str
) -> None:
    """FED-1: the groups are codes (``graduate``); the note reads their names."""
    note = _lapsed(
        "FED-1.committee-union-uncovered",
        {"uncovered_groups": ["graduate"]},
        {"uncovered_groups": ["graduate", "higher_education"]},
    )
    with override(language):
        text = render_message(note)
    assert then in text and now in text
    assert "higher_education" not in text and "graduate" not in text.split("：")[-1]


def test_the_domain_renders_the_note_in_english_without_django() -> None:
    note = _lapsed(
        "ORG-4.department-deputies",
        {"deputies": 3, "limit": 2},
        {"deputies": 4, "limit": 2},
    )
    assert "written for Deputy heads: 3, the finding is now Deputy heads: 4." in (
        note.render()
    )


# -- import problems name the sheet and column as the workbook does --------------------


def filled(language: str, sheet: str, rows: list[dict[str, Any]]) -> bytes:
    """The template of ``language`` with ``rows`` (by header) below its example."""
    book = load_workbook(io.BytesIO(template_xlsx(language)))
    target = book[sheet]
    header = [c.value for c in target[1]]
    for record in rows:
        target.append([record.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(data: bytes, language: str = "zh-hans") -> SnapshotInvalid:
    """The refusal of an import run in ``language`` (a request's, a command's)."""
    with override(language), pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(data), filename="t.xlsx")
    return exc.value


def lines(exc: SnapshotInvalid, language: str) -> list[str]:
    with override(language):
        return [describe(e, workbook=exc.workbook, names=exc.names) for e in exc.errors]


CHINESE_PEOPLE = [{"人员编号*": "H1", "姓名*": "李华", "性别": "男生", "年级": "大二"}]
ENGLISH_PEOPLE = [{"id*": "H1", "name*": "Li Hua", "gender": "boy", "grade": "second"}]


def test_a_chinese_workbook_is_told_its_own_sheet_and_column_names() -> None:
    exc = refused(filled("zh-hans", "人员", CHINESE_PEOPLE))
    text = "\n".join(lines(exc, "zh-hans"))
    assert "工作表 人员，第 3 行，列 性别：“男生”不在允许的取值范围内：" in text
    assert "female (女)、male (男)" in text  # the values with their Chinese labels
    assert "工作表 人员，第 3 行，列 年级：应为整数" in text
    assert "people" not in text and "gender" not in text


def test_an_english_workbook_read_in_english_keeps_its_names() -> None:
    exc = refused(filled("en", "people", ENGLISH_PEOPLE), "en")
    text = "\n".join(lines(exc, "en"))
    assert "sheet people, row 3, column gender: “boy” is not one of the allowed" in text
    assert "sheet people, row 3, column grade: Expected a whole number" in text
    assert not CJK.search(text)


def test_a_column_left_out_is_named_like_the_rest_of_its_sheet() -> None:
    """A required column missing from a Chinese sheet is named in Chinese (姓名), even
    for a reader in English; one from an English sheet by the format's name."""
    chinese = load_workbook(io.BytesIO(template_xlsx("zh-hans")))
    sheet = chinese["人员"]
    sheet.delete_cols(2)  # 姓名*
    sheet.append(["H1"])
    out = io.BytesIO()
    chinese.save(out)
    exc = refused(out.getvalue())
    assert "sheet 人员, row 3, column 姓名: This field is required." in lines(exc, "en")
    assert "工作表 人员，第 3 行，列 姓名：此项为必填项。" in lines(exc, "zh-hans")


def test_a_message_naming_columns_names_them_as_the_workbook_does() -> None:
    """The same post twice: the key's columns, in the workbook's own words."""
    post = {
        "组织代码*": "HU-SU",
        "人员编号*": "H1",
        "职务类别*": "主席",
        "职务名称*": "主席",
        "任期开始*": date(2025, 9, 1),
    }
    book = load_workbook(io.BytesIO(filled("zh-hans", "职务", [post, post])))
    orgs = book["组织"]
    orgs.append(["HU-SU", "河西大学学生会", "校学生会"])
    book["人员"].append(["H1", "李华"])
    out = io.BytesIO()
    book.save(out)
    exc = refused(out.getvalue())
    [duplicate] = [e for e in exc.errors if e.message.params.get("key_columns")]
    with override("zh-hans"):
        text = describe(duplicate, workbook=True, names=exc.names)
    assert "工作表 职务，第 4 行：重复行：" in text
    assert "组织代码、人员编号、职务类别" in text and "与第 3 行相同" in text
    with override("en"):
        assert "the same organisation, person, role" in describe(duplicate)


def test_a_json_file_is_told_the_formats_names(settings) -> None:  # type: ignore[no-untyped-def]
    data = (
        b'{"format": "tongxue-snapshot", "version": 1, "people": '
        b'[{"id": "H1", "name": "Li", "gender": "boy"}]}'
    )
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(data), filename="t.json")
    with override("zh-hans"):
        text = describe(exc.value.errors[0], workbook=exc.value.workbook)
    assert text.startswith("数据表 people，第 1 行，字段 gender：")


def test_the_import_page_names_the_sheet_and_column_of_the_workbook(
    client, school_with_deviation
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(school_with_deviation.admin)
    url = reverse("snapshots:import", args=["SSU"])
    for language, sheet, rows, names, absent in (
        ("zh-hans", "人员", CHINESE_PEOPLE, ("人员", "性别", "列"), "gender"),
        ("en", "people", ENGLISH_PEOPLE, ("people", "gender", "Column"), "性别"),
    ):
        client.cookies["django_language"] = language
        upload = SimpleUploadedFile("t.xlsx", filled(language, sheet, rows), XLSX)
        response = client.post(url, {"file": upload})
        assert response.status_code == 400
        rows_html = re.findall(
            r'<tr class="import-error">(.*?)</tr>', response.content.decode(), re.S
        )
        cells = [re.sub(r"<[^>]+>", "|", r) for r in rows_html]
        assert any(f"|{names[0]}|" in c and f"|{names[1]}|" in c for c in cells)
        assert names[2] in response.content.decode()
        assert not any(f"|{absent}|" in c for c in cells)


# -- the template in the language of the request or of the operator ---------------------


def about_lines(book: Any) -> list[str]:
    sheet = book.worksheets[-1]
    return [str(r[0]) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]


def test_the_chinese_template_is_chinese_throughout() -> None:
    book = load_workbook(io.BytesIO(template_xlsx("zh-hans")))
    assert book.sheetnames[1] == "人员" and book.sheetnames[-1] == "说明"
    notes = about_lines(book)
    assert notes[0] == "填写说明" and len(notes) >= 7
    assert all(CJK.search(line) for line in notes)
    validations = [
        v for s in book.worksheets for v in s.data_validations.dataValidation
    ]
    assert {v.error for v in validations if v.error} == {
        "请从列表中选择（或填写英文代码）。"
    }
    assert all(CJK.search(v.prompt) for v in validations if v.prompt)
    assert book["会议"]["F2"].value in ("是", "否")


def test_the_english_template_is_english_throughout() -> None:
    book = load_workbook(io.BytesIO(template_xlsx("en")))
    assert book.sheetnames[:3] == ["organisations", "people", "positions"]
    assert book.sheetnames[-1] == "about"
    people = book["people"]
    assert [c.value for c in people[1]][:3] == ["id*", "name*", "kind"]
    assert people["A2"].value.startswith("Example")
    lists = {str(v.sqref): v.formula1 for v in people.data_validations.dataValidation}
    assert lists["E2:E5000"] == '"Female,Male"'
    positions = {
        str(v.sqref): v.formula1
        for v in book["positions"].data_validations.dataValidation
    }
    assert positions["G2:G5000"] == '"Yes,No"'
    notes = about_lines(book)
    assert notes[0] == "How to fill in this workbook" and len(notes) >= 7
    # Nothing in Chinese: not a sheet, a header, an example, a list, a prompt or a note.
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(CJK.search(str(v)) for v in row if v is not None), row
        for v in sheet.data_validations.dataValidation:
            for text in (v.formula1, v.error, v.prompt, v.promptTitle, v.errorTitle):
                assert not CJK.search(text or ""), text
    # A multi-value list too long for a prompt (255) is listed on the "about" sheet.
    agenda = next(line for line in notes if line.startswith("Values of meetings"))
    assert "Review of the work report" in agenda


def test_the_english_template_filled_in_english_imports() -> None:
    book = load_workbook(io.BytesIO(template_xlsx("en")))
    rows = {
        "organisations": {"code*": "HU", "name*": "Hexi University", "kind*": "School"},
        "people": {"id*": "H1", "name*": "Li Hua", "kind": "Student", "gender": "Male"},
        "positions": {
            "organisation*": "HU",
            "person*": "H1",
            "role*": "Member",
            "title*": "Volunteer",
            "start*": date(2025, 9, 1),
            "branch_campus": "No",
            "responsible_for_clubs": "Yes",
        },
    }
    for title, record in rows.items():
        header = [c.value for c in book[title][1]]
        assert set(record) <= set(header), header
        book[title].append([record.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    result = import_file(io.BytesIO(out.getvalue()), filename="filled.xlsx")
    assert (
        result.counts["organisations"].created,
        result.counts["people"].created,
    ) == (
        1,
        1,
    )  # the example rows (Example …) are skipped
    h1 = Person.objects.get(ident="H1")
    assert (h1.kind, h1.gender) == ("student", "male")
    assert not Person.objects.filter(ident__startswith="Example").exists()


def test_the_template_download_follows_the_request_language(
    client, school_with_deviation
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(school_with_deviation.admin)
    url = reverse("snapshots:template", args=["SSU"])
    for language, about in (("zh-hans", "说明"), ("en", "about")):
        client.cookies["django_language"] = language
        book = load_workbook(io.BytesIO(client.get(url).content))
        assert book.sheetnames[-1] == about


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh-hans"),
        ({"LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:zh_TW", "LANG": "en_US.UTF-8"}, "zh-hans"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-hans"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_operator_language_reads_language_then_the_locale(
    environ: dict[str, str], language: str
) -> None:
    assert operator_language(environ) == language


@pytest.mark.parametrize(
    ("environ", "option", "about"),
    [
        ({"LANGUAGE": "zh_CN"}, [], "说明"),
        ({"LANG": "zh_CN.UTF-8"}, [], "说明"),
        ({"LANGUAGE": "en"}, [], "about"),
        ({"LANGUAGE": "zh_CN"}, ["--language", "en"], "about"),
        ({"LANGUAGE": "en"}, ["--language", "zh-hans"], "说明"),
    ],
)
def test_export_template_follows_the_operator_or_the_option(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    option: list[str],
    about: str,
) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "template.xlsx"
    assert main(["export", "--template", "-o", str(out), *option]) == 0
    assert load_workbook(out).sheetnames[-1] == about


# -- the public board: a yes/no ballot's marks in words -----------------------------------


def test_the_board_shows_yes_no_marks_and_void_reasons_in_words(client) -> None:  # type: ignore[no-untyped-def]
    voting_selectors.clear_cache()
    setup = build_voting(
        voters=3,
        seats=1,
        candidates=2,
        form="yes-no-abstain",
        method={"blank_void": True},
    )
    voting.open_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    code = setup.election.code
    for voter, marks in zip(
        setup.voters, (["Y", "N"], ["A", "Y"], ["", ""]), strict=True
    ):
        voting.cast(voter=voter, election_code=code, marks=marks)
    voting.close_vote(actor=setup.admin, election=setup.election)
    voting.count_vote(actor=setup.admin, election=setup.election)
    type(setup.election).objects.filter(pk=setup.election.pk).update(
        status=ElectionStatus.CERTIFIED
    )
    voting_selectors.clear_cache()
    for language, yes, no, abstain, blank in (
        ("zh-hans", "赞成", "反对", "弃权", "为空白票"),
        ("en", "Yes", "No", "Abstain", "is blank"),
    ):
        client.cookies["django_language"] = language
        body = client.get(f"/vote/{code}/board/").content.decode()
        marks = re.findall(r'<td data-mark="([YNA]?)">([^<]*)</td>', body)
        words = {"Y": yes, "N": no, "A": abstain}
        assert {m for m, _w in marks} >= {"Y", "N", "A"}
        assert all(w == words[m] for m, w in marks if m)  # no bare Y / N / A
        assert f'data-void="blank">{blank}</td>' in body  # not the code "blank"
        count = body.split('id="board-count"')[1].split("</thead>")[0]
        assert f"<th>{yes}</th><th>{no}</th><th>{abstain}</th>" in count
    voting_selectors.clear_cache()
