"""Surveys of students: the union's evaluation (TRN-2 · GS-11, CQ-6), #18.

Anonymity is built into the tables, like a secret ballot (tongxue.evaluations):

* ``Eligible`` is the list of those who may answer (fixed when the survey opens, with
  each student's department and grade at that day);
* ``Participation`` says *who has answered* (the database refuses a second one for the
  same student: a unique constraint) and ``Response`` holds *what was answered*, with
  the respondent's department and grade for the breakdowns. The two share no key, no
  timestamp and no order: their primary keys are random UUIDs, neither has a creation
  time, and closing the survey rewrites the responses in a random order with new keys
  (the department and grade of a group smaller than the minimum blanked), the
  participations sorted by student with new keys.
* Results are computed only when the survey closes (``Result``), and shown only from
  ``min_group_size`` responses on (see :mod:`tongxue.domain.surveys`). On PostgreSQL
  the responses of an open survey are counted every minute into its partial tally
  (``PartialTally``, ``PartialText``, ``PartialWord``:
  :mod:`tongxue.surveys.aggregation`), which only the close reads and then deletes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.core.erasure import secret


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class EligibilityKind(models.TextChoices):
    ALL = "all", _("Every student the union serves")
    SAMPLE = "sample", _("A sample drawn with a published seed")


class Survey(models.Model):
    """A survey of the students a union serves (the union's evaluation: TRN-2)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="surveys"
    )
    code = models.CharField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    #: The template it was made from (``union-evaluation``: the union's evaluation).
    template = models.CharField(_("template"), max_length=32, blank=True)
    #: Whether it is the union's evaluation by students (TRN-2: the audit counts it).
    evaluation = models.BooleanField(_("evaluation of the union"), default=False)
    #: The questions, a copy of the template's when it was created (JSON of
    #: :meth:`tongxue.domain.surveys.Question.as_dict`).
    questions = models.JSONField(_("questions"), default=list)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SurveyStatus.choices,
        default=SurveyStatus.DRAFT,
    )
    eligibility = models.CharField(
        _("who may answer"),
        max_length=16,
        choices=EligibilityKind.choices,
        default=EligibilityKind.ALL,
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    closes_on = models.DateField(_("last day for answers"))
    #: Fixed when the survey opens (the profile's ``survey_min_group_size``).
    min_group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    eligible_count = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation_id", "-closes_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="unique_survey_code"
            )
        ]
        indexes = [models.Index(fields=["status", "closes_on"])]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.code}"

    @property
    def published(self) -> bool:
        return self.published_at is not None


class Eligible(models.Model):
    """A student who may answer the survey, with the department and grade at opening."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="eligible"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], name="unique_survey_eligible"
            )
        ]
        verbose_name = _("eligible student")
        verbose_name_plural = _("eligible students")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.person_id}"


@secret
class Participation(models.Model):
    """That a student has answered the survey: nothing about what (one per student)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], name="one_response_per_student"
            )
        ]
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.person_id}"


@secret
class Response(models.Model):
    """The answers of one (unknown) student, with their department and grade."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(_("answers"))
    #: Counted already: into the survey's partial tally while it is open (the fold,
    #: :mod:`tongxue.surveys.aggregation`), into its results at the close. The answer
    #: statement leaves it to the database's default (``false``).
    tallied = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            # The responses not counted yet, by survey: what the fold and the close
            # read (a few, not the millions already counted).
            models.Index(
                fields=["survey"],
                condition=models.Q(tallied=False),
                name="survey_response_untallied",
            )
        ]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.id}"


@secret
class PartialTally(models.Model):
    """What the responses of an open survey counted so far say, for one department and
    grade (the fold: :mod:`tongxue.surveys.aggregation`). Never shown: read only by
    the close, which adds the responses not counted yet, stores the ``Result`` and
    deletes these rows."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    responses = models.PositiveIntegerField(default=0)
    #: ``{"n:<question>": answered, "sum:<question>": a scale's sum,
    #: "is:<question>:<answer>": a point's or an option's count}``
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("partial tally of a survey")
        verbose_name_plural = _("partial tallies of surveys")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.department_id} · {self.grade}"


@secret
class PartialText(models.Model):
    """An open text of a response counted by the fold, as shown (masked), with its
    keywords (for the close's grouping); no department, grade or response. Deleted at
    the close."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=64)
    text = models.TextField()
    #: The MD5 digest of the text: the order of the examples of a keyword group.
    digest = models.UUIDField()
    #: Its distinct keywords of two or more characters
    #: (``tongxue.surveys.text.keywords``), each between two U+001F.
    words = models.TextField(blank=True)

    class Meta:
        verbose_name = _("partial text of a survey")
        verbose_name_plural = _("partial texts of surveys")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.question}"


@secret
class PartialWord(models.Model):
    """In how many folded texts of a survey's question a keyword occurs (the close's
    keyword grouping). Deleted at the close."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=64)
    word = models.TextField()
    texts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question", "word"], name="unique_partial_word"
            )
        ]
        verbose_name = _("partial keyword count of a survey")
        verbose_name_plural = _("partial keyword counts of surveys")

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.question} · {self.word}"


class Result(models.Model):
    """The aggregated results of a closed survey
    (:meth:`tongxue.domain.surveys.SurveyResults.as_dict`)."""

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, related_name="result"
    )
    responses = models.PositiveIntegerField(_("responses"))
    eligible = models.PositiveIntegerField(_("eligible students"))
    data = models.JSONField(_("results"))

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.responses}/{self.eligible}"
