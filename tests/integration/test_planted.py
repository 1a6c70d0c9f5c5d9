"""The planted snapshots (tests/data/planted, see tests/domain/test_planted.py) through
``tongxue audit FILE``, and imported into the database: the audit of the file and the
audit of the database find the same violations at the same organisations.
"""

from __future__ import annotations

import json

import pytest

from tests.domain.test_planted import (
    AS_OF,
    DB_ONLY_RULES,
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
from tongxue.domain.rules.organisation import school_level_unions
from tongxue.organisations.mappers import load_registry
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
    found = [
        (f.organisation, f.rule)
        for root in ROOTS
        for f in audit_organisation(code=root, as_of=AS_OF).findings
    ]
    # A snapshot carries no concerns, and its audit does not judge them; the database
    # records them, and the import opens no channel: RGT-1 at every school-level union
    # of a university (none of CAD-8, without a concern).
    no_channel = {org for org, rule in found if rule == "RGT-1.no-channel"}
    unions = {
        u.code for root in ROOTS for u in school_level_unions(load_registry(root))
    }
    assert no_channel == unions
    # Nor advocacy records: no legal aid on record at any of them (RGT-2).
    assert {org for org, rule in found if rule == "RGT-2.no-legal-aid"} == unions
    in_db = by_organisation((o, r) for o, r in found if r not in DB_ONLY_RULES)
    assert in_db == without(cli_findings(capsys, profile), FILE_ONLY)
    assert in_db == plan_only_dropped(profile, without(expected(profile), FILE_ONLY))
