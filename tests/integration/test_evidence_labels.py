"""Evidence is shown with readable labels (角色：副主席) beside the machine keys.

The labels live in the domain (:mod:`tongxue.domain.evidence`, message ids without
Django); the value labels must be the Django model choices' own labels.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tongxue.compliance import report as rendering
from tongxue.congresses import models as congress_models
from tongxue.domain import evidence as ev
from tongxue.domain import model as dm
from tongxue.domain.findings import Finding, Message, Severity
from tongxue.domain.rules import elections as election_rules
from tongxue.elections import models as election_models
from tongxue.organisations import models as org_models

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("domain", "django"),
    [
        (ev.ROLE_LABELS, org_models.Role),
        (ev.ORG_KIND_LABELS, org_models.OrgKind),
        (dm.SCHOOL_TYPE_LABELS, org_models.SchoolType),
        (dm.PERSON_KIND_LABELS, org_models.PersonKind),
        (ev.MEETING_KIND_LABELS, congress_models.MeetingKind),
        (dm.MEETING_STATUS_LABELS, congress_models.MeetingStatus),
        (ev.ELECTION_STATUS_LABELS, election_models.ElectionStatus),
        (election_rules.POST_LABELS, org_models.Role),
        (election_rules.KIND_LABELS, congress_models.MeetingKind),
        (election_rules.STATUS_LABELS, election_models.ElectionStatus),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_domain_value_labels_are_the_django_choices_labels(domain, django):
    with translation.override(None):  # the message ids themselves
        choices = {value: str(label) for value, label in django.choices}
    assert {str(k): v for k, v in domain.items()} == choices


def _cadre_finding() -> Finding:
    return Finding(
        rule="CAD-2.contact-missing",
        requirement="CAD-2",
        clauses=("GS-11",),
        severity=Severity.VIOLATION,
        organisation="U",
        message=Message("{org}", {"org": "U"}),
        evidence={
            "person": "P1",
            "name": "张三",
            "title": "副主席",
            "role": "vice_president",
            "count": 7,
        },
    )


def test_json_keeps_the_machine_evidence_and_adds_its_display():
    data = rendering.finding_to_dict(_cadre_finding(), language="zh-hans")
    assert data["evidence"] == {
        "person": "P1",
        "name": "张三",
        "title": "副主席",
        "role": "vice_president",
        "count": 7,
    }
    shown = {e["key"]: e for e in data["evidence_display"]}
    assert set(shown) == set(data["evidence"])
    assert shown["role"] == {
        "key": "role",
        "label": "职务类别",
        "value": "vice_president",
        "value_label": "副主席",
    }
    assert shown["count"] == {
        "key": "count",
        "label": "数量",
        "value": 7,
        "value_label": None,
    }
    english = rendering.finding_to_dict(_cadre_finding(), language="en")
    role = next(e for e in english["evidence_display"] if e["key"] == "role")
    assert (role["label"], role["value_label"]) == ("Role", "Vice-president")


def test_public_json_display_leaves_out_the_person_too():
    data = rendering.finding_to_dict(
        _cadre_finding(), language="zh-hans", private=False
    )
    keys = [e["key"] for e in data["evidence_display"]]
    assert "person" not in data["evidence"] and "person" not in keys
    assert "P1" not in str(data["evidence_display"])
    assert "role" in keys


def test_text_report_shows_labels_and_value_labels_in_each_language():
    zh = rendering.finding_to_text(_cadre_finding(), language="zh-hans")
    assert "职务类别：副主席" in zh and "数量：7" in zh
    assert "vice_president" not in zh
    en = rendering.finding_to_text(_cadre_finding(), language="en")
    assert "Role: Vice-president" in en and "Number: 7" in en


def test_compliance_page_shows_evidence_labels(client, school_with_deviation):
    with translation.override("zh-hans"):
        label = translation.gettext("Deputy heads")
    page = client.get(
        f"/org/{school_with_deviation.union.code}/compliance/",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert label != "Deputy heads"
    assert f'<span class="evidence-label">{label}</span>：3' in page
    assert "deputies = 3" not in page


def test_compliance_page_shows_a_role_by_its_label(client):
    from tests.factories import OrganisationFactory, PositionFactory, SchoolFactory

    union = OrganisationFactory(code="ROLE-SU", parent=SchoolFactory(code="ROLE"))
    PositionFactory(
        organisation=union,
        role=org_models.Role.VICE_PRESIDENT,
        title="副主席",
        public_contact="",
        start=dt.date(2025, 9, 1),
    )
    page = client.get("/org/ROLE-SU/compliance/").content.decode()
    assert '<span class="evidence-label">职务类别</span>：副主席' in page
    assert "vice_president</span>" not in page and "= vice_president" not in page


def test_a_list_of_codes_shows_each_label_joined_in_the_language():
    evidence = {"missing_types": "middle_school, general_university"}
    with translation.override("zh-hans"):
        [zh] = rendering.evidence_display(evidence)
    with translation.override("en"):
        [en] = rendering.evidence_display(evidence)
    assert zh["value_label"] == "中学、普通高校"
    assert en["value_label"] == "Middle school, General university"
    assert zh["value"] == en["value"] == "middle_school, general_university"
