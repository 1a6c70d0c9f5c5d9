"""Congresses, all-student assemblies and standing-conference meetings, with delegates."""

from __future__ import annotations

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
