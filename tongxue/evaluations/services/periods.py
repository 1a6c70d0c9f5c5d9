"""Evaluation periods: planning one, and opening it with its subjects and rater lists
(CAD-3, CAD-4 · GS-12, CQ-7)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses.models import Delegate, Meeting, MeetingKind
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.domain import evaluation as ev
from tongxue.domain.lifecycle import EVALUATION_PERIOD
from tongxue.domain.profiles import Profile, ProfileError
from tongxue.domain.rules.organisation import roles
from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    PeriodStatus,
    Rater,
    RaterGroup,
    Subject,
)
from tongxue.evaluations.notifying import period_opened
from tongxue.evaluations.services.shared import (
    UNION_KINDS,
    locked_period,
    require_manage,
)
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
)
from tongxue.organisations.profiles import governing_profile


@transaction.atomic
def create_period(
    *,
    actor: Actor,
    organisation: Organisation,
    code: str,
    name: str,
    start: date,
    end: date,
) -> EvaluationPeriod:
    """Plan an evaluation period (a semester) of a union."""
    role = require_manage(actor, organisation)
    if organisation.kind not in UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop("Only a student union evaluates its cadres."),
            field="code",
        )
    code = code.strip()
    if not code:
        raise refuse("invalid", gettext_noop("A period needs a code."), field="code")
    if end < start:
        raise refuse(
            "invalid",
            gettext_noop("The last day cannot be before the first day."),
            field="end",
        )
    if EvaluationPeriod.objects.filter(organisation=organisation, code=code).exists():
        raise refuse(
            "duplicate",
            gettext_noop("A period with the code {value} already exists."),
            field="code",
            value=code,
        )
    period = EvaluationPeriod.objects.create(
        organisation=organisation,
        code=code,
        name=name.strip() or code,
        start=start,
        end=end,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="evaluation.period_create",
        organisation=organisation.code,
        target=code,
        role=role,
        data={"start": start.isoformat(), "end": end.isoformat()},
    )
    return period


def _active(day: date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


def served_students(union: Organisation, day: date) -> list[tuple[int, str]]:
    """Return (pk, ident) of the enrolled students a union serves who are not cadres.

    A department union serves the students of its department; a school-level union
    those of every department of its school. A student holding any position on
    ``day`` is a cadre and is left out (CAD-3 "ordinary students", CAD-4 "non-cadre").
    """
    base = union
    if union.kind != OrgKind.DEPARTMENT_UNION and union.parent_id is not None:
        base = Organisation.objects.only("path").get(pk=union.parent_id)
    cadres = Position.objects.filter(_active(day)).values("person_id")
    return list(
        Person.objects.filter(
            kind=PersonKind.STUDENT,
            enrolment=Enrolment.ENROLLED,
            department__path__startswith=base.path,
        )
        .exclude(pk__in=cadres)
        .order_by("ident")
        .values_list("pk", "ident")
    )


def latest_congress(union: Organisation, until: date) -> Meeting | None:
    """Return the union's newest congress (学生代表大会) with delegates, by ``until``.

    Its delegates rate. ``until`` is the period's last day: a congress whose delegates
    are elected for a session within the semester counts, a later one does not.
    """
    return (
        Meeting.objects.filter(
            organisation=union,
            kind=MeetingKind.CONGRESS,
            opened__lte=until,
            delegates__isnull=False,
        )
        .distinct()
        .order_by("-opened", "-pk")
        .first()
    )


def _role_names(profile: Profile, *names: str) -> set[str]:
    out: set[str] = set()
    for name in names:
        if profile.has(name):
            out |= {r.value for r in roles(profile, name)}
    return out


@transaction.atomic
def open_period(
    *,
    actor: Actor,
    period: EvaluationPeriod,
    seed: str = "",
    as_of: date | None = None,
) -> EvaluationPeriod:
    """Open a period: fix the cadres to rate, the reports due and the rater lists.

    The cadres are the union's (and its functional departments') holders of
    ``core_roles`` and ``main_cadre_roles`` on the reference day (today, kept within the
    period); the presidium holds ``main_cadre_roles`` at the union. Raters: the
    presidium, the delegates of the latest congress (:func:`latest_congress`), and
    ``evaluation_student_sample_size`` ordinary students drawn with ``seed`` (CAD-3);
    for the 述职 reports the delegates and ``report_non_cadre_rater_share`` of the
    non-cadre students drawn with ``seed + ":report"`` (CAD-4). The seed is published.
    """
    given, period = period, locked_period(period)
    union = period.organisation
    role = require_manage(actor, union)
    EVALUATION_PERIOD.require(period.status, PeriodStatus.OPEN)
    profile, settings, sample_size, share = _evaluation_numbers(union)
    seed = seed.strip() or secrets.token_hex(8)
    day = min(max(as_of or timezone.localdate(), period.start), period.end)
    cadres, reports = _create_subjects(period, profile, day)
    congress = latest_congress(union, period.end)
    raters = _draw_raters(
        union,
        congress,
        sorted({person for _, person in reports}),
        day,
        sample_size=sample_size,
        share=share,
        seed=seed,
    )
    rows = _rater_rows(period, raters)
    Rater.objects.bulk_create(rows)
    transition(
        period,
        EVALUATION_PERIOD,
        PeriodStatus.OPEN,
        actor=actor,
        action="evaluation.period_open",
        organisation=union.code,
        role=role,
        subject=period.code,
        changes={
            "seed": seed,
            "min_raters": settings.min_raters,
            "fail_below": str(settings.fail_below),
            "scale_max": settings.scale_max,
            "opened_at": timezone.now(),
        },
        data={
            "seed": seed,
            "cadres": cadres,
            "reports_due": len(reports),
            "raters": len(rows),
            "students_drawn": len(raters.students),
            "report_students_drawn": len(raters.report_students),
            "congress": congress.code if congress is not None else None,
        },
    )
    # the raters hear of it in the inbox (#14): the rows commit with the opening
    period_opened(period)
    given.refresh_from_db()
    return period


def _evaluation_numbers(
    union: Organisation,
) -> tuple[Profile, ev.Settings, int, Fraction]:
    """The union's profile, the evaluation settings, the student sample size (CAD-3)
    and the non-cadre share rating the 述职 reports (CAD-4); refused when the profile
    lacks them."""
    try:
        profile = governing_profile(union)
        settings = ev.Settings.from_profile(profile)
        sample_size = profile.int(ev.STUDENT_SAMPLE)
        share = profile.fraction(ev.REPORT_SHARE)
    except ProfileError:
        raise refuse(
            "incomplete",
            gettext_noop(
                "The profile of {org} has no evaluation parameters: the period "
                "cannot open."
            ),
            org=union.name,
        ) from None
    return profile, settings, sample_size, share


def _create_subjects(
    period: EvaluationPeriod, profile: Profile, day: date
) -> tuple[int, list[tuple[int, int]]]:
    """Create the period's subjects: every cadre's evaluation and every presidium
    member's 述职 report. Return the number of cadres and the presidium's
    (position, person) pairs, by position.

    The cadres hold ``core_roles`` or ``main_cadre_roles`` on ``day`` at the union or
    one of its functional departments; the presidium holds ``main_cadre_roles`` at the
    union itself.
    """
    union = period.organisation
    presidium_roles = _role_names(profile, "main_cadre_roles")
    cadre_roles = presidium_roles | _role_names(profile, "core_roles")
    departments = Organisation.objects.filter(
        parent=union, kind=OrgKind.FUNCTIONAL_DEPARTMENT
    ).values("pk")
    positions = list(
        Position.objects.filter(_active(day), role__in=cadre_roles)
        .filter(Q(organisation=union) | Q(organisation__in=departments))
        .order_by("pk")
        .values_list("pk", "person_id", "role", "organisation_id")
    )
    presidium = [
        (pk, person)
        for pk, person, role, org in positions
        if role in presidium_roles and org == union.pk
    ]
    Subject.objects.bulk_create(
        [
            Subject(period=period, kind=Kind.EVALUATION, position_id=p[0])
            for p in positions
        ]
        + [
            Subject(period=period, kind=Kind.REPORT, position_id=pk)
            for pk, _ in presidium
        ]
    )
    return len(positions), presidium


@dataclass(frozen=True)
class _Raters:
    """The people (pks) who rate in a period, by group: the presidium, the congress's
    delegates, the students drawn to rate the cadres (CAD-3) and those drawn to rate
    the 述职 reports (CAD-4)."""

    presidium: list[int]
    delegates: list[int]
    students: list[int]
    report_students: list[int]


def _draw_raters(
    union: Organisation,
    congress: Meeting | None,
    presidium: list[int],
    day: date,
    *,
    sample_size: int,
    share: Fraction,
    seed: str,
) -> _Raters:
    """Draw the period's raters: the congress's delegates, and from the ordinary
    students served on ``day`` who are neither delegates nor presidium members,
    ``sample_size`` drawn with ``seed`` (CAD-3) and ``share`` of them drawn with
    ``seed + ":report"`` (CAD-4)."""
    delegates = (
        sorted(
            set(
                Delegate.objects.filter(meeting=congress).values_list(
                    "person_id", flat=True
                )
            )
        )
        if congress is not None
        else []
    )
    students = served_students(union, day)
    by_ident = {ident: pk for pk, ident in students}
    taken = set(presidium) | set(delegates)
    pool = [ident for pk, ident in students if pk not in taken]
    drawn = [by_ident[i] for i in ev.draw_sample(pool, sample_size, seed)]
    report_drawn = [
        by_ident[i]
        for i in ev.draw_sample(
            pool, ev.report_sample_size(share, len(pool)), f"{seed}:report"
        )
    ]
    return _Raters(presidium, delegates, drawn, report_drawn)


def _rater_rows(period: EvaluationPeriod, raters: _Raters) -> list[Rater]:
    """The rater lists: for the cadres the presidium, the delegates and the students
    drawn; for the 述职 reports the delegates and the students drawn for them. A
    person is on each list once, in the first group they belong to."""
    rows: list[Rater] = []
    for kind, groups in (
        (
            Kind.EVALUATION,
            (
                (RaterGroup.PRESIDIUM, raters.presidium),
                (RaterGroup.DELEGATE, raters.delegates),
                (RaterGroup.STUDENT, raters.students),
            ),
        ),
        (
            Kind.REPORT,
            (
                (RaterGroup.DELEGATE, raters.delegates),
                (RaterGroup.STUDENT, raters.report_students),
            ),
        ),
    ):
        seen: set[int] = set()
        for group, ids in groups:
            for pk in ids:
                if pk not in seen:
                    seen.add(pk)
                    rows.append(
                        Rater(period=period, kind=kind, person_id=pk, group=group)
                    )
    return rows
