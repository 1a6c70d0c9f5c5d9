"""Read a union's public page in a bounded number of queries (TRN-1, TRN-5, TRN-6).

Public: the rules and every version with its text, day in force and publisher; the
entries not withdrawn with their attachments; the official accounts and the register of
self-media. Withdrawn entries (with the reason) only for the union's readers
(``services.READERS``). Nothing here names a subscriber.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tongxue.business.models import CharterVersion
from tongxue.disclosure.models import (
    Attachment,
    OfficialAccount,
    RuleDocument,
    RuleVersion,
    Subscription,
    WorkEntry,
)
from tongxue.domain.disclosure import DiffRow, diff_counts, fold, text_diff
from tongxue.organisations.models import Organisation

#: The attachments' columns a list shows (never their bytes).
_ATTACHMENT_COLUMNS = ("pk", "entry_id", "name", "content_type", "size")


@dataclass(frozen=True)
class RuleRow:
    """A rule on the rules page: its version in force (None: none yet) and the one
    still to come into force, if any."""

    document: RuleDocument
    current: RuleVersion | None
    upcoming: RuleVersion | None
    versions: int


def current_version(
    versions: list[RuleVersion], today: dt.date
) -> tuple[RuleVersion | None, RuleVersion | None]:
    """(the version in force today, the newest one still to come) of versions
    ordered newest first."""
    current = next((v for v in versions if v.in_force_from <= today), None)
    upcoming = next((v for v in versions if v.in_force_from > today), None)
    return current, upcoming


def rules(union: Organisation, today: dt.date | None = None) -> list[RuleRow]:
    """The union's rules with their versions (two queries: rules, versions)."""
    today = today or timezone.localdate()
    documents = list(
        RuleDocument.objects.filter(union=union)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=RuleVersion.objects.defer("text").order_by("-number"),
            )
        )
        .order_by("repealed_on", "kind", "title")
    )
    out = []
    for d in documents:
        versions = list(d.versions.all())
        current, upcoming = current_version(versions, today)
        out.append(RuleRow(d, current, upcoming, len(versions)))
    return out


def charter(union: Organisation) -> CharterVersion | None:
    """The charter in force (the congress business's, one query)."""
    return (
        CharterVersion.objects.filter(union=union)
        .defer("text")
        .order_by("-number")
        .first()
    )


def rule_document(union: Organisation, pk: int) -> RuleDocument | None:
    return RuleDocument.objects.filter(union=union, pk=pk).first()


def versions(document: RuleDocument) -> list[RuleVersion]:
    """Every version of a rule, newest first, with its text (one query)."""
    return list(RuleVersion.objects.filter(document=document).order_by("-number"))


@dataclass(frozen=True)
class VersionDiff:
    older: RuleVersion | None
    newer: RuleVersion
    rows: tuple[DiffRow, ...]
    added: int
    removed: int
    changed: int


def version_diff(
    older: RuleVersion | None, newer: RuleVersion, *, context: int | None = 3
) -> VersionDiff:
    """The differences from ``older`` (None: the whole text is new) to ``newer``."""
    rows = text_diff(older.text if older else "", newer.text)
    added, removed, changed = diff_counts(rows)
    if context is not None:
        rows = fold(rows, context)
    return VersionDiff(older, newer, rows, added, removed, changed)


# -- work affairs ------------------------------------------------------------------------


def entries(
    union: Organisation, *, everything: bool = False, kind: str = ""
) -> QuerySet[WorkEntry]:
    """The union's entries, newest first, without their text (one query;
    ``everything``: withdrawn ones too). Attach the files of a page with
    :func:`with_attachments`."""
    qs = WorkEntry.objects.filter(union=union).defer("body")
    if not everything:
        qs = qs.filter(withdrawn_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-published_at", "-pk")


def with_attachments(rows: Any) -> list[WorkEntry]:
    """The entries of a page, each with ``files`` (one query for all, no bytes)."""
    rows = list(rows)
    files: dict[int, list[dict[str, Any]]] = {}
    if rows:
        for row in (
            Attachment.objects.filter(entry_id__in=[e.pk for e in rows])
            .order_by("entry_id", "pk")
            .values(*_ATTACHMENT_COLUMNS)
        ):
            files.setdefault(row["entry_id"], []).append(row)
    for e in rows:
        e.files = files.get(e.pk, [])
    return rows


def entry(union: Organisation, pk: int, *, everything: bool) -> WorkEntry | None:
    """An entry with its text (one query); None when withdrawn and not ``everything``."""
    qs = WorkEntry.objects.filter(union=union, pk=pk).select_related("written_report")
    if not everything:
        qs = qs.filter(withdrawn_at__isnull=True)
    found = qs.first()
    if found is not None:
        with_attachments([found])
    return found


def attachment(
    union: Organisation, entry_pk: int, pk: int, *, everything: bool
) -> Attachment | None:
    """A file with its bytes, of an entry the reader may see."""
    qs = Attachment.objects.filter(pk=pk, entry_id=entry_pk, entry__union=union)
    if not everything:
        qs = qs.filter(entry__withdrawn_at__isnull=True)
    return qs.first()


def entry_counts(union: Organisation) -> dict[str, int]:
    """Public entries by kind (one query)."""
    return dict(
        WorkEntry.objects.filter(union=union, withdrawn_at__isnull=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )


# -- official accounts -------------------------------------------------------------------


def accounts(union: Organisation, *, own: bool | None = None) -> list[OfficialAccount]:
    """The accounts of the union's register (one query): ``own`` True its own, False
    its departments' and clubs' (self-media), None both; those in use first."""
    qs = OfficialAccount.objects.filter(union=union).select_related("owner")
    if own is True:
        qs = qs.filter(owner=union)
    elif own is False:
        qs = qs.exclude(owner=union)
    return list(qs.order_by("closed_on", "owner__path", "platform", "name", "pk"))


def account(union: Organisation, pk: int) -> OfficialAccount | None:
    return (
        OfficialAccount.objects.filter(union=union, pk=pk)
        .select_related("owner")
        .first()
    )


# -- the page ---------------------------------------------------------------------------


def _count(qs: QuerySet[Any]) -> Coalesce:
    """The number of rows of ``qs`` (filtered on the outer union) as a subquery."""
    return Coalesce(
        Subquery(qs.order_by().values("union").annotate(n=Count("pk")).values("n")[:1]),
        0,
    )


def summary(union: Organisation) -> dict[str, Any]:
    """What the page's head shows (one query, subqueries on the union's row): rules
    not repealed, public entries, the newest publication, verified accounts of the
    union's own in use."""
    today = timezone.localdate()
    public = WorkEntry.objects.filter(union=OuterRef("pk"), withdrawn_at__isnull=True)
    row = (
        Organisation.objects.filter(pk=union.pk)
        .annotate(
            n_rules=_count(
                RuleDocument.objects.filter(
                    union=OuterRef("pk"), repealed_on__isnull=True
                )
            ),
            n_entries=_count(public),
            last=Subquery(public.order_by("-published_at").values("published_at")[:1]),
            n_verified=_count(
                OfficialAccount.objects.filter(
                    union=OuterRef("pk"),
                    owner=OuterRef("pk"),
                    verified=True,
                    verified_on__lte=today,
                ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
            ),
        )
        .values("n_rules", "n_entries", "last", "n_verified")
        .first()
    ) or {}
    return {
        "rules": row.get("n_rules", 0),
        "entries": row.get("n_entries", 0),
        "last": row.get("last"),
        "verified": row.get("n_verified", 0),
    }


def subscribed(user: Any, union: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Subscription.objects.filter(union=union, user_id=user.pk).exists()
