"""The Chinese names of a snapshot workbook's sheets and columns, and the template's
example rows (docs/snapshot.md, "Excel workbook").

The template (:func:`tongxue.snapshots.xlsxio.template_xlsx`) names its sheets and
columns in Chinese (a required column's name ends in ``*``); an import reads a sheet
or column by its Chinese name or by its name in the format (``people``, ``name``), so
an exported workbook and a filled-in template read the same. An **example row** —
one whose first cell starts with :data:`EXAMPLE` (示例) — is skipped by the import.
"""

from __future__ import annotations

from typing import Any

from tongxue.domain.snapshot import TABLES

#: A row whose first cell starts with this is an example: the import skips it.
EXAMPLE = "示例"
#: The same mark in the English template (matched without regard to case).
EXAMPLE_EN = "Example"
#: Marks a required column in the template's header (stripped on import).
REQUIRED_MARKS = ("*", "＊")

SHEETS: dict[str, str] = {
    "organisations": "组织",
    "people": "人员",
    "positions": "职务",
    "meetings": "会议",
    "delegates": "代表",
    "reviews": "述职评议",
    "justifications": "说明理由",
    "elections": "选举",
    "semesters": "学期述职",
    "evaluations": "评议",
    "written_reports": "书面报告",
    "standing_conferences": "常代会",
    "guidance": "听取汇报与指导",
}

COLUMNS: dict[str, dict[str, str]] = {
    "organisations": {
        "code": "组织代码",
        "name": "名称",
        "name_en": "英文名称",
        "kind": "组织类型",
        "parent": "上级组织代码",
        "students_served": "联系服务学生人数",
        "school_type": "学校类型",
        "county": "县区",
        "branch_campuses": "分校区数",
        "function": "职能部门职责",
        "profile": "方案",
    },
    "people": {
        "id": "人员编号",
        "name": "姓名",
        "kind": "人员类别",
        "student_number": "学号",
        "gender": "性别",
        "ethnicity": "民族",
        "department": "院系代码",
        "grade": "年级",
        "class": "班级代码",
        "enrolment": "学籍状态",
    },
    "positions": {
        "organisation": "组织代码",
        "person": "人员编号",
        "role": "职务类别",
        "title": "职务名称",
        "start": "任期开始",
        "end": "任期结束",
        "branch_campus": "分校区副主席",
        "responsible_for_clubs": "负责社团工作",
        "public_contact": "公开联系方式",
        "election": "选举代码",
    },
    "meetings": {
        "code": "会议代码",
        "organisation": "组织代码",
        "kind": "会议类型",
        "session": "届次",
        "opened": "召开日期",
        "work_report": "审议工作报告",
        "status": "会议状态",
        "agenda": "议程",
        "charter_in_force": "章程有效",
        "seats_by_grade": "按年级分配名额",
        "seat_departments": "有名额的院系",
        "seat_grades": "有名额的年级",
        "seat_clubs": "有名额的社团",
    },
    "delegates": {
        "meeting": "会议代码",
        "person": "人员编号",
        "electing_unit": "选举单位代码",
        "election_date": "选举日期",
        "electorate": "选民数",
        "votes_cast": "投票数",
        "votes": "得票数",
    },
    "reviews": {
        "reviewer": "评议组织代码",
        "reviewed": "述职组织代码",
        "held": "评议日期",
        "assessment_published": "考核结果已公开",
        "report_heard": "已听取工作报告",
        "opinions_heard": "已听取意见建议",
        "opinions": "意见建议",
        "assessment": "考核结果",
        "rating": "考核等次",
        "published_on": "公开日期",
    },
    "justifications": {
        "organisation": "组织代码",
        "rule": "规则编号",
        "reason": "理由",
        "approved_by": "批准单位/人",
        "approved_on": "批准日期",
        "valid_until": "有效期至",
        "evidence": "证据",
    },
    "elections": {
        "code": "选举代码",
        "organisation": "组织代码",
        "meeting": "会议代码",
        "post": "选举职务",
        "status": "选举状态",
    },
    "semesters": {
        "organisation": "组织代码",
        "code": "学期代码",
        "start": "开始日期",
        "end": "结束日期",
        "closed": "已结束",
        "reports": "提交述职的人员编号",
    },
    "evaluations": {
        "organisation": "组织代码",
        "code": "评议代码",
        "start": "开始日期",
        "end": "结束日期",
        "dimensions": "评议维度",
        "cadres": "被评干部数",
        "participants": "参评人数",
        "eligible": "应参评人数",
        "published": "结果已公开",
    },
    "written_reports": {
        "organisation": "组织代码",
        "code": "报告代码",
        "filed": "提交日期",
    },
    "standing_conferences": {
        "organisation": "组织代码",
        "adopted": "实行日期",
    },
    "guidance": {
        "organisation": "组织代码",
        "kind": "类型",
        "held": "日期",
        "by": "听取/指导单位",
        "summary": "内容",
        "public": "公开",
    },
}

#: The table of a sheet name: its format name or its Chinese name.
TABLE_OF_SHEET: dict[str, str] = {
    **{zh: table for table, zh in SHEETS.items()},
    **{table: table for table in TABLES},
}


def header_text(cell: Any) -> str:
    """A header cell as its user wrote it: trimmed, a required mark stripped."""
    name = str(cell).strip() if cell is not None else ""
    while name.endswith(REQUIRED_MARKS):
        name = name[:-1].rstrip()
    return name


def column_of(table: str, header: str) -> str:
    """The format's name of a header cell (its Chinese or format name, a required
    mark stripped); the header itself when it names no column (reported unknown)."""
    name = header_text(header)
    for code, zh in COLUMNS.get(table, {}).items():
        if name == zh:
            return code
    return name


def is_example(first: Any) -> bool:
    """Whether a row whose first cell is ``first`` is the template's example: it starts
    with 示例 (the Chinese template) or ``Example`` (the English one)."""
    if not isinstance(first, str):
        return False
    text = first.strip()
    return text.startswith(EXAMPLE) or text[: len(EXAMPLE_EN)].casefold() == (
        EXAMPLE_EN.casefold()
    )


#: The template's example row of each sheet (values as the format reads them; enum
#: values are written as their Chinese labels). The first cell starts with 示例.
EXAMPLES: dict[str, dict[str, Any]] = {
    "organisations": {
        "code": "示例-LZU-CS",
        "name": "兰州大学信息学院学生会",
        "kind": "department_union",
        "parent": "LZU-SU",
        "students_served": 3200,
    },
    "people": {
        "id": "示例-P0001",
        "name": "张同学",
        "kind": "student",
        "student_number": "320230001",
        "gender": "female",
        "ethnicity": "汉族",
        "department": "LZU-CS",
        "grade": 2023,
        "class": "LZU-CS-2023-1",
        "enrolment": "enrolled",
    },
    "positions": {
        "organisation": "示例-LZU-SU",
        "person": "P0001",
        "role": "department_head",
        "title": "学习部部长",
        "start": "2025-09-01",
        "end": "2026-08-31",
        "branch_campus": False,
        "responsible_for_clubs": False,
    },
    "meetings": {
        "code": "示例-LZU-SU-C10",
        "organisation": "LZU-SU",
        "kind": "congress",
        "session": 10,
        "opened": "2025-11-20",
        "work_report": True,
        "status": "closed",
        "agenda": "work_report, leadership, opinions",
        "charter_in_force": True,
    },
    "delegates": {
        "meeting": "示例-LZU-SU-C10",
        "person": "P0001",
        "electing_unit": "LZU-CS-2023-1",
        "election_date": "2025-10-15",
        "electorate": 40,
        "votes_cast": 38,
        "votes": 30,
    },
    "reviews": {
        "reviewer": "示例-LZU-SU",
        "reviewed": "LZU-CS",
        "held": "2025-12-20",
        "assessment_published": True,
        "opinions": "希望增加学术活动。",
        "rating": "good",
    },
    "justifications": {
        "organisation": "示例-LZU-SU",
        "rule": "ORG-6.core-members",
        "reason": "两个校区各设骨干成员。",
        "approved_by": "校团委",
        "approved_on": "2025-09-10",
    },
    "elections": {
        "code": "示例-LZU-SU-2025-PRES",
        "organisation": "LZU-SU",
        "meeting": "LZU-SU-C10",
        "post": "president",
        "status": "effective",
    },
    "semesters": {
        "organisation": "示例-LZU-SU",
        "code": "2025-1",
        "start": "2025-09-01",
        "end": "2026-01-15",
        "closed": True,
        "reports": "P0001, P0002",
    },
    "evaluations": {
        "organisation": "示例-LZU-SU",
        "code": "2025-1",
        "start": "2025-12-01",
        "end": "2025-12-31",
        "dimensions": "political, moral, learning, duties",
        "cadres": 20,
        "participants": 150,
        "eligible": 180,
        "published": True,
    },
    "written_reports": {
        "organisation": "示例-LZU-SU",
        "code": "2025-WR1",
        "filed": "2025-12-01",
    },
    "standing_conferences": {"organisation": "示例-LZU-SU", "adopted": "2024-09-01"},
    "guidance": {
        "organisation": "示例-LZU-SU",
        "kind": "league_guidance",
        "held": "2025-10-08",
        "by": "校团委",
        "summary": "听取学期工作安排，提出指导意见。",
        "public": False,
    },
}

#: The English template's example texts, where the Chinese one has Chinese words (the
#: codes, numbers and dates are the same; the mark 示例 reads ``Example``).
_EXAMPLE_TEXTS_EN: dict[str, dict[str, Any]] = {
    "organisations": {
        "name": "Student Union of the School of Information Science, Lanzhou University"
    },
    "people": {"name": "Zhang Wei", "ethnicity": "Han"},
    "positions": {"title": "Head of the Study Department"},
    "reviews": {"opinions": "More academic activities, please."},
    "justifications": {
        "reason": "A core member for each of the two campuses.",
        "approved_by": "School Youth League committee",
    },
    "guidance": {
        "by": "School Youth League committee",
        "summary": "Heard the term's work plan and gave guidance.",
    },
}


def examples(zh: bool = True) -> dict[str, dict[str, Any]]:
    """The example row of each sheet in the template of a language: Chinese (示例 …) or
    English (``Example`` …, English texts)."""
    if zh:
        return EXAMPLES
    out: dict[str, dict[str, Any]] = {}
    for table, row in EXAMPLES.items():
        english = {**row, **_EXAMPLE_TEXTS_EN.get(table, {})}
        first = next(iter(row))  # the first column: where the mark is
        value = english[first]
        if isinstance(value, str) and value.startswith(EXAMPLE):
            english[first] = EXAMPLE_EN + value[len(EXAMPLE) :]
        out[table] = english
    return out
