"""Evaluation of cadres by students (CAD-3, CAD-7) and 述职 reports (CAD-4).

Anonymity is built into the tables, like a secret ballot:

* ``Participation`` says *who has rated whom* (so that a rater rates a cadre once per
  period: a unique constraint) and ``Ballot`` holds *what was rated*. The two share no
  key, no timestamp and no order: their primary keys are random UUIDs, neither has a
  creation time, and closing the period rewrites the ballots in a random order.
* Results are computed only when the period closes, and only from
  ``min_raters`` raters on (see :mod:`tongxue.domain.evaluation`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.core.erasure import secret


class PeriodStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for ratings")
    CLOSED = "closed", _("Closed and published")


class Kind(models.TextChoices):
    EVALUATION = "evaluation", _("Cadre evaluation")
    REPORT = "report", _("Work report")


class RaterGroup(models.TextChoices):
    PRESIDIUM = "presidium", _("Presidium")
    DELEGATE = "delegate", pgettext_lazy("rater group", "Delegates")
    STUDENT = "student", _("Sampled students")


class EvaluationPeriod(models.Model):
    """A semester (学期) in which a union's cadres are evaluated and report on their work."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="evaluation_periods",
    )
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PeriodStatus.choices,
        default=PeriodStatus.PLANNED,
    )
    # The published seed of the sample of students, and the numbers of the profile
    # fixed when the period opened (results stay comparable if the profile changes).
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    min_raters = models.PositiveSmallIntegerField(null=True, blank=True)
    fail_below = models.CharField(max_length=32, blank=True)
    scale_max = models.PositiveSmallIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation_id", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="unique_evaluation_period"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="evaluation_period_dates",
            ),
        ]
        verbose_name = _("evaluation period")
        verbose_name_plural = _("evaluation periods")

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.code}"


class Subject(models.Model):
    """A cadre to evaluate, or a presidium member's 述职 report, in one period."""

    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="subjects"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="+"
    )
    report = models.TextField(_("work report"), blank=True)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)

    class Meta:
        ordering = ["period_id", "kind", "position_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind", "position"], name="unique_evaluation_subject"
            )
        ]
        verbose_name = _("evaluation subject")
        verbose_name_plural = _("evaluation subjects")

    def __str__(self) -> str:
        return f"{self.period_id} · {self.kind} · {self.position_id}"


class Rater(models.Model):
    """A person on the rater list of a period (presidium, delegate or sampled student)."""

    period = models.ForeignKey(
        EvaluationPeriod, on_delete=models.CASCADE, related_name="raters"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("group"), max_length=16, choices=RaterGroup.choices)

    class Meta:
        ordering = ["period_id", "kind", "group", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind", "person"], name="unique_evaluation_rater"
            )
        ]
        verbose_name = _("rater")
        verbose_name_plural = _("raters")

    def __str__(self) -> str:
        return f"{self.period_id} · {self.kind} · {self.person_id}"


@secret
class Participation(models.Model):
    """That a rater has rated a subject: nothing about what they gave (one per pair)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="participations"
    )
    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "rater"], name="one_rating_per_rater_and_subject"
            )
        ]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.subject_id} · {self.rater_id}"


@secret
class Ballot(models.Model):
    """The scores one (unknown) rater gave a subject, by dimension."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(_("scores"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.subject_id} · {self.id}"


class Result(models.Model):
    """The aggregated result of a subject, computed when its period closes."""

    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="result"
    )
    published = models.BooleanField(_("published"), default=False)
    raters = models.PositiveIntegerField(_("raters"), null=True, blank=True)
    overall = models.DecimalField(
        _("overall"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    dimensions = models.JSONField(_("dimensions"), default=list)
    groups = models.JSONField(_("raters by group"), null=True, blank=True)
    failed = models.BooleanField(_("failed"), default=False)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")

    def __str__(self) -> str:
        return f"{self.subject_id}: {self.overall}"


class RecordedEvaluation(models.Model):
    """An evaluation of a union's cadres imported from a snapshot (CAD-3): counts only.

    Not a period run in Tongxue: it has no cadres to rate, no rater list and no rating
    (a snapshot never carries one: the ratings are secret like a ballot), only what the
    file's ``evaluations`` row says — the period, the dimensions rated, how many cadres
    were rated, how many raters were on the list and took part, whether the results
    were published. The audit reads it beside the periods run here; a period run here
    at the same union with the same code that rated cadres wins (docs/snapshot.md).
    Stored and changed only by an import, keyed by (organisation, code).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="recorded_evaluations",
    )
    code = models.CharField(_("code"), max_length=64)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    #: The keys of the dimensions rated (``tongxue.domain.evaluation.DIMENSIONS``);
    #: empty when the file does not say.
    dimensions = models.JSONField(_("dimensions"), default=list, blank=True)
    cadres = models.PositiveIntegerField(_("cadres rated"), null=True, blank=True)
    participants = models.PositiveIntegerField(
        _("raters who took part"), null=True, blank=True
    )
    eligible = models.PositiveIntegerField(
        _("raters on the list"), null=True, blank=True
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["organisation_id", "-end", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="unique_recorded_evaluation"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="recorded_evaluation_dates",
            ),
        ]
        verbose_name = _("recorded evaluation")
        verbose_name_plural = _("recorded evaluations")

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.code}"
