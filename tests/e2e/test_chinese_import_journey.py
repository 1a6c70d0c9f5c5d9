"""The Excel template, filled in Chinese, imports through the web page (#16).

A union administrator, on a phone in Chinese, opens the import page from the union's
page, downloads the template, fills its 人员 sheet below the example row with Chinese
headers and values (学生/男/在读 …) naming a department and a class already stored (by
code: the file holds no organisation), checks the file (a dry run: nothing written, the
confirmation box unticked), confirms without choosing the file again (it is kept by a
token) — first forgetting the box, which asks again and keeps the file — and the people
are stored with the codes the labels stand for.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.factories import (
    OrganisationFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.organisations.models import OrgKind, Person
from tongxue.snapshots.models import SnapshotFile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILENAME = "新生名单.xlsx"
PEOPLE = [
    {
        "人员编号*": "HX-2025-001",
        "姓名*": "林晓东",
        "人员类别": "学生",
        "学号": "2025010001",
        "性别": "男",
        "民族": "汉族",
        "院系代码": "HX-CS",
        "年级": 2025,
        "班级代码": "HX-CS-2025-1",
        "学籍状态": "在读",
    },
    {
        "人员编号*": "HX-2025-002",
        "姓名*": "周雨桐",
        "人员类别": "学生",
        "学号": "2025010002",
        "性别": "女",
        "院系代码": "HX-CS",
        "年级": 2025,
        "班级代码": "HX-CS-2025-1",
        "学籍状态": "休学",
    },
    {
        "人员编号*": "HX-T-01",
        "姓名*": "郑老师",
        "人员类别": "教师",
        "性别": "女",
        "院系代码": "HX-CS",
    },
]


def _scene() -> None:
    school = SchoolFactory(code="HX", name="河西大学")
    union = OrganisationFactory(code="HX-SU", name="河西大学学生会", parent=school)
    dept = OrganisationFactory(
        code="HX-CS",
        name="信息学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
        students_served=1200,
    )
    OrganisationFactory(
        code="HX-CS-2025-1",
        name="计算机2025级1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=dept,
        students_served=None,
    )
    admin = UserFactory(username="hximport")
    RoleFactory(user=admin, organisation=union)


def _filled(template: bytes) -> bytes:
    """The downloaded template with PEOPLE below the 人员 sheet's example row."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["人员"]
    header = [c.value for c in sheet[1]]
    assert set(PEOPLE[0]) <= set(header), header  # the template's Chinese headers
    assert str(sheet["A2"].value).startswith("示例")  # the example stays: it is skipped
    for person in PEOPLE:
        sheet.append([person.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_filled_in_chinese_imports_through_the_web_page(phone):
    _scene()
    page = phone
    page.goto("/accounts/login/?next=/org/HX-SU/")
    page.fill("input[name=username]", "hximport")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/org/HX-SU/")
    page.get_by_role("link", name="导入数据快照").click()
    page.wait_for_url("**/org/HX-SU/import/")

    # The template, as the page offers it.
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel 模板").click()
    template = Path(info.value.path()).read_bytes()
    data = _filled(template)

    # The dry run: what would be created, nothing written, the box unticked.
    page.set_input_files(
        "#id_file", files=[{"name": FILENAME, "mimeType": XLSX, "buffer": data}]
    )
    page.click("button.dry-run")
    page.locator("#import-result").wait_for()
    assert page.locator("#import-errors").count() == 0
    title = page.locator("#result-title").inner_text()
    assert title == f"{FILENAME} 试运行：尚未写入任何数据。", title
    created = page.locator("#import-result .summary .count").first
    assert created.locator("strong").inner_text() == "3"
    assert not Person.objects.filter(ident__startswith="HX-").exists()
    confirm = page.locator("form.import-confirm")
    box = confirm.locator("input[name=reviewed]")
    assert not box.is_checked()
    token = confirm.locator("input[name=upload]").get_attribute("value")
    assert token and SnapshotFile.objects.filter(pk=token, dry_run=True).exists()
    assert FILENAME in confirm.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= 390")
    page.screenshot(path="/tmp/phone-import-dry-run.png", full_page=True)

    # Confirmed without the box: asked again, nothing written, the file still kept.
    confirm.locator("button.confirm-import").click()
    page.locator("form.import-confirm").wait_for()
    assert "请勾选此框" in page.locator("form.import-confirm").inner_text()
    assert not Person.objects.filter(ident__startswith="HX-").exists()
    again = page.locator("form.import-confirm input[name=upload]")
    assert again.get_attribute("value") == token
    assert not page.locator("form.import-confirm input[name=reviewed]").is_checked()

    # Ticked: imported, without choosing the file again.
    page.locator("form.import-confirm input[name=reviewed]").check()
    page.locator("form.import-confirm button.confirm-import").click()
    page.locator("#result-title", has_text="已导入").wait_for()
    assert page.locator("#result-title").inner_text() == f"{FILENAME} 已导入。"
    assert page.locator("form.import-confirm").count() == 0
    page.screenshot(path="/tmp/phone-import-done.png", full_page=True)

    lin, zhou, zheng = (
        Person.objects.select_related("department", "class_unit").get(ident=i)
        for i in ("HX-2025-001", "HX-2025-002", "HX-T-01")
    )
    assert (lin.name, lin.kind, lin.gender, lin.enrolment, lin.grade) == (
        "林晓东",
        "student",
        "male",
        "enrolled",
        2025,
    )
    assert lin.department.code == "HX-CS" and lin.class_unit.code == "HX-CS-2025-1"
    assert (lin.student_number, lin.ethnicity) == ("2025010001", "汉族")
    assert (zhou.gender, zhou.enrolment) == ("female", "suspended")
    assert (zheng.kind, zheng.gender) == ("teacher", "female")
    # The example row is not imported, and no organisation was added.
    assert not Person.objects.filter(ident__startswith="示例").exists()
    assert not Person.objects.filter(name="张同学").exists()
    # The kept file is spent: the token confirms one import.
    assert not SnapshotFile.objects.filter(pk=token, data__isnull=False).exists()
    # The one console error: the unticked confirmation's 400 (a form to correct).
    errors = page.errors  # type: ignore[attr-defined]
    assert [e for e in errors if "status of 400" not in e] == [], errors
    assert len(errors) == 1, errors
