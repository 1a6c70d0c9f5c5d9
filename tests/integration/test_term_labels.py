"""A term is shown in words, never as its key (#18): one function
(:func:`tongxue.core.terms.term_label`, the ``term_label`` filter) on the projects'
participation table, the survey results' participation, the finance pages (the public
index, a term's page, the ledger's disclosures and the disclose form), the compliance
history and the relay's contacts; the key stays in URLs and data attributes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.compliance.history import TermCounts
from tongxue.core.models import RoleKind
from tongxue.core.terms import term_label
from tongxue.domain.terms import Term, term_of
from tongxue.finances.models import Disclosure, Ledger
from tongxue.organisations.models import Role
from tongxue.projects import services as projects
from tongxue.projects.models import CheckIn

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
KEY = re.compile(r">\s*\d{4}-(autumn|spring)\s*<")


def test_the_label_in_both_languages_and_a_key_that_is_no_term() -> None:
    with translation.override("zh-hans"):
        assert term_label("2026-autumn") == "2026年秋季学期"
        assert term_label(Term(2027, "spring")) == "2027年春季学期"
        assert TermCounts("2026-autumn", dt.date(2026, 9, 1)).label == "2026年秋季学期"
    with translation.override("en"):
        assert term_label("2026-autumn") == "2026 autumn term"
        assert term_label("2027-spring") == "2027 spring term"
    assert term_label("2026-summer") == "2026-summer"
    assert term_label("") == ""


def _union() -> tuple[object, object]:
    school = SchoolFactory(code="TLSCH", name="T大学")
    union = OrganisationFactory(code="TLSU", name="T大学学生会", parent=school)
    admin = UserFactory(username="tl-admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    return union, admin


def test_the_projects_participation_shows_the_term_in_words() -> None:
    union, admin = _union()
    owner = PersonFactory(name="吴部长")
    PositionFactory(
        organisation=union,
        person=owner,
        role=Role.VICE_PRESIDENT,
        title="副主席",
        start=TODAY - dt.timedelta(days=100),
    )
    p = projects.plan_project(
        actor=admin, union=union, title="读书月", owner=owner, start=TODAY
    )
    projects.start_project(actor=admin, project=p)
    e = projects.add_event(actor=admin, project=p, title="读书会", day=TODAY)
    CheckIn.objects.create(event=e, person=owner, checked_in_at=timezone.now())
    body = Client().get(reverse("projects:list", args=[union.code])).content.decode()
    term = term_of(TODAY)
    with translation.override("zh-hans"):
        label = term_label(term)
    assert f'data-term="{term.code}"' in body
    assert f'<td class="card-title">{label}</td>' in body
    assert not KEY.search(body)


def test_the_finance_pages_show_terms_in_words() -> None:
    union, _admin = _union()
    keeper = UserFactory(username="tl-treasurer")
    RoleFactory(user=keeper, organisation=union, role=RoleKind.TREASURER)
    term = term_of(TODAY)
    year = TODAY.year if TODAY.month >= 9 else TODAY.year - 1
    ledger = Ledger.objects.create(union=union, year=year)
    Disclosure.objects.create(
        union=union, term=term.code, disclosed_at=timezone.now(), disclosed_by=keeper
    )
    with translation.override("zh-hans"):
        label = term_label(term)
    c = Client()
    index = c.get(reverse("finances:public_index", args=[union.code])).content.decode()
    assert f">{label}</a>" in index and not KEY.search(index)
    page = c.get(
        reverse("finances:public", args=[union.code, term.code])
    ).content.decode()
    assert f"<h1>{label}财务公开</h1>" in page and not KEY.search(page)
    c.force_login(keeper)
    books = c.get(reverse("finances:ledger", args=[union.code])).content.decode()
    assert f">{label}</a>" in books  # the disclosures
    assert f'<option value="{term.code}">{label}</option>' in books  # the form
    assert not KEY.search(books)
    assert ledger.pk
