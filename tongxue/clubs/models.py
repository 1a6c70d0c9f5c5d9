"""A union's register of student clubs and their activities (ORG-14 · GS-6, GS-14,
CQ-1, CQ-9).

* :class:`Club`: a club on the union's register (社团登记): its category, the League's
  guiding unit and advisor, the responsible student, its status, and the same club in
  the registry of organisations when it is there.
* :class:`Activity`: an activity a club registers with the union: draft → submitted →
  approved | returned (resubmitted) | rejected; then held (with a short record) or
  cancelled (:data:`tongxue.domain.clubs.ACTIVITY`).
* :class:`Photo`: a photo of a held activity (optional), without metadata.
* :class:`Review`: every decision on an activity: who, when, under which role, the
  reasons (a returned activity keeps the history of its reviews).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.domain import clubs as dc


class ClubStatus(models.TextChoices):
    ACTIVE = dc.ClubStatus.ACTIVE.value, _("Active")
    SUSPENDED = dc.ClubStatus.SUSPENDED.value, pgettext_lazy("club", "Suspended")
    DISSOLVED = dc.ClubStatus.DISSOLVED.value, _("Dissolved")


class ClubCategory(models.TextChoices):
    POLITICAL = dc.ClubCategory.POLITICAL.value, _("Political theory")
    ACADEMIC = dc.ClubCategory.ACADEMIC.value, _("Academic and science")
    ENTREPRENEURSHIP = (
        dc.ClubCategory.ENTREPRENEURSHIP.value,
        _("Innovation and entrepreneurship"),
    )
    CULTURE_SPORTS = dc.ClubCategory.CULTURE_SPORTS.value, _("Culture and sports")
    VOLUNTEERING = (
        dc.ClubCategory.VOLUNTEERING.value,
        _("Volunteering and public service"),
    )
    MUTUAL_AID = dc.ClubCategory.MUTUAL_AID.value, _("Self-discipline and mutual aid")


class ActivityStatus(models.TextChoices):
    # labels are the lifecycle's (tongxue.domain.clubs.ACTIVITY)
    DRAFT = dc.S.DRAFT.value, _("Draft")
    SUBMITTED = dc.S.SUBMITTED.value, _("Awaiting review")
    RETURNED = dc.S.RETURNED.value, _("Returned for changes")
    APPROVED = dc.S.APPROVED.value, _("Approved")
    REJECTED = dc.S.REJECTED.value, _("Rejected")
    HELD = dc.S.HELD.value, _("Took place")
    CANCELLED = dc.S.CANCELLED.value, _("Cancelled")


class Club(models.Model):
    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="clubs",
        verbose_name=_("union"),
    )
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("category"), max_length=20, choices=ClubCategory.choices
    )
    description = models.CharField(_("what the club does"), max_length=300, blank=True)
    #: The League's guiding unit (指导单位): the League committee or a department's.
    guiding_unit = models.CharField(_("guiding unit"), max_length=120)
    #: The club's advisor (指导教师), a teacher named by the guiding unit.
    advisor = models.CharField(_("advisor (teacher)"), max_length=60)
    #: The responsible student (负责人): told of the decisions on the club's activities.
    responsible = models.ForeignKey(
        "organisations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible student"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ClubStatus.choices,
        default=ClubStatus.ACTIVE,
    )
    #: The same club in the registry of organisations (a club of the union's, or of
    #: the club federation of its school), when it is there: one entry a club.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="register_entries",
        verbose_name=_("club in the registry"),
    )
    registered_on = models.DateField(_("registered on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["union", "name"], name="unique_club_name"),
            models.UniqueConstraint(
                fields=["organisation"], name="unique_club_organisation"
            ),
        ]
        verbose_name = _("student club")
        verbose_name_plural = _("student clubs")

    def __str__(self) -> str:
        return self.name

    @property
    def reference(self) -> str:
        """``C12``: the club's reference in the register (the audit's)."""
        return f"C{self.pk}"


class Activity(models.Model):
    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="activities")
    #: The club's union (kept with the activity: the lists filter on it).
    union = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("club activity", "title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120)
    #: Who organises it (the club's office or the student in charge).
    organiser = models.CharField(_("organiser"), max_length=80)
    expected_participants = models.PositiveIntegerField(_("expected participants"))
    content = models.TextField(_("content"))
    #: Outside speakers (name and affiliation): part of the political review (政治关).
    speakers = models.TextField(_("outside speakers"), blank=True)
    #: Sponsors from outside the school: part of the review too.
    sponsors = models.TextField(_("sponsors"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActivityStatus.choices,
        default=ActivityStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: The last decision (its history: :class:`Review`).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: When the approving review was taken (the audit's "reviewed before it was held").
    approved_at = models.DateTimeField(null=True, blank=True)
    #: What happened (held): how many took part and a short record.
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    record = models.TextField(_("what happened"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["union", "status", "starts_at"], name="activity_list"),
            models.Index(fields=["club", "status", "starts_at"], name="activity_club"),
        ]
        verbose_name = _("club activity")
        verbose_name_plural = _("club activities")

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """``A37``: the activity's reference (the audit's)."""
        return f"A{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status in dc.PUBLIC


class Photo(models.Model):
    """A photo of a held activity (optional), re-encoded without metadata."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="photo"
    )
    image = models.BinaryField()
    content_type = models.CharField(max_length=32)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"photo {self.activity_id}"


class Review(models.Model):
    """A decision on an activity under the League's guidance (ORG-14)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="reviews"
    )
    decision = models.CharField(
        _("decision"), max_length=12, choices=ActivityStatus.choices
    )
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_as = models.CharField(max_length=32)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.decision}"
