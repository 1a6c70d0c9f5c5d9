"""Congresses, all-student assemblies and standing-conference meetings, with delegates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    CONGRESS = "congress", _("Student congress")
    ASSEMBLY = "assembly", _("All-student assembly")
    STANDING_CONFERENCE = "standing_conference", _("Standing delegate conference")


class Meeting(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices)
    session = models.PositiveSmallIntegerField(_("session"), null=True, blank=True)
    opened = models.DateField(_("opened"))
    work_report = models.BooleanField(_("work report reviewed"), default=False)

    class Meta:
        ordering = ["-opened"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()} {self.opened}"


class Delegate(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="delegates"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="delegate_seats"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="unique_delegate"
            )
        ]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.person_id}"


class SeatAllocation(models.Model):
    """How a congress's seats are shared among departments (CON-3, CON-4 · GS-8, CQ-3)."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="seat_allocation"
    )
    method = models.CharField(_("method"), max_length=32)
    seats = models.PositiveIntegerField(_("seats"))
    quota_minimum = models.PositiveIntegerField(_("minimum seats (quota)"))
    min_seats_per_unit = models.PositiveSmallIntegerField(
        _("minimum seats per department"), default=1
    )
    tie = models.CharField(_("tie-break"), max_length=16, default="refuse")
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seat allocation")
        verbose_name_plural = _("seat allocations")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.method} · {self.seats}"


class AllocatedSeats(models.Model):
    """One department's seats in an allocation, with its exact quota and explanation."""

    allocation = models.ForeignKey(
        SeatAllocation, on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    students = models.PositiveIntegerField(_("students"))
    seats = models.PositiveIntegerField(_("seats"))
    quota = models.CharField(_("quota"), max_length=200)
    explanation = models.JSONField(_("explanation"), default=dict)

    class Meta:
        ordering = ["allocation_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "unit"], name="unique_allocated_unit"
            )
        ]
        verbose_name = _("allocated seats")
        verbose_name_plural = _("allocated seats")

    def __str__(self) -> str:
        return f"{self.allocation_id} · {self.unit_id}: {self.seats}"
