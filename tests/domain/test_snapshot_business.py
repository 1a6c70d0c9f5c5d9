"""A meeting's business in a snapshot (CON-7): ``agenda`` and ``charter_in_force``.

Two optional columns of ``meetings``, parsed like every other cell (problems named by
table, row and field), written back by export where the business is recorded, and read
by the audit of a file; a file without them parses, exports and audits as before.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from tests.domain.test_snapshot import GOOD, where
from tongxue.domain.audit import audit
from tongxue.domain.snapshot import parse_tables, registry_to_tables

AS_OF = date(2026, 11, 1)


def with_business(**columns: Any) -> dict[str, Any]:
    out = copy.deepcopy(GOOD)
    out["meetings"][0].update(columns)
    return out


def con7(tables: dict[str, Any]) -> list[str]:
    reg, errors = parse_tables(tables)
    assert errors == []
    return sorted(
        f.rule for f in audit(reg, as_of=AS_OF).findings if f.rule.startswith("CON-7")
    )


def test_the_agenda_and_the_charter_parse_into_the_meeting() -> None:
    for cell in (
        ["work_report", "opinions"],
        "work_report, opinions",
        "work_report opinions",
    ):
        reg, errors = parse_tables(with_business(agenda=cell, charter_in_force=True))
        assert errors == [], cell
        assert reg.meetings[0].agenda == ("work_report", "opinions"), cell
        assert reg.meetings[0].charter_in_force is True


def test_the_audit_of_a_file_judges_the_business_only_where_it_is_recorded() -> None:
    assert con7(GOOD) == []  # no agenda: its business is not recorded
    # M1 is the union's first recorded congress: the leadership's term ended with it
    assert con7(with_business(agenda=["work_report"])) == [
        "CON-7.charter",
        "CON-7.leadership",
        "CON-7.opinions",
    ]
    full = ["work_report", "leadership", "opinions"]
    assert con7(with_business(agenda=full, charter_in_force=True)) == []
    assert con7(with_business(agenda=full, charter_in_force=False)) == ["CON-7.charter"]


def test_an_unknown_kind_or_a_wrong_type_is_named_by_row_and_field() -> None:
    tables = copy.deepcopy(GOOD)
    tables["meetings"][0]["agenda"] = ["work_report", "party"]
    tables["meetings"].append(
        {
            "code": "M2",
            "organisation": "SU",
            "kind": "congress",
            "opened": "2026-05-01",
            "agenda": 7,
            "charter_in_force": "maybe",
        }
    )
    _, errors = parse_tables(tables)
    assert where(errors) == {
        ("meetings", 1, "agenda"),
        ("meetings", 2, "agenda"),
        ("meetings", 2, "charter_in_force"),
    }
    message = next(e for e in errors if e.row == 1).message.render()
    assert "party" in message and "opinions" in message  # the value and what is allowed


def test_export_writes_the_business_where_it_is_recorded_and_reads_it_back() -> None:
    reg, _ = parse_tables(
        with_business(agenda=["work_report", "leadership"], charter_in_force=True)
    )
    out = registry_to_tables(reg)
    assert out["meetings"][0]["agenda"] == ["work_report", "leadership"]
    assert out["meetings"][0]["charter_in_force"] is True
    again, errors = parse_tables(out)
    assert errors == [] and again.meetings == reg.meetings
    plain, _ = parse_tables(GOOD)
    assert "agenda" not in registry_to_tables(plain)["meetings"][0]
