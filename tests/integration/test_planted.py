"""The planted snapshots (tests/data/planted, see tests/domain/test_planted.py) through
``tongxue audit FILE``, and imported into the database: the audit of the file and the
audit of the database find the same violations at the same organisations.
"""

from __future__ import annotations

import json

import pytest

from tests.domain.test_planted import (
    AS_OF,
    FILE_ONLY,
    FILES,
    ROOTS,
    by_organisation,
    drop_plan_only,
    expected,
    without,
)
from tongxue.cli import main
from tongxue.compliance.selectors import audit_organisation
from tongxue.snapshots.services import import_file

PROFILES = sorted(FILES)


def cli_findings(capsys, profile: str) -> dict[str, set[str]]:
    code = main(
        [
            "audit",
            str(FILES[profile]),
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1  # violations planted
    report = json.loads(out)
    return by_organisation((f["organisation"], f["rule"]) for f in report["findings"])


def plan_only_dropped(profile: str, table: dict[str, set[str]]) -> dict[str, set[str]]:
    """Under cqtgu-2017, ORG-12, CON-12 and FED-1 (Gansu's alone) are not expected."""
    return drop_plan_only(table) if profile == "cqtgu-2017" else table


@pytest.mark.parametrize("profile", PROFILES)
def test_the_command_finds_every_planted_violation_and_nothing_else(capsys, profile):
    found = cli_findings(capsys, profile)
    assert found == plan_only_dropped(profile, expected(profile))


@pytest.mark.django_db
@pytest.mark.parametrize("profile", PROFILES)
def test_the_imported_database_gives_the_findings_of_the_file(capsys, profile):
    result = import_file(FILES[profile])
    assert result.counts["organisations"].created == len(
        json.loads(FILES[profile].read_text(encoding="utf-8"))["organisations"]
    )
    # Everything is stored (issue #12): semesters, the agenda and charter in force of
    # meetings, the delegates' elections (docs/snapshot.md).
    assert result.not_stored == {}
    assert result.counts["semesters"].created == 3
    # Each province of the file (FED1-BAD holds FED-1's case), audited as a user would.
    in_db = by_organisation(
        (f.organisation, f.rule)
        for root in ROOTS
        for f in audit_organisation(code=root, as_of=AS_OF).findings
    )
    assert in_db == without(cli_findings(capsys, profile), FILE_ONLY)
    assert in_db == plan_only_dropped(profile, without(expected(profile), FILE_ONLY))
