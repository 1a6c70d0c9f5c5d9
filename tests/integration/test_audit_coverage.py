"""Every report states its coverage, and every finding the plan's words and what to do.

The compliance page, ``tongxue audit`` (text and JSON) and the API's audit say which
requirements a rule checked, which could not be checked for missing data and which have
no rule yet; a report without findings no longer reads as full compliance. Each finding
shows the quoted clause (Chinese, as the plan words it) and the remedy of its rule.
``tongxue requirements --format md`` writes docs/requirements.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import PositionFactory
from tests.integration.test_audit_cli import clean_snapshot, run, write
from tests.integration.test_organisation_services import compliant_union
from tongxue.cli import main
from tongxue.compliance import report as rendering
from tongxue.compliance.selectors import audit_organisation
from tongxue.domain.audit import AuditReport, Coverage, all_rules
from tongxue.domain.catalogue_doc import render_markdown
from tongxue.domain.requirements import REQUIREMENTS, RULES
from tongxue.organisations.models import Role

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 1)
ROOT = Path(__file__).resolve().parents[2]
ASSISTANT_QUOTE = "不得设置主席助理、部长助理等岗位"


def _ruled() -> set[str]:
    return {s.requirement for s in all_rules()}


def _union_with_assistant():
    union = compliant_union(4)
    PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")
    return union


# -- the verdict --------------------------------------------------------------------------


def _report(checked, incomplete=(), no_rule=(), findings=()) -> AuditReport:
    return AuditReport(
        "gansu-2017",
        AS_OF,
        1,
        tuple(findings),
        Coverage(tuple(checked), tuple(incomplete), tuple(no_rule)),
    )


def test_a_clean_report_says_what_it_checked_not_that_it_complies() -> None:
    report = _report(["ORG-2", "ORG-4"], ["ORG-6"], ["RGT-1", "RGT-2", "RGT-3"])
    with translation.override("en"):
        text = rendering.verdict(report)
    assert text == (
        "No unjustified violation or deviation found in the 2 requirements checked; "
        "4 of the plan's 6 requirements are not checked (no rule yet, or data missing)."
    )
    assert "Compliant" not in text
    with translation.override("zh-hans"):
        zh = rendering.verdict(report)
    assert "2" in zh and "4" in zh and "6" in zh and "未检查" in zh


def test_only_full_coverage_says_every_requirement() -> None:
    with translation.override("en"):
        assert rendering.verdict(_report(["ORG-2", "ORG-4"])) == (
            "No unjustified violation or deviation found in any of the plan's 2 "
            "requirements."
        )
        # one unchecked requirement is enough to leave "any of" out
        assert "any of" not in rendering.verdict(_report(["ORG-2"], no_rule=["RGT-1"]))


# -- the page -----------------------------------------------------------------------------


def test_the_page_states_coverage_quotes_and_remedies(client) -> None:
    union = _union_with_assistant()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("compliance:report", args=[union.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="coverage"' in html
    report = response.context["report"]
    cov = report.coverage
    assert cov.total == len(REQUIREMENTS)
    assert response.context["coverage_summary"] == (
        f"{len(cov.checked)} of {cov.total} requirements checked; "
        f"{len(cov.incomplete)} could not be checked for missing data; "
        f"{len(cov.no_rule)} have no rule yet."
    )
    lists = {item["key"]: item for item in response.context["coverage"]}
    assert "ORG-2" in [r["id"] for r in lists["checked"]["requirements"]]
    no_rule = [r["id"] for r in lists["no_rule"]["requirements"]]
    assert "RGT-7" in no_rule and "ORG-2" not in no_rule
    assert 'data-requirement="RGT-7"' in html
    assert f"Not checked yet, no rule ({len(cov.no_rule)})" in html
    # The finding: the clause's words and what to do.
    assert ASSISTANT_QUOTE in html
    assert "What to do" in html
    assert "Abolish the assistant post" in html
    assert "Compliant: no unjustified violation or deviation." not in html


def test_the_page_in_chinese_shows_the_translated_remedy(client) -> None:
    union = _union_with_assistant()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = client.get(reverse("compliance:report", args=[union.code]))
    html = response.content.decode()
    assert "处理建议" in html and "撤销该助理岗位" in html
    assert "检查范围" in html


# -- tongxue audit ------------------------------------------------------------------------


def test_cli_text_states_coverage_and_shows_quote_and_remedy(tmp_path, capsys) -> None:
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
        capsys, write(tmp_path, snap), "--as-of", "2026-03-01", "--language", "en"
    )
    assert code == 1
    assert f"GS-9：「{ASSISTANT_QUOTE}」" in out
    assert "→ What to do: Abolish the assistant post" in out
    assert "Coverage: " in out
    line = next(
        x for x in out.splitlines() if x.startswith("  Not checked yet, no rule")
    )
    ids = line.split(": ", 1)[1].split(", ")
    assert "RGT-7" in ids and "ORG-2" not in ids
    assert set(ids) == set(REQUIREMENTS) - _ruled()
    assert "Compliant: no unjustified" not in out


def test_cli_json_carries_coverage_quotes_and_remedies(tmp_path, capsys) -> None:
    snap = clean_snapshot()
    snap["positions"][2]["title"] = "执行主席助理"
    _code, out, _err = run(
        capsys,
        write(tmp_path, snap),
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
        "--language",
        "en",
    )
    data = json.loads(out)
    cov = data["coverage"]
    assert set(cov) == {"checked", "incomplete", "no_rule", "counts", "statement"}
    assert set(cov["checked"]) | set(cov["incomplete"]) == _ruled()
    assert set(cov["no_rule"]) == set(REQUIREMENTS) - _ruled()
    assert cov["counts"] == {
        "checked": len(cov["checked"]),
        "incomplete": len(cov["incomplete"]),
        "no_rule": len(cov["no_rule"]),
        "total": len(REQUIREMENTS),
    }
    assert cov["statement"].endswith("have no rule yet.")
    assert data["verdict"].startswith("Not compliant")
    [finding] = [f for f in data["findings"] if f["rule"] == "ORG-5.assistant-title"]
    # machine keys beside the labels
    assert finding["severity"] == "violation"
    assert finding["severity_label"] == "Violation"
    assert finding["requirement"] == "ORG-5"
    assert finding["requirement_summary"].startswith("No assistant posts")
    assert finding["quotes"] == {"GS-9": ASSISTANT_QUOTE}
    assert finding["remedy"] == finding["remedies"]["en"]
    assert finding["remedy"].startswith("Abolish the assistant post")
    assert finding["remedies"]["zh-hans"].startswith("撤销该助理岗位")


def test_incomplete_data_is_listed_as_not_checkable(tmp_path, capsys) -> None:
    snap = clean_snapshot()
    for org in snap["organisations"]:
        org.pop("students_served", None)
    _code, out, _err = run(
        capsys, write(tmp_path, snap), "--as-of", "2026-03-01", "--format", "json"
    )
    data = json.loads(out)
    assert "ORG-6" in data["coverage"]["incomplete"]
    assert "ORG-6" not in data["coverage"]["checked"]


def test_the_api_audit_carries_coverage(client) -> None:
    union = _union_with_assistant()
    body = client.get(
        f"/api/organisations/{union.code}/audit",
        {"as_of": "2026-03-01", "language": "en"},
    ).json()
    assert set(body["coverage"]["no_rule"]) == set(REQUIREMENTS) - _ruled()
    finding = next(f for f in body["findings"] if f["rule"] == "ORG-5.assistant-title")
    assert finding["quotes"] == {"GS-9": ASSISTANT_QUOTE}
    assert finding["remedy"].startswith("Abolish")


def test_the_stored_audit_cites_its_plans_words_under_cqtgu() -> None:
    union = _union_with_assistant()
    report = audit_organisation(code=union.code, as_of=AS_OF, profile="cqtgu-2017")
    [finding] = [f for f in report.findings if f.rule == "ORG-5.assistant-title"]
    assert rendering.clause_quotes(finding) == {"CQ-4": ASSISTANT_QUOTE}


# -- tongxue requirements -----------------------------------------------------------------


def test_the_requirements_command_writes_the_committed_page(tmp_path, capsys) -> None:
    out = tmp_path / "requirements.md"
    assert main(["requirements", "--format", "md", "--output", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert written == render_markdown()
    assert written == (ROOT / "docs" / "requirements.md").read_text(encoding="utf-8")


def test_the_requirements_check_fails_on_a_stale_page(tmp_path, capsys) -> None:
    out = tmp_path / "requirements.md"
    out.write_text("# old\n", encoding="utf-8")
    args = ["requirements", "--format", "md", "--output", str(out), "--check"]
    assert main(args) == 1
    assert out.read_text(encoding="utf-8") == "# old\n"
    out.write_text(render_markdown(), encoding="utf-8")
    assert main(args) == 0


def test_the_requirements_json_has_every_requirement_and_rule(capsys) -> None:
    assert main(["requirements", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in data["requirements"]}
    assert set(by_id) == set(REQUIREMENTS)
    assert by_id["CON-11"]["obligation"] == "M / D"
    assert by_id["CON-11"]["parts"]["delegates"]["obligation"] == "D"
    assert by_id["ORG-5"]["quotes"]["GS-9"] == ASSISTANT_QUOTE
    assert by_id["ORG-5"]["remedy"]["zh-hans"].startswith("撤销该助理岗位")
    assert set(data["rules"]) == set(RULES)
