"""Write evaluation periods, rater lists, ratings, 述职 reports and results.

CAD-3 · GS-12, CQ-7 (and CAD-7 · GS-13, CQ-8 for work style): each semester the core and
main cadres of a union are rated on five dimensions by the presidium, the delegates of
the union's latest congress and a sample of ordinary students drawn by a published seed.
CAD-4 · GS-12, CQ-7: presidium members file a 述职 report, rated by the delegates and a
share of non-cadre students. Results are computed and published when the period closes,
from ``evaluation_min_raters`` raters on; they inform appointment and removal and never
decide them.

Every service is keyword-only and atomic, checks the actor (``actor=None`` is a system
command: the demo, a script) and writes an audit record in the same transaction. The
rating service records *that* someone rated in the period, never whom or what.
"""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import date
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses.models import Delegate, Meeting, MeetingKind
from tongxue.core import auditlog, erasure
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.permissions import Perm, require
from tongxue.domain import evaluation as ev
from tongxue.domain.lifecycle import EVALUATION_PERIOD
from tongxue.domain.profiles import Profile, ProfileError
from tongxue.domain.rules.organisation import roles
from tongxue.evaluations.models import (
    Ballot,
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    RaterGroup,
    Result,
    Subject,
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

UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)
REPORT_MAX_CHARS = 20_000


def _require(actor: Actor, org: Organisation) -> str:
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def _locked(period: EvaluationPeriod) -> EvaluationPeriod:
    """Re-read the period under a row lock (rating and closing never interleave)."""
    locked = (
        EvaluationPeriod.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=period.pk)
    )
    return locked


def _settings_of(period: EvaluationPeriod) -> ev.Settings:
    return ev.Settings(
        min_raters=period.min_raters or 0,
        fail_below=Fraction(period.fail_below or "0"),
        scale_max=period.scale_max or 0,
    )


def period_settings(period: EvaluationPeriod) -> ev.Settings:
    """Return the numbers of a period: fixed when it opened, else the profile's now."""
    if period.min_raters is not None:
        return _settings_of(period)
    return ev.Settings.from_profile(governing_profile(period.organisation))


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
    role = _require(actor, organisation)
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
    given, period = period, _locked(period)
    union = period.organisation
    role = _require(actor, union)
    EVALUATION_PERIOD.require(period.status, PeriodStatus.OPEN)
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
    seed = seed.strip() or secrets.token_hex(8)
    day = min(max(as_of or timezone.localdate(), period.start), period.end)

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
    presidium = [p for p in positions if p[2] in presidium_roles and p[3] == union.pk]
    Subject.objects.bulk_create(
        [
            Subject(period=period, kind=Kind.EVALUATION, position_id=p[0])
            for p in positions
        ]
        + [
            Subject(period=period, kind=Kind.REPORT, position_id=p[0])
            for p in presidium
        ]
    )

    congress = latest_congress(union, period.end)
    delegate_ids = (
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
    presidium_ids = sorted({p[1] for p in presidium})
    students = served_students(union, day)
    by_ident = {ident: pk for pk, ident in students}
    taken = set(presidium_ids) | set(delegate_ids)
    pool = [ident for pk, ident in students if pk not in taken]
    drawn = [by_ident[i] for i in ev.draw_sample(pool, sample_size, seed)]
    report_drawn = [
        by_ident[i]
        for i in ev.draw_sample(
            pool, ev.report_sample_size(share, len(pool)), f"{seed}:report"
        )
    ]

    rows: list[Rater] = []
    for kind, groups in (
        (
            Kind.EVALUATION,
            (
                (RaterGroup.PRESIDIUM, presidium_ids),
                (RaterGroup.DELEGATE, delegate_ids),
                (RaterGroup.STUDENT, drawn),
            ),
        ),
        (
            Kind.REPORT,
            ((RaterGroup.DELEGATE, delegate_ids), (RaterGroup.STUDENT, report_drawn)),
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
            "cadres": len(positions),
            "reports_due": len(presidium),
            "raters": len(rows),
            "students_drawn": len(drawn),
            "report_students_drawn": len(report_drawn),
            "congress": congress.code if congress is not None else None,
        },
    )
    given.refresh_from_db()
    return period


def _own_rater(
    *, actor: Actor, person: Person, period: EvaluationPeriod, kind: str
) -> Rater:
    if actor is not None and getattr(actor, "pk", None) != person.user_id:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=period.name,
        )
    rater = Rater.objects.filter(period=period, kind=kind, person=person).first()
    if rater is None:
        raise refuse(
            "forbidden",
            gettext_noop("You are not on the rater list of {period}."),
            period=period.name,
        )
    return rater


@transaction.atomic
def rate(
    *,
    actor: Actor,
    rater: Person,
    subject: Subject,
    scores: dict[str, int],
) -> None:
    """Record one rating of a cadre or a 述职 report by a rater on the period's list.

    Writes two unlinked rows: a ``Participation`` (the database refuses a second one for
    the same rater and subject) and a ``Ballot`` with the scores. The audit log records
    that the rater rated in the period, not whom and not what.
    """
    period = _locked(subject.period)
    subject.period = period
    own = _own_rater(actor=actor, person=rater, period=period, kind=subject.kind)
    if period.status != PeriodStatus.OPEN:
        raise refuse("closed", gettext_noop("This period is not open for ratings."))
    position = subject.position  # usually loaded with the subject
    if position.person_id == rater.pk:
        raise refuse("own", gettext_noop("You cannot rate yourself."))
    if (
        subject.kind == Kind.REPORT
        and not Subject.objects.filter(pk=subject.pk, filed_at__isnull=False).exists()
    ):
        raise refuse("not-filed", gettext_noop("This work report has not been filed."))
    refusal = ev.validate_scores(
        scores, ev.dimensions_for(subject.kind), period.scale_max or 0
    )
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            Participation.objects.create(subject=subject, rater=own)
    except IntegrityError:
        raise refuse(
            "already-rated",
            gettext_noop("You have already rated this in this period."),
        ) from None
    Ballot.objects.create(
        subject=subject, scores={d: scores[d] for d in ev.dimensions_for(subject.kind)}
    )
    auditlog.record(
        actor=actor,
        action="evaluation.rate",
        organisation=period.organisation.code,
        target=period.code,
        role="rater",
        data={"kind": subject.kind},
    )


@transaction.atomic
def file_report(
    *, actor: Actor, person: Person, subject: Subject, text: str
) -> Subject:
    """File a presidium member's 述职 report for the period (CAD-4 · GS-12, CQ-7)."""
    period = _locked(subject.period)
    subject.period = period
    position = subject.position  # usually loaded with the subject
    if subject.kind != Kind.REPORT or position.person_id != person.pk:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=period.name,
        )
    if actor is not None and getattr(actor, "pk", None) != person.user_id:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=period.name,
        )
    if period.status != PeriodStatus.OPEN:
        raise refuse("closed", gettext_noop("This period is not open for reports."))
    if subject.filed_at is not None:
        raise refuse(
            "already-filed", gettext_noop("Your work report is already filed.")
        )
    text = text.strip()
    if not text:
        raise refuse("invalid", gettext_noop("Write your report."), field="text")
    if len(text) > REPORT_MAX_CHARS:
        raise refuse(
            "invalid",
            gettext_noop("A report has at most {limit} characters."),
            field="text",
            limit=REPORT_MAX_CHARS,
        )
    subject.report = text
    subject.filed_at = timezone.now()
    subject.save(update_fields=["report", "filed_at"])
    auditlog.record(
        actor=actor,
        action="evaluation.report_file",
        organisation=period.organisation.code,
        target=period.code,
        role="cadre",
        data={"position": subject.position_id, "chars": len(text)},
    )
    return subject


@transaction.atomic
def close_period(*, actor: Actor, period: EvaluationPeriod) -> EvaluationPeriod:
    """Close a period, compute and publish its results, and reshuffle its ballots.

    Each subject's result is aggregated by :func:`tongxue.domain.evaluation.aggregate`;
    below ``min_raters`` it is stored as "not enough ratings" with no number at all.
    The ratings are then rewritten in a random order with new keys, and the
    participations with new keys, so that neither the order in which rows were stored
    nor their transaction ids link a rating to a participation; the ratings of
    unpublished subjects are deleted. On PostgreSQL both tables are rebuilt right
    after the commit so that no page keeps an old row version (docs/evaluations.md).
    """
    given, period = period, _locked(period)
    union = period.organisation
    role = _require(actor, union)
    EVALUATION_PERIOD.require(period.status, PeriodStatus.CLOSED)
    settings = _settings_of(period)
    subjects = list(Subject.objects.filter(period=period).order_by("pk"))
    ballots: dict[int, list[dict[str, int]]] = {s.pk: [] for s in subjects}
    for subject_id, scores in Ballot.objects.filter(subject__period=period).values_list(
        "subject_id", "scores"
    ):
        ballots[subject_id].append(scores)
    groups: dict[int, dict[str, int]] = {s.pk: {} for s in subjects}
    for row in (
        Participation.objects.filter(subject__period=period)
        .values("subject_id", "rater__group")
        .annotate(n=Count("pk"))
    ):
        groups[row["subject_id"]][row["rater__group"]] = row["n"]
    results = []
    published = failed = 0
    hidden: set[int] = set()
    for s in subjects:
        r = ev.aggregate(
            ballots[s.pk],
            dimensions=ev.dimensions_for(s.kind),
            settings=settings,
            groups=groups[s.pk],
        )
        published += r.published
        failed += r.failed
        if not r.published:
            hidden.add(s.pk)
        results.append(_result_row(s, r))
    Result.objects.bulk_create(results)
    _reshuffle(period, discard=hidden)
    transition(
        period,
        EVALUATION_PERIOD,
        PeriodStatus.CLOSED,
        actor=actor,
        action="evaluation.period_close",
        organisation=union.code,
        role=role,
        subject=period.code,
        changes={"closed_at": timezone.now()},
        data={"subjects": len(subjects), "published": published, "failed": failed},
    )
    given.refresh_from_db()
    return period


def _result_row(subject: Subject, r: ev.Result) -> Result:
    if not r.published or r.overall is None:
        return Result(subject=subject, published=False)
    return Result(
        subject=subject,
        published=True,
        raters=r.raters,
        overall=round(float(r.overall), 3),
        dimensions=[d.as_dict() for d in r.dimensions],
        groups=dict(r.groups) if r.groups is not None else None,
        failed=r.failed,
    )


def _reshuffle(period: EvaluationPeriod, *, discard: set[int]) -> None:
    """Rewrite the period's ratings and participations; drop ratings never published.

    Each rating was written in the same transaction as its participation, so on
    PostgreSQL both carry that transaction's id (``xmin``) and lie in the table in
    the order of the ratings. Both are rewritten here, in the close's transaction:
    the ratings in a random order with new random ids, the participations sorted by
    subject and rater with new ids, every row carrying the close's transaction id.
    The old row versions are then erased from the data pages by
    :func:`tongxue.core.erasure.rebuild` once the close commits.

    A subject with fewer raters than the minimum has a result of "not enough ratings";
    its few ratings are deleted so that they can never be matched to its few
    participations, not even by someone reading the database.
    """
    ballots = Ballot.objects.filter(subject__period=period)
    rows = [
        (subject_id, scores)
        for subject_id, scores in ballots.values_list("subject_id", "scores")
        if subject_id not in discard
    ]
    ballots.delete()
    random.SystemRandom().shuffle(rows)
    Ballot.objects.bulk_create(
        [Ballot(id=uuid.uuid4(), subject_id=s, scores=sc) for s, sc in rows]
    )
    participations = Participation.objects.filter(subject__period=period)
    pairs = sorted(participations.values_list("subject_id", "rater_id"))
    participations.delete()
    Participation.objects.bulk_create(
        [Participation(id=uuid.uuid4(), subject_id=s, rater_id=r) for s, r in pairs]
    )
    erasure.rebuild_after_commit(Ballot, Participation)


def describe(period: EvaluationPeriod) -> dict[str, Any]:
    """Return the period's published facts (seed, numbers) for pages and the API."""
    s = period_settings(period)
    return {
        "seed": period.seed,
        "min_raters": s.min_raters,
        "fail_below": str(s.fail_below),
        "scale_max": s.scale_max,
    }
