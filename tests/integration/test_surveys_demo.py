"""The demo of the students' evaluation of the union (TRN-2): last term's closed and
published, this term's open with answers; idempotent; the union's TRN-2 is clear."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import OrganisationFactory, SchoolFactory
from tests.factories_surveys import student
from tongxue.compliance.selectors import audit_organisation
from tongxue.demo import surveys as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import OrgKind
from tongxue.surveys import selectors
from tongxue.surveys.models import Participation, Survey, SurveyStatus

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_published_and_an_open_evaluation() -> None:
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(code=f"{SCHOOL_CODE}-XSH", parent=school)
    for d in range(2):
        dept = OrganisationFactory(
            code=f"{SCHOOL_CODE}-D{d}", kind=OrgKind.DEPARTMENT_UNION, parent=school
        )
        for i in range(40):
            student(f"DEMO{d}{i:03d}", dept, 2024 + i % 2)
    today = timezone.localdate()
    summary = demo.seed(scale="school", as_of=today)
    assert "/surveys/" in summary
    with translation.override("en"):
        assert demo.seed(scale="school", as_of=today) == "surveys already seeded"
    last = Survey.objects.get(organisation=union, code=demo.CLOSED_CODE)
    now = Survey.objects.get(organisation=union, code=demo.OPEN_CODE)
    assert last.status == SurveyStatus.CLOSED and last.published_at is not None
    assert last.closed_at < timezone.now() - dt.timedelta(days=100)
    assert now.status == SurveyStatus.OPEN and now.eligible_count == 80
    assert Participation.objects.filter(survey=now).count() == 80  # all answered
    view = selectors.results(last)
    assert view.shown and view.responses == 80 and len(view.departments) == 2
    report = audit_organisation(code=union.code, as_of=today)
    assert not [f for f in report.findings if f.requirement == "TRN-2"]
