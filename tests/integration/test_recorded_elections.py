"""Elections imported from a snapshot are stored as recorded elections (ELE-1, ELE-3):
upserted by code, read by the audit beside the elections run in Tongxue (which win on
the same code), exported back into the ``elections`` table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories_elections import ElectionFactory
from tests.integration.test_snapshots import build_tree, wipe
from tongxue.compliance.selectors import audit_organisation
from tongxue.elections.models import ElectionStatus, RecordedElection
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Organisation, Position
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 1)


def _row(code: str = "F-P", **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "organisation": "SU",
        "meeting": "C7",
        "post": "president",
        "status": "effective",
        **extra,
    }


def _doc(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"format": "tongxue-snapshot", "version": 1, "elections": list(rows)}


def _recorded() -> list[tuple[Any, ...]]:
    return list(
        RecordedElection.objects.order_by("code").values_list(
            "code", "organisation__code", "meeting", "post", "status"
        )
    )


def test_a_recorded_election_is_stored_and_the_holders_finding_goes() -> None:
    build_tree()
    Position.objects.filter(organisation__code="SU", role="president").update(
        election="F-P"
    )
    before = audit_organisation(code="SU", as_of=AS_OF)
    assert "ELE-1.election-unknown" in {f.rule for f in before.findings}
    result = import_tables(_doc(_row()))
    assert result.counts["elections"].as_dict() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert _recorded() == [("F-P", "SU", "C7", "president", "effective")]
    after = audit_organisation(code="SU", as_of=AS_OF)
    assert "ELE-1.election-unknown" not in {f.rule for f in after.findings}
    # A recorded election that did not fill the post does not satisfy ELE-1.
    import_tables(_doc(_row(status="counted")))
    again = audit_organisation(code="SU", as_of=AS_OF)
    assert "ELE-1.election-unknown" not in {f.rule for f in again.findings}
    assert {f.rule for f in again.findings if f.requirement == "ELE-1"}


def test_reimporting_the_same_file_changes_nothing() -> None:
    build_tree()
    doc = _doc(_row(), _row("F-VP", post="vice_president", meeting=""))
    assert import_tables(doc).counts["elections"].created == 2
    stored = list(RecordedElection.objects.order_by("pk").values_list())
    again = import_tables(doc)
    assert again.counts["elections"].as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }
    assert list(RecordedElection.objects.order_by("pk").values_list()) == stored
    # A changed row is updated in place, keyed by its code.
    changed = import_tables(_doc(_row(status="void")))
    assert changed.counts["elections"].updated == 1
    assert RecordedElection.objects.get(code="F-P").status == ElectionStatus.VOID


def test_a_bad_row_leaves_every_recorded_election_as_it_was() -> None:
    build_tree()
    import_tables(_doc(_row()))
    before = _recorded()
    with pytest.raises(SnapshotInvalid):
        import_tables(_doc(_row(status="void"), _row("F-X", organisation="NOWHERE")))
    assert _recorded() == before


def test_export_then_import_round_trips_the_recorded_elections() -> None:
    build_tree()
    import_tables(_doc(_row(), _row("F-VP", post="vice_president", meeting="")))
    first = export_tables("ROOT")
    assert first["elections"] == [
        _row(),
        _row("F-VP", post="vice_president", meeting=None),
    ]
    wipe()
    assert not RecordedElection.objects.exists()  # they went with their union
    result = import_tables(first)
    assert result.counts["elections"].created == 2
    assert export_tables("ROOT") == first
    assert import_tables(first).counts["elections"].unchanged == 2


def test_an_election_run_in_tongxue_wins_over_a_recorded_one() -> None:
    build_tree()
    union = Organisation.objects.get(code="SU")
    ElectionFactory(
        code="RUN", organisation=union, meeting=None, post="president", status="void"
    )
    # Its own export names it: left alone, not recorded a second time.
    result = import_tables(_doc(_row("RUN")))
    assert result.counts["elections"].as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
    }
    assert not RecordedElection.objects.exists()
    # One recorded before the run election took its code is read as the run one.
    RecordedElection.objects.create(
        code="RUN", organisation=union, post="vice_president", status="effective"
    )
    [election] = load_registry("SU").elections
    assert (election.code, election.post, election.status) == (
        "RUN",
        "president",
        "void",
    )
    # A file cannot record it for another organisation (the operator included).
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(_doc(_row("RUN", organisation="DEP", meeting="")))
    [error] = exc.value.errors
    assert (error.table, error.row, error.field) == ("elections", 1, "organisation")
    assert error.message.params["organisation"] == "SU"


@pytest.mark.parametrize("many", [False, True])
def test_loading_recorded_elections_is_one_query(many: bool) -> None:
    build_tree()
    union = Organisation.objects.get(code="SU")
    with CaptureQueriesContext(connection) as without:
        load_registry("ROOT")
    for n in range(40 if many else 1):
        RecordedElection.objects.create(
            code=f"R{n}", organisation=union, post="president", status="effective"
        )
    ElectionFactory(code="RUN", organisation=union, meeting=None)
    with CaptureQueriesContext(connection) as with_them:
        registry = load_registry("ROOT")
    assert len(with_them) == len(without)  # the query runs with or without rows
    assert len(registry.elections) == (40 if many else 1) + 1


def test_the_elections_pages_list_only_elections_run_in_tongxue(client) -> None:  # type: ignore[no-untyped-def]
    build_tree()
    import_tables(_doc(_row("RECORDED-1")))
    ElectionFactory(
        code="RUN-1", organisation=Organisation.objects.get(code="SU"), meeting=None
    )
    listing = client.get("/elections/org/SU/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "RUN-1" in html and "RECORDED-1" not in html
    assert client.get("/elections/RUN-1/").status_code == 200
    assert client.get("/elections/RECORDED-1/").status_code == 404
