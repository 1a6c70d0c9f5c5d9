"""The union's advocacy beyond single concerns (RGT-2, RGT-3, RGT-4 · GS-10, GS-4, CQ-5).

* **Legal aid** (RGT-2): the school-level union's directory of public-interest lawyers
  and legal aid bodies (:class:`LegalAidContact`), and the concerns a handler referred to
  one with the student's consent (:class:`Referral`, also a step of the concern's
  timeline).
* **Face-to-face meetings** (RGT-3): 校领导接待日 and 职能部门交流会 of a school-level
  union, a federation's meetings with people's congress deputies, CPPCC members and
  government departments (:class:`Dialogue`); students sign up with a topic
  (:class:`SignUp`), the minutes are recorded afterwards and each point raised
  (:class:`Point`) becomes a concern or joins one.
* **Participation in the school's decisions** (RGT-4): the committees the union sits on
  (:class:`Committee`) and each of their meetings it attended (:class:`Participation`:
  the students' position carried and the outcome).
* The union's **written requests** to the school (:class:`WrittenRequest`): to hold
  reception days and exchange meetings (RGT-3), for committee seats (RGT-4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContactKind(models.TextChoices):
    LEGAL_AID_CENTRE = "legal_aid_centre", _("Legal aid centre")
    LAW_FIRM = "law_firm", _("Public-interest law firm")
    LAWYER = "lawyer", _("Public-interest lawyer")
    LAW_CLINIC = "law_clinic", _("Law clinic")
    OTHER = "other", pgettext_lazy("legal aid", "Other")


class LegalAidContact(models.Model):
    """An entry of a school-level union's legal-aid directory (RGT-2): kept by the union
    under the League's guidance; public while active, except ``note``."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="legal_aid_contacts",
        verbose_name=_("union"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    name = models.CharField(_("name"), max_length=120)
    #: The firm or body a lawyer works at.
    body = models.CharField(_("firm or body"), max_length=120, blank=True)
    areas = models.CharField(_("what they help with"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    #: Since when the union is in touch with them (经常性联系).
    linked_since = models.DateField(_("in touch since"))
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    #: For the union only (never on the public page).
    note = models.TextField(_("internal note"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["union_id", "-active", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "name"], name="unique_legal_aid_contact"
            )
        ]
        verbose_name = _("legal aid contact")
        verbose_name_plural = _("legal aid contacts")

    def __str__(self) -> str:
        return self.name


class ConsentHow(models.TextChoices):
    IN_WRITING = "in_writing", _("In writing")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("By an online message")


class Referral(models.Model):
    """A concern referred to legal aid with the student's consent (RGT-2)."""

    concern = models.ForeignKey(
        "voice.Concern", on_delete=models.PROTECT, related_name="referrals"
    )
    contact = models.ForeignKey(
        LegalAidContact, on_delete=models.PROTECT, related_name="referrals"
    )
    #: The concern's union (the audit counts referrals per union).
    union = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    consent_on = models.DateField(_("consent given on"))
    consent_how = models.CharField(
        _("consent given"), max_length=16, choices=ConsentHow.choices
    )
    note = models.TextField(_("internal note"), blank=True)
    referred_at = models.DateTimeField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-referred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "contact"], name="unique_referral"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} → {self.contact_id}"


class DialogueKind(models.TextChoices):
    RECEPTION_DAY = "reception_day", _("School leaders' reception day")
    OFFICE_EXCHANGE = "office_exchange", _("Exchange meeting with the school's offices")
    DEPUTIES = (
        "deputies",
        _("Meeting with people's congress deputies and CPPCC members"),
    )
    GOVERNMENT = "government", _("Meeting with government departments")


class DialogueStatus(models.TextChoices):
    # labels are the lifecycle's (tongxue.domain.lifecycle.FACE_MEETING; a test checks)
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Meeting held")
    CANCELLED = "cancelled", _("Cancelled")


class Dialogue(models.Model):
    """A face-to-face meeting between students and school leaders, the school's offices,
    deputies or government departments (RGT-3)."""

    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="dialogues",
        verbose_name=_("organised by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DialogueKind.choices)
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=120)
    starts = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=120)
    #: Who attends from the school (leaders, offices) or the other side (deputies …).
    attendees = models.TextField(_("who attends"))
    places = models.PositiveSmallIntegerField(_("places for students"))
    #: Sign-up closes then (the start when empty).
    signup_closes = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DialogueStatus.choices,
        default=DialogueStatus.PLANNED,
    )
    minutes = models.TextField(_("minutes"), blank=True)
    #: The minutes and the points raised are shown on the public page.
    minutes_public = models.BooleanField(_("publish the minutes"), default=False)
    minutes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts", "-id"]
        indexes = [
            models.Index(
                fields=["organiser", "starts"], name="dialogue_organiser_starts"
            )
        ]
        verbose_name = _("face-to-face meeting")
        verbose_name_plural = _("face-to-face meetings")

    def __str__(self) -> str:
        return self.title


class SignUp(models.Model):
    """A student's place at a meeting, with the topic they want to raise."""

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.CharField(_("your topic"), max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "user"], name="unique_signup")
        ]

    def __str__(self) -> str:
        return f"{self.dialogue_id} · {self.user_id}"


class PointOutcome(models.TextChoices):
    NEW = "new", _("Became a concern")
    JOINED = "joined", _("Joined an existing concern")
    NOTED = "noted", _("Noted in the minutes")


class Point(models.Model):
    """A point raised at a meeting: a new concern, one joining an existing concern, or
    (at a federation's meeting) noted in the minutes."""

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="points"
    )
    title = models.CharField(pgettext_lazy("point", "title"), max_length=120)
    #: The sign-up of the student who raised it, if they had one.
    signup = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concern = models.ForeignKey(
        "voice.Concern",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(max_length=8, choices=PointOutcome.choices)
    #: What was answered at the meeting itself.
    reply = models.TextField(_("answer given at the meeting"), blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.title


class RequestKind(models.TextChoices):
    RECEPTION_DAY = "reception_day", _("To hold a school leaders' reception day")
    OFFICE_EXCHANGE = (
        "office_exchange",
        _("To hold an exchange meeting with the offices"),
    )
    COMMITTEE_SEAT = "committee_seat", _("For a seat on a school committee")
    OTHER = "other", pgettext_lazy("request", "Other")


class RequestOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    AGREED = "agreed", _("Agreed")
    PARTLY = "partly", _("Partly agreed")
    DECLINED = "declined", _("Declined")


class WrittenRequest(models.Model):
    """A written request of the union to the school (推动): reception days, exchange
    meetings (RGT-3), committee seats (RGT-4), with the school's answer."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="written_requests",
    )
    kind = models.CharField(
        _("the union asks"), max_length=20, choices=RequestKind.choices
    )
    addressed_to = models.CharField(_("addressed to"), max_length=120)
    sent_on = models.DateField(_("sent on"))
    summary = models.TextField(_("what it asks"))
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=RequestOutcome.choices,
        default=RequestOutcome.PENDING,
    )
    answer = models.TextField(_("the school's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.union_id} {self.sent_on}"


class CommitteeKind(models.TextChoices):
    SCHOOL_AFFAIRS = "school_affairs", _("School affairs committee")
    CATERING = "catering", _("Catering committee")
    AWARDS = "awards", _("Awards and financial aid review")
    DISCIPLINE = "discipline", _("Student discipline and appeals")
    TEACHING = "teaching", _("Teaching committee")
    LOGISTICS = "logistics", _("Logistics and accommodation")
    OTHER = "other", pgettext_lazy("committee", "Other")


class Committee(models.Model):
    """A committee or recurring meeting of the school on which the union sits (RGT-4)."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="committees",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommitteeKind.choices)
    name = models.CharField(_("name"), max_length=120)
    #: Who sits on it for the union (学生会主席, 权益部部长 …).
    seat = models.CharField(_("the union's seat"), max_length=120)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["union_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["union", "name"], name="unique_committee")
        ]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    PENDING = "pending", _("Not decided yet")


class Participation(models.Model):
    """A meeting of a school committee the union attended: the matter, the students'
    position it carried and the outcome (RGT-4)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="participations"
    )
    held = models.DateField(_("held on"))
    matter = models.CharField(_("matter decided"), max_length=200)
    attended_by = models.CharField(_("attended for the union by"), max_length=120)
    position = models.TextField(_("the students' position"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    outcome_text = models.TextField(_("what was decided"), blank=True)
    public = models.BooleanField(_("shown on the public page"), default=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held", "-id"]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.held}"
