"""``tongxue audit``: exit 0 when compliant, 1 on a violation, 2 on bad input."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from tests.factories import PositionFactory
from tests.integration.test_organisation_services import compliant_union
from tongxue.cli import main
from tongxue.organisations.models import Role

AS_OF = "2026-03-01"


def clean_snapshot(students: int = 500) -> dict:
    """A school union that every rule of the audit finds compliant on AS_OF.

    Its congress seats 1% of the students served (CON-3) and no core member (CON-5),
    each delegate elected by the class committee U-K1 (CON-6), and elected the
    presidium (ELE-1): each holder records the election.
    """
    vps = [f"VP{n}" for n in range(4)]
    delegates = [f"D{n}" for n in range(-(-students // 100))]
    people = [
        {"id": "PRES", "name": "主席甲"},
        {"id": "SG", "name": "秘书长乙", "kind": "league_cadre"},
        *({"id": p, "name": f"副主席{p}"} for p in vps),
        *({"id": d, "name": f"代表{d}"} for d in delegates),
    ]
    start = "2025-09-01"
    positions = [
        {
            "organisation": "U",
            "person": "PRES",
            "role": "president",
            "title": "主席",
            "start": start,
            "responsible_for_clubs": True,
            "public_contact": "p@example.edu",
            "election": "E-PRES",
        },
        {
            "organisation": "U",
            "person": "SG",
            "role": "secretary_general",
            "title": "秘书长",
            "start": start,
        },
        *(
            {
                "organisation": "U",
                "person": p,
                "role": "vice_president",
                "title": "副主席",
                "start": start,
                "public_contact": f"{p}@example.edu",
                "election": "E-VP",
            }
            for p in vps
        ),
    ]
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {
                "code": "S",
                "name": "示范大学",
                "kind": "school",
                "school_type": "general_university",
                "students_served": students,
            },
            {
                "code": "U",
                "name": "示范大学学生会",
                "kind": "school_union",
                "parent": "S",
                "students_served": students,
            },
            {
                "code": "U-R",
                "name": "权益部",
                "kind": "functional_department",
                "parent": "U",
                "function": "rights",
            },
            {
                "code": "U-K1",
                "name": "2025级1班",
                "kind": "class_committee",
                "parent": "U",
            },
        ],
        "people": people,
        "positions": positions,
        "meetings": [
            {
                "code": "C1",
                "organisation": "U",
                "kind": "congress",
                "session": 1,
                "opened": "2025-11-01",
                "work_report": True,
            },
        ],
        "delegates": [
            {
                "meeting": "C1",
                "person": d,
                "electing_unit": "U-K1",
                "election_date": "2025-10-15",
                "electorate": 40,
                "votes_cast": 38,
                "votes": 30,
            }
            for d in delegates
        ],
        "elections": [
            {
                "code": code,
                "organisation": "U",
                "meeting": "C1",
                "post": post,
                "status": "effective",
            }
            for code, post in (("E-PRES", "president"), ("E-VP", "vice_president"))
        ],
        # CAD-3: the cadres were evaluated by students in the autumn semester
        "evaluations": [
            {
                "organisation": "U",
                "code": "2025-09",
                "start": "2025-09-01",
                "end": "2026-01-15",
                "dimensions": [
                    "political",
                    "moral",
                    "learning",
                    "duties",
                    "discipline",
                ],
                "cadres": 5,
                "participants": 40,
                "eligible": 50,
                "published": True,
            }
        ],
        # GOV-1, GOV-2: heard by the Party committee and guided by the League
        "guidance": [
            {
                "organisation": "U",
                "kind": kind,
                "held": "2026-02-01",
                "by": by,
                "summary": "听取学生会工作汇报，提出指导要求",
            }
            for kind, by in (("party_hearing", "校党委"), ("league_guidance", "校团委"))
        ],
    }


def run(capsys, *args):
    code = main(["audit", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, data, name="snap.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


# -- snapshot files --------------------------------------------------------------------


def test_a_clean_snapshot_exits_0(tmp_path, capsys):
    code, out, err = run(
        capsys, write(tmp_path, clean_snapshot()), "--as-of", AS_OF, "--format", "json"
    )
    data = json.loads(out)
    assert (code, err) == (0, "")
    assert data["findings"] == []
    assert data["failing"] == 0
    assert data["organisations_audited"] == 4
    assert data["summary"] == {
        "violation": 0,
        "deviation": 0,
        "incomplete": 0,
        "recommendation": 0,
    }


def test_an_assistant_post_exits_1_with_the_finding_in_json(tmp_path, capsys):
    snap = clean_snapshot()
    snap["people"].append({"id": "ASST", "name": "助理丙"})
    snap["positions"].append(
        {
            "organisation": "U",
            "person": "ASST",
            "role": "member",
            "title": "主席助理",
            "start": "2025-09-01",
        }
    )
    code, out, _err = run(
        capsys,
        write(tmp_path, snap),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--language",
        "en",
    )
    assert code == 1
    data = json.loads(out)
    [finding] = data["findings"]
    assert finding["rule"] == "ORG-5.assistant-title"
    assert finding["requirement"] == "ORG-5"
    assert finding["clauses"] == ["GS-9"]
    assert finding["severity"] == "violation"
    assert finding["organisation"] == "U"
    assert finding["evidence"] == {"title": "主席助理", "person": "ASST"}
    assert "assistant" in finding["message"]
    assert finding["messages"]["en"] == finding["message"]
    assert data["summary"]["violation"] == 1
    assert data["profile"] == "gansu-2017"
    # stable: keys sorted, Chinese written as is
    assert out.index('"as_of"') < out.index('"findings"') < out.index('"profile"')
    assert "主席助理" in out


def test_the_cqtgu_profile_cites_its_own_clauses(tmp_path, capsys):
    snap = clean_snapshot()
    snap["positions"][2]["title"] = "执行主席助理"
    code, out, _err = run(
        capsys,
        write(tmp_path, snap),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--profile",
        "cqtgu-2017",
    )
    assert code == 1
    data = json.loads(out)
    assert data["profile"] == "cqtgu-2017"
    assert [f["clauses"] for f in data["findings"]] == [["CQ-4"]]


def test_a_deviation_is_reported_and_exits_0_justified_or_not(tmp_path, capsys):
    """ORG-4 (D): three deputies are a deviation; only violations make the exit 1."""
    snap = clean_snapshot(
        students=1000
    )  # room for the deputies among core members (ORG-6)
    snap["organisations"].append(
        {
            "code": "U-X",
            "name": "宣传部",
            "kind": "functional_department",
            "parent": "U",
        }
    )
    for n in range(3):
        snap["people"].append({"id": f"DEP{n}", "name": f"副部长{n}"})
        snap["positions"].append(
            {
                "organisation": "U-X",
                "person": f"DEP{n}",
                "role": "department_deputy",
                "title": "副部长",
                "start": "2025-09-01",
            }
        )
    code, out, _ = run(
        capsys, write(tmp_path, snap), "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0
    [unjustified] = json.loads(out)["findings"]
    assert unjustified["rule"] == "ORG-4.department-deputies"
    assert unjustified["justified"] is False
    assert json.loads(out)["failing"] == 1
    justified = copy.deepcopy(snap)
    justified["justifications"] = [
        {
            "organisation": "U-X",
            "rule": "ORG-4.department-deputies",
            "reason": "合并过渡",
            "approved_by": "校团委",
            "approved_on": "2026-01-10",
        }
    ]
    code, out, _ = run(
        capsys, write(tmp_path, justified), "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0
    [finding] = json.loads(out)["findings"]
    assert finding["justified"] is True and finding["justification"] == "合并过渡"


def test_text_output_lists_each_finding(tmp_path, capsys):
    snap = clean_snapshot()
    snap["positions"][2]["title"] = "主席助理"
    code, out, _ = run(
        capsys, write(tmp_path, snap), "--as-of", AS_OF, "--language", "en"
    )
    assert code == 1
    assert "[Violation] ORG-5.assistant-title" in out
    assert "ORG-5 · GS-9" in out
    assert "Not compliant" in out


def test_an_invalid_snapshot_exits_2_and_prints_every_error(tmp_path, capsys):
    snap = clean_snapshot()
    snap["organisations"][1]["kind"] = "galaxy"
    snap["positions"][0]["start"] = "yesterday"
    code, out, err = run(
        capsys, write(tmp_path, snap), "--as-of", AS_OF, "--language", "en"
    )
    assert code == 2
    assert out == ""
    assert "2 errors" in err
    assert "table organisations, row 2, field kind" in err
    assert "table positions, row 1, field start" in err


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_an_unreadable_file_exits_2(tmp_path, capsys, content):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    code, _out, err = run(capsys, str(path))
    assert code == 2
    assert "broken.json" in err


def test_a_workbook_is_audited_like_its_json(tmp_path, capsys):
    from tongxue.snapshots.xlsxio import write_xlsx

    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(write_xlsx(clean_snapshot()))
    assert run(capsys, str(clean), "--as-of", AS_OF)[0] == 0
    snap = clean_snapshot()
    snap["positions"][2]["title"] = "部长助理"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(write_xlsx(snap))
    code, out, _ = run(capsys, str(bad), "--as-of", AS_OF, "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["ORG-5.assistant-title"]


def test_a_file_that_is_not_a_workbook_exits_2(tmp_path, capsys):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip file")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert "fake.xlsx" in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    code, _out, err = run(capsys, str(tmp_path / "missing.json"))
    assert code == 2
    assert "missing.json" in err


@pytest.mark.parametrize(
    "args", [["--as-of", "2026-13-01"], ["--profile", "atlantis"], ["--format", "xml"]]
)
def test_bad_options_exit_2(tmp_path, capsys, args):
    code, _out, _err = run(capsys, write(tmp_path, clean_snapshot()), *args)
    assert code == 2


# -- organisations in the database --------------------------------------------------------


@pytest.mark.django_db
def test_an_organisation_code_is_audited_from_the_database(capsys):
    union = compliant_union(4)
    PositionFactory(
        organisation=union,
        role=Role.MEMBER,
        title="部长助理",
        start=dt.date(2025, 9, 1),
    )
    code, out, _ = run(capsys, union.code, "--as-of", AS_OF, "--format", "json")
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "ORG-5.assistant-title" in rules


@pytest.mark.django_db
def test_an_unknown_organisation_code_exits_2(capsys):
    code, out, err = run(capsys, "NO-SUCH-ORG")
    assert code == 2
    assert "NO-SUCH-ORG" in err
    assert out == ""
