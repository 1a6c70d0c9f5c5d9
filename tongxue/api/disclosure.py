"""A union's public page as JSON (TRN-1, TRN-5, TRN-6): public reads, like the pages.

Only what the page shows everyone: rules and their versions, entries not withdrawn
(whoever asks: the API is the public's), official accounts and the register. Writes
are the pages' (forms with their attachments).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema

from tongxue.disclosure import selectors
from tongxue.disclosure.services import UNIONS
from tongxue.organisations.models import Organisation

router = Router(tags=["disclosure"])

PAGE_SIZE = 20


class VersionOut(Schema):
    number: int
    in_force_from: date
    published_at: datetime
    note: str


class RuleOut(Schema):
    id: int
    kind: str
    title: str
    repealed_on: date | None
    in_force: int | None
    versions: list[VersionOut]


class RulesOut(Schema):
    charter_version: int | None
    charter_adopted_on: date | None
    rules: list[RuleOut]


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    url: str


class EntryOut(Schema):
    id: int
    kind: str
    title: str
    dated: date
    published_at: datetime
    filed_to_congress: bool
    attachments: list[AttachmentOut]


class EntriesOut(Schema):
    page: int
    pages: int
    count: int
    entries: list[EntryOut]


class AccountOut(Schema):
    owner: str
    owner_name: str
    platform: str
    name: str
    account_id: str
    link: str
    verified: bool
    verified_on: date | None
    verified_as: str
    responsible: str
    closed_on: date | None


def _union(code: str) -> Organisation:
    union = Organisation.objects.filter(code=code, kind__in=UNIONS).first()
    if union is None:
        raise Http404(code)
    return union


@router.get("/{code}/rules", response=RulesOut)
def rules(request: HttpRequest, code: str) -> RulesOut:
    """The union's charter in force and its other rules with every version."""
    union = _union(code)
    charter = selectors.charter(union)
    today = timezone.localdate()
    out = []
    for row in selectors.rules(union, today):
        versions = list(row.document.versions.all())
        out.append(
            RuleOut(
                id=row.document.pk,
                kind=row.document.kind,
                title=row.document.title,
                repealed_on=row.document.repealed_on,
                in_force=row.current.number if row.current else None,
                versions=[
                    VersionOut(
                        number=v.number,
                        in_force_from=v.in_force_from,
                        published_at=v.published_at,
                        note=v.note,
                    )
                    for v in versions
                ],
            )
        )
    return RulesOut(
        charter_version=charter.number if charter else None,
        charter_adopted_on=charter.adopted_on if charter else None,
        rules=out,
    )


@router.get("/{code}/affairs", response=EntriesOut)
def affairs(
    request: HttpRequest, code: str, page: int = 1, kind: str = ""
) -> EntriesOut:
    """The union's public work affairs, newest first, 20 a page."""
    union = _union(code)
    paginator = Paginator(selectors.entries(union, kind=kind), PAGE_SIZE)
    current = paginator.get_page(page)
    rows = selectors.with_attachments(current.object_list)
    return EntriesOut(
        page=current.number,
        pages=paginator.num_pages,
        count=paginator.count,
        entries=[
            EntryOut(
                id=e.pk,
                kind=e.kind,
                title=e.title,
                dated=e.dated,
                published_at=e.published_at,
                filed_to_congress=e.written_report_id is not None,
                attachments=[
                    AttachmentOut(
                        name=f["name"],
                        content_type=f["content_type"],
                        size=f["size"],
                        url=reverse(
                            "disclosure:attachment", args=[union.code, e.pk, f["pk"]]
                        ),
                    )
                    for f in e.files
                ],
            )
            for e in rows
        ],
    )


@router.get("/{code}/accounts", response=list[AccountOut])
def accounts(request: HttpRequest, code: str) -> list[AccountOut]:
    """The union's official accounts and its register of self-media."""
    union = _union(code)
    return [
        AccountOut(
            owner=a.owner.code,
            owner_name=a.owner.name,
            platform=a.platform,
            name=a.name,
            account_id=a.account_id,
            link=a.link,
            verified=a.verified,
            verified_on=a.verified_on,
            verified_as=a.verified_as,
            responsible=a.responsible,
            closed_on=a.closed_on,
        )
        for a in selectors.accounts(union)
    ]
