"""The business of a congress and of the standing conference (CON-7 … CON-10, CON-13).

A meeting (``congresses.Meeting``: congress, all-student assembly or standing-conference
meeting) has an agenda, may hear the union's work report and vote on it, and a congress
votes on charter motions and collects students' opinions on the school. A union's
charter is kept as numbered versions; standing delegates (常任代表) are recommended by the
department unions from among the delegates of the union's latest congress.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxue.domain import business as db
from tongxue.domain import model as dm


class AgendaKind(models.TextChoices):
    WORK_REPORT = db.AgendaKind.WORK_REPORT.value, _("Review of the work report")
    LEADERSHIP = db.AgendaKind.LEADERSHIP.value, _("Election of the leadership")
    CHARTER_ADOPTION = (
        db.AgendaKind.CHARTER_ADOPTION.value,
        _("Adoption of the charter"),
    )
    CHARTER_AMENDMENT = (
        db.AgendaKind.CHARTER_AMENDMENT.value,
        _("Amendment of the charter"),
    )
    OPINIONS = db.AgendaKind.OPINIONS.value, _("Students' opinions on the school")
    SUPERVISION = (
        db.AgendaKind.SUPERVISION.value,
        _("Supervision and evaluation of the union"),
    )
    CHARTER_IMPLEMENTATION = (
        db.AgendaKind.CHARTER_IMPLEMENTATION.value,
        _("Check of the charter's implementation"),
    )
    RIGHTS_CASE = db.AgendaKind.RIGHTS_CASE.value, _("A rights case")
    EVENT = db.AgendaKind.EVENT.value, _("Running an event")
    DAILY_WORK = db.AgendaKind.DAILY_WORK.value, _("Daily work of the union")
    OTHER = db.AgendaKind.OTHER.value, _("Other business")


class VoteMethod(models.TextChoices):
    VOTES_CAST = db.VoteMethod.VOTES_CAST.value, _("More than half of the votes cast")
    DELEGATES_MAJORITY = (
        db.VoteMethod.DELEGATES_MAJORITY.value,
        _("More than half of all delegates"),
    )
    DELEGATES_TWO_THIRDS = (
        db.VoteMethod.DELEGATES_TWO_THIRDS.value,
        _("At least two thirds of all delegates"),
    )


class MotionKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption of the charter")
    AMENDMENT = "amendment", _("Amendment of the charter")


class MotionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PASSED = "passed", _("Passed")
    REJECTED = "rejected", _("Rejected")


class Vote(models.Model):
    """A recorded vote: yes/no/abstain counts, the method and whether it passed."""

    yes = models.PositiveIntegerField(_("yes votes"), null=True, blank=True)
    no = models.PositiveIntegerField(_("no votes"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    method = models.CharField(
        _("majority required"), max_length=32, choices=VoteMethod.choices, blank=True
    )
    base = models.PositiveIntegerField(
        _("base of the threshold"), null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    voted_on = models.DateField(_("voted on"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def voted(self) -> bool:
        return self.passed is not None


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        "congresses.Meeting", on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("order on the agenda"), default=0)
    kind = models.CharField(_("kind"), max_length=32, choices=AgendaKind.choices)
    title = models.CharField(_("title of the item"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.position} · {self.title}"


class WorkReport(Vote):
    """The union's work report to a congress or standing conference (CON-13, CON-7)."""

    meeting = models.OneToOneField(
        "congresses.Meeting", on_delete=models.CASCADE, related_name="work_report_doc"
    )
    title = models.CharField(_("title of the report"), max_length=200)
    text = models.TextField(_("text"))
    # The optional attachment is kept in the database (no media storage to run);
    # selectors defer it and a view serves it as a download.
    attachment = models.BinaryField(_("attachment"), null=True, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.title}"


class WrittenReport(models.Model):
    """A work report filed in writing to the congress or its standing body (CON-13).

    The plans accept a yearly report "通过集中会议或书面形式" (at a meeting or in
    writing): one heard at a meeting is that meeting's :class:`WorkReport`; one sent to
    the delegates in writing between meetings is recorded here, dated the day it was
    filed.
    """

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="written_reports",
    )
    # Its code in a snapshot (``written_reports``, keyed by union and code): the one
    # the file gave, or the id of a report filed here (set when it is filed).
    code = models.CharField(_("code"), max_length=64, blank=True)
    title = models.CharField(_("title of the report"), max_length=200)
    text = models.TextField(_("text"))
    filed_on = models.DateField(_("filed on"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["union_id", "-filed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "code"],
                condition=~models.Q(code=""),
                name="unique_written_report_code",
            )
        ]
        verbose_name = _("written work report")
        verbose_name_plural = _("written work reports")

    def __str__(self) -> str:
        return f"{self.union_id} · {self.filed_on} · {self.title}"


class GuidanceKind(models.TextChoices):
    PARTY_HEARING = (
        dm.GuidanceKind.PARTY_HEARING.value,
        _("The Party committee heard the union's report"),
    )
    LEAGUE_GUIDANCE = (
        dm.GuidanceKind.LEAGUE_GUIDANCE.value,
        _("Guidance by the League committee"),
    )


class Guidance(models.Model):
    """The school's Party committee hearing the union's report, or the League
    committee's guidance, on the day it was given (GOV-1, GOV-2 · GS-14, CQ-9).

    "定期听取相关汇报，提出指导要求": ``by`` names the committee (or who), ``summary``
    what was reported and the guidance given. ``public`` records are shown on the
    union's public page; the others only to its managers, the League and the Party.
    One record per union, kind and day (the key of the snapshot table ``guidance``).
    """

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="guidance",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GuidanceKind.choices)
    held = models.DateField(_("held on"))
    by = models.CharField(_("given by"), max_length=200)
    summary = models.TextField(_("what was reported and the guidance given"))
    public = models.BooleanField(_("shown publicly"), default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["union_id", "-held", "-pk"]
        verbose_name = _("guidance record")
        verbose_name_plural = _("guidance records")
        constraints = [
            models.UniqueConstraint(
                fields=["union", "kind", "held"], name="guidance_one_per_kind_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_id} · {self.kind} · {self.held}"


class CharterMotion(Vote):
    """A motion to adopt or amend a union's charter, carrying the new text (CON-7)."""

    meeting = models.ForeignKey(
        "congresses.Meeting", on_delete=models.CASCADE, related_name="charter_motions"
    )
    union = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MotionKind.choices)
    title = models.CharField(_("title of the motion"), max_length=200)
    text = models.TextField(_("new text of the charter"))
    explanation = models.TextField(_("explanation"), blank=True)
    base_version = models.ForeignKey(
        "CharterVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("amends version"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MotionStatus.choices,
        default=MotionStatus.PROPOSED,
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("charter motion")
        verbose_name_plural = _("charter motions")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.title}"


class CharterVersion(models.Model):
    """One version of a union's charter (章程); the highest number is in force."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="charter_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    adopted_on = models.DateField(_("adopted on"))
    motion = models.OneToOneField(
        CharterMotion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="version",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "number"], name="unique_charter_version"
            )
        ]
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")

    def __str__(self) -> str:
        return f"{self.union_id} · v{self.number}"


class OpinionGroup(models.Model):
    """Students' opinions grouped by the presidium; maybe carried into a proposal."""

    meeting = models.ForeignKey(
        "congresses.Meeting", on_delete=models.CASCADE, related_name="opinion_groups"
    )
    title = models.CharField(_("group title"), max_length=200)
    proposal = models.TextField(_("proposal to the school"), blank=True)
    carried = models.BooleanField(_("carried into a proposal"), default=False)

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("opinion group")
        verbose_name_plural = _("opinion groups")

    def __str__(self) -> str:
        return self.title


class StudentOpinion(models.Model):
    """A student's opinion on the school, submitted before a congress (CON-7)."""

    meeting = models.ForeignKey(
        "congresses.Meeting", on_delete=models.CASCADE, related_name="opinions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("opinion"))
    group = models.ForeignKey(
        OpinionGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    # Moderation: a hidden opinion stays on record (and counts as collected) but is
    # not shown; the reason is kept with it and in the audit log.
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("student opinion")
        verbose_name_plural = _("student opinions")

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.pk}"


class StandingConference(models.Model):
    """The day a union adopted the standing delegate conference (CON-8 … CON-10).

    Recorded by a snapshot import (``standing_conferences``). A union that recommends
    its first standing delegate here adopts it that day without a record; the audit
    takes the earlier of the two (``tongxue.business.mappers.standing_conferences``).
    """

    union = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="standing_conference",
    )
    adopted_on = models.DateField(_("adopted on"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("standing conference adoption")
        verbose_name_plural = _("standing conference adoptions")

    def __str__(self) -> str:
        return f"{self.union_id} · {self.adopted_on}"


class StandingDelegate(models.Model):
    """A standing delegate (常任代表) recommended by a department union (CON-8)."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="standing_delegates",
    )
    congress = models.ForeignKey(
        "congresses.Meeting", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recommended_on = models.DateField(_("recommended on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["union_id", "department_id", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "person"], name="unique_standing_delegate"
            )
        ]
        verbose_name = _("standing delegate")
        verbose_name_plural = _("standing delegates")

    def __str__(self) -> str:
        return f"{self.union_id} · {self.person_id}"
