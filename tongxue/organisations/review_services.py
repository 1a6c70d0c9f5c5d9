"""Record the school union's reviews of its department unions (TRN-3 · GS-7, CQ-2).

"建立健全校级学生会组织每年至少1次通过集中会议或书面形式听取全部院（系）学生会组织工作报告
及意见建议的制度……考核结果进行公开": the school union hears each department union's work
report and its opinions and suggestions, assesses it and publishes the assessment.

Every service is keyword-only and atomic, needs ``Perm.MANAGE`` at the school union
(``actor=None`` is a system command), refuses a department union the union does not
review (the domain's reading, ``tongxue.domain.reviews``) and refuses a user who holds a
role at the reviewed department union itself: a department union's administrator does
not record its own review. Each writes one audit record in the same transaction. A
published assessment is public and kept on record: it is not changed afterwards.

No guard runs: recording or completing a review never makes TRN-3 worse (an unpublished
review counts for nothing, and a review only moves a department union from "not
reviewed" towards "complete").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm, require
from tongxue.domain.snapshot import REVIEW_TEXT_MAX
from tongxue.organisations.models import Organisation, OrgKind, Review, ReviewRating
from tongxue.organisations.selectors import reviewed_departments_of

__all__ = ["publish_review", "record_review", "update_review"]

MSG_NOT_SCHOOL_UNION = gettext_noop(
    "Only a school union hears and assesses its department unions (TRN-3)."
)
MSG_NOT_ITS_DEPARTMENT = gettext_noop(
    "{department} is not a department union of {union}: choose one of its own."
)
MSG_OWN_REVIEW = gettext_noop(
    "You hold a role at {department}: its review is recorded by another administrator "
    "of the school union."
)
MSG_FUTURE = gettext_noop("The review cannot be held on a day still to come.")
MSG_DUPLICATE = gettext_noop("A review of {department} on {day} is already recorded.")
MSG_TOO_LONG = gettext_noop("At most {limit} characters.")
MSG_RATING = gettext_noop("“{value}” is not a valid choice.")
MSG_NO_ASSESSMENT = gettext_noop("Write the assessment before publishing it.")
MSG_PUBLISHED_FUTURE = gettext_noop(
    "The assessment cannot be published on a day still to come."
)
MSG_PUBLISHED_BEFORE = gettext_noop(
    "The assessment cannot be published before the review on {day}."
)
MSG_PUBLISHED = gettext_noop(
    "The assessment was published and is kept on record: it cannot be changed."
)


def _today() -> date:
    return timezone.localdate()


def _manage(actor: Actor, union: Organisation) -> str:
    role = require(actor, Perm.MANAGE, union.path, target=union.name)
    if union.kind != OrgKind.SCHOOL_UNION:
        raise refuse("invalid", MSG_NOT_SCHOOL_UNION)
    return role


def _check_department(
    actor: Actor, union: Organisation, reviewed: Organisation
) -> None:
    """Refuse a department union ``union`` does not review, or the actor's own."""
    if reviewed.pk not in {d.pk for d in reviewed_departments_of(union)}:
        raise refuse(
            "invalid",
            MSG_NOT_ITS_DEPARTMENT,
            field="reviewed",
            department=reviewed.name,
            union=union.name,
        )
    if actor is None or getattr(actor, "is_superuser", False):
        return
    own = RoleAssignment.objects.filter(
        user_id=getattr(actor, "pk", None), organisation=reviewed
    ).values_list("role", flat=True)
    if any(Perm.MANAGE in GRANTS.get(r, frozenset()) for r in own):
        raise refuse(
            "forbidden", MSG_OWN_REVIEW, field="reviewed", department=reviewed.name
        )


def _text(field: str, value: str) -> str:
    text = (value or "").strip()
    if len(text) > REVIEW_TEXT_MAX:
        raise refuse("invalid", MSG_TOO_LONG, field=field, limit=REVIEW_TEXT_MAX)
    return text


def _values(
    *,
    held: date,
    report_heard: bool,
    opinions_heard: bool,
    opinions: str,
    assessment: str,
    rating: str,
) -> dict[str, Any]:
    """Check the fields a review records and return them as stored."""
    if held > _today():
        raise refuse("invalid", MSG_FUTURE, field="held")
    if rating and rating not in ReviewRating.values:
        raise refuse("invalid", MSG_RATING, field="rating", value=rating)
    opinions = _text("opinions", opinions)
    return {
        "held": held,
        "report_heard": bool(report_heard),
        # opinions written down were heard (GS-7, CQ-2: 听取……意见建议)
        "opinions_heard": bool(opinions_heard) or bool(opinions),
        "opinions": opinions,
        "assessment": _text("assessment", assessment),
        "rating": rating or "",
    }


def _check_unique(
    union: Organisation, reviewed: Organisation, held: date, pk: int | None = None
) -> None:
    taken = Review.objects.filter(reviewer=union, reviewed=reviewed, held=held)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise refuse(
            "duplicate",
            MSG_DUPLICATE,
            field="held",
            department=reviewed.name,
            day=held.isoformat(),
        )


def _publish_day(review_held: date, assessment: str, published_on: date | None) -> date:
    if not assessment:
        raise refuse("required", MSG_NO_ASSESSMENT, field="assessment")
    day = published_on or _today()
    if day > _today():
        raise refuse("invalid", MSG_PUBLISHED_FUTURE, field="published_on")
    if day < review_held:
        raise refuse(
            "invalid",
            MSG_PUBLISHED_BEFORE,
            field="published_on",
            day=review_held.isoformat(),
        )
    return day


def _log(actor: Actor, action: str, review: Review, role: str) -> None:
    auditlog.record(
        actor=actor,
        action=f"organisations.review.{action}",
        organisation=review.reviewer.code,
        target=review.reviewed.code,
        role=role,
        data={
            "held": review.held.isoformat(),
            "report_heard": review.report_heard,
            "opinions_heard": review.opinions_heard,
            "opinions": review.opinions,
            "assessment": review.assessment,
            "rating": review.rating,
            "assessment_published": review.assessment_published,
            "published_on": review.published_on.isoformat()
            if review.published_on
            else None,
        },
    )


@transaction.atomic
def record_review(
    *,
    actor: Actor,
    union: Organisation,
    reviewed: Organisation,
    held: date,
    report_heard: bool = True,
    opinions_heard: bool = False,
    opinions: str = "",
    assessment: str = "",
    rating: str = "",
    publish: bool = False,
    published_on: date | None = None,
) -> Review:
    """Record that ``union`` heard ``reviewed`` on ``held`` (TRN-3 · GS-7, CQ-2).

    ``opinions_heard``: the department union's opinions and suggestions were heard,
    even if it raised none (opinions written down count as heard). With ``publish``
    the assessment is published on ``published_on`` (default today; needs an
    assessment). ``held`` may not lie in the future.
    """
    role = _manage(actor, union)
    _check_department(actor, union, reviewed)
    values = _values(
        held=held,
        report_heard=report_heard,
        opinions_heard=opinions_heard,
        opinions=opinions,
        assessment=assessment,
        rating=rating,
    )
    _check_unique(union, reviewed, held)
    if publish:
        values["published_on"] = _publish_day(held, values["assessment"], published_on)
        values["assessment_published"] = True
    review = Review.objects.create(reviewer=union, reviewed=reviewed, **values)
    _log(actor, "record", review, role)
    return review


@transaction.atomic
def update_review(
    *,
    actor: Actor,
    review: Review,
    held: date,
    report_heard: bool,
    opinions_heard: bool,
    opinions: str,
    assessment: str,
    rating: str,
    publish: bool = False,
    published_on: date | None = None,
) -> Review:
    """Change a review whose assessment is not published yet, and publish it if asked.

    A published assessment is public and kept on record: refused.
    """
    union, reviewed = review.reviewer, review.reviewed
    role = _manage(actor, union)
    _check_department(actor, union, reviewed)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.assessment_published:
        raise refuse("published", MSG_PUBLISHED)
    values = _values(
        held=held,
        report_heard=report_heard,
        opinions_heard=opinions_heard,
        opinions=opinions,
        assessment=assessment,
        rating=rating,
    )
    _check_unique(union, reviewed, held, pk=review.pk)
    if publish:
        values["published_on"] = _publish_day(held, values["assessment"], published_on)
        values["assessment_published"] = True
    for name, value in values.items():
        setattr(review, name, value)
    review.save(update_fields=list(values))
    _log(actor, "publish" if publish else "update", review, role)
    return review


@transaction.atomic
def publish_review(
    *, actor: Actor, review: Review, published_on: date | None = None
) -> Review:
    """Publish the assessment of a review (TRN-3: "考核结果进行公开")."""
    union, reviewed = review.reviewer, review.reviewed
    role = _manage(actor, union)
    _check_department(actor, union, reviewed)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.assessment_published:
        raise refuse("published", MSG_PUBLISHED)
    review.published_on = _publish_day(
        locked.held, locked.assessment.strip(), published_on
    )
    review.assessment_published = True
    review.save(update_fields=["assessment_published", "published_on"])
    _log(actor, "publish", review, role)
    return review
