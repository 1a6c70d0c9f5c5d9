"""Congresses, all-student assemblies and standing-conference meetings, with delegates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    CONGRESS = "congress", _("Student congress")
    ASSEMBLY = "assembly", _("All-student assembly")
    STANDING_CONFERENCE = "standing_conference", _("Standing delegate conference")


class MeetingStatus(models.TextChoices):
    """The states of :data:`tongxue.domain.lifecycle.CONGRESS`, in order."""

    PLANNED = "planned", _("Planned")
    SEATS_ALLOCATED = "seats_allocated", _("Seats allocated")
    DELEGATES_ELECTED = "delegates_elected", _("Delegates elected")
    CONVENED = "convened", _("Convened")
    CLOSED = "closed", _("Closed")


class Meeting(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices)
    session = models.PositiveSmallIntegerField(_("session"), null=True, blank=True)
    opened = models.DateField(_("opened"))
    work_report = models.BooleanField(_("work report reviewed"), default=False)
    # The lifecycle (tongxue.domain.lifecycle.CONGRESS); ``opened`` is the (planned)
    # opening day, ``closes`` the planned last day. A meeting created here starts
    # planned; a row inserted outside the ORM (the snapshot import of meetings held)
    # is a record of the past: closed.
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
        db_default=MeetingStatus.CLOSED,
    )
    closes = models.DateField(_("closing date"), null=True, blank=True)
    # Who got seats, as a snapshot recorded it (CON-4): {"by_grade": bool,
    # "departments": [codes], "grades": [years], "clubs": [codes]}. A congress whose
    # seats Tongxue allocated reads them from its SeatAllocation instead.
    recorded_seats = models.JSONField(_("seat plan (imported)"), null=True, blank=True)
    delegates_frozen_at = models.DateTimeField(
        _("delegate list frozen at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-opened"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()} {self.opened}"


class DelegateElection(models.Model):
    """The class or department election that elected delegates (CON-6 · GS-8, CQ-3)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="delegate_elections"
    )
    unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("electing unit"),
    )
    held = models.DateField(_("election date"))
    electorate = models.PositiveIntegerField(_("electorate"))
    votes_cast = models.PositiveIntegerField(_("votes cast"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit", "held"], name="unique_delegate_election"
            )
        ]
        verbose_name = _("delegate election")
        verbose_name_plural = _("delegate elections")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.unit_id} {self.held}"


class Delegate(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="delegates"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="delegate_seats"
    )
    # Provenance (CON-6): null only on delegates recorded before it was kept (imports).
    election = models.ForeignKey(
        DelegateElection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegates",
        verbose_name=_("election"),
    )
    votes = models.PositiveIntegerField(_("votes for the delegate"), null=True)
    # The seat it fills (CON-4): a department (with a grade when seats are by grade) or
    # a main club.
    seat_unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seat"),
    )
    seat_grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    entered_at = models.DateTimeField(null=True, blank=True)

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
    # "departments": seats by department (rows); "grades": departments × grades
    # biproportionally (cells), with the row and column divisors in ``explanation``.
    mode = models.CharField(_("mode"), max_length=16, default="departments")
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
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
    # "department", or "club" for a main club's seat (CON-4).
    kind = models.CharField(max_length=16, default="department")
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


class AllocatedCell(models.Model):
    """A department's seats in one grade (CON-4: departments × grades, biproportional)."""

    allocation = models.ForeignKey(
        SeatAllocation, on_delete=models.CASCADE, related_name="cells"
    )
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    students = models.PositiveIntegerField(_("students"))
    seats = models.PositiveIntegerField(_("seats"))

    class Meta:
        ordering = ["allocation_id", "unit_id", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "unit", "grade"], name="unique_allocated_cell"
            )
        ]
        verbose_name = _("allocated cell")
        verbose_name_plural = _("allocated cells")

    def __str__(self) -> str:
        return f"{self.allocation_id} · {self.unit_id} · {self.grade}: {self.seats}"


class StoredBalance(models.Model):
    """The balance page's report of a federation congress, kept with what it was
    computed from (CON-12 · GS-4, #15).

    ``key`` is a hash of the report's inputs that are cheap to read again (the
    congress's delegate list and its delegates' registry rows and posts, the congress,
    the federation, the organisations under it, the day, the rules:
    ``tongxue.congresses.balance.report_key``); ``data`` the report as JSON, each text a
    message id translated when shown. The page reads it while the key holds and computes
    (and stores) it again otherwise. The delegate services and the snapshot import
    delete it in their transaction (``tongxue.congresses.balance.forget_report``).
    """

    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_balance",
    )
    key = models.CharField(max_length=64)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("stored balance report")
        verbose_name_plural = _("stored balance reports")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.computed_at:%Y-%m-%d %H:%M}"
