"""The scope of an import (ORG-1, issue #11): only rows within the importer's subtrees.

A department union's administrator imports at their department; the three attacks of
the issue (rename and move another department's president, seat delegates in the
school's congress, move another department's congress) are refused by the service,
on the web page and in code alike, naming table, row and field; what lies within the
department still imports, and so does the department's own export, unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tests.factories_elections import ElectionFactory
from tongxue.congresses.models import Delegate, Meeting
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.elections.models import RecordedElection
from tongxue.organisations.models import Organisation, OrgKind, Person, Position, Role
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.selectors import export_tables
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def school() -> dict[str, Any]:
    """A school union with two department unions, their congresses and the school's."""
    sch = SchoolFactory(code="SCH")
    union = OrganisationFactory(code="SU", parent=sch)
    da = OrganisationFactory(
        code="DA", parent=union, kind=OrgKind.DEPARTMENT_UNION, students_served=900
    )
    db = OrganisationFactory(
        code="DB", parent=union, kind=OrgKind.DEPARTMENT_UNION, students_served=800
    )
    president_b = PersonFactory(ident="PB", name="乙主席", department=db)
    PositionFactory(
        organisation=db, person=president_b, role=Role.PRESIDENT, title="主席"
    )
    alice = PersonFactory(ident="PA", name="甲同学", department=da)
    PositionFactory(organisation=da, person=alice, role=Role.MEMBER, title="干事")
    # Holds a post in DA and a seat in the school's congress.
    both = PersonFactory(ident="PX", name="两边", department=da)
    PositionFactory(organisation=da, person=both, role=Role.MEMBER, title="干事")
    school_congress = MeetingFactory(code="SUC", organisation=union)
    DelegateFactory(meeting=school_congress, person=both)
    MeetingFactory(code="DAC", organisation=da)
    b_congress = MeetingFactory(code="DBC", organisation=db)
    DelegateFactory(meeting=b_congress, person=president_b)
    admin = UserFactory(username="da-admin")
    RoleFactory(user=admin, organisation=da, role=RoleKind.UNION_ADMIN)
    return {"admin": admin, "da": da, "db": db, "union": union}


def doc(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "tongxue-snapshot", "version": 1, **tables}


RENAME_AND_MOVE_PRESIDENT = doc(
    people=[{"id": "PB", "name": "改名", "department": "DA"}]
)
SEAT_IN_SCHOOL_CONGRESS = doc(
    people=[{"id": "NEW1", "name": "新人", "department": "DA"}],
    delegates=[{"meeting": "SUC", "person": "NEW1"}],
)
MOVE_OTHER_CONGRESS = doc(
    meetings=[
        {
            "code": "DBC",
            "organisation": "DA",
            "kind": "congress",
            "session": 1,
            "opened": "2025-11-01",
            "work_report": True,
        }
    ]
)
ATTACKS = [
    pytest.param(RENAME_AND_MOVE_PRESIDENT, ("people", 1, "id"), id="president"),
    pytest.param(SEAT_IN_SCHOOL_CONGRESS, ("delegates", 1, "meeting"), id="seat"),
    pytest.param(MOVE_OTHER_CONGRESS, ("meetings", 1, "organisation"), id="congress"),
]


def stored_state() -> dict[str, Any]:
    return {
        "PB": Person.objects.values_list("name", "department__code").get(ident="PB"),
        "DBC": Meeting.objects.get(code="DBC").organisation.code,
        "SUC seats": sorted(
            Delegate.objects.filter(meeting__code="SUC").values_list(
                "person__ident", flat=True
            )
        ),
        "people": Person.objects.count(),
    }


def where(exc: pytest.ExceptionInfo[SnapshotInvalid]) -> set[tuple[str, int, str]]:
    return {(e.table, e.row, e.field or "") for e in exc.value.errors}


def post(client, document: dict[str, Any], *, code: str = "DA", reviewed=False):  # type: ignore[no-untyped-def]
    data = json.dumps(document, ensure_ascii=False).encode()
    form: dict[str, Any] = {
        "file": SimpleUploadedFile("s.json", data, "application/json")
    }
    if reviewed:
        form["reviewed"] = "on"
    return client.post(reverse("snapshots:import", args=[code]), form)


# The three attacks ----------------------------------------------------------------------


@pytest.mark.parametrize(("document", "place"), ATTACKS)
def test_the_service_refuses_each_attack_of_a_department_admin(
    school: dict[str, Any], document: dict[str, Any], place: tuple[str, int, str]
) -> None:
    before = stored_state()
    for within in ("DA", None):  # at the department's page, or in code with no page
        with pytest.raises(SnapshotInvalid) as exc:
            import_tables(document, actor=school["admin"], within=within)
        assert place in where(exc)
        with pytest.raises(SnapshotInvalid):
            import_tables(document, actor=school["admin"], within=within, dry_run=True)
    assert stored_state() == before
    assert not AuditEvent.objects.filter(action="snapshot.import").exists()


@pytest.mark.parametrize(("document", "place"), ATTACKS)
def test_the_web_page_refuses_each_attack_naming_table_row_and_field(
    client,
    school: dict[str, Any],
    document: dict[str, Any],
    place: tuple[str, int, str],
) -> None:
    before = stored_state()
    client.force_login(school["admin"])
    for reviewed in (False, True):
        response = post(client, document, reviewed=reviewed)
        assert response.status_code == 400
    html = post(client, document).content.decode()
    table, row, field = place
    # The cells carry their labels for a phone's cards (data-label, #16).
    cells = re.sub(r' data-label="[^"]*"', "", html)
    assert f"<td>{table}</td><td>{row}</td><td>{field}</td>" in cells
    assert "is not within DA" in html
    assert "confirm-import" not in html
    assert stored_state() == before


def test_the_operators_command_has_no_limit_of_scope(school: dict[str, Any]) -> None:
    """The same files are the operator's to import (``tongxue import``: no actor)."""
    import_tables(RENAME_AND_MOVE_PRESIDENT)
    import_tables(SEAT_IN_SCHOOL_CONGRESS)
    import_tables(MOVE_OTHER_CONGRESS)
    assert Person.objects.values_list("name", "department__code").get(ident="PB") == (
        "改名",
        "DA",
    )
    assert Delegate.objects.filter(meeting__code="SUC", person__ident="NEW1").exists()
    assert Meeting.objects.get(code="DBC").organisation.code == "DA"


def test_a_school_admin_may_do_what_the_department_admin_may_not(
    school: dict[str, Any],
) -> None:
    school_admin = UserFactory(username="su-admin")
    RoleFactory(user=school_admin, organisation=school["union"])
    import_tables(MOVE_OTHER_CONGRESS, actor=school_admin, within="SU")
    assert Meeting.objects.get(code="DBC").organisation.code == "DA"
    # ... but not at the department's page, whose subtree is the limit: PB's seat
    # now lies in DA (his congress moved), his post in DB.
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(RENAME_AND_MOVE_PRESIDENT, actor=school_admin, within="DA")
    assert where(exc) == {("people", 1, "name")}
    import_tables(RENAME_AND_MOVE_PRESIDENT, actor=school_admin, within="SU")
    assert Person.objects.get(ident="PB").name == "改名"


# People: visible to read, within the scope to change ---------------------------------------


def test_a_person_with_a_post_outside_cannot_be_changed_or_given_a_post(
    school: dict[str, Any],
) -> None:
    admin = school["admin"]
    # PX holds a post in DA and a seat in the school's congress: renaming is refused.
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(
            doc(people=[{"id": "PX", "name": "改名", "department": "DA"}]), actor=admin
        )
    assert where(exc) == {("people", 1, "name")}
    assert "also has a position, a delegate seat" in str(
        exc.value.errors[0].message.text
    )
    # PB (DB's president) cannot be given a post in DA nor a seat in DA's congress.
    position = {
        "organisation": "DA",
        "person": "PB",
        "role": "member",
        "title": "干事",
        "start": "2025-09-01",
    }
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(
            doc(positions=[position], delegates=[{"meeting": "DAC", "person": "PB"}]),
            actor=admin,
        )
    assert where(exc) == {("positions", 1, "person"), ("delegates", 1, "person")}
    assert not Position.objects.filter(person__ident="PB", organisation__code="DA")


def test_moving_an_organisation_needs_both_parents_within_the_scope(
    school: dict[str, Any],
) -> None:
    admin = school["admin"]
    row = {"code": "DB", "name": "乙院", "kind": "department_union", "parent": "DA"}
    with pytest.raises(SnapshotInvalid) as exc:  # DB itself is outside
        import_tables(doc(organisations=[row]), actor=admin)
    assert where(exc) == {("organisations", 1, "code")}
    klass = {"code": "K1", "name": "一班", "kind": "class_committee", "parent": "DA"}
    import_tables(doc(organisations=[klass]), actor=admin)
    with pytest.raises(SnapshotInvalid) as exc:  # out of the scope, into DB
        import_tables(doc(organisations=[klass | {"parent": "DB"}]), actor=admin)
    assert where(exc) == {("organisations", 1, "parent")}
    with pytest.raises(SnapshotInvalid) as exc:  # the scope's root stays put
        import_tables(
            doc(
                organisations=[
                    {
                        "code": "DA",
                        "name": "甲院",
                        "kind": "department_union",
                        "parent": "DB",
                    }
                ]
            ),
            actor=admin,
        )
    assert where(exc) == {("organisations", 1, "parent")}
    assert "DA cannot be moved from here" in exc.value.errors[0].message.text.format(
        **exc.value.errors[0].message.params
    )
    assert Organisation.objects.get(code="K1").parent.code == "DA"
    assert Organisation.objects.get(code="DA").parent.code == "SU"


def test_an_importer_without_the_permission_is_refused(school: dict[str, Any]) -> None:
    cadre = UserFactory(username="cadre")
    RoleFactory(user=cadre, organisation=school["da"], role=RoleKind.UNION_CADRE)
    for within in ("DA", None):
        with pytest.raises(Refusal):
            import_tables(doc(), actor=cadre, within=within)
    with pytest.raises(Refusal):
        import_tables(doc(), actor=school["admin"], within="SU")  # above the role


# What is within the scope still imports ------------------------------------------------------


IN_SCOPE = doc(
    organisations=[
        {"code": "K1", "name": "一班", "kind": "class_committee", "parent": "DA"}
    ],
    people=[
        {"id": "NEW2", "name": "新同学", "department": "DA", "class": "K1"},
        {"id": "PA", "name": "甲同学改", "department": "DA", "class": "K1"},
    ],
    positions=[
        {
            "organisation": "K1",
            "person": "NEW2",
            "role": "member",
            "title": "委员",
            "start": "2025-09-01",
        },
        {
            "organisation": "DA",
            "person": "PA",
            "role": "vice_president",
            "title": "副主席",
            "start": "2025-09-01",
        },
    ],
    meetings=[
        {
            "code": "DAC",
            "organisation": "DA",
            "kind": "congress",
            "session": 2,
            "opened": "2025-11-01",
        }
    ],
    delegates=[
        {"meeting": "DAC", "person": "NEW2"},
        {"meeting": "DAC", "person": "PA"},
    ],
    justifications=[
        {
            "organisation": "DA",
            "rule": "CON-2.congress-overdue",
            "reason": "试点",
            "approved_by": "院团委",
            "approved_on": "2026-01-10",
        }
    ],
)


def test_an_import_within_the_department_still_works(school: dict[str, Any]) -> None:
    result = import_tables(IN_SCOPE, actor=school["admin"], within="DA")
    assert result.counts["organisations"].created == 1
    assert result.counts["people"].as_dict() == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
    }
    assert result.counts["delegates"].created == 2
    assert Person.objects.get(ident="PA").name == "甲同学改"
    assert Meeting.objects.get(code="DAC").session == 2
    event = AuditEvent.objects.get(action="snapshot.import")
    assert (event.actor_label, event.organisation, event.role) == (
        "da-admin",
        "DA",
        RoleKind.UNION_ADMIN,
    )
    # Without a page: the subtrees of the actor's roles.
    again = import_tables(IN_SCOPE, actor=school["admin"])
    assert again.created == again.updated == 0


def test_the_web_page_imports_within_the_department(client, school) -> None:  # type: ignore[no-untyped-def]
    client.force_login(school["admin"])
    assert post(client, IN_SCOPE).status_code == 200
    response = post(client, IN_SCOPE, reviewed=True)
    assert response.status_code == 200
    assert "s.json was imported." in response.content.decode()
    assert Organisation.objects.get(code="K1").path == "/SCH/SU/DA/K1/"


def test_the_departments_own_export_reimports_unchanged(school: dict[str, Any]) -> None:
    """PX has a seat outside DA and is exported with it; unchanged rows pass."""
    exported = json.loads(json.dumps(export_tables("DA"), default=str))
    assert "PX" in {p["id"] for p in exported["people"]}
    result = import_tables(exported, actor=school["admin"], within="DA")
    assert result.created == result.updated == 0
    assert result.unchanged > 0


def test_a_scoped_import_makes_a_bounded_number_of_queries(
    school: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    people = [
        {"id": f"Q{i:04d}", "name": f"同学{i}", "department": "DA"} for i in range(300)
    ]
    seats = [{"meeting": "DAC", "person": p["id"]} for p in people]
    # The import's own queries; storing its audit (#15) is bounded on its own
    # (tests/integration/test_stored_findings.py).
    with django_assert_max_num_queries(40):
        import_tables(
            doc(people=people, delegates=seats),
            actor=school["admin"],
            store_findings=False,
        )
    for row in people:
        row["grade"] = 2024
    with django_assert_max_num_queries(40):
        result = import_tables(
            doc(people=people, delegates=seats),
            actor=school["admin"],
            store_findings=False,
        )
    assert result.counts["people"].updated == 300


def _election(code: str, org: str, meeting: str = "", **extra: str) -> dict[str, Any]:
    return {
        "code": code,
        "organisation": org,
        "meeting": meeting,
        "post": "president",
        "status": "effective",
        **extra,
    }


def test_an_import_records_elections_of_its_own_department(
    school: dict[str, Any],
) -> None:
    result = import_tables(
        doc(elections=[_election("E-DA", "DA", "DAC")]),
        actor=school["admin"],
        within="DA",
    )
    assert result.counts["elections"].created == 1
    assert RecordedElection.objects.get(code="E-DA").organisation.code == "DA"


@pytest.mark.parametrize(
    ("stored", "row", "place"),
    [
        # A new election of another department, or of the school union.
        pytest.param(None, _election("E-X", "DB"), ("elections", 1, "organisation")),
        pytest.param(None, _election("E-X", "SU"), ("elections", 1, "organisation")),
        # Held by another department's congress.
        pytest.param(
            None, _election("E-X", "DA", "DBC"), ("elections", 1, "meeting"), id="body"
        ),
        # Another department's recorded election, changed or moved into DA.
        pytest.param(
            "DB", _election("E-X", "DB", status="void"), ("elections", 1, "code")
        ),
        pytest.param("DB", _election("E-X", "DA"), ("elections", 1, "code"), id="move"),
    ],
)
def test_an_election_outside_the_scope_is_refused(
    school: dict[str, Any],
    stored: str | None,
    row: dict[str, Any],
    place: tuple[str, int, str],
) -> None:
    if stored is not None:
        RecordedElection.objects.create(
            code="E-X",
            organisation=school[stored.lower()],
            post="president",
            status="effective",
        )
    before = list(RecordedElection.objects.values_list())
    for within in ("DA", None):
        with pytest.raises(SnapshotInvalid) as exc:
            import_tables(doc(elections=[row]), actor=school["admin"], within=within)
        assert where(exc) == {place}
    assert list(RecordedElection.objects.values_list()) == before
    # The operator's command has no limit of scope.
    import_tables(doc(elections=[row]), actor=None)
    assert (
        RecordedElection.objects.get(code="E-X").organisation.code
        == row["organisation"]
    )


def test_an_election_run_in_tongxue_elsewhere_is_refused_in_scope_terms(
    school: dict[str, Any],
) -> None:
    ElectionFactory(code="E-RUN", organisation=school["db"], meeting=None)
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables(
            doc(elections=[_election("E-RUN", "DA")]),
            actor=school["admin"],
            within="DA",
        )
    assert where(exc) == {("elections", 1, "code")}
    assert not RecordedElection.objects.exists()
