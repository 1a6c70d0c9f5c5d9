"""A union's ledger (TRN-4 · GS-14, CQ-9).

* :class:`Ledger`: one per union and school year (1 September to 31 August), with the
  threshold above which the League advisor approves an expenditure (the school sets it).
* :class:`Entry`: a budget line, an income or an expenditure, numbered in its ledger
  (序号), in exact amounts; draft → submitted → approved | rejected
  (:data:`tongxue.domain.finance.ENTRY`). An approved entry is never saved again
  (:meth:`Entry.save` refuses): a correction is a reversing entry (``reverses``).
* :class:`Receipt`: the scan of an entry's receipt (凭证), re-encoded without metadata.
* :class:`Disclosure`: the union disclosed a term's finances (the act is recorded).
* :class:`Question`: a delegate's question on an approved entry and the union's public
  answer (supervision).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.domain import finance as fin

#: The threshold a new ledger starts with (the school changes it): above it the League
#: advisor approves an expenditure.
DEFAULT_THRESHOLD = Decimal("2000.00")


class EntryKind(models.TextChoices):
    BUDGET = fin.EntryKind.BUDGET.value, _("Budget line")
    INCOME = fin.EntryKind.INCOME.value, _("Income")
    EXPENDITURE = fin.EntryKind.EXPENDITURE.value, _("Expenditure")


class Category(models.TextChoices):
    ACTIVITIES = fin.Category.ACTIVITIES.value, _("Activities")
    PUBLICITY = fin.Category.PUBLICITY.value, _("Publicity and printing")
    TRAINING = fin.Category.TRAINING.value, _("Training of cadres")
    OFFICE = fin.Category.OFFICE.value, _("Office supplies")
    TRAVEL = fin.Category.TRAVEL.value, _("Travel and transport")
    PRIZES = fin.Category.PRIZES.value, _("Prizes and awards")
    OTHER = fin.Category.OTHER.value, _("Other spending")


class IncomeSource(models.TextChoices):
    SCHOOL_ALLOCATION = fin.IncomeSource.SCHOOL_ALLOCATION.value, _("School allocation")
    SPONSORSHIP = fin.IncomeSource.SPONSORSHIP.value, _("Sponsorship")
    OTHER = fin.IncomeSource.OTHER.value, _("Other income")


class EntryStatus(models.TextChoices):
    # labels are the lifecycle's (tongxue.domain.finance.ENTRY)
    DRAFT = fin.EntryStatus.DRAFT.value, _("Draft")
    SUBMITTED = fin.EntryStatus.SUBMITTED.value, _("Awaiting approval")
    APPROVED = fin.EntryStatus.APPROVED.value, _("Approved")
    REJECTED = fin.EntryStatus.REJECTED.value, _("Rejected")


class Ledger(models.Model):
    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="ledgers",
        verbose_name=_("union"),
    )
    #: The school year starting in September of this year.
    year = models.PositiveSmallIntegerField(_("school year"))
    advisor_threshold = models.DecimalField(
        _("League advisor approves above (元)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_THRESHOLD,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["union", "year"], name="unique_ledger")
        ]
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")

    def __str__(self) -> str:
        return f"{self.union_id} {self.year}"


class Entry(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="entries")
    #: 序号 in the ledger, from 1.
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    #: Of a budget line or an expenditure.
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, blank=True
    )
    #: Of an income.
    source = models.CharField(
        _("source"), max_length=20, choices=IncomeSource.choices, blank=True
    )
    sponsor = models.CharField(_("sponsor"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount (元)"), max_digits=12, decimal_places=2)
    day = models.DateField(_("date"))
    #: 摘要: the purpose of an expenditure, what an income or budget line is.
    summary = models.CharField(_("purpose"), max_length=200)
    project = models.CharField(_("project"), max_length=120, blank=True)
    payee = models.CharField(_("payee"), max_length=120, blank=True)
    #: The payee is a student: their name is masked on the public page.
    payee_is_student = models.BooleanField(_("the payee is a student"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EntryStatus.choices,
        default=EntryStatus.DRAFT,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: 经办人: who handles the money (the spender of an expenditure).
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: Who approved or rejected it, when, under which role.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_as = models.CharField(max_length=32, blank=True)
    reject_reason = models.TextField(_("reason"), blank=True)
    #: The approved entry this one reverses (a correction).
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )

    class Meta:
        ordering = ["ledger_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "number"], name="unique_entry_number"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="entry_amount_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["ledger", "status", "day"], name="entry_status_day"),
            models.Index(fields=["status", "kind", "day"], name="entry_pending"),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.ledger_id}-{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to save an entry that was approved when it was read: an approved
        entry is corrected by a reversing entry, never changed (TRN-4)."""
        if getattr(self, "_stored_status", None) == EntryStatus.APPROVED:
            raise fin.ledger.ImmutableEntry(self.pk)
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Entry:
        obj = super().from_db(db, field_names, values)
        obj._stored_status = obj.__dict__.get("status")
        return obj

    @property
    def reference(self) -> str:
        """``2026-17``: the ledger's year and the entry's number."""
        return f"{self.ledger.year}-{self.number}"

    def facts(self) -> fin.EntryFacts:
        return fin.EntryFacts(
            number=self.number,
            kind=fin.EntryKind(self.kind),
            amount=self.amount,
            status=fin.EntryStatus(self.status),
            category=self.category,
            entered_by=str(self.entered_by_id),
            handled_by=str(self.handled_by_id),
            approved_by=str(self.decided_by_id or "")
            if self.status == EntryStatus.APPROVED
            else "",
            reverses=self.reverses_id,
            day=self.day,
        )


class Receipt(models.Model):
    """The scan of an entry's receipt (凭证), checked and re-encoded without metadata."""

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="receipt"
    )
    image = models.BinaryField()
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"receipt {self.entry_id}"


class Disclosure(models.Model):
    """The union disclosed its finances of a term (``term``: ``2026-autumn``)."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="finance_disclosures",
    )
    term = models.CharField(pgettext_lazy("school term", "term"), max_length=16)
    disclosed_at = models.DateTimeField()
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note to students"), blank=True)

    class Meta:
        ordering = ["union_id", "-term"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "term"], name="unique_finance_disclosure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.term}"


class Question(models.Model):
    """A delegate's question on an approved entry, and the union's public answer."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("your question"))
    asked_at = models.DateTimeField()
    answer = models.TextField(_("the union's answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"question {self.pk} on {self.entry_id}"
