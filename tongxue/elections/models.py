"""Elections held by a congress or the standing conference, and their candidates.

ELE-1 … ELE-5 · GS-8, GS-12, CQ-3, CQ-7. The election method (选举办法) is stored as
data (``method``: the dict form of :class:`tongxue.domain.counting.ElectionMethod`) and
printed on the result. The allowed moves of ``status`` are
:data:`tongxue.domain.lifecycle.ELECTION`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOMINATION = "nomination", _("Nomination")
    VETTING = "vetting", _("Awaiting approval")
    APPROVED = "approved", _("Candidates approved")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")
    COUNTED = "counted", _("Counted")
    CERTIFIED = "certified", _("Certified, under public notice")
    EFFECTIVE = "effective", _("Effective")
    VOID = "void", _("Void")
    CANCELLED = "cancelled", _("Cancelled")


class BallotForm(models.TextChoices):
    MARKS = "marks", _("Mark up to the number of seats")
    YES_NO_ABSTAIN = "yes-no-abstain", _("Yes, no or abstain for each candidate")


class VotingMode(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic secret ballot")
    PAPER = "paper", _("Paper ballots counted by scrutineers")


class Election(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="elections"
    )
    #: The congress or standing-conference meeting that elects (ELE-1).
    meeting = models.ForeignKey(
        "congresses.Meeting",
        on_delete=models.PROTECT,
        related_name="elections",
        null=True,
        blank=True,
    )
    title = models.CharField(pgettext_lazy("election", "title"), max_length=200)
    #: The post filled (an organisations.Role value: president, vice_president …).
    post = models.CharField(_("post"), max_length=32)
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ElectionStatus.choices,
        default=ElectionStatus.DRAFT,
    )
    mode = models.CharField(
        _("voting mode"),
        max_length=16,
        choices=VotingMode.choices,
        default=VotingMode.ELECTRONIC,
    )
    #: The election method as data (counting.ElectionMethod.to_dict()).
    method = models.JSONField(_("election method"), default=dict)
    #: A further round (tie revote, supplementary election) points at the round before.
    previous_round = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_rounds",
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    #: Why this round is held: "" for a first round, else the previous round's next step.
    round_kind = models.CharField(_("kind of round"), max_length=16, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    #: The count as JSON (counting.CountResult.to_json()), stored when counted.
    result = models.JSONField(_("result"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CandidateStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    ELIGIBLE = "eligible", _("Assessed eligible")
    INELIGIBLE = "ineligible", _("Assessed not eligible")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NominatedBy(models.TextChoices):
    SELF = "self", _("Self-nomination")
    STUDENTS = "students", _("Joint nomination by students")
    PRESIDIUM = "presidium", _("Nomination by the presidium")


class Candidate(models.Model):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="candidacies"
    )
    #: Order on the ballot (the name shown is the person's name; ballots count by id).
    position = models.PositiveSmallIntegerField(_("ballot order"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CandidateStatus.choices,
        default=CandidateStatus.NOMINATED,
    )
    nominated_by = models.CharField(
        _("nominated by"),
        max_length=16,
        choices=NominatedBy.choices,
        default=NominatedBy.PRESIDIUM,
    )
    statement = models.TextField(_("statement"), blank=True)
    #: Names of the students who nominated jointly (public: the names only).
    nominators = models.JSONField(_("nominators"), default=list, blank=True)
    nominated_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["election_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"], name="unique_candidate"
            )
        ]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.person_id}"


class RoundKind(models.TextChoices):
    """Why a further round is held (the ``next_step`` of the round before)."""

    FIRST = "", _("First round")
    TIE_REVOTE = "tie-revote", _("Revote among the tied candidates")
    SUPPLEMENTARY = "supplementary", _("Supplementary election")


class EvidenceKind(models.TextChoices):
    GRADES = "grades", _("Grades")
    DISCIPLINE = "discipline", _("Discipline record")
    EVALUATION = "evaluation", _("Cadre evaluations")
    OTHER = "other", _("Other evidence")


class Condition(models.Model):
    """An eligibility condition for one CAD-1 criterion, set under League guidance (ELE-2)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="conditions"
    )
    #: A criterion of the governing profile's ``cadre_criteria`` (CAD-1).
    criterion = models.CharField(_("criterion"), max_length=32)
    text = models.TextField(_("condition"))
    comment = models.TextField(_("comment"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_by_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        ordering = ["election_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "criterion"], name="unique_condition"
            )
        ]
        verbose_name = _("eligibility condition")
        verbose_name_plural = _("eligibility conditions")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.criterion}"


class Assessment(models.Model):
    """A candidate assessed against one criterion, with evidence and an assessor (CAD-1)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.CharField(_("criterion"), max_length=32)
    met = models.BooleanField(_("met"))
    evidence_kind = models.CharField(
        _("evidence"), max_length=16, choices=EvidenceKind.choices
    )
    evidence = models.TextField(_("evidence"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessor_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        ordering = ["candidate_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion"], name="unique_assessment"
            )
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.candidate_id} · {self.criterion}"


class Step(models.Model):
    """One step of an election's workflow: who, under which role, when, why (ELE-2).

    Public on the election page (the actor's user name is shown only to managers).
    """

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["election_id", "at", "id"]
        verbose_name = _("election step")
        verbose_name_plural = _("election steps")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.action}"


class RecordedElection(models.Model):
    """An election imported from a snapshot: the facts its ``elections`` table carries.

    Not a vote run in Tongxue: it has no candidates, ballots or count, only what the
    file says (code, organisation, post, the electing meeting's code, status). The
    audit reads it beside the elections run here (ELE-1, ELE-3), which win on the same
    code; the elections pages list only those (docs/elections.md). Stored and changed
    only by an import, keyed by code (docs/snapshot.md).
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="recorded_elections",
    )
    #: The code of the electing meeting, as the file gives it ("" when not given).
    meeting = models.CharField(_("meeting"), max_length=64, blank=True)
    post = models.CharField(_("post"), max_length=32)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ElectionStatus.choices,
        default=ElectionStatus.DRAFT,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("recorded election")
        verbose_name_plural = _("recorded elections")

    def __str__(self) -> str:
        return self.code
