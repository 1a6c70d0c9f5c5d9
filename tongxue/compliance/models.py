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
