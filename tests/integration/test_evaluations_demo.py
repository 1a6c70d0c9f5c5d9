"""The evaluation demo: a closed semester with results (one failed), an open one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tests.factories_evaluations import build_union
from tongxue.demo import evaluations as demo
from tongxue.domain.audit import AuditContext
from tongxue.domain.rules.evaluation import semester_reports
from tongxue.evaluations.models import EvaluationPeriod, PeriodStatus, Result
from tongxue.organisations.mappers import load_registry

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_closed_and_an_open_semester_idempotently():
    u = build_union(prefix="LY", union_code="LYDX-XSH", delegates=9, students=10)
    as_of = dt.date(2026, 11, 20)
    # The demo positions started before the closed semester.
    summary = demo.seed(scale="school", as_of=as_of)
    assert "LYDX-XSH" in summary
    closed = EvaluationPeriod.objects.get(code=demo.CLOSED_CODE)
    current = EvaluationPeriod.objects.get(code=demo.OPEN_CODE)
    assert closed.status == PeriodStatus.CLOSED and current.status == PeriodStatus.OPEN
    results = Result.objects.filter(subject__period=closed)
    assert results.filter(failed=True).count() == 1
    assert results.filter(published=False).exists()
    assert not Result.objects.filter(subject__period=current).exists()
    found = list(semester_reports(AuditContext(load_registry(u.school.code), as_of)))
    assert len(found) == 1
    with override("en"):  # the summary is in the console's language (#16)
        assert (
            demo.seed(scale="school", as_of=as_of)
            == "evaluation periods already seeded"
        )


@pytest.mark.parametrize("as_of", [dt.date(2026, 11, 20), dt.date(2027, 6, 30)])
def test_the_demo_evaluation_satisfies_cad3_on_the_day_it_is_seeded(as_of):
    """CAD-3: the closed semester rated the cadres on the five dimensions and was
    published 150 days before as_of; the union itself has no CAD-3 finding."""
    from tongxue.compliance.selectors import audit_organisation

    u = build_union(prefix="LY", union_code="LYDX-XSH", delegates=9, students=10)
    demo.seed(scale="school", as_of=as_of)
    (closed,) = [
        e
        for e in load_registry(u.school.code).evaluations
        if e.code == demo.CLOSED_CODE
    ]
    assert closed.published and closed.cadres == 6 and closed.participants >= 5
    report = audit_organisation(code=u.union.code, as_of=as_of)
    assert [f.rule for f in report.findings if f.requirement == "CAD-3"] == []
