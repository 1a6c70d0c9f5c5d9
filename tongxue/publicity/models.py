"""Public notices (公示) and the objections students lodge against them (ELE-4).

A notice is about one subject of another app (an election's candidate list or result,
a selection's shortlist or appointment, an exit decision), named by ``subject_type``
(``"elections.election"``) and ``subject_id``. Objections are public in their text and
answer; who lodged one is private (shown to those who answer it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notice(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="notices"
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.PositiveBigIntegerField(_("subject"))
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(pgettext_lazy("notice", "title"), max_length=200)
    body = models.TextField(_("text"))
    #: The title and body as phrases with their values (tongxue.publicity.text), so
    #: each reader sees the notice in their language; empty for a notice given as
    #: finished text only.
    text = models.JSONField(_("composition"), default=dict, blank=True)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts", "-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "kind"], name="notice_subject"
            )
        ]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self) -> str:
        return f"{self.title} ({self.starts}–{self.ends})"

    @property
    def display_title(self) -> str:
        """The title in the reader's (active) language."""
        from tongxue.publicity.text import render

        part = (self.text or {}).get("title")
        return render(part) if part else self.title

    @property
    def display_body(self) -> str:
        """The body in the reader's (active) language."""
        from tongxue.publicity.text import render

        lines = (self.text or {}).get("body")
        return "\n".join(render(line) for line in lines) if lines else self.body


class Objection(models.Model):
    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, related_name="objections"
    )
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("objection"))
    lodged_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["notice_id", "lodged_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.pk}"
