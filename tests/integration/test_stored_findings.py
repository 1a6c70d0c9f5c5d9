"""The stored audit (#15): what is stored equals a fresh audit, and the compliance
page, the API and ``tongxue audit --stored`` read it — paginated, filtered, counted in
one aggregate query, "as of" when it was computed — in a bounded number of queries.

docs/audit.md, "Stored findings".
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import Counter
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.django_plugin import build_school_with_deviation
from tests.domain.test_planted import AS_OF as PLANTED_AS_OF
from tests.domain.test_planted import FILES, ROOTS
from tests.factories import (
    A_YEAR_AHEAD,
    OrganisationFactory,
    PositionFactory,
    RoleFactory,
    UserFactory,
)
from tests.factories_federation import build_federation
from tongxue.cli import main
from tongxue.compliance import selectors
from tongxue.compliance.models import AuditRun, StoredCoverage, StoredFinding
from tongxue.compliance.selectors import audit_organisation, stored_report
from tongxue.compliance.services import store_audit
from tongxue.compliance.store import audit_root_of, current_rule_version
from tongxue.domain.audit import audit
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.justifications import plain
from tongxue.domain.stored import finding_from_data
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Organisation, OrgKind, Role
from tongxue.snapshots.services import import_file

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
#: The page says it computed the audit now (the subtree is not completely stored).
COMPUTED_NOW = 'data-stored="false"'
RULE = "ORG-4.department-deputies"


def key(f: Finding) -> tuple[Any, ...]:
    """What must be equal between stored and fresh: where, which rule, how serious,
    whether justified, and the evidence."""
    evidence = json.dumps(plain(f.evidence), sort_keys=True, ensure_ascii=False)
    return (f.organisation, f.rule, f.severity.value, f.justified, evidence)


def keys(findings: Any) -> Counter[tuple[Any, ...]]:
    return Counter(key(f) for f in findings)


def stored_keys(root_path: str = "/") -> Counter[tuple[Any, ...]]:
    return keys(
        finding_from_data(d)
        for d in StoredFinding.objects.filter(
            org_path__startswith=root_path
        ).values_list("data", flat=True)
    )


def assistants(union: Organisation, n: int) -> None:
    """``n`` assistant posts at ``union``: ``n`` ORG-5 violations (GS-9, CQ-4)."""
    for _ in range(n):
        PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")


def federation(assistants_at_v1: int = 1) -> Organisation:
    """The federation FED (cities FC1, FC2; four schools), an assistant post at two
    unions (FC1's FS-V1-U, FC2's FS-M1-U)."""
    fed, _meeting = build_federation()
    assistants(Organisation.objects.get(code="FS-V1-U"), assistants_at_v1)
    assistants(Organisation.objects.get(code="FS-M1-U"), 1)
    return fed


def page(client: Any, code: str, **params: Any) -> str:
    response = client.get(reverse("compliance:report", args=[code]), params)
    assert response.status_code == 200
    return str(response.content.decode())


def shown_rules(html: str) -> list[tuple[str, str]]:
    """(organisation, rule) of every finding card on a page, in order."""
    return re.findall(r'id="finding-([A-Za-z0-9_-]+?)--([A-Za-z0-9_-]+)"', html)


# -- stored equals fresh ------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(FILES))
def test_stored_equals_fresh_on_the_planted_provinces(profile: str) -> None:
    """Every rule, both sides of every threshold (tests/data/planted): stored after
    ``store_audit`` equals the audit computed now, organisation by organisation."""
    import_file(FILES[profile])
    for root in ROOTS:
        store_audit(root=root, as_of=PLANTED_AS_OF)
        fresh = audit_organisation(code=root, as_of=PLANTED_AS_OF)
        path = Organisation.objects.get(code=root).path
        assert len(fresh.findings) > 0 or root == "FED1-BAD"  # FED-1 is Gansu's
        assert stored_keys(path) == keys(fresh.findings)
        # The columns the page filters by agree with the finding they store.
        for row in StoredFinding.objects.filter(org_path__startswith=path):
            f = finding_from_data(row.data)
            assert (row.rule, row.requirement, row.severity, row.justified) == (
                f.rule,
                f.requirement,
                f.severity.value,
                f.justified,
            )
            assert row.org_path == row.organisation.path
        stored = selectors.stored_audit_report(root)
        assert stored is not None
        assert stored.findings == fresh.findings  # the same order too
        assert stored.coverage == fresh.coverage
        assert stored.organisations_audited == fresh.organisations_audited
        assert stored.as_of == PLANTED_AS_OF


def test_one_pass_over_everything_equals_each_root_audited_alone() -> None:
    import_file(FILES["gansu-2017"])
    store_audit(root=None, as_of=PLANTED_AS_OF)
    fresh = Counter[tuple[Any, ...]]()
    for root in ROOTS:
        fresh += keys(audit_organisation(code=root, as_of=PLANTED_AS_OF).findings)
    assert stored_keys() == fresh
    assert StoredCoverage.objects.count() == Organisation.objects.count()


def test_one_organisation_re_audited_alone_equals_the_full_pass() -> None:
    """``store_organisation`` loads the school an organisation is in (or the
    organisation itself): its findings there are the full pass's, for every
    organisation of the planted province."""
    import_file(FILES["gansu-2017"])
    full = audit(load_registry(None), as_of=PLANTED_AS_OF)
    by_root: dict[str, set[str]] = {}
    for code in Organisation.objects.values_list("code", flat=True):
        by_root.setdefault(audit_root_of(code), set()).add(code)
    assert len(by_root) < Organisation.objects.count()  # schools hold many
    for root, codes in by_root.items():
        alone = audit(load_registry(root), as_of=PLANTED_AS_OF, scope=codes)
        assert keys(alone.findings) == keys(
            f for f in full.findings if f.organisation in codes
        ), root


def test_the_store_replaces_exactly_its_scope() -> None:
    fed = federation()
    first = store_audit(root=None)
    assert first.kind == AuditRun.Kind.FULL and first.root == ""
    assert first.rule_version == current_rule_version()
    assert first.organisations == Organisation.objects.count()
    assert first.findings == StoredFinding.objects.count() > 0
    other = dict(
        StoredFinding.objects.exclude(organisation__code="FS-V1-U").values_list(
            "pk", "computed_at"
        )
    )
    # A second assistant post at FS-V1-U, re-audited alone.
    assistants(Organisation.objects.get(code="FS-V1-U"), 1)
    run = store_audit(
        root=audit_root_of("FS-V1-U"),
        scope={"FS-V1-U"},
        kind=AuditRun.Kind.INCREMENTAL,
    )
    assert (run.root, run.organisations) == ("FS-V1", 1)
    assert (
        StoredFinding.objects.filter(
            organisation__code="FS-V1-U", rule="ORG-5.assistant-title"
        ).count()
        == 2
    )
    # Everything else untouched: same rows, same times.
    assert (
        dict(
            StoredFinding.objects.exclude(organisation__code="FS-V1-U").values_list(
                "pk", "computed_at"
            )
        )
        == other
    )
    assert stored_keys() == keys(audit_organisation(code=fed.code).findings)
    # The city of each stored finding is the city federation above it.
    cities = dict(
        StoredFinding.objects.filter(rule="ORG-5.assistant-title").values_list(
            "organisation__code", "city"
        )
    )
    assert cities == {"FS-V1-U": "FC1", "FS-M1-U": "FC2"}


def test_an_unknown_root_is_refused() -> None:
    with pytest.raises(Organisation.DoesNotExist):
        store_audit(root="NOPE")


# -- who stores ----------------------------------------------------------------------------


def test_an_import_stores_the_audit_of_its_subtree() -> None:
    result = import_file(FILES["gansu-2017"])
    assert not result.dry_run
    for root in ROOTS:
        path = Organisation.objects.get(code=root).path
        status = selectors.stored_status(path)
        assert status.complete and status.oldest is not None
        assert status.rule_versions == (current_rule_version(),)
        assert status.as_of == timezone.localdate()
        assert stored_keys(path) == keys(audit_organisation(code=root).findings)


def test_a_dry_run_stores_nothing() -> None:
    from tongxue.snapshots.services import import_tables

    import_tables(json.loads(FILES["gansu-2017"].read_text()), dry_run=True)
    assert not AuditRun.objects.exists() and not StoredFinding.objects.exists()


def test_the_demo_stores_its_audit_and_stored_equals_fresh(settings: Any) -> None:
    """One (slow) test: ``tongxue demo`` stores the audit once, after every feature's
    data (the import itself stores nothing then), and it equals a fresh audit."""
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo", "--scale", "school", stdout=out, stderr=io.StringIO())
    assert list(AuditRun.objects.values_list("kind", "root")) == [("full", "")]
    run = AuditRun.objects.get()
    assert f"{run.findings:,}" in out.getvalue() and run.findings > 0
    assert StoredCoverage.objects.count() == Organisation.objects.count()
    roots = Organisation.objects.filter(parent=None).values_list("code", flat=True)
    fresh = Counter[tuple[Any, ...]]()
    for root in roots:
        fresh += keys(audit_organisation(code=root).findings)
    assert sum(fresh.values()) > 0
    assert stored_keys() == fresh


def test_the_command_stores_everything_or_a_subtree() -> None:
    federation()
    out = io.StringIO()
    call_command("store_findings", stdout=out)
    assert current_rule_version() in out.getvalue()
    assert StoredCoverage.objects.count() == Organisation.objects.count()
    call_command("store_findings", "FC2", stdout=io.StringIO())
    assert AuditRun.objects.first().root == "FC2"  # type: ignore[union-attr]


# -- the page ------------------------------------------------------------------------------


def test_the_page_reads_the_stored_audit_and_says_as_of_when(client: Any) -> None:
    federation()
    store_audit(root=None)
    html = page(client, "FED")
    assert 'data-stored="true"' in html and current_rule_version() in html
    assert COMPUTED_NOW not in html
    assert ("FS-V1-U", "ORG-5-assistant-title") in shown_rules(html)
    # A write the store has not seen yet is not on the page: it reads what is stored.
    assistants(Organisation.objects.get(code="FS-M2-U"), 1)
    assert ("FS-M2-U", "ORG-5-assistant-title") not in shown_rules(page(client, "FED"))
    store_audit(root=None)
    assert ("FS-M2-U", "ORG-5-assistant-title") in shown_rules(page(client, "FED"))


def test_a_subtree_not_stored_is_computed_now_and_says_so(client: Any) -> None:
    federation()
    html = page(client, "FED")
    assert COMPUTED_NOW in html
    assert ("FS-V1-U", "ORG-5-assistant-title") in shown_rules(html)
    # One organisation stored is not the subtree stored.
    store_audit(root="FS-V1")
    assert COMPUTED_NOW in page(client, "FED")
    assert COMPUTED_NOW not in page(client, "FS-V1")


def test_counts_come_from_the_whole_subtree_whatever_the_filters(client: Any) -> None:
    federation()
    store_audit(root=None)
    fresh = audit_organisation(code="FED")
    want = selectors.severity_counts(fresh)
    report = stored_report("FED", severity="deviation")
    assert report.counts == want
    assert report.failing == len(selectors.failing(fresh.findings))
    assert report.matching == want["deviation"]
    html = page(client, "FED", severity="violation")
    for severity, n in want.items():
        assert re.search(
            rf'badge-{severity}">[^<]*</span><strong>{n}</strong>', html
        ), severity


@pytest.mark.parametrize(
    ("params", "kept", "dropped"),
    [
        ({"severity": "violation"}, "FS-V1-U", None),
        ({"requirement": "ORG-5"}, "FS-V1-U", None),
        ({"requirement": "ORG-2"}, None, "FS-V1-U"),
        ({"organisation": "FS-M1-U"}, "FS-M1-U", "FS-V1-U"),
        ({"city": "FC1"}, "FS-V1-U", "FS-M1-U"),
        ({"city": "FC2"}, "FS-M1-U", "FS-V1-U"),
    ],
)
def test_filters_keep_what_matches_and_drop_the_rest(
    client: Any, params: dict[str, str], kept: str | None, dropped: str | None
) -> None:
    federation()
    store_audit(root=None)
    for stored in (True, False):
        if not stored:
            StoredCoverage.objects.filter(organisation__code="FS-M2").delete()
            cache.clear()  # deleted behind the stores' back: the kept page is stale
        html = page(client, "FED", **params)
        assert (COMPUTED_NOW in html) is not stored
        shown = shown_rules(html)
        assert shown, params
        orgs = {o for o, _r in shown}
        if kept:
            assert (kept, "ORG-5-assistant-title") in shown
        if dropped:
            assert dropped not in orgs
        if "requirement" in params:
            assert {r.split("-")[0] + "-" + r.split("-")[1] for _o, r in shown} == {
                params["requirement"]
            }


def test_the_city_filter_lists_the_province_s_cities(client: Any) -> None:
    federation()
    store_audit(root=None)
    html = page(client, "FED")
    assert '<option value="FC1">' in html and '<option value="FC2">' in html
    assert '<option value="FC1">' not in page(client, "FS-V1-U")


def test_fifty_findings_a_page_in_the_audit_s_order(client: Any) -> None:
    federation(assistants_at_v1=59)  # 59 + 1 ORG-5 findings, and the others
    store_audit(root=None)
    fresh = [
        (f.organisation, f.rule.replace(".", "-"))
        for f in audit_organisation(code="FED").findings
    ]
    pages = (len(fresh) - 1) // 50 + 1
    assert pages >= 2
    shown = [shown_rules(page(client, "FED", page=n)) for n in range(1, pages + 1)]
    assert [len(p) for p in shown[:-1]] == [50] * (pages - 1)
    # Page after page, the audit's order: severity, organisation, rule.
    assert [f for p in shown for f in p] == fresh
    # Past the end: the last page.
    assert shown_rules(page(client, "FED", page=99)) == shown[-1]
    assert shown_rules(page(client, "FED", page="x")) == shown[0]
    # Filtered, the pages hold what matches, and the pager keeps the filter.
    assert len(shown_rules(page(client, "FED", requirement="ORG-5"))) == 50
    html = page(client, "FED", requirement="ORG-5", page=2)
    assert len(shown_rules(html)) == 10
    assert "requirement=ORG-5&amp;page=1" in html
    count = re.search(r'id="findings-count">([^<]*)<', html)
    assert count is not None and "60" in count[1] and "51–60" in count[1]


def test_a_justification_updates_the_stored_row_and_the_counts(client: Any) -> None:
    school = build_school_with_deviation()
    store_audit(root=None)
    client.force_login(school.admin)
    before = stored_report("SCH")
    row = StoredFinding.objects.get(organisation__code="SDEPT", rule=RULE)
    assert row.justified is False
    data = {
        "rule": RULE,
        "reason": "新生扩招，过渡一学期",
        "approved_by": "校团委",
        "approved_on": "2026-01-10",
        "valid_until": A_YEAR_AHEAD,
        "within": "SCH",
    }
    response = client.post(reverse("compliance:justify", args=["SDEPT"]), data, **HTMX)
    html = response.content.decode()
    assert "justified-marker" in html
    row = StoredFinding.objects.get(organisation__code="SDEPT", rule=RULE)
    assert row.justified is True and finding_from_data(row.data).justified
    after = stored_report("SCH")
    assert after.failing == before.failing - 1
    # The page's counts and verdict come with the answer (htmx, out of band).
    assert 'id="verdict" class="card" hx-swap-oob="true"' in html
    assert 'id="summary" hx-swap-oob="true"' in html
    assert AuditRun.objects.first().kind == AuditRun.Kind.INCREMENTAL  # type: ignore[union-attr]
    # Withdrawn: needs action again, at once.
    response = client.post(
        reverse("compliance:withdraw", args=["SDEPT"]),
        {"rule": RULE, "within": "SCH"},
        **HTMX,
    )
    assert "justify-form" in response.content.decode()
    assert not StoredFinding.objects.get(
        organisation__code="SDEPT", rule=RULE
    ).justified
    assert stored_report("SCH").failing == before.failing


def test_counts_out_of_band_before_the_page_is_stored(client: Any) -> None:
    """Not stored yet: the page computes its audit, and so does the answer to a
    justification; its counts and verdict (out of band) are the fresh audit's, the
    deviation no longer among those needing action (#16)."""
    school = build_school_with_deviation()
    client.force_login(school.admin)
    failing_before = len(selectors.failing(audit_organisation(code="SCH").findings))
    data = {
        "rule": RULE,
        "reason": "r",
        "approved_by": "a",
        "approved_on": "2026-01-10",
        "valid_until": A_YEAR_AHEAD,
        "within": "SCH",  # not stored: the page computes
    }
    html = client.post(
        reverse("compliance:justify", args=["SDEPT"]), data, **HTMX
    ).content.decode()
    assert "justified-marker" in html
    assert 'id="summary" hx-swap-oob="true"' in html
    assert 'id="verdict" class="card" hx-swap-oob="true"' in html
    failing_after = len(selectors.failing(audit_organisation(code="SCH").findings))
    assert failing_after == failing_before - 1
    # A "within" that is not above the organisation is ignored.
    other = OrganisationFactory(code="ELSE", kind=OrgKind.SCHOOL)
    store_audit(root=None)
    assert other.pk
    html = client.post(
        reverse("compliance:withdraw", args=["SDEPT"]),
        {"rule": RULE, "within": "ELSE"},
        **HTMX,
    ).content.decode()
    assert "hx-swap-oob" not in html


def _signed_in(client: Any) -> None:
    user = UserFactory(username="fed-admin")
    RoleFactory(user=user, organisation=Organisation.objects.get(code="FED"))
    client.force_login(user)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_page_runs_at_most_15_queries_at_any_size(
    client: Any, django_assert_max_num_queries: Any, signed_in: bool
) -> None:
    federation()
    store_audit(root=None)
    if signed_in:
        _signed_in(client)
    url = reverse("compliance:report", args=["FED"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"city": "FC1"}).status_code == 200
    assert len(small) <= 15
    # Ten times the schools, each with findings, on the next page too.
    for i in range(40):
        school = OrganisationFactory(
            code=f"GS{i}",
            kind=OrgKind.SCHOOL,
            parent=Organisation.objects.get(code="FC1"),
        )
        union = OrganisationFactory(code=f"GS{i}-U", parent=school)
        assistants(union, 2)
    store_audit(root=None)
    assert StoredFinding.objects.count() > 100
    with django_assert_max_num_queries(len(small)):
        assert client.get(url, {"city": "FC1", "page": 2}).status_code == 200
    with django_assert_max_num_queries(len(small)):
        response = client.get(
            url,
            {"severity": "violation"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="findings",
        )
        assert "<html" not in response.content.decode()


# -- the API and the command line ------------------------------------------------------


def test_the_api_returns_the_stored_audit_with_when(client: Any) -> None:
    federation()
    fresh = client.get("/api/organisations/FED/audit", {"language": "en"}).json()
    assert fresh["stored_at"] is None
    store_audit(root=None)
    stored = client.get("/api/organisations/FED/audit", {"language": "en"}).json()
    assert stored["stored_at"] is not None
    assert stored["findings"] == fresh["findings"]
    assert (
        stored["summary"] == fresh["summary"]
        and stored["coverage"] == fresh["coverage"]
    )
    # A day asked for is computed for that day.
    day = client.get(
        "/api/organisations/FED/audit",
        {"language": "en", "as_of": timezone.localdate().isoformat()},
    ).json()
    assert day["stored_at"] is None


@pytest.fixture
def _keep_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.mark.usefixtures("_keep_connection")
def test_the_command_reads_the_stored_audit_with_stored(capsys: Any) -> None:
    federation()
    assert main(["audit", "FED", "--stored"]) == 2
    assert "store_findings" in capsys.readouterr().err
    store_audit(root=None)
    assert main(["audit", "FED", "--format", "json"]) == 1
    fresh = json.loads(capsys.readouterr().out)
    assert main(["audit", "FED", "--format", "json", "--stored"]) == 1
    stored = json.loads(capsys.readouterr().out)
    assert stored == fresh
    # Plain `tongxue audit` keeps computing: a write not yet stored shows there only.
    assistants(Organisation.objects.get(code="FS-M2-U"), 1)
    main(["audit", "FED", "--format", "json"])
    now = json.loads(capsys.readouterr().out)
    main(["audit", "FED", "--format", "json", "--stored"])
    assert json.loads(capsys.readouterr().out) == stored
    assert now["summary"]["violation"] == stored["summary"]["violation"] + 1
    # The text output too, and --stored takes no day or profile.
    assert main(["audit", "FED", "--stored"]) == 1
    assert "ORG-5.assistant-title" in capsys.readouterr().out
    assert main(["audit", "FED", "--stored", "--as-of", "2026-01-01"]) == 2
    assert main(["audit", "NOPE", "--stored"]) == 2


def test_as_of_is_the_oldest_stored_result(client: Any) -> None:
    federation()
    store_audit(root=None)
    old = timezone.now() - dt.timedelta(days=2)
    StoredCoverage.objects.filter(organisation__code="FS-M1").update(computed_at=old)
    report = stored_report("FED")
    assert report.as_of == old
    assert stored_report("FS-V1").as_of != old
    html = page(client, "FED")
    assert timezone.localtime(old).strftime("%Y-%m-%d %H:%M") in html
    assert Severity.VIOLATION.value in report.counts
