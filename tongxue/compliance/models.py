"""Recorded justifications for departing from a default (原则上/一般) rule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Justification(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="justifications",
    )
    rule = models.CharField(_("rule"), max_length=64)
    reason = models.TextField(_("reason"))
    approved_by = models.CharField(_("approved by"), max_length=150)
    approved_on = models.DateField(_("approved on"))
    #: The last day the justification applies (docs/audit.md, "Justifications").
    valid_until = models.DateField(_("valid until"))
    #: The evidence of the finding it was written for: it covers that occurrence only.
    #: Null for one recorded before occurrences were tracked: it covers any.
    evidence = models.JSONField(_("evidence"), null=True, blank=True)
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
                fields=["organisation", "rule"], name="unique_justification"
            )
        ]
        verbose_name = _("justification")
        verbose_name_plural = _("justifications")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.rule}"


# -- the stored audit (#15, docs/audit.md "Stored findings") ---------------------------


class AuditRun(models.Model):
    """One pass of the audit whose findings were stored (``services.store_audit``)."""

    class Kind(models.TextChoices):
        FULL = "full", _("full")
        INCREMENTAL = "incremental", _("incremental")
        NIGHTLY = "nightly", _("nightly")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    #: The code of the organisation whose subtree was loaded ("" = every organisation).
    root = models.CharField(_("root"), max_length=64, blank=True)
    #: The day the audit was made for (terms of office, intervals).
    as_of = models.DateField(_("as of"))
    #: The rules that computed it (``tongxue.domain.stored.rule_version``).
    rule_version = models.CharField(_("rule version"), max_length=32)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: Organisations whose stored results the run replaced, and the findings it stored.
    organisations = models.PositiveIntegerField(_("organisations"), default=0)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    #: The differences a nightly pass found between stored and fresh (empty: none).
    drift = models.JSONField(_("drift"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.root or '*'} {self.started_at:%Y-%m-%d %H:%M}"


class StoredFinding(models.Model):
    """A finding of the stored audit: the domain finding as data, with the columns the
    compliance page filters and counts by."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="stored_findings",
    )
    #: ``Organisation.path`` when stored: a subtree is a prefix (``org_path LIKE
    #: '/ROOT/CITY/%'``). ``db_index`` gives PostgreSQL a second, ``varchar_pattern_ops``
    #: index, which serves that prefix match.
    org_path = models.CharField(max_length=1000, db_index=True)
    #: The code of the city federation the organisation is in ("" when none).
    city = models.CharField(max_length=64, blank=True)
    rule = models.CharField(max_length=64)
    requirement = models.CharField(max_length=16)
    severity = models.CharField(max_length=16)
    justified = models.BooleanField(default=False)
    #: The domain finding (``tongxue.domain.stored.finding_to_data``).
    data = models.JSONField()
    computed_at = models.DateTimeField()
    run = models.ForeignKey(
        AuditRun,
        null=True,
        on_delete=models.SET_NULL,
        related_name="stored_findings",
    )

    class Meta:
        verbose_name = _("stored finding")
        verbose_name_plural = _("stored findings")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.rule}"


class StoredCoverage(models.Model):
    """What the stored audit could judge at one organisation, and when it ran there.

    Every organisation the audit stored has one, findings or not: a subtree is
    stored when all its organisations have one. ``data``: ``profile`` (the code of the
    governing profile), ``as_of``, ``rule_version`` and ``coverage``
    (``tongxue.domain.stored.coverage_to_data``). The first three are columns too, so
    that a page reads them for a whole subtree in its one status query.
    """

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="stored_coverage",
    )
    data = models.JSONField()
    computed_at = models.DateTimeField()
    profile = models.CharField(max_length=64, blank=True, default="")
    rule_version = models.CharField(max_length=32, blank=True, default="")
    as_of = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("stored coverage")
        verbose_name_plural = _("stored coverage")

    def __str__(self) -> str:
        return str(self.organisation_id)


class FindingHistory(models.Model):
    """The number of findings of one requirement and severity at an organisation at the
    start of a term (kept term by term: compliance over time)."""

    #: The term's label, e.g. "2026-秋", and its first day.
    term = models.CharField(_("term"), max_length=32)
    term_start = models.DateField(_("term start"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="finding_history",
    )
    requirement = models.CharField(max_length=16)
    severity = models.CharField(max_length=16)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["term", "organisation", "requirement", "severity"],
                name="unique_finding_history",
            )
        ]
        verbose_name = _("finding history")
        verbose_name_plural = _("finding history")

    def __str__(self) -> str:
        return f"{self.term} {self.organisation_id} {self.requirement} {self.severity}"


class DirtyOrganisation(models.Model):
    """An organisation whose stored findings a recorded change may have made stale
    (#15, ``tongxue.compliance.reaudit``).

    One row per change and organisation, inserted in the change's transaction and
    never updated; the re-audit deletes the rows it read once it has stored their
    organisations again. Rows are not unique per organisation on purpose: a change
    committed while a re-audit runs adds a row of its own, which that re-audit neither
    reads nor deletes nor waits for (no row lock is shared).
    """

    code = models.CharField(max_length=64, db_index=True)
    #: The marking transaction's token (its synchronous re-audit deletes its own rows).
    mark = models.CharField(max_length=32)
    marked_at = models.DateTimeField()
    #: Re-audit this organisation alone: what below it the change can affect was stored
    #: in the change's own transaction (an import stores its subtree; what is above it
    #: is marked so, ``reaudit.stored_subtree``).
    alone = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("organisation to re-audit")
        verbose_name_plural = _("organisations to re-audit")

    def __str__(self) -> str:
        return self.code
