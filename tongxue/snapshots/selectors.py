"""Export an organisation and everything below it as a snapshot (ORG-1).

The root's ancestors are not exported; the root keeps its parent's code, so the file
imports back into a database that holds that parent (or stands alone for a root
without one). People are those holding a position or a seat in the subtree and those
whose department or class is in it.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from tongxue.domain.snapshot import registry_to_tables
from tongxue.organisations.mappers import PERSON_FIELDS, load_registry, person_from_row
from tongxue.organisations.models import Organisation, Person
from tongxue.snapshots.jsonio import dump_json
from tongxue.snapshots.models import FilePurpose, SnapshotFile
from tongxue.snapshots.xlsxio import template_xlsx, write_xlsx

__all__ = [
    "UnknownOrganisation",
    "export_json",
    "export_tables",
    "export_xlsx",
    "exported_file",
    "import_result",
    "template_xlsx",
]


class UnknownOrganisation(LookupError):
    """No organisation has the code asked for."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def export_tables(code: str) -> dict[str, Any]:
    """Return the snapshot document of organisation ``code`` and its subtree."""
    path = Organisation.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise UnknownOrganisation(code)
    registry = load_registry(code)
    known = {p.id for p in registry.people}
    extra = [
        person_from_row(row)
        for row in Person.objects.filter(department__path__startswith=path).values_list(
            *PERSON_FIELDS
        )
    ] + [
        person_from_row(row)
        for row in Person.objects.filter(class_unit__path__startswith=path).values_list(
            *PERSON_FIELDS
        )
    ]
    people = list(registry.people)
    for person in extra:
        if person.id not in known:
            known.add(person.id)
            people.append(person)
    registry = dataclasses.replace(
        registry, people=tuple(people), default_profile=settings.TONGXUE_DEFAULT_PROFILE
    )
    return registry_to_tables(registry, root=code)


def export_json(code: str) -> bytes:
    return dump_json(export_tables(code))


def export_xlsx(code: str) -> bytes:
    return write_xlsx(export_tables(code))


def import_result(user: Any, code: str, job_id: uuid.UUID) -> SnapshotFile | None:
    """The upload of ``user``'s import job ``job_id`` at ``code`` once it is done, with
    its counts (without its bytes); None for anyone else (#14)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SnapshotFile.objects.filter(
            purpose=FilePurpose.IMPORT,
            owner=user,
            organisation=code,
            job_id=job_id,
            result__isnull=False,
        )
        .defer("data")
        .first()
    )


def exported_file(user: Any, code: str, file_id: uuid.UUID) -> SnapshotFile | None:
    """The export ``file_id`` of ``code`` if ``user`` started it and it has not expired;
    None for anyone else (#14)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SnapshotFile.objects.filter(
        pk=file_id,
        purpose=FilePurpose.EXPORT,
        owner=user,
        organisation=code,
        expires_at__gt=timezone.now(),
    ).first()
