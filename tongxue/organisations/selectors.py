"""Read the organisation registry (ORG-1): lookups, subtrees and current positions.

Each selector runs a fixed number of queries, whatever the size of the subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongxue.domain import model as dm
from tongxue.domain.audit import AuditContext
from tongxue.domain.reviews import (
    GAP_LABELS,
    ReviewGap,
    review_gaps,
    reviewed_departments,
)
from tongxue.organisations.mappers import (
    ORG_FIELDS,
    REVIEW_FIELDS,
    organisation_from_row,
    review_from_row,
    subtree_filter,
)
from tongxue.organisations.models import Organisation, OrgKind, Position, Review


def get_organisation(*, code: str) -> Organisation:
    """Return the organisation with ``code`` (raises ``Organisation.DoesNotExist``)."""
    return Organisation.objects.select_related("parent").get(code=code)


def subtree(*, root: Organisation) -> QuerySet[Organisation]:
    """Return ``root`` and every organisation below it, in tree order."""
    return Organisation.objects.filter(subtree_filter(root.code)).order_by("path")


def ancestors(*, organisation: Organisation) -> list[Organisation]:
    """Return the organisations above ``organisation``, root first (one query)."""
    codes = [c for c in organisation.path.split("/") if c and c != organisation.code]
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def current_positions(
    *, organisation: Organisation, as_of: date | None = None
) -> QuerySet[Position]:
    """Return the positions of ``organisation`` active on ``as_of`` (today by default)."""
    day = as_of or timezone.localdate()
    return (
        Position.objects.filter(organisation=organisation, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person")
        .order_by("role", "start", "person__ident")
    )


# -- department reviews (TRN-3 · GS-7, CQ-2) ----------------------------------------


@dataclass(frozen=True)
class DepartmentStatus:
    """A department union a school union reviews, and what its review of a year lacks
    (``tongxue.domain.reviews``: the audit's own reading; empty: complete)."""

    code: str
    name: str
    gaps: tuple[ReviewGap, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def not_reviewed(self) -> bool:
        return ReviewGap.NOT_REVIEWED in self.gaps

    @property
    def gap_labels(self) -> list[str]:
        """The gaps in words (message ids, translated by the template tag)."""
        return [GAP_LABELS[g] for g in self.gaps]


def review_registry(union: Organisation, *, year: int | None = None) -> dm.Registry:
    """Return the small registry the review rules read for ``union`` (two queries).

    Its ancestors (for the governing profile and its school) and the department unions
    under it or under an ancestor (the domain keeps those it reviews); with ``year``,
    its reviews held that year.
    """
    codes = [c for c in union.path.split("/") if c]
    orgs = tuple(
        organisation_from_row(row)
        for row in Organisation.objects.filter(
            Q(code__in=codes) | Q(parent__code__in=codes, kind=OrgKind.DEPARTMENT_UNION)
        ).values_list(*ORG_FIELDS)
    )
    reviews: tuple[dm.Review, ...] = ()
    if year is not None:
        reviews = tuple(
            review_from_row(row)
            for row in Review.objects.filter(
                reviewer=union, held__year=year
            ).values_list(*REVIEW_FIELDS)
        )
    return dm.Registry(
        organisations=orgs,
        reviews=reviews,
        default_profile=settings.TONGXUE_DEFAULT_PROFILE,
    )


def reviewed_departments_of(union: Organisation) -> list[Organisation]:
    """Return the department unions ``union`` reviews, by name (two queries)."""
    wanted = [d.code for d in reviewed_departments(review_registry(union), union.code)]
    return list(Organisation.objects.filter(code__in=wanted).order_by("name", "code"))


def review_minimum(registry: dm.Registry, union: str, as_of: date) -> int:
    """Return the reviews a year the governing profile asks for (TRN-3; 1 if none)."""
    profile = AuditContext(registry, as_of).profile(union)
    name = "department_reviews_min_per_year"
    return profile.int(name) if profile.has(name) else 1


def review_status(
    union: Organisation, *, year: int, as_of: date
) -> list[DepartmentStatus]:
    """Return each department union ``union`` reviews with what ``year`` still lacks on
    ``as_of``, those lacking something first, then by name (two queries).

    The same reading as the audit's TRN-3 (``tongxue.domain.reviews.review_gaps``): for
    a year that is over, exactly the department unions the audit names.
    """
    registry = review_registry(union, year=year)
    minimum = review_minimum(registry, union.code, as_of)
    gaps = review_gaps(registry, union.code, year, as_of, minimum)
    rows = [
        DepartmentStatus(d.code, d.name, gaps[d.code])
        for d in reviewed_departments(registry, union.code)
    ]
    return sorted(rows, key=lambda r: (r.complete, r.name, r.code))


def reviews_in_year(union: Organisation, year: int) -> QuerySet[Review]:
    """Return ``union``'s reviews held in ``year``, by day and department."""
    return (
        Review.objects.filter(reviewer=union, held__year=year)
        .select_related("reviewed")
        .order_by("held", "reviewed__name", "pk")
    )


def review_years(union: Organisation) -> list[int]:
    """Return the years in which ``union`` recorded a review, newest first (one query)."""
    return sorted(
        {d.year for d in Review.objects.filter(reviewer=union).dates("held", "year")},
        reverse=True,
    )


def published_assessments(union: Organisation) -> QuerySet[Review]:
    """Return the assessments ``union`` published, newest first (public: TRN-3,
    "考核结果进行公开"). Only public fields are meant to be shown: the department, the
    day, the assessment, its rating and the day it was published."""
    return (
        Review.objects.filter(reviewer=union, assessment_published=True)
        .select_related("reviewed")
        .only(
            "held",
            "assessment",
            "rating",
            "published_on",
            "reviewed__code",
            "reviewed__name",
        )
        .order_by("-held", "reviewed__name", "pk")
    )
