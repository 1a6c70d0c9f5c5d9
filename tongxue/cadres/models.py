"""Cadres (学生干部): open selection, training, exit cases and the contact relay.

* :class:`Selection` — the open selection (公开选拔) of one post (CAD-1, CAD-7, ELE-3,
  ELE-4): advertised, applied for, assessed per criterion with evidence, shortlisted and
  decided with a public notice (公示) each, then appointed through the registry.
* :class:`Course`, :class:`TrainingSession`, :class:`Attendance` — two-level cadre
  training (CAD-6).
* :class:`ExitCase` — 劝退 / 免职 / 罢免 by a defined procedure (CAD-5).
* :class:`RelayMessage` — a student's message to a cadre through the public roster
  (CAD-2) without the cadre publishing a private contact.

Posts held stay in :class:`tongxue.organisations.models.Position`; states follow the
lifecycles in :mod:`tongxue.domain.lifecycle`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.organisations.models import Organisation, Person, Position, Role


class SelectionState(models.TextChoices):
    ADVERTISED = "advertised", _("Advertised")
    ASSESSING = "assessing", _("Assessing")
    SHORTLISTED = "shortlisted", _("Shortlist announced")
    DECIDED = "decided", _("Decision announced")
    APPOINTED = "appointed", _("Appointed")
    CANCELLED = "cancelled", _("Cancelled")


class Criterion(models.TextChoices):
    """The criteria of the plans (profile parameter ``cadre_criteria``, CAD-1, CAD-7)."""

    POLITICAL = "political", _("Politically qualified")
    ACADEMIC = "academic", _("Academically excellent")
    CHARACTER = "character", _("Good character")
    WORK_STYLE = "work_style", _("Solid work style")
    STANDING = "standing", _("Good standing among students")
    DEDICATION = "dedication", _("Strong dedication")
    TRAINING = "training", _("Cadre training completed")


class Verdict(models.TextChoices):
    MEETS = "meets", _("Meets the criterion")
    NOT_MET = "not_met", _("Does not meet the criterion")
    UNCLEAR = "unclear", _("Not yet clear")


class Selection(models.Model):
    """The open selection of one post at a union or one of its departments."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="selections"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(pgettext_lazy("post", "title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    closes = models.DateField(_("applications close"))
    public_contact = models.CharField(
        _("official contact of the post"), max_length=200, blank=True
    )
    criteria = models.JSONField(_("criteria"), default=list)
    required_course = models.ForeignKey(
        "Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("required training course"),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=SelectionState.choices,
        default=SelectionState.ADVERTISED,
    )
    chosen = models.ForeignKey(
        "Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    assessing_at = models.DateTimeField(null=True, blank=True)
    shortlisted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    appointed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-closes", "-id"]
        verbose_name = _("open selection")
        verbose_name_plural = _("open selections")

    def __str__(self) -> str:
        return f"{self.title} · {self.organisation_id}"


class Application(models.Model):
    selection = models.ForeignKey(
        Selection, on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cadre_applications"
    )
    statement = models.TextField(_("statement"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    shortlisted = models.BooleanField(_("shortlisted"), default=False)

    class Meta:
        ordering = ["selection_id", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "person"], name="one_application_per_post"
            )
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.selection_id} · {self.person_id}"


class Assessment(models.Model):
    """One assessor's assessment of one application against one criterion (CAD-1)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="assessments"
    )
    criterion = models.CharField(
        _("criterion"), max_length=32, choices=Criterion.choices
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    evidence = models.TextField(_("evidence"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application_id", "criterion", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "assessor"],
                name="one_assessment_per_criterion_and_assessor",
            )
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.application_id} · {self.criterion}"


class Course(models.Model):
    """A cadre training course of a school-level or a department union (CAD-6)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cadre_courses"
    )
    title = models.CharField(pgettext_lazy("course", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sessions_required = models.PositiveSmallIntegerField(
        _("sessions required to complete"), default=1
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "title", "id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions"
    )
    held = models.DateField(_("held"))
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        ordering = ["course_id", "held", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.held} {self.topic}"


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendance"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="training_attendance"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="one_attendance_per_session"
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.session_id} · {self.person_id}"


class ExitGround(models.TextChoices):
    STUDIES = "studies", _("Cannot complete studies")
    FAILED_EVALUATION = "failed-evaluation", _("Failed evaluation")
    VIOLATION = "violation", _("Violation of law or discipline")
    OTHER = "other", _("Other")


class ExitState(models.TextChoices):
    OPENED = "opened", _("Opened")
    NOTIFIED = "notified", _("Cadre notified")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Case closed")
    DISMISSED = "dismissed", _("Dismissed")


class Measure(models.TextChoices):
    ADVISE_RESIGN = "advise_resign", _("Advised to resign (劝退)")
    DISMISS = "dismiss", _("Dismissal (免职)")
    RECALL = "recall", _("Recall (罢免)")


class ExitCase(models.Model):
    """A cadre's exit case (CAD-5), following ``tongxue.domain.lifecycle.EXIT_CASE``."""

    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="exit_cases"
    )
    ground = models.CharField(_("ground"), max_length=32, choices=ExitGround.choices)
    evidence = models.TextField(_("evidence"))
    state = models.CharField(
        _("state"), max_length=16, choices=ExitState.choices, default=ExitState.OPENED
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    notice_text = models.TextField(_("notice to the cadre"), blank=True)
    statement = models.TextField(_("the cadre's statement"), blank=True)
    statement_at = models.DateTimeField(null=True, blank=True)
    measure = models.CharField(
        _("measure"), max_length=16, choices=Measure.choices, blank=True
    )
    body = models.CharField(_("competent body"), max_length=200, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    votes_yes = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    members = models.PositiveIntegerField(
        _("members of the electing body"), null=True, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateField(_("appeal until"), null=True, blank=True)
    appeal = models.TextField(_("appeal"), blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: The reference of the student's concern the case was raised from (CAD-8: set by
    #: the concerns app, which sits above this one; "" when opened here). Only the
    #: reference: never the concern's text nor who raised it.
    source_reference = models.CharField(
        _("raised from a student's concern"), max_length=40, blank=True
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("exit case")
        verbose_name_plural = _("exit cases")

    def __str__(self) -> str:
        return f"{self.position_id} · {self.ground}"


class RelayMessage(models.Model):
    """A signed-in student's message to a cadre through the roster (CAD-2).

    The sender is shown to the cadre, never publicly.
    """

    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="relay_messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("message"))
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("relayed message")
        verbose_name_plural = _("relayed messages")

    def __str__(self) -> str:
        return f"{self.position_id} · {self.sent_at}"
