"""Snapshot import and export (ORG-1): all or nothing, idempotent, bulk, round trip."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openpyxl import Workbook, load_workbook

from tests.factories import (
    DelegateFactory,
    JustificationFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.compliance.models import Justification
from tongxue.congresses.models import Delegate, Meeting
from tongxue.core.models import AuditEvent
from tongxue.organisations.models import Organisation, OrgKind, Person, Position, Review
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.selectors import (
    UnknownOrganisation,
    export_json,
    export_tables,
    export_xlsx,
)
from tongxue.snapshots.services import import_file, import_tables
from tongxue.snapshots.xlsxio import read_xlsx, template_xlsx

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data"
SCHEMA = json.loads(
    (Path(__file__).parents[2] / "tongxue" / "snapshots" / "schema.json").read_text(
        "utf-8"
    )
)
MODELS = (Organisation, Person, Position, Meeting, Delegate, Review, Justification)


def sample() -> dict[str, Any]:
    return json.loads((DATA / "sample.json").read_text("utf-8"))


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def wipe() -> None:
    for model in (Delegate, Position, Review, Justification, Meeting, Person):
        model.objects.all().delete()
    for org in Organisation.objects.order_by("-path"):
        org.delete()


def errors_of(
    exc: pytest.ExceptionInfo[SnapshotInvalid],
) -> set[tuple[str, int, str | None]]:
    return {(e.table, e.row, e.field) for e in exc.value.errors}


def build_tree() -> Organisation:
    """A small tree made with the factories, not with the importer."""
    root = OrganisationFactory(
        code="ROOT",
        kind=OrgKind.PROVINCIAL_FEDERATION,
        students_served=None,
        profile="gansu-2017",
    )
    school = SchoolFactory(code="SCH", parent=root, county="城关区", branch_campuses=2)
    union = OrganisationFactory(code="SU", parent=school)
    dept = OrganisationFactory(
        code="DEP", parent=union, kind=OrgKind.DEPARTMENT_UNION, students_served=900
    )
    klass = OrganisationFactory(
        code="K1", parent=dept, kind=OrgKind.CLASS_COMMITTEE, students_served=40
    )
    alice = PersonFactory(
        ident="A1", gender="female", department=dept, class_unit=klass, grade=2024
    )
    bob = PersonFactory(ident="B1", ethnicity="回族")
    PersonFactory(ident="C1", department=dept)  # no position: exported via department
    PositionFactory(
        organisation=union,
        person=alice,
        role="president",
        title="主席",
        public_contact="su@example.edu.cn",
    )
    PositionFactory(
        organisation=union,
        person=bob,
        role="vice_president",
        title="副主席",
        end=dt.date(2026, 7, 1),
        branch_campus=True,
    )
    meeting = MeetingFactory(code="C7", organisation=union)
    DelegateFactory(meeting=meeting, person=alice)
    DelegateFactory(meeting=meeting, person=bob)
    Review.objects.create(reviewer=union, reviewed=dept, held=dt.date(2025, 12, 1))
    JustificationFactory(organisation=union)
    return root


# Round trip and schema -----------------------------------------------------------------


def test_export_import_export_round_trip() -> None:
    build_tree()
    first = export_tables("ROOT")
    assert {p["id"] for p in first["people"]} == {"A1", "B1", "C1"}
    wipe()
    assert counts()["Organisation"] == 0
    result = import_tables(first)
    assert result.updated == 0 and result.unchanged == 0
    assert export_tables("ROOT") == first
    assert Organisation.objects.get(code="K1").path == "/ROOT/SCH/SU/DEP/K1/"


def test_xlsx_round_trip() -> None:
    build_tree()
    first = export_tables("ROOT")
    data = export_xlsx("ROOT")
    wipe()
    import_file(io.BytesIO(data), filename="root.xlsx")
    assert export_tables("ROOT") == first


def test_every_export_validates_against_the_schema() -> None:
    build_tree()
    validator = Draft202012Validator(SCHEMA)
    Draft202012Validator.check_schema(SCHEMA)
    for code in ("ROOT", "SU", "K1"):
        doc = json.loads(export_json(code))
        assert list(validator.iter_errors(doc)) == []
    doc = json.loads(export_json("ROOT"))
    doc["organisations"][0]["kind"] = "kingdom"
    assert list(validator.iter_errors(doc)) != []


def test_the_sample_file_validates_against_the_schema() -> None:
    assert list(Draft202012Validator(SCHEMA).iter_errors(sample())) == []


def test_a_subtree_export_keeps_the_root_parent_and_imports_where_it_exists() -> None:
    build_tree()
    doc = export_tables("SU")
    assert doc["root"] == "SU"
    assert doc["organisations"][0]["parent"] == "SCH"
    assert "ROOT" not in {o["code"] for o in doc["organisations"]}
    result = import_tables(doc)
    assert result.created == 0 and result.updated == 0


def test_exporting_an_unknown_code_fails() -> None:
    with pytest.raises(UnknownOrganisation):
        export_tables("NOPE")


# Idempotency and updates ----------------------------------------------------------------


def test_a_second_import_changes_nothing() -> None:
    first = import_file(DATA / "sample.json")
    assert first.counts["organisations"].created == 7
    assert first.counts["delegates"].created == 2
    stamps = dict(Organisation.objects.values_list("code", "updated_at"))
    before = counts()
    second = import_file(DATA / "sample.json")
    assert second.created == 0 and second.updated == 0
    assert second.unchanged == first.created
    assert counts() == before
    assert dict(Organisation.objects.values_list("code", "updated_at")) == stamps


def test_changed_rows_are_updated_and_only_they() -> None:
    import_tables(sample())
    doc = sample()
    doc["organisations"][3]["students_served"] = 21000  # LZU
    doc["people"][1]["gender"] = None
    doc["positions"][0]["end"] = "2026-06-30"
    doc["meetings"][0]["work_report"] = False
    doc["reviews"][0]["assessment_published"] = False
    doc["justifications"][0]["reason"] = "新的理由"
    result = import_tables(doc)
    for table in (
        "organisations",
        "people",
        "positions",
        "meetings",
        "reviews",
        "justifications",
    ):
        assert result.counts[table].updated == 1, table
    assert result.counts["organisations"].unchanged == 6
    assert Organisation.objects.get(code="LZU").students_served == 21000
    assert Person.objects.get(ident="P002").gender == ""
    assert Position.objects.get(person__ident="P001").end == dt.date(2026, 6, 30)


def test_moving_an_organisation_moves_its_stored_descendants() -> None:
    import_tables(sample())
    move = {
        "organisations": [
            {
                "code": "LZ2",
                "name": "第二城市",
                "kind": "city_federation",
                "parent": "GS",
            },
            {
                "code": "LZU",
                "name": "示范大学",
                "kind": "school",
                "parent": "LZ2",
                "students_served": 20000,
                "school_type": "general_university",
                "county": "城关区",
                "branch_campuses": 1,
            },
        ]
    }
    result = import_tables(move)
    assert result.counts["organisations"].updated == 1
    assert result.moved == 4  # LZU-SU, LZU-CS, its class and the rights department
    paths = dict(Organisation.objects.values_list("code", "path"))
    assert paths["LZU"] == "/GS/LZ2/LZU/"
    assert paths["LZU-CS-2023-1"] == "/GS/LZ2/LZU/LZU-SU/LZU-CS/LZU-CS-2023-1/"
    assert paths["LZ"] == "/GS/LZ/"


def test_references_may_point_to_stored_rows() -> None:
    import_tables(sample())
    result = import_tables(
        {
            "people": [{"id": "P9", "name": "新人", "department": "LZU-CS"}],
            "positions": [
                {
                    "organisation": "LZU-CS",
                    "person": "P9",
                    "role": "member",
                    "title": "干事",
                    "start": "2025-09-01",
                }
            ],
            "delegates": [{"meeting": "LZU-SU-C7", "person": "P9"}],
        }
    )
    assert result.created == 3
    assert Delegate.objects.filter(meeting__code="LZU-SU-C7").count() == 3


def test_dry_run_counts_but_writes_nothing() -> None:
    before = counts()
    events = AuditEvent.objects.count()
    result = import_tables(sample(), dry_run=True)
    assert result.dry_run and result.counts["people"].created == 3
    assert counts() == before
    assert AuditEvent.objects.count() == events


def test_an_audit_event_records_the_counts() -> None:
    import_tables(sample())
    event = AuditEvent.objects.get(action="snapshot.import")
    assert event.data["counts"]["organisations"]["created"] == 7


# All or nothing and errors --------------------------------------------------------------


def test_one_bad_row_among_good_ones_leaves_the_database_untouched() -> None:
    import_tables(
        {
            "organisations": [
                {"code": "GS", "name": "旧名", "kind": "provincial_federation"}
            ]
        }
    )
    before = counts()
    name = Organisation.objects.get(code="GS").name
    events = AuditEvent.objects.count()
    doc = sample()
    doc["justifications"][0]["approved_on"] = "2026-13-01"
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(doc)
    assert errors_of(exc) == {("justifications", 1, "approved_on")}
    assert counts() == before
    assert Organisation.objects.get(code="GS").name == name
    assert AuditEvent.objects.count() == events


def test_every_error_is_reported_at_once() -> None:
    doc = sample()
    doc["organisations"][1]["students_served"] = "many"
    doc["people"][0]["gender"] = "x"
    doc["positions"][0]["person"] = "NOBODY"
    doc["delegates"].append({"meeting": "LZU-SU-C7", "person": "P001"})
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(doc)
    assert errors_of(exc) == {
        ("organisations", 2, "students_served"),
        ("people", 1, "gender"),
        ("positions", 1, "person"),
        ("delegates", 3, None),
    }
    assert counts() == dict.fromkeys(counts(), 0)


def test_unknown_profiles_are_refused() -> None:
    doc = sample()
    doc["organisations"][0]["profile"] = "mars-2099"
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(doc)
    assert errors_of(exc) == {("organisations", 1, "profile")}


def test_a_cycle_through_stored_organisations_is_refused() -> None:
    import_tables(sample())
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(
            {
                "organisations": [
                    {
                        "code": "LZ",
                        "name": "兰州",
                        "kind": "city_federation",
                        "parent": "LZU-CS",
                    },
                ]
            }
        )
    assert errors_of(exc) == {("organisations", 1, "parent")}
    assert Organisation.objects.get(code="LZ").path == "/GS/LZ/"


def test_unsupported_extensions_are_refused() -> None:
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(b"a,b"), filename="data.csv")
    assert len(exc.value.errors) == 1


def test_malformed_json_is_one_clear_error() -> None:
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(b'{"format": '), filename="x.json")
    assert len(exc.value.errors) == 1
    assert exc.value.errors[0].message.params == {"line": 1, "column": 12}


# Excel ----------------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_non_excel_file_renamed_xlsx_is_one_clear_error() -> None:
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(b"this is not a workbook"), filename="data.xlsx")
    assert [e.message.text for e in exc.value.errors] == [
        "The file is not an Excel workbook (.xlsx)."
    ]


def test_excel_cells_are_converted_and_blank_rows_skipped() -> None:
    data = workbook(
        {
            "organisations": [
                [
                    "code",
                    "name",
                    "kind",
                    "parent",
                    "students_served",
                    "branch_campuses",
                ],
                ["U", "大学", "school", None, 12000.0, "1"],
                [None, None, None, None, None, None],
                ["SU", "学生会", "school_union", "U", 12000, None],
                [None, "", None],
            ],
            "people": [
                ["id", "name", "student_number", "grade"],
                ["P1", "张三", 2021001, 2021],
            ],
            "positions": [
                [
                    "organisation",
                    "person",
                    "role",
                    "title",
                    "start",
                    "branch_campus",
                    "responsible_for_clubs",
                ],
                ["SU", "P1", "president", "主席", dt.datetime(2025, 9, 1), "是", "否"],
            ],
            "meetings": [
                ["code", "organisation", "kind", "opened", "work_report"],
                ["M1", "SU", "congress", "2025-11-01", "TRUE"],
            ],
            "delegates": [
                ["meeting", "person"]
            ],  # header only: an empty optional table
            "reviews": [],  # an empty sheet
        }
    )
    result = import_file(io.BytesIO(data), filename="x.xlsx")
    assert result.counts["organisations"].created == 2
    assert result.counts["delegates"].created == 0
    position = Position.objects.get()
    assert position.start == dt.date(2025, 9, 1)
    assert position.branch_campus is True and position.responsible_for_clubs is False
    assert Person.objects.get().student_number == "2021001"
    assert Organisation.objects.get(code="U").branch_campuses == 1
    assert Meeting.objects.get().work_report is True


def test_excel_errors_carry_the_spreadsheet_row_number() -> None:
    data = workbook(
        {
            "organisations": [
                ["code", "name", "kind", "colour"],
                ["U", "大学", "school", "red"],
                [None, None, None, None],
                ["V", "大学", "castle", None],
            ],
        }
    )
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(data), filename="x.xlsx")
    assert exc.value.workbook
    assert errors_of(exc) == {
        ("organisations", 1, "colour"),
        ("organisations", 4, "kind"),
    }
    assert counts()["Organisation"] == 0


def test_a_workbook_without_any_record_is_refused() -> None:
    # Only headers: nothing to import. (People alone are fine: #16, tested in
    # test_import_by_hand.py.)
    data = workbook(
        {
            "organisations": [["code", "name", "kind"]],
            "people": [["id", "name"], [None, None]],
        }
    )
    with pytest.raises(SnapshotInvalid) as exc:
        import_file(io.BytesIO(data), filename="x.xlsx")
    assert errors_of(exc) == {("snapshot", 0, None)}
    assert counts()["Person"] == 0


def test_the_template_has_every_sheet_and_fills_in() -> None:
    data = template_xlsx()
    book = load_workbook(io.BytesIO(data))
    # Chinese sheet and column names; a required column marked *.
    assert book.sheetnames == [
        "组织",
        "人员",
        "职务",
        "会议",
        "代表",
        "述职评议",
        "说明理由",
        "选举",
        "学期述职",
        "评议",
        "书面报告",
        "常代会",
        "听取汇报与指导",
        "说明",
    ]
    assert [c.value for c in book["学期述职"][1]] == [
        "组织代码*",
        "学期代码*",
        "开始日期*",
        "结束日期*",
        "已结束",
        "提交述职的人员编号",
    ]
    assert [c.value for c in book["人员"][1]][:2] == ["人员编号*", "姓名*"]
    doc, errors = read_xlsx(io.BytesIO(data))
    assert doc["format"] == "tongxue-snapshot" and doc["version"] == 1
    # Every example row (示例 …) is skipped: nothing to import yet.
    assert not any(doc.get(t) for t in ("organisations", "people", "meetings"))
    assert errors[0].message.text.startswith("The workbook holds no records")
    sheet = book["组织"]
    header = [c.value for c in sheet[1]]
    sheet.append(
        [
            {"组织代码*": "X", "名称*": "新校", "组织类型*": "学校"}.get(h)
            for h in header
        ]
    )
    out = io.BytesIO()
    book.save(out)
    result = import_file(io.BytesIO(out.getvalue()), filename="filled.xlsx")
    assert result.counts["organisations"].created == 1
    assert Organisation.objects.get(code="X").kind == OrgKind.SCHOOL


# Bulk: a bounded number of queries --------------------------------------------------------


def bulk_doc(n: int) -> dict[str, Any]:
    orgs = [{"code": "R", "name": "根", "kind": "school_union"}]
    orgs += [
        {"code": f"D{i}", "name": "院系", "kind": "department_union", "parent": "R"}
        for i in range(n)
    ]
    people = [{"id": f"P{i}", "name": "学生", "department": f"D{i}"} for i in range(n)]
    positions = [
        {
            "organisation": f"D{i}",
            "person": f"P{i}",
            "role": "president",
            "title": "主席",
            "start": "2025-09-01",
        }
        for i in range(n)
    ]
    meetings = [
        {"code": "M", "organisation": "R", "kind": "congress", "opened": "2025-11-01"}
    ]
    delegates = [{"meeting": "M", "person": f"P{i}"} for i in range(n)]
    return {
        "organisations": orgs,
        "people": people,
        "positions": positions,
        "meetings": meetings,
        "delegates": delegates,
    }


@pytest.mark.parametrize("n", [10, 200])
def test_the_import_makes_a_bounded_number_of_queries(
    n: int, django_assert_max_num_queries: Any
) -> None:
    # The import's own writes; storing its audit after them (#15) is bounded on its
    # own (tests/integration/test_stored_findings.py).
    with django_assert_max_num_queries(30):
        import_tables(bulk_doc(n), store_findings=False)
    doc = bulk_doc(n)
    for row in doc["people"]:
        row["grade"] = 2024  # every person changes: updates in bulk too
    with django_assert_max_num_queries(30):
        result = import_tables(copy.deepcopy(doc), store_findings=False)
    assert result.counts["people"].updated == n


# A meeting's business (CON-7) ------------------------------------------------------------


def test_a_meetings_recorded_business_is_exported_checked_and_stored() -> None:
    from tongxue.business.models import AgendaItem

    build_tree()
    meeting = Meeting.objects.get(code="C7")
    AgendaItem.objects.create(meeting=meeting, kind="work_report", title="工作报告")
    AgendaItem.objects.create(meeting=meeting, kind="opinions", title="征集意见")
    doc = export_tables("ROOT")
    row = next(m for m in doc["meetings"] if m["code"] == "C7")
    assert row["agenda"] == ["work_report", "opinions"]
    assert row["charter_in_force"] is False
    assert list(Draft202012Validator(SCHEMA).iter_errors(doc)) == []
    before = AgendaItem.objects.count()
    result = import_tables(doc)
    assert result.not_stored == {}
    # The items are already there: its own export changes nothing (CON-7 is stored
    # as agenda items, see tests/integration/test_snapshot_records.py).
    assert AgendaItem.objects.count() == before
    assert result.counts["meetings"].updated == 0
    bad = copy.deepcopy(doc)
    next(m for m in bad["meetings"] if m["code"] == "C7")["agenda"] = ["coronation"]
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(bad)
    assert errors_of(exc) == {("meetings", 1, "agenda")}
