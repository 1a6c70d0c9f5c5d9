"""RGT-1 and CAD-8 on a registry read from the database (#17).

RGT-1 · GS-10, GS-4, CQ-5: a school-level union has a channel for students' concerns
(an active category, or a concern ever raised), and at most ``concern_overdue_max_share``
(1/5) of its open concerns are past a deadline on the audit day. CAD-8 · GS-13, CQ-8: no
concern about a cadre unanswered past its answer deadline. The concerns' part of the
registry (``tongxue.voice.mappers``) reads counts by deadline in a fixed number of
queries; the rules judge them on the audit day, so an audit of any day reads the same
rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import OrganisationFactory, PersonFactory, SchoolFactory
from tongxue.compliance.selectors import audit_organisation
from tongxue.domain.audit import audit
from tongxue.domain.findings import Severity
from tongxue.organisations.mappers import Scope, load_registry, subtree_filter
from tongxue.organisations.models import OrgKind, SchoolType
from tongxue.voice import mappers
from tongxue.voice.models import Category, Concern, ConcernStatus, Visibility

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 18)  # a Wednesday
PAST = AS_OF - dt.timedelta(days=1)  # a deadline passed
LATER = AS_OF + dt.timedelta(days=5)
_numbers = itertools.count(1)


def school_union(code: str = "RSU") -> Any:
    school = SchoolFactory(code=f"{code}-S", name=f"{code}大学")
    return OrganisationFactory(
        code=code, name=f"{code}学生会", kind=OrgKind.SCHOOL_UNION, parent=school
    )


def category(union: Any, code: str = "food", **kw: Any) -> Category:
    return Category.objects.create(union=union, code=code, name=code, **kw)


def concern(
    union: Any,
    *,
    status: str = ConcernStatus.IN_HAND,
    acknowledged: bool = True,
    acknowledge_due: dt.date = LATER,
    answer_due: dt.date = LATER,
    cat: Category | None = None,
    about_person: Any = None,
) -> Concern:
    cat = cat or Category.objects.filter(union=union).first() or category(union)
    now = timezone.now()
    return Concern.objects.create(
        union=union,
        number=next(_numbers),
        title="食堂",
        body="饭菜太贵",
        category=cat,
        visibility=Visibility.PUBLIC,
        status=status,
        handler=union,
        raised_at=now,
        acknowledged_at=now if acknowledged else None,
        acknowledge_due=acknowledge_due,
        answer_due=answer_due,
        about_person=about_person,
    )


def rules(code: str, requirement: str, as_of: dt.date = AS_OF) -> list[str]:
    report = audit(load_registry(code), as_of=as_of)
    return sorted(f.rule for f in report.findings if f.requirement == requirement)


def finding(code: str, rule: str, as_of: dt.date = AS_OF) -> Any:
    report = audit(load_registry(code), as_of=as_of)
    return next(f for f in report.findings if f.rule == rule)


# -- RGT-1: a channel ----------------------------------------------------------------


def test_a_union_without_categories_or_concerns_has_no_channel() -> None:
    union = school_union()
    f = finding(union.code, "RGT-1.no-channel")
    assert f.organisation == union.code
    assert f.severity == Severity.VIOLATION
    assert f.clauses == ("GS-10", "GS-4")  # gansu-2017, the default profile
    assert f.evidence == {"active_categories": 0, "concerns_ever": 0}


def test_an_active_category_is_a_channel_an_inactive_one_is_not() -> None:
    union = school_union()
    category(union, "food", active=False)
    assert rules(union.code, "RGT-1") == ["RGT-1.no-channel"]
    category(union, "dorm")
    assert rules(union.code, "RGT-1") == []


def test_a_concern_ever_raised_is_a_channel_even_without_active_categories() -> None:
    union = school_union()
    cat = category(union, "food", active=False)
    concern(union, cat=cat, status=ConcernStatus.CLOSED)
    assert rules(union.code, "RGT-1") == []
    registry = load_registry(union.code)
    c = registry.channel_of[union.code]
    assert (c.union, c.active_categories, c.raised) == (union.code, 0, True)
    assert registry.open_concerns == ()  # a closed concern is not open


def test_department_unions_and_secondary_schools_are_not_judged() -> None:
    union = school_union()
    category(union)
    OrganisationFactory(code="RDU", kind=OrgKind.DEPARTMENT_UNION, parent=union)
    assert rules(union.code, "RGT-1") == []
    middle = SchoolFactory(code="RMS", school_type=SchoolType.MIDDLE_SCHOOL)
    OrganisationFactory(code="RMSU", kind=OrgKind.SCHOOL_UNION, parent=middle)
    assert rules(middle.code, "RGT-1") == []


# -- RGT-1: overdue share ---------------------------------------------------------------


def open_concerns(union: Any, total: int, overdue: int) -> None:
    category(union)
    for i in range(total):
        concern(union, answer_due=PAST if i < overdue else AS_OF)


@pytest.mark.parametrize(
    ("overdue", "reported"),
    [(1, False), (2, False), (3, True)],  # of 10: under, at and over 1/5
)
def test_the_overdue_share_is_judged_against_one_fifth(
    overdue: int, reported: bool
) -> None:
    union = school_union()
    open_concerns(union, 10, overdue)
    expected = ["RGT-1.overdue-share"] if reported else []
    assert rules(union.code, "RGT-1") == expected


def test_the_overdue_finding_says_how_many_of_how_many() -> None:
    union = school_union()
    open_concerns(union, 10, 3)
    f = finding(union.code, "RGT-1.overdue-share")
    assert f.clauses == ("GS-10",)  # the parameter's clause
    assert f.evidence == {
        "overdue": 3,
        "open": 10,
        "overdue_percent": "30%",
        "max_share": "1/5",
        "max_percent": "20%",
        "oldest_due": PAST.isoformat(),
    }


def test_a_due_day_is_in_time_and_the_day_after_is_late() -> None:
    union = school_union()
    category(union)
    concern(union, answer_due=AS_OF)
    assert rules(union.code, "RGT-1") == []
    assert rules(union.code, "RGT-1", AS_OF + dt.timedelta(days=1)) == [
        "RGT-1.overdue-share"
    ]


def test_an_unacknowledged_concern_past_its_acknowledge_deadline_is_overdue() -> None:
    union = school_union()
    category(union)
    for _ in range(4):
        concern(union)
    concern(union, status=ConcernStatus.RECEIVED, acknowledged=False)
    late = concern(
        union, status=ConcernStatus.RECEIVED, acknowledged=False, acknowledge_due=PAST
    )
    # 1 of 6 overdue: under a fifth
    assert rules(union.code, "RGT-1") == []
    # acknowledged since: no longer overdue, whatever its acknowledge deadline
    Concern.objects.filter(pk=late.pk).update(acknowledged_at=timezone.now())
    registry = load_registry(union.code)
    assert sum(g.count for g in registry.open_concerns if g.acknowledged) == 5
    # 2 of 6 (a third) once the other is late too
    concern(
        union, status=ConcernStatus.RECEIVED, acknowledged=False, acknowledge_due=PAST
    )
    concern(union, answer_due=PAST)
    assert rules(union.code, "RGT-1") == ["RGT-1.overdue-share"]


def test_answered_closed_merged_and_withdrawn_concerns_are_not_open() -> None:
    union = school_union()
    category(union)
    concern(union)  # open, in time
    for status in (
        ConcernStatus.ANSWERED,
        ConcernStatus.CLOSED,
        ConcernStatus.MERGED,
        ConcernStatus.WITHDRAWN,
    ):
        concern(union, status=status, answer_due=PAST, acknowledge_due=PAST)
    assert rules(union.code, "RGT-1") == []
    registry = load_registry(union.code)
    c = registry.channel_of[union.code]
    assert (c.union, c.active_categories, c.raised) == (union.code, 1, True)
    assert [g.count for g in registry.open_concerns] == [1]


def test_a_reopened_concern_past_its_deadline_is_overdue() -> None:
    union = school_union()
    category(union)
    concern(union, status=ConcernStatus.REOPENED, answer_due=PAST)
    assert rules(union.code, "RGT-1") == ["RGT-1.overdue-share"]


def test_the_share_follows_the_governing_profile() -> None:
    """Under cqtgu-2017 the finding cites CQ-5."""
    union = school_union()
    union.parent.profile = "cqtgu-2017"
    union.parent.save(update_fields=["profile"])
    open_concerns(union, 5, 2)
    f = finding(union.code, "RGT-1.overdue-share")
    assert f.clauses == ("CQ-5",)


# -- CAD-8 --------------------------------------------------------------------------------


def test_a_concern_about_a_cadre_unanswered_past_its_deadline_is_reported() -> None:
    union = school_union()
    category(union)
    cadre = PersonFactory()
    concern(union, about_person=cadre, answer_due=AS_OF)
    assert rules(union.code, "CAD-8") == []  # due today: in time
    concern(union, about_person=cadre, answer_due=PAST)
    f = finding(union.code, "CAD-8.concern-unanswered")
    assert f.clauses == ("GS-13",)
    assert f.evidence == {"overdue": 1, "oldest_due": PAST.isoformat()}
    assert cadre.ident not in str(f.evidence) and cadre.name not in str(f.message)


def test_a_concern_in_a_category_about_cadres_counts_and_answered_ones_do_not() -> None:
    union = school_union()
    cadres = category(union, "cadres", about_cadre=True)
    concern(union, cat=cadres, status=ConcernStatus.ANSWERED, answer_due=PAST)
    concern(union, cat=cadres, status=ConcernStatus.CLOSED, answer_due=PAST)
    assert rules(union.code, "CAD-8") == []
    concern(union, cat=cadres, status=ConcernStatus.REOPENED, answer_due=PAST)
    concern(union, cat=cadres, answer_due=PAST - dt.timedelta(days=3))
    f = finding(union.code, "CAD-8.concern-unanswered")
    assert f.evidence["overdue"] == 2
    assert f.evidence["oldest_due"] == (PAST - dt.timedelta(days=3)).isoformat()


def test_other_concerns_past_their_deadline_are_not_cad8() -> None:
    union = school_union()
    category(union)
    concern(union, answer_due=PAST)
    assert rules(union.code, "CAD-8") == []
    assert rules(union.code, "RGT-1") == ["RGT-1.overdue-share"]


# -- the registry part ---------------------------------------------------------------------


def test_the_part_reads_a_fixed_number_of_queries_whatever_the_concerns() -> None:
    union = school_union()
    other = school_union("RSU2")
    open_concerns(union, 12, 4)
    concern(other, status=ConcernStatus.CLOSED)
    scope = Scope(None, subtree_filter(None))
    with CaptureQueriesContext(connection) as queries:
        part = mappers.registry_part(scope)
    # the channels and the open concerns; the federations' consultations (RGT-5); the
    # delegates and post holders the relay reaches and the organisations where someone
    # holds a role (RGT-6)
    assert len(queries) == 5
    channels = part.fields["concern_channels"]
    assert [(c.union, c.active_categories, c.raised) for c in channels] == [
        ("RSU", 1, True),
        ("RSU2", 1, True),
    ]
    groups = part.fields["open_concerns"]
    assert sum(g.count for g in groups) == 12
    assert {(g.answer_due, g.count) for g in groups} == {(PAST, 4), (AS_OF, 8)}


def test_a_school_audit_reads_its_own_concerns_only() -> None:
    union = school_union()
    other = school_union("RSU2")
    category(other)
    report = audit_organisation(code=union.code, as_of=AS_OF)
    assert {f.rule for f in report.findings if f.requirement == "RGT-1"} == {
        "RGT-1.no-channel"
    }
    assert load_registry(union.code).channel_of.keys() == set()
