"""Files kept for a background job (#14): an upload to import, an export to download.

A large snapshot import or export runs as a job (:mod:`tongxue.snapshots.jobs`). Its
file is kept **in the database**, not on disk: the web process and the workers may run
on different machines without a shared directory, and a row is written and deleted in
the job's transaction, so a job retried after its worker was lost finds the upload
again and an export is stored exactly once (docs/jobs.md, "Retry").

* An upload (``purpose="import"``) is written by the request that starts the import
  job; its bytes are cleared by the job in the transaction of a successful import, and
  within the hour by :func:`tongxue.snapshots.jobs.prune_files` when the job failed.
  The row stays a day, with the import's counts, for the result page.
* An export (``purpose="export"``) is written by the export job; only the person who
  started it may download it, until it expires a day later and the prune deletes it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FilePurpose(models.TextChoices):
    IMPORT = "import", _("Snapshot to import")
    EXPORT = "export", _("Snapshot exported")


class SnapshotFile(models.Model):
    """One snapshot file of a background job, private to the person who started it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(_("purpose"), max_length=16, choices=FilePurpose.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    #: The organisation (a code) imported into or exported.
    organisation = models.CharField(_("organisation"), max_length=64)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job"),
    )
    #: The file's name as uploaded, or as it downloads.
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    #: An upload's SHA-256 digest (the dry run's review is of this file).
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    #: The bytes; None once an upload is imported or its import failed.
    data = models.BinaryField(_("data"), null=True, blank=True)
    #: What the import did (its counts), once done.
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("snapshot file")
        verbose_name_plural = _("snapshot files")

    def __str__(self) -> str:
        return f"{self.purpose} {self.name} ({self.pk})"
