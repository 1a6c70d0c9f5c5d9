"""Justifications never fail silently: unknown ids are refused everywhere, naming the
valid ones; a justification covers one occurrence until its last day (D requirements).

ORG-4 · GS-9, CQ-4 is the example: ``build_school_with_deviation`` gives the department
SDEPT three deputies (two allowed), the deviation ``ORG-4.department-deputies``.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from tests.django_plugin import build_school_with_deviation
from tests.factories import (
    A_YEAR_AHEAD,
    JustificationFactory,
    OrganisationFactory,
    PositionFactory,
)
from tests.integration.test_congress_delegates import five_delegates
from tongxue.cli import main
from tongxue.compliance.models import Justification
from tongxue.compliance.selectors import audit_organisation
from tongxue.compliance.services import record_justification
from tongxue.congresses import services as congresses
from tongxue.congresses.models import MeetingStatus
from tongxue.domain.findings import Refusal
from tongxue.organisations.models import OrgKind, Role
from tongxue.snapshots.services import SnapshotInvalid, import_tables

pytestmark = pytest.mark.django_db

RULE = "ORG-4.department-deputies"
#: What a functional department may justify: ORG-4's deputies and ORG-15's layers.
DEPARTMENT_RULES = f"{RULE}, ORG-15.department-layers"
TYPO = "ORG-6.core-members-share"  # the documentation's old example: not a rule id
HTMX = {"HTTP_HX_REQUEST": "true"}
SAMPLE = Path(__file__).parent.parent / "data" / "sample.json"


def form(rule: str = RULE, **extra: str) -> dict[str, str]:
    return {
        "rule": rule,
        "reason": "两部门合并，过渡一学期",
        "approved_by": "校团委",
        "approved_on": "2026-01-10",
        "valid_until": A_YEAR_AHEAD,
        **extra,
    }


def finding(code: str, as_of: dt.date | None = None, rule: str = RULE):  # type: ignore[no-untyped-def]
    report = audit_organisation(code=code, as_of=as_of)
    return next(f for f in report.findings if f.rule == rule and f.organisation == code)


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI closes every connection when it ends; keep the test's open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


# ------------------------------------------------------------- unknown ids refused


def test_the_web_form_refuses_an_unknown_id_naming_the_valid_ones(client):
    school = build_school_with_deviation()
    client.force_login(school.admin)
    url = reverse("compliance:justify", args=["SDEPT"])
    page = client.post(url, form(TYPO))
    assert page.status_code == 400
    text = page.content.decode()
    assert TYPO in text and RULE in text  # the one id valid at a functional department
    partial = client.post(url, form(TYPO), **HTMX)
    assert TYPO in partial.content.decode() and RULE in partial.content.decode()
    assert not Justification.objects.exists()


def test_the_web_form_refuses_a_must_rule(client):
    school = build_school_with_deviation()
    client.force_login(school.admin)
    url = reverse("compliance:justify", args=["SSU"])
    page = client.post(url, form("ORG-2.vice-presidents-min"))
    assert page.status_code == 400
    assert "ORG-6.core-members" in page.content.decode()  # valid at a school union
    assert not Justification.objects.exists()


def test_the_api_refuses_an_unknown_id_naming_the_valid_ones(client):
    school = build_school_with_deviation()
    client.force_login(school.admin)
    response = client.post(
        "/api/organisations/SDEPT/justifications",
        data=json.dumps(form(TYPO)),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_rule" and body["field"] == "rule"
    assert body["params"]["valid_label"] == DEPARTMENT_RULES
    assert DEPARTMENT_RULES in body["message"]


def test_the_service_refuses_an_id_not_reported_at_the_kind():
    school = build_school_with_deviation()
    with pytest.raises(Refusal) as exc:
        record_justification(
            actor=school.admin,
            organisation=school.union,
            rule=RULE,
            reason="r",
            approved_by="a",
            approved_on=dt.date(2026, 1, 10),
        )
    assert exc.value.code == "not_justifiable"
    assert "ORG-6.core-members" in exc.value.message.params["valid_label"]


def _sample_with(rule: str, tmp_path: Path) -> Path:
    doc = json.loads(SAMPLE.read_text("utf-8"))
    doc["justifications"][0]["rule"] = rule
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def test_the_import_command_refuses_an_unknown_id_naming_the_valid_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sample_with(TYPO, tmp_path)
    assert main(["import", str(path), "--language", "en"]) == 2
    err = capsys.readouterr().err
    assert "table justifications, row 1, field rule" in err
    assert TYPO in err and "ORG-6.core-members, " in err
    assert not Justification.objects.exists()
    # the audit of the file refuses it too, and the corrected file imports
    assert main(["audit", str(path), "--language", "en"]) == 2
    assert "ORG-6.core-members, " in capsys.readouterr().err
    fixed = _sample_with("ORG-6.core-members", tmp_path)
    assert main(["import", str(fixed), "--language", "en"]) == 0
    assert Justification.objects.get().rule == "ORG-6.core-members"


def test_an_import_checks_the_kind_of_a_stored_organisation():
    OrganisationFactory(code="DEP", kind=OrgKind.FUNCTIONAL_DEPARTMENT)
    row = {
        "organisation": "DEP",
        "rule": "ORG-6.core-members",
        "reason": "r",
        "approved_by": "a",
        "approved_on": "2026-01-10",
    }
    with pytest.raises(SnapshotInvalid) as exc:
        import_tables({"justifications": [row]})
    [error] = exc.value.errors
    assert (error.table, error.row, error.field) == ("justifications", 1, "rule")
    assert error.message.params["valid_label"] == DEPARTMENT_RULES
    import_tables({"justifications": [row | {"rule": RULE}]})
    stored = Justification.objects.get()
    # no last day and no evidence in the file: a year after approval, any occurrence
    assert (stored.valid_until, stored.evidence) == (dt.date(2027, 1, 10), None)


# ------------------------------------------------------------ one occurrence, expiry


def test_a_justification_covers_its_occurrence_and_not_a_changed_one(client):
    """Written for three deputies; a fourth brings the finding back with a note."""
    school = build_school_with_deviation()
    client.force_login(school.admin)
    url = reverse("compliance:justify", args=["SDEPT"])
    card = client.post(url, form(), **HTMX).content.decode()
    assert "justified-marker" in card and "justified-until" in card
    stored = Justification.objects.get()
    assert stored.evidence == {"deputies": 3, "limit": 2}
    assert stored.valid_until.isoformat() == A_YEAR_AHEAD
    assert finding("SDEPT").justified

    PositionFactory(
        organisation=school.department, role=Role.DEPARTMENT_DEPUTY, title="副部长"
    )
    now = finding("SDEPT")
    assert not now.justified and now.is_problem
    assert now.lapsed is not None and now.lapsed.params["now_evidence"] == {
        "deputies": 4
    }
    page = client.get(reverse("compliance:report", args=["SSU"])).content.decode()
    # The evidence by its labels, in the reader's language (#16): not "deputies = 3".
    assert "lapsed-justification" in page and "副部长人数：3" in page
    assert "deputies = 3" not in page
    api = client.get("/api/organisations/SSU/audit", {"language": "en"}).json()
    [org4] = [f for f in api["findings"] if f["rule"] == RULE]
    assert org4["justified"] is False
    assert "no longer applies" in org4["justification_lapsed"]


@pytest.mark.parametrize(("days", "covered"), [(0, True), (1, False)])
def test_a_justification_applies_up_to_its_last_day(days, covered):
    school = build_school_with_deviation()
    until = dt.date(2026, 6, 30)
    record_justification(
        actor=school.admin,
        organisation=school.department,
        rule=RULE,
        reason="r",
        approved_by="a",
        approved_on=dt.date(2026, 1, 10),
        valid_until=until,
    )
    day = until + dt.timedelta(days=days)
    found = finding("SDEPT", as_of=day)
    assert found.justified is covered
    assert (found.lapsed is None) is covered
    before = finding("SDEPT", as_of=day - dt.timedelta(days=1))
    assert before.justified


def test_the_page_shows_that_an_expired_justification_no_longer_applies(client):
    school = build_school_with_deviation()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    JustificationFactory(
        organisation=school.department,
        rule=RULE,
        approved_on=yesterday - dt.timedelta(days=100),
        valid_until=yesterday,
    )
    page = client.get(reverse("compliance:report", args=["SSU"])).content.decode()
    assert "lapsed-justification" in page and yesterday.isoformat() in page
    assert "justified-marker" not in page
    client.cookies.load({"django_language": "en"})
    english = client.get(reverse("compliance:report", args=["SSU"])).content.decode()
    assert "Justification no longer applies" in english


def test_nothing_to_justify_is_refused():
    school = build_school_with_deviation(deputies=2)
    with pytest.raises(Refusal) as exc:
        record_justification(
            actor=school.admin,
            organisation=school.department,
            rule=RULE,
            reason="r",
            approved_by="a",
            approved_on=dt.date(2026, 1, 10),
        )
    assert exc.value.code == "no_finding"
    assert not Justification.objects.exists()


@pytest.mark.parametrize(("days", "ok"), [(0, True), (-1, False)])
def test_the_last_day_is_not_before_the_approval(days, ok):
    school = build_school_with_deviation()
    approved = dt.date(2026, 1, 10)
    kwargs = {
        "actor": school.admin,
        "organisation": school.department,
        "rule": RULE,
        "reason": "r",
        "approved_by": "a",
        "approved_on": approved,
        "valid_until": approved + dt.timedelta(days=days),
    }
    if ok:
        record_justification(**kwargs)
    else:
        with pytest.raises(Refusal) as exc:
            record_justification(**kwargs)
        assert exc.value.field == "valid_until"
    assert Justification.objects.exists() is ok


# ----------------------------------------------- the delegate list's freeze (CON-5)


@pytest.mark.parametrize(("congress", "covered"), [("same", True), ("OTHER-C1", False)])
def test_a_freeze_accepts_only_a_justification_of_this_occurrence(congress, covered):
    u, m = five_delegates(core=3)
    evidence = {
        "congress": m.code if congress == "same" else congress,
        "delegates": 5,
        "core_delegates": 3,
    }
    JustificationFactory(
        organisation=u.union,
        rule=congresses.NON_CORE_RULE,
        approved_on=timezone.localdate(),
        valid_until=timezone.localdate(),
        evidence=evidence,
    )
    if covered:
        congresses.freeze_delegates(actor=u.admin, meeting=m)
    else:
        with pytest.raises(Refusal):
            congresses.freeze_delegates(actor=u.admin, meeting=m)
    m.refresh_from_db()
    expected = (
        MeetingStatus.DELEGATES_ELECTED if covered else MeetingStatus.SEATS_ALLOCATED
    )
    assert m.status == expected


def test_a_freeze_records_the_occurrence_it_justifies():
    u, m = five_delegates(core=3)
    congresses.freeze_delegates(
        actor=u.admin,
        meeting=m,
        reason="新成立院系，骨干兼任代表",
        approved_by="校团委",
        approved_on=timezone.localdate(),
    )
    j = Justification.objects.get(organisation=u.union)
    assert j.evidence == {"congress": m.code, "delegates": 5, "core_delegates": 3}


# ------------------------------------------------------------------- the migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_old_justifications_a_year_and_any_occurrence(request):
    from django.db.migrations.executor import MigrationExecutor

    def latest() -> None:
        """Every table back for the tests after this one (the stored audit's too)."""
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    request.addfinalizer(latest)
    before = [("compliance", "0001_initial")]
    after = [("compliance", "0003_justifications_always_have_a_last_day")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Old = apps.get_model("compliance", "Justification")
    Org = apps.get_model("organisations", "Organisation")
    one = Org.objects.create(code="U1", name="一", kind="school_union", path="/U1/")
    two = Org.objects.create(code="U2", name="二", kind="school_union", path="/U2/")
    for org, rule, approved in (
        (one, TYPO, dt.date(2024, 2, 29)),
        (two, TYPO, dt.date(2025, 3, 1)),
        (two, "ORG-6.core-members", dt.date(2025, 3, 1)),
    ):
        Old.objects.create(
            organisation=org,
            rule=rule,
            reason="r",
            approved_by="a",
            approved_on=approved,
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    rows = sorted(
        Justification.objects.values_list(
            "organisation__code", "rule", "valid_until", "evidence"
        )
    )
    assert rows == [
        # the documentation's example moves to the rule it meant …
        ("U1", "ORG-6.core-members", dt.date(2025, 2, 28), None),
        # … unless that one is recorded too
        ("U2", "ORG-6.core-members", dt.date(2026, 3, 1), None),
        ("U2", TYPO, dt.date(2026, 3, 1), None),
    ]


def test_an_old_snapshot_row_keeps_working_when_exported_again():
    """Exported with its last day and evidence, a justification re-imports unchanged."""
    school = build_school_with_deviation()
    record_justification(
        actor=school.admin,
        organisation=school.department,
        rule=RULE,
        reason="r",
        approved_by="a",
        approved_on=dt.date(2026, 1, 10),
    )
    from tongxue.snapshots.selectors import export_json

    doc = json.loads(export_json("SCH"))
    [row] = doc["justifications"]
    assert row["valid_until"] == "2027-01-10"
    assert row["evidence"] == {"deputies": 3, "limit": 2}
    result = import_tables(copy.deepcopy(doc))
    assert result.counts["justifications"].as_dict()["unchanged"] == 1
    # a workbook carries the evidence as JSON text in its cell
    from openpyxl import load_workbook

    from tongxue.snapshots.selectors import export_xlsx
    from tongxue.snapshots.services import import_file

    data = export_xlsx("SCH")
    sheet = load_workbook(io.BytesIO(data))["justifications"]
    header = [c.value for c in sheet[1]]
    cell = sheet[2][header.index("evidence")].value
    assert json.loads(cell) == {"deputies": 3, "limit": 2}
    result = import_file(io.BytesIO(data), filename="x.xlsx")
    assert result.counts["justifications"].as_dict()["unchanged"] == 1


def test_a_stored_justification_naming_no_rule_is_shown_and_can_be_withdrawn(client):
    """One recorded before ids were checked does not stay silent on the page."""
    school = build_school_with_deviation()
    JustificationFactory(organisation=school.department, rule="ORG-4.deputies")
    client.force_login(school.admin)
    page = client.get(reverse("compliance:report", args=["SCH"])).content.decode()
    assert 'id="misnamed-justifications"' in page
    assert 'data-rule="ORG-4.deputies"' in page and RULE in page
    assert not finding("SDEPT").justified
    client.post(
        reverse("compliance:withdraw", args=["SDEPT"]), {"rule": "ORG-4.deputies"}
    )
    assert not Justification.objects.exists()
    page = client.get(reverse("compliance:report", args=["SCH"])).content.decode()
    assert "misnamed-justifications" not in page
