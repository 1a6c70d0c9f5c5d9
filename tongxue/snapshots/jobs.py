"""The background jobs of snapshots (#14): a large import, a large export, the prune.

Started by :mod:`tongxue.snapshots.services.background`; each runs in one transaction
(docs/jobs.md): an import that fails writes nothing, and an export's file is stored
once. Each checks again that the person who started it (passed by id) still holds the
permission at the organisation.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm
from tongxue.jobs import JobFailed
from tongxue.jobs.models import FINISHED, Job
from tongxue.snapshots import limits
from tongxue.snapshots.errors import SnapshotInvalid, describe, listed, more_text
from tongxue.snapshots.jsonio import dump_json
from tongxue.snapshots.models import FilePurpose, SnapshotFile
from tongxue.snapshots.selectors import UnknownOrganisation, export_tables
from tongxue.snapshots.services import import_file
from tongxue.snapshots.services.background import (
    CONFIRM_MINUTES,
    CONTENT_TYPES,
    check,
    expiry,
    job_actor,
)
from tongxue.snapshots.xlsxio import write_xlsx

logger = logging.getLogger(__name__)


def problems_text(exc: SnapshotInvalid, filename: str) -> str:
    """Every problem of a refused file, one a line, as the import page lists them
    (the first 200, then how many more)."""
    count = len(exc.errors)
    head = ngettext(
        "%(counter)s problem in %(filename)s: nothing was written.",
        "%(counter)s problems in %(filename)s: nothing was written.",
        count,
    ) % {"counter": count, "filename": filename}
    shown, more = listed(exc.errors)
    lines = [
        head,
        *(describe(e, workbook=exc.workbook, names=exc.names) for e in shown),
    ]
    if more:
        lines.append(more_text(more))
    return "\n".join(lines)


def _refused(refusal: Refusal) -> JobFailed:
    return JobFailed(render_message(refusal.message))


def import_snapshot(
    job: Job, *, file: str, actor: int, within: str, dry_run: bool
) -> None:
    """Import (or dry-run) the upload ``file`` at ``within`` for ``actor``, reporting
    each step; the result page shows what it did."""
    user = job_actor(job, actor)
    try:
        check(user, Perm.IMPORT, within)
    except Refusal as refusal:
        raise _refused(refusal) from None
    upload = SnapshotFile.objects.filter(
        pk=file, purpose=FilePurpose.IMPORT, owner=user, organisation=within
    ).first()
    if upload is None or upload.data is None:
        raise JobFailed(
            _(
                "The uploaded file is no longer kept; nothing was written. Upload it again."
            )
        )
    data = bytes(upload.data)
    try:
        result = import_file(
            data,
            filename=upload.name,
            actor=user,
            within=within,
            dry_run=dry_run,
            progress=job.progress,
        )
    except SnapshotInvalid as exc:
        raise JobFailed(problems_text(exc, upload.name)) from None
    except Refusal as refusal:
        raise _refused(refusal) from None
    if not dry_run:  # a dry run's file is kept for its confirmation (#16)
        upload.data = None
    upload.result = {
        "dry_run": result.dry_run,
        "counts": result.as_dict(),
        "moved": result.moved,
        "not_stored": result.not_stored,
    }
    upload.save(update_fields=["data", "result"])
    counts = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    job.message = (
        _(
            "Dry run: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged."
        )
        if dry_run
        else _(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
        )
    ) % counts
    job.result_url = reverse("snapshots:import-result", args=[within, job.pk])


def export_snapshot(job: Job, *, actor: int, code: str, fmt: str) -> None:
    """Export ``code``'s subtree as ``fmt`` and keep the file a day for ``actor``."""
    user = job_actor(job, actor)
    try:
        check(user, Perm.EXPORT, code)
    except Refusal as refusal:
        raise _refused(refusal) from None
    job.progress(0, 3, _("Reading the organisations, their people and records"))
    try:
        doc = export_tables(code)
    except UnknownOrganisation:
        raise JobFailed(_("The organisation no longer exists.")) from None
    job.progress(1, 3, _("Writing the file"))
    data = dump_json(doc) if fmt == "json" else write_xlsx(doc)
    job.progress(2, 3, _("Storing the file"))
    stored = SnapshotFile.objects.create(
        purpose=FilePurpose.EXPORT,
        owner=user,
        organisation=code,
        job=job,
        name=f"{code}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        size=len(data),
        data=data,
        expires_at=expiry(),
    )
    job.progress(3, 3, _("Stored"))
    job.message = _(
        "%(file)s is ready (%(size)s MB). Only you can download it, until %(until)s."
    ) % {
        "file": stored.name,
        "size": limits.megabytes(stored.size),
        "until": formats.date_format(
            timezone.localtime(stored.expires_at), "SHORT_DATETIME_FORMAT"
        ),
    }
    job.result_url = reverse("snapshots:download", args=[code, stored.pk])


def prune_files(job: Job) -> None:
    """Delete expired files; clear the uploads whose import failed (hourly)."""
    now = timezone.now()
    deleted, _n = SnapshotFile.objects.filter(expires_at__lt=now).delete()
    # A dry run that passed keeps its file for its confirmation, for an hour.
    confirmable = Q(
        dry_run=True,
        result__isnull=False,
        created_at__gte=now - dt.timedelta(minutes=CONFIRM_MINUTES),
    )
    cleared = (
        SnapshotFile.objects.filter(purpose=FilePurpose.IMPORT, data__isnull=False)
        .filter(Q(job__isnull=True) | Q(job__status__in=FINISHED))
        .exclude(confirmable)
        .update(data=None)
    )
    job.message = _(
        "Deleted %(deleted)d expired snapshot files; cleared %(cleared)d uploads."
    ) % {"deleted": deleted, "cleared": cleared}
    logger.info("Snapshot files pruned: %s", job.message)
