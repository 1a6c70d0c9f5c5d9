"""A union's projects (项目化工作, ORG-11 · GS-9, CQ-4).

* :class:`Project`: numbered in its union, with an owner (a cadre of the union), the
  functional departments involved, members (cadres and students of the school), dates,
  an optional budget line of the union's ledger (a school year and a category, with the
  amount planned), a state (:data:`tongxue.domain.lifecycle.PROJECT`) and, once
  concluded, the written outcome report (also published as an activity report on the
  union's public page: ``outcome_entry``).
* :class:`Event`: a dated event of a project, where participants check in by QR code.
* :class:`CheckIn`: one participant at one event, once (a database constraint).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.domain.lifecycle import PROJECT


class ProjectStatus(models.TextChoices):
    # labels are the lifecycle's (tongxue.domain.lifecycle.PROJECT)
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    CONCLUDED = "concluded", _("Concluded")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("union"),
    )
    #: The project's number in its union, from 1.
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(pgettext_lazy("project", "title"), max_length=200)
    #: What the project is for (public).
    summary = models.TextField(_("aims"), blank=True)
    owner = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="owned_projects",
        verbose_name=pgettext_lazy("project", "owner"),
    )
    departments = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="involved_projects",
        verbose_name=_("departments involved"),
    )
    members = models.ManyToManyField(
        "organisations.Person",
        blank=True,
        related_name="member_projects",
        verbose_name=_("members"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    #: The budget line in the union's ledger: the school year and the category.
    budget_year = models.PositiveSmallIntegerField(
        _("school year of the budget"), null=True, blank=True
    )
    budget_category = models.CharField(_("budget category"), max_length=16, blank=True)
    budget_amount = models.DecimalField(
        _("amount planned (元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProjectStatus.choices,
        default=PROJECT.initial,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The written outcome report, published when the project is concluded.
    outcome = models.TextField(_("outcome report"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    #: The same report on the union's public page (an activity report).
    outcome_entry = models.ForeignKey(
        "disclosure.WorkEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["union_id", "-start", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "number"], name="unique_project_number"
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="project_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "status", "start"], name="project_union")
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.union_id}-{self.number} {self.title}"


class Event(models.Model):
    """A dated event of a project: participants check in by the organiser's QR code."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(pgettext_lazy("event", "title"), max_length=200)
    day = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "day", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """A participant checked in at an event (once: the constraint)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="check_ins")
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="check_ins"
    )
    checked_in_at = models.DateTimeField()

    class Meta:
        ordering = ["event_id", "checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="unique_check_in")
        ]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.event_id} · {self.person_id}"
