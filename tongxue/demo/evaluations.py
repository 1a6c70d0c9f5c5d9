"""Demo evaluations: a closed semester with published results and an open one.

The closed semester of the demo school union has results for its cadres (one of them
failed, one with too few ratings to publish), rated 述职 reports, and one vice-president
who filed no report (the audit flags it: CAD-4). The current semester is open with a
few ratings given. Deterministic and idempotent; ratings are seeded through the services.

Dated relative to ``as_of`` like the rest of the demo: the closed semester ends 150 days
before it, so the union's cadres were evaluated within CAD-3's 12 months whatever the
day (on the five dimensions, results published); the open one is under way and counts
for nothing yet. The snapshot's own evaluations of every union (``evaluations`` of the
generator, recorded on import) say the same of the last two finished semesters.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils.translation import gettext as _

from tongxue.demo.generator import SCHOOL_CODE
from tongxue.domain.evaluation import dimensions_for
from tongxue.evaluations import services
from tongxue.evaluations.models import EvaluationPeriod, Kind, Rater, Subject
from tongxue.organisations.models import Organisation, Position, Role

CLOSED_CODE = "demo-last-semester"
OPEN_CODE = "demo-this-semester"


def _union() -> Organisation | None:
    return Organisation.objects.filter(code=f"{SCHOOL_CODE}-XSH").first()


def _rate_subjects(
    period: EvaluationPeriod, rng: random.Random, *, how_many: int, low: int | None
) -> int:
    """Give ``how_many`` ratings to each subject; the cadre ``low`` gets poor ones."""
    raters = {
        kind: list(
            Rater.objects.filter(period=period, kind=kind)
            .select_related("person")
            .order_by("group", "person__ident")
        )
        for kind in (Kind.EVALUATION, Kind.REPORT)
    }
    given = 0
    subjects = Subject.objects.filter(period=period).select_related("position")
    for i, s in enumerate(subjects.order_by("kind", "position_id")):
        if s.kind == Kind.REPORT and s.filed_at is None:
            continue
        n = 2 if i == 1 else how_many  # the second cadre: too few to publish
        pool = [r for r in raters[s.kind] if r.person_id != s.position.person_id]
        for r in rng.sample(pool, min(n, len(pool))):
            bad = s.kind == Kind.EVALUATION and s.position_id == low
            scores = {
                d: (rng.choice((1, 2, 2, 3)) if bad else rng.choice((3, 4, 4, 5)))
                for d in dimensions_for(s.kind)
            }
            services.rate(actor=None, rater=r.person, subject=s, scores=scores)
            given += 1
    return given


@transaction.atomic
def seed(*, scale: str, as_of: datetime.date) -> str:
    union = _union()
    if union is None:
        return ""
    if EvaluationPeriod.objects.filter(organisation=union, code=CLOSED_CODE).exists():
        return _("evaluation periods already seeded")
    last_cadres, given = _last_semester(union, as_of)
    current = _current_semester(union, as_of)
    return _(
        "{code}: closed semester with {cadres} cadres rated ({given} ratings, one "
        "failed), open semester {current}"
    ).format(code=union.code, cadres=last_cadres, given=given, current=current.code)


def _last_semester(union: Organisation, as_of: datetime.date) -> tuple[int, int]:
    """The last semester, closed: reports filed but one (CAD-4), cadres rated, one
    failing (CAD-3). Returns how many cadres were rated and the ratings given."""
    rng = random.Random(20260301)
    last = services.create_period(
        actor=None,
        organisation=union,
        code=CLOSED_CODE,
        name="上学期",
        start=as_of - datetime.timedelta(days=330),
        end=as_of - datetime.timedelta(days=150),
    )
    # Opened once the union's presidium was in office (kept within the period), so
    # that it rates the cadres: an evaluation that rated nobody does not count for
    # CAD-3. It ends 150 days before as_of: within CAD-3's 12 months on any day.
    took_office = (
        Position.objects.filter(
            organisation=union, role__in=(Role.PRESIDENT, Role.VICE_PRESIDENT)
        )
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    opened = last.start + datetime.timedelta(days=14)
    services.open_period(
        actor=None,
        period=last,
        seed="demo-seed-last",
        as_of=max(opened, took_office) if took_office else opened,
    )
    reports = list(
        Subject.objects.filter(period=last, kind=Kind.REPORT)
        .select_related("position__person")
        .order_by("position_id")
    )
    # Every presidium member reports, except the last vice-president (CAD-4 finding).
    missing = next(
        (s for s in reversed(reports) if s.position.role == Role.VICE_PRESIDENT), None
    )
    for s in reports:
        if s is not missing:
            services.file_report(
                actor=None,
                person=s.position.person,
                subject=s,
                text=f"{s.position.title}{s.position.person.name}述职：本学期组织了"
                "迎新、学风建设和权益调研，收集意见四十余条，已全部反馈。",
            )
    cadres = list(
        Subject.objects.filter(period=last, kind=Kind.EVALUATION)
        .select_related("position")
        .order_by("position_id")
    )
    low = next(
        (s.position_id for s in cadres if s.position.role == Role.DEPARTMENT_HEAD),
        cadres[-1].position_id if cadres else None,
    )
    given = _rate_subjects(last, rng, how_many=5, low=low)
    services.close_period(actor=None, period=last)
    return len(cadres), given


def _current_semester(union: Organisation, as_of: datetime.date) -> EvaluationPeriod:
    """The semester in progress, open, with its first report filed."""
    current = services.create_period(
        actor=None,
        organisation=union,
        code=OPEN_CODE,
        name="本学期",
        start=as_of - datetime.timedelta(days=60),
        end=as_of + datetime.timedelta(days=90),
    )
    services.open_period(actor=None, period=current, seed="demo-seed-now", as_of=as_of)
    first = (
        Subject.objects.filter(period=current, kind=Kind.REPORT)
        .select_related("position__person")
        .order_by("position_id")
        .first()
    )
    if first is not None:
        services.file_report(
            actor=None,
            person=first.position.person,
            subject=first,
            text="本学期述职（进行中）：筹备学生代表大会，推进社团管理改革。",
        )
    return current
