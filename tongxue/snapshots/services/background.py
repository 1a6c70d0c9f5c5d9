"""Start the imports and exports too long for a web request as background jobs (#14).

A web import of a file larger than ``SNAPSHOT_IMPORT_JOB_BYTES`` (the JSON file, or a
workbook's parts unpacked) and a web export of a subtree of more than
``SNAPSHOT_EXPORT_JOB_ORGANISATIONS`` organisations run in a worker
(:mod:`tongxue.snapshots.jobs`); smaller ones stay in the request. The services here
check the permission (``Perm.IMPORT`` / ``Perm.EXPORT`` at the organisation) before
they start a job, and the job checks it again when it runs, for the person who started
it (passed by id). The upload is kept in the database until the import is done
(:class:`tongxue.snapshots.models.SnapshotFile`). docs/snapshot.md, "Large files".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.jobs import JobFailed
from tongxue.jobs.models import Job
from tongxue.jobs.services import start_job
from tongxue.organisations.models import Organisation
from tongxue.snapshots import limits
from tongxue.snapshots.models import FilePurpose, SnapshotFile
from tongxue.snapshots.services.files import precheck

_IMPORT_FORBIDDEN = gettext_noop(
    "You are not allowed to import snapshots into {target}."
)
_EXPORT_FORBIDDEN = gettext_noop("You are not allowed to export {target}.")
_NOT_FOUND = gettext_noop("There is no organisation {target}.")

#: The job functions (:mod:`tongxue.snapshots.jobs`).
IMPORT_JOB = "tongxue.snapshots.jobs.import_snapshot"
EXPORT_JOB = "tongxue.snapshots.jobs.export_snapshot"

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def import_runs_as_job(size: int) -> bool:
    """Whether an import of this size (:func:`.files.content_size`) runs as a job."""
    return size > limits.import_job_bytes()


def subtree_organisations(path: str) -> int:
    """How many organisations the subtree at ``path`` holds (one indexed count)."""
    return Organisation.objects.filter(path__startswith=path).count()


def export_runs_as_job(path: str) -> bool:
    """Whether the export of the subtree at ``path`` runs as a job."""
    return subtree_organisations(path) > limits.export_job_organisations()


def expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=limits.FILE_KEEP_HOURS)


def check(actor: Any, perm: Perm, code: str) -> str:
    """Refuse unless ``actor``, a signed-in person, holds ``perm`` at ``code``; return
    the organisation's path. Called when a job starts it and again when it runs."""
    message = _IMPORT_FORBIDDEN if perm == Perm.IMPORT else _EXPORT_FORBIDDEN
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", message, target=code)
    path = Organisation.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise refuse("not-found", _NOT_FOUND, target=code)
    require(actor, perm, path, target=code, message=message)
    return path


def job_actor(job: Job, actor_id: int) -> Any:
    """The person a job acts for (its starter, passed by id), if still active."""
    user = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if user is None or job.started_by_id not in (None, user.pk):
        raise JobFailed(
            _(
                "The account that started this job is no longer active; nothing was done."
            )
        )
    return user


def start_import_job(
    *, actor: Any, within: str, data: bytes, filename: str, dry_run: bool
) -> Job:
    """Keep the upload and queue its import (or dry run) at ``within``; return the job.

    Refuses (``Refusal``) unless ``actor`` holds ``Perm.IMPORT`` there, and
    (:class:`SnapshotInvalid`) a file that fails the cheap checks of
    :func:`.files.precheck`; the job reads it in full.
    """
    check(actor, Perm.IMPORT, within)
    precheck(data, filename)
    title = (
        _("Dry run of %(file)s at %(organisation)s")
        if dry_run
        else _("Import of %(file)s into %(organisation)s")
    ) % {"file": filename, "organisation": within}
    with transaction.atomic():
        upload = SnapshotFile.objects.create(
            purpose=FilePurpose.IMPORT,
            owner=actor,
            organisation=within,
            name=filename[:200],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            dry_run=dry_run,
            data=data,
            expires_at=expiry(),
        )
        job = start_job(
            kind="snapshot.import",
            actor=actor,
            title=title,
            func=IMPORT_JOB,
            kwargs={
                "file": str(upload.pk),
                "actor": actor.pk,
                "within": within,
                "dry_run": dry_run,
            },
            organisation=within,
        )
        upload.job = job
        upload.save(update_fields=["job"])
    return job


def start_export_job(*, actor: Any, code: str, fmt: str) -> Job:
    """Queue the export of ``code``'s subtree as ``fmt`` (json or xlsx); return the job.

    Refuses (``Refusal``) unless ``actor`` holds ``Perm.EXPORT`` there. The job stores
    the file for a day; only ``actor`` may download it.
    """
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    check(actor, Perm.EXPORT, code)
    return start_job(
        kind="snapshot.export",
        actor=actor,
        title=_("Export of %(organisation)s (%(format)s)")
        % {"organisation": code, "format": fmt.upper()},
        func=EXPORT_JOB,
        kwargs={"actor": actor.pk, "code": code, "fmt": fmt},
        organisation=code,
    )


#: How long the file of a dry run is kept for its confirmation, in minutes.
CONFIRM_MINUTES = 60


def keep_dry_run(
    *, actor: Any, within: str, data: bytes, filename: str, result: dict[str, Any]
) -> SnapshotFile:
    """Keep the file of a dry run that passed, so that it can be confirmed without
    choosing it again (#16): its id is the token of the confirmation, good for
    :data:`CONFIRM_MINUTES` to ``actor`` alone at ``within`` (docs/snapshot.md)."""
    check(actor, Perm.IMPORT, within)
    return SnapshotFile.objects.create(
        purpose=FilePurpose.IMPORT,
        owner=actor,
        organisation=within,
        name=filename[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=True,
        data=data,
        result=result,
        expires_at=timezone.now() + dt.timedelta(minutes=CONFIRM_MINUTES),
    )


def kept_dry_run(actor: Any, within: str, token: str) -> SnapshotFile | None:
    """The file of ``actor``'s dry run ``token`` at ``within`` while it may be
    confirmed: one that passed, still kept, at most :data:`CONFIRM_MINUTES` old;
    None otherwise (another person's, expired, spent, or no such token)."""
    if not getattr(actor, "is_authenticated", False):
        return None
    try:
        pk = uuid.UUID(str(token))
    except ValueError:
        return None
    return SnapshotFile.objects.filter(
        pk=pk,
        purpose=FilePurpose.IMPORT,
        owner=actor,
        organisation=within,
        dry_run=True,
        result__isnull=False,
        data__isnull=False,
        created_at__gte=timezone.now() - dt.timedelta(minutes=CONFIRM_MINUTES),
    ).first()


def spend_dry_runs(actor: Any, within: str) -> None:
    """Once ``actor`` imports at ``within`` for real, forget the files kept for their
    dry runs there: a dry run confirms one import. Those of a request are deleted;
    those of a job lose their bytes (the job's result page stays)."""
    kept = SnapshotFile.objects.filter(
        purpose=FilePurpose.IMPORT,
        owner=actor,
        organisation=within,
        dry_run=True,
        data__isnull=False,
    )
    kept.filter(job__isnull=True).delete()
    kept.update(data=None)
