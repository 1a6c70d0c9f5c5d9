"""Import people can use without the docs (#16): the template in Chinese, filled with
Chinese values; a workbook of people alone; the web confirmation without choosing the
file again (a token to the kept dry run: its owner's, for an hour)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import RoleFactory, UserFactory
from tongxue.organisations.models import Organisation, Person, Position
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.models import SnapshotFile
from tongxue.snapshots.services import import_file
from tongxue.snapshots.xlsxio import template_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def fill(rows: dict[str, list[dict[str, Any]]]) -> bytes:
    """The template with ``rows`` (by Chinese header) appended below its example."""
    book = load_workbook(io.BytesIO(template_xlsx("zh-hans")))
    for title, records in rows.items():
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        for record in records:
            sheet.append([record.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(exc: pytest.ExceptionInfo[SnapshotInvalid]) -> set[tuple[str, int, str]]:
    return {(e.table, e.row, e.field or "") for e in exc.value.errors}


def test_the_template_offers_drop_down_lists_and_an_example_row() -> None:
    book = load_workbook(io.BytesIO(template_xlsx("zh-hans")))
    people = book["人员"]
    lists = {str(v.sqref): v.formula1 for v in people.data_validations.dataValidation}
    assert lists["C2:C5000"] == '"学生,团委专职干部,教师"'
    assert lists["E2:E5000"] == '"女,男"'
    assert lists["J2:J5000"] == '"在读,休学,已毕业,退学"'
    assert people["A2"].value.startswith("示例")
    assert (people["C2"].value, people["E2"].value) == ("学生", "女")
    positions = {
        str(v.sqref): v.formula1 for v in book["职务"].data_validations.dataValidation
    }
    assert "主席" in positions["C2:C5000"] and positions["G2:G5000"] == '"是,否"'
    # Every sheet has its example, every enum column its list.
    for sheet in book.worksheets[:-1]:
        assert sheet["A2"].value.startswith("示例"), sheet.title


def test_a_template_filled_with_chinese_values_imports() -> None:
    data = fill(
        {
            "组织": [
                {
                    "组织代码*": "HU",
                    "名称*": "河西大学",
                    "组织类型*": "学校",
                    "学校类型": "普通高校",
                },
                {
                    "组织代码*": "HU-SU",
                    "名称*": "河西大学学生会",
                    "组织类型*": "校学生会",
                    "上级组织代码": "HU",
                },
                {
                    "组织代码*": "HU-CS",
                    "名称*": "信息学院学生会",
                    "组织类型*": "院（系）学生会",
                    "上级组织代码": "HU-SU",
                },
            ],
            "人员": [
                {
                    "人员编号*": "H1",
                    "姓名*": "李华",
                    "人员类别": "学生",
                    "性别": "男",
                    "院系代码": "HU-CS",
                    "年级": 2024,
                    "学籍状态": "在读",
                },
                {
                    "人员编号*": "H2",
                    "姓名*": "王芳",
                    "人员类别": "学生",
                    "性别": "女",
                    "院系代码": "HU-CS",
                    "学籍状态": "休学",
                },
                # English labels and the codes are accepted too.
                {
                    "人员编号*": "H3",
                    "姓名*": "赵老师",
                    "人员类别": "Teacher",
                    "性别": "female",
                    "学籍状态": "毕业",
                },
            ],
            "职务": [
                {
                    "组织代码*": "HU-SU",
                    "人员编号*": "H1",
                    "职务类别*": "部长",
                    "职务名称*": "学习部部长",
                    "任期开始*": dt.date(2025, 9, 1),
                    "分校区副主席": "否",
                    "负责社团工作": "是",
                },
            ],
        }
    )
    result = import_file(io.BytesIO(data), filename="填好的模板.xlsx")
    assert (
        result.counts["organisations"].created,
        result.counts["people"].created,
    ) == (3, 3)
    assert Organisation.objects.get(code="HU-CS").kind == "department_union"
    assert Organisation.objects.get(code="HU").school_type == "general_university"
    h1, h2, h3 = (Person.objects.get(ident=i) for i in ("H1", "H2", "H3"))
    assert (h1.kind, h1.gender, h1.enrolment, h1.grade) == (
        "student",
        "male",
        "enrolled",
        2024,
    )
    assert (h2.gender, h2.enrolment) == ("female", "suspended")
    assert (h3.kind, h3.gender, h3.enrolment) == ("teacher", "female", "graduated")
    post = Position.objects.get(person=h1)
    assert (post.role, post.responsible_for_clubs, post.branch_campus) == (
        "department_head",
        True,
        False,
    )
    # The same file again changes nothing: the labels read as the codes stored.
    again = import_file(io.BytesIO(data), filename="填好的模板.xlsx")
    assert again.created == again.updated == 0


def test_a_label_that_is_no_value_is_refused_with_the_labels_listed() -> None:
    data = fill(
        {
            "组织": [{"组织代码*": "HU", "名称*": "河西大学", "组织类型*": "大学"}],
            "人员": [{"人员编号*": "H1", "姓名*": "李华", "性别": "男生"}],
        }
    )
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(data), filename="t.xlsx")
    # Row 3: below the header and the example.
    assert problems(exc) == {("organisations", 3, "kind"), ("people", 3, "gender")}
    gender = next(e for e in exc.value.errors if e.field == "gender")
    # Each value with its label in the reader's language (#16): English here, whose
    # labels are the codes themselves (Chinese: tests/integration/test_words_16.py).
    assert gender.message.params["allowed"] == ["female", "male"]
    assert not Organisation.objects.filter(code="HU").exists()


# -- people alone, into organisations already stored ---------------------------------


def people_only(*rows: dict[str, Any]) -> bytes:
    return fill({"人员": list(rows)})


def test_a_workbook_of_people_alone_adds_them_to_a_stored_organisation(
    school_with_deviation,
):
    data = people_only(
        {
            "人员编号*": "N1",
            "姓名*": "新同学",
            "性别": "女",
            "院系代码": "SDEPT",
            "学籍状态": "在读",
        },
    )
    result = import_file(
        io.BytesIO(data),
        filename="people.xlsx",
        actor=school_with_deviation.admin,
        within="SSU",
    )
    assert result.counts["people"].created == 1 and result.created == 1
    person = Person.objects.get(ident="N1")
    assert person.department.code == "SDEPT" and person.gender == "female"


def test_people_alone_naming_an_unknown_or_outside_organisation_are_refused(
    school_with_deviation,
):
    data = people_only(
        {"人员编号*": "N1", "姓名*": "甲", "院系代码": "NOPE"},
        {"人员编号*": "N2", "姓名*": "乙", "院系代码": "SDEPT", "班级代码": "GHOST"},
    )
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(
            io.BytesIO(data),
            filename="people.xlsx",
            actor=school_with_deviation.admin,
            within="SSU",
        )
    assert problems(exc) == {("people", 3, "department"), ("people", 4, "class")}
    # A stored organisation outside the importer's subtree (the school above it).
    outside = people_only({"人员编号*": "N3", "姓名*": "丙", "院系代码": "SCH"})
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(
            io.BytesIO(outside),
            filename="people.xlsx",
            actor=school_with_deviation.admin,
            within="SSU",
        )
    assert ("people", 3, "department") in problems(exc)
    assert not Person.objects.filter(ident__in=["N1", "N2", "N3"]).exists()


# -- the web confirmation: the dry run's file kept, by token ------------------------


def import_url() -> str:
    return reverse("snapshots:import", args=["SSU"])


def dry_run(client) -> str:  # type: ignore[no-untyped-def]
    data = people_only(
        {"人员编号*": "W1", "姓名*": "网页同学", "院系代码": "SDEPT", "性别": "男"}
    )
    response = client.post(
        import_url(), {"file": SimpleUploadedFile("people.xlsx", data, XLSX)}
    )
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Dry run of people.xlsx: nothing was written yet." in html
    assert "confirm-import" in html
    # The box comes unticked.
    box = html[html.index('name="reviewed"') - 120 : html.index('name="reviewed"') + 80]
    assert "checked" not in box
    (kept,) = SnapshotFile.objects.filter(dry_run=True, data__isnull=False)
    assert f'name="upload" value="{kept.pk}"' in html
    assert not Person.objects.filter(ident="W1").exists()
    return str(kept.pk)


def test_a_dry_run_is_confirmed_without_choosing_the_file_again(
    client, school_with_deviation
):
    client.force_login(school_with_deviation.admin)
    token = dry_run(client)
    # Unticked: asked again, nothing written, the file still kept.
    response = client.post(import_url(), {"upload": token})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert f'value="{token}"' in response.content.decode()
    assert not Person.objects.filter(ident="W1").exists()
    response = client.post(import_url(), {"upload": token, "reviewed": "on"})
    assert response.status_code == 200
    assert "people.xlsx was imported." in response.content.decode()
    assert Person.objects.get(ident="W1").gender == "male"
    # Spent: the token confirms one import.
    assert not SnapshotFile.objects.filter(data__isnull=False).exists()
    again = client.post(import_url(), {"upload": token, "reviewed": "on"})
    assert again.status_code == 400
    assert "no longer kept" in again.content.decode()


def test_another_persons_token_is_refused(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    token = dry_run(client)
    other = UserFactory(username="otheradmin")
    RoleFactory(user=other, organisation=school_with_deviation.union)
    client.force_login(other)
    response = client.post(import_url(), {"upload": token, "reviewed": "on"})
    assert response.status_code == 400
    assert "no longer kept" in response.content.decode()
    assert not Person.objects.filter(ident="W1").exists()


def test_an_expired_token_is_refused(client, school_with_deviation):
    client.force_login(school_with_deviation.admin)
    token = dry_run(client)
    kept = SnapshotFile.objects.get(pk=token)
    # An hour is the limit: 59 minutes old still confirms …
    kept.created_at = timezone.now() - dt.timedelta(minutes=59)
    kept.save(update_fields=["created_at"])
    from tongxue.snapshots.services.background import kept_dry_run

    assert kept_dry_run(school_with_deviation.admin, "SSU", token) is not None
    # … 61 minutes old does not.
    kept.created_at = timezone.now() - dt.timedelta(minutes=61)
    kept.save(update_fields=["created_at"])
    response = client.post(import_url(), {"upload": token, "reviewed": "on"})
    assert response.status_code == 400
    assert "no longer kept" in response.content.decode()
    assert not Person.objects.filter(ident="W1").exists()
