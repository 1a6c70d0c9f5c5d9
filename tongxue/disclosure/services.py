"""Write a union's public page (TRN-1, TRN-5, TRN-6; CON-13's written form).

Every service is keyword-only, checks permission and scope itself (the union's
administrators: ``Perm.MANAGE`` at the union or above), runs in one transaction and
writes an audit record (``core.auditlog.record``: kinds, numbers and days, never a
text). Refusals are :class:`tongxue.core.errors.Refusal`. Publishing a version of a rule
or an entry tells the page's subscribers (:mod:`tongxue.disclosure.notifying`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.business.services import file_written_report
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.disclosure import notifying
from tongxue.disclosure.files import CleanFile
from tongxue.disclosure.models import (
    Attachment,
    EntryKind,
    OfficialAccount,
    Platform,
    RuleDocument,
    RuleKind,
    RuleVersion,
    Subscription,
    WorkEntry,
)
from tongxue.organisations.models import Organisation, OrgKind

#: The organisations with a public page: every union.
UNIONS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)
#: Those that file a work report to a congress in writing (CON-13).
SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
#: Who publishes: the union's administrators (and the federation's above them).
PUBLISHERS = (Perm.MANAGE,)
#: Who reads what left the public page (withdrawn entries, closed accounts' details):
#: the union's administrators and cadres, the League advisors, the Party approvers.
READERS = (Perm.MANAGE, Perm.GUIDE, Perm.VIEW_PRIVATE)
#: Entries that record what has happened: not dated in the future.
PAST_KINDS = (
    EntryKind.DECISION,
    EntryKind.MINUTES,
    EntryKind.ACTIVITY,
    EntryKind.ANNUAL_REPORT,
)

MAX_TEXT = 100_000


def role_for(actor: Actor, org: Organisation, perms: tuple[Perm, ...]) -> str:
    """The role under which ``actor`` holds one of ``perms`` at ``org`` ("" if none)."""
    if actor is None:
        return "system"
    if not getattr(actor, "is_authenticated", False):
        return ""
    if getattr(actor, "is_superuser", False):
        return "operator"
    wanted = set(perms)
    for r in roles_at(actor, org.path):
        if GRANTS.get(r, frozenset()) & wanted:
            return r
    return ""


def _publisher(actor: Actor, union: Organisation) -> str:
    if union.kind not in UNIONS:
        raise refuse(
            "invalid",
            gettext_noop("{target} has no public page."),
            target=union.name,
        )
    role = role_for(actor, union, PUBLISHERS)
    if not role:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=union.name,
        )
    return role


def _clean(field: str, value: str | None, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def _day(field: str, day: dt.date | None, *, future: bool = True) -> dt.date:
    if day is None:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if not future and day > timezone.localdate():
        raise refuse("invalid", gettext_noop("This day is still to come."), field=field)
    return day


def _name_of(actor: Actor) -> str:
    """The publisher's name as the page shows it: their name in the registry, if any."""
    person = getattr(actor, "person", None) if actor is not None else None
    return str(getattr(person, "name", "") or "")[:120]


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _record(
    actor: Actor, action: str, union: Organisation, role: str, target: str, **data: Any
) -> None:
    auditlog.record(
        actor=actor,
        action=f"disclosure.{action}",
        organisation=union.code,
        target=target,
        role=role,
        data=data,
    )


# -- rules -----------------------------------------------------------------------------


@transaction.atomic
def publish_rule(
    *,
    actor: Actor,
    union: Organisation,
    text: str,
    in_force_from: dt.date,
    note: str = "",
    kind: str = "",
    title: str = "",
    document: RuleDocument | None = None,
) -> RuleVersion:
    """Publish a new rule (``kind`` and ``title``) or a new version of ``document``.

    Refused: not an administrator of the union; not a union; an unknown kind; a
    missing title or text; a title the union has already; a document of another union
    or repealed; the same text as the version before; a day in force before the
    version before's.
    """
    role = _publisher(actor, union)
    text = _clean("text", text, limit=MAX_TEXT)
    note = _clean("note", note, limit=300, required=False)
    in_force_from = _day("in_force_from", in_force_from)
    if document is None:
        if kind not in RuleKind.values:
            raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
        title = _clean("title", title, limit=120)
        if RuleDocument.objects.filter(union=union, title=title).exists():
            raise refuse(
                "duplicate",
                gettext_noop("The union has a rule of this title already."),
                field="title",
            )
        document = RuleDocument.objects.create(union=union, kind=kind, title=title)
        number = 1
    else:
        if document.union_id != union.pk:
            raise refuse("invalid", gettext_noop("This rule is another union's."))
        document = RuleDocument.objects.select_for_update().get(pk=document.pk)
        if document.repealed_on is not None:
            raise refuse(
                "invalid",
                gettext_noop("This rule was repealed: publish it as a new rule."),
            )
        last = RuleVersion.objects.filter(document=document).order_by("-number").first()
        number = (last.number if last else 0) + 1
        if last is not None and last.text.strip() == text:
            raise refuse(
                "unchanged",
                gettext_noop("The text is the same as version {number}."),
                field="text",
                number=last.number,
            )
        if last is not None and in_force_from < last.in_force_from:
            raise refuse(
                "invalid",
                gettext_noop(
                    "A new version cannot come into force before version {number} ({day})."
                ),
                field="in_force_from",
                number=last.number,
                day=last.in_force_from.isoformat(),
            )
    version = RuleVersion.objects.create(
        document=document,
        number=number,
        text=text,
        in_force_from=in_force_from,
        note=note,
        published_at=timezone.now(),
        published_by=_user(actor),
        publisher_name=_name_of(actor),
    )
    _record(
        actor,
        "rule_publish",
        union,
        role,
        f"{union.code} {document.pk} v{number}",
        rule=document.pk,
        kind=document.kind,
        number=number,
        in_force_from=in_force_from.isoformat(),
    )
    notifying.published(union, document.title)
    return version


@transaction.atomic
def repeal_rule(
    *, actor: Actor, document: RuleDocument, repealed_on: dt.date, reason: str
) -> RuleDocument:
    """Repeal a rule from ``repealed_on`` (it stays public, marked repealed).

    Refused: not an administrator of its union; repealed already; no reason; a day
    before its first version came into force.
    """
    union = document.union
    role = _publisher(actor, union)
    document = RuleDocument.objects.select_for_update().get(pk=document.pk)
    if document.repealed_on is not None:
        raise refuse("invalid", gettext_noop("This rule was repealed already."))
    repealed_on = _day("repealed_on", repealed_on)
    first = document.versions.order_by("number").values_list("in_force_from", flat=True)
    start = first.first()
    if start is not None and repealed_on < start:
        raise refuse(
            "invalid",
            gettext_noop("A rule cannot be repealed before it came into force."),
            field="repealed_on",
        )
    document.repealed_on = repealed_on
    document.repeal_reason = _clean("reason", reason, limit=300)
    document.save(update_fields=["repealed_on", "repeal_reason"])
    _record(
        actor,
        "rule_repeal",
        union,
        role,
        f"{union.code} {document.pk}",
        rule=document.pk,
        repealed_on=repealed_on.isoformat(),
    )
    return document


# -- work affairs ------------------------------------------------------------------------


@transaction.atomic
def publish_entry(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    title: str,
    body: str,
    dated: dt.date,
    files: Sequence[CleanFile] = (),
    file_to_congress: bool = False,
) -> WorkEntry:
    """Publish an entry of the union's work affairs, with its checked files
    (:func:`tongxue.disclosure.files.clean_files`, before this).

    ``file_to_congress`` (an annual work report of a school-level union only): the
    report is also filed in writing to the congress or its standing body that day
    (``business.file_written_report``: what CON-13 counts).

    Refused: not an administrator of the union; an unknown kind; a missing title or
    text; a decision, minutes, a report dated in the future; filing anything else than
    an annual work report, or a department union's.
    """
    role = _publisher(actor, union)
    if kind not in EntryKind.values:
        raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
    title = _clean("title", title, limit=200)
    body = _clean("body", body, limit=MAX_TEXT)
    dated = _day("dated", dated, future=kind not in PAST_KINDS)
    report = None
    if file_to_congress:
        if kind != EntryKind.ANNUAL_REPORT:
            raise refuse(
                "invalid",
                gettext_noop("Only an annual work report is filed to the congress."),
                field="file_to_congress",
            )
        if union.kind not in SCHOOL_LEVEL:
            raise refuse(
                "invalid",
                gettext_noop(
                    "Only a school-level union reports its work to a congress in writing."
                ),
                field="file_to_congress",
            )
        report = file_written_report(
            actor=actor, union=union, title=title, text=body, filed_on=None
        )
    entry = WorkEntry.objects.create(
        union=union,
        kind=kind,
        title=title,
        body=body,
        dated=dated,
        published_at=timezone.now(),
        published_by=_user(actor),
        publisher_name=_name_of(actor),
        written_report=report,
    )
    Attachment.objects.bulk_create(
        [
            Attachment(
                entry=entry,
                name=f.name,
                content_type=f.content_type,
                size=f.size,
                data=f.data,
            )
            for f in files
        ]
    )
    _record(
        actor,
        "entry_publish",
        union,
        role,
        f"{union.code} {entry.pk}",
        entry=entry.pk,
        kind=kind,
        dated=dated.isoformat(),
        files=len(files),
        written_report=report.pk if report else None,
    )
    notifying.published(union, title)
    return entry


@transaction.atomic
def withdraw_entry(*, actor: Actor, entry: WorkEntry, reason: str) -> WorkEntry:
    """Take an entry off the public page (kept on record with the reason).

    A report filed to the congress stays filed (CON-13): the delegates received it.
    Refused: not an administrator of its union; withdrawn already; no reason.
    """
    union = entry.union
    role = _publisher(actor, union)
    entry = WorkEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.withdrawn_at is not None:
        raise refuse("invalid", gettext_noop("This entry was withdrawn already."))
    entry.withdrawn_reason = _clean("reason", reason, limit=300)
    entry.withdrawn_at = timezone.now()
    entry.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    _record(
        actor,
        "entry_withdraw",
        union,
        role,
        f"{union.code} {entry.pk}",
        entry=entry.pk,
        kind=entry.kind,
    )
    return entry


# -- official accounts -------------------------------------------------------------------


def owners(union: Organisation) -> Any:
    """The organisations whose accounts the union registers: itself and what is under
    it (departments, clubs, the club federation, department unions)."""
    return Organisation.objects.filter(path__startswith=union.path).order_by(
        "path", "name"
    )


@transaction.atomic
def save_account(
    *,
    actor: Actor,
    union: Organisation,
    owner: Organisation,
    platform: str,
    name: str,
    account_id: str,
    responsible: str,
    link: str = "",
    verified: bool = False,
    verified_on: dt.date | None = None,
    verified_as: str = "",
    closed_on: dt.date | None = None,
    account: OfficialAccount | None = None,
) -> OfficialAccount:
    """Register an account in the union's register (or change ``account``).

    Refused: not an administrator of the union; an owner outside the union; an
    unknown platform; a missing name, account ID or person responsible; verified
    without the day (or the day without verified), or on a day still to come; closed
    before it was verified or on a day still to come; an account the register holds
    already.
    """
    role = _publisher(actor, union)
    if account is not None and account.union_id != union.pk:
        raise refuse("invalid", gettext_noop("This account is another union's."))
    if not owner.path.startswith(union.path):
        raise refuse(
            "invalid",
            gettext_noop("{target} is not part of the union."),
            field="owner",
            target=owner.name,
        )
    if platform not in Platform.values:
        raise refuse("invalid", gettext_noop("Choose a platform."), field="platform")
    name = _clean("name", name, limit=120)
    account_id = _clean("account_id", account_id, limit=120)
    responsible = _clean("responsible", responsible, limit=120)
    link = _clean("link", link, limit=200, required=False)
    if link and not link.startswith(("https://", "http://")):
        raise refuse("invalid", gettext_noop("Enter a web address."), field="link")
    if verified:
        verified_on = _day("verified_on", verified_on, future=False)
    elif verified_on is not None:
        raise refuse(
            "invalid",
            gettext_noop("Tick “real-name verified” or leave the day empty."),
            field="verified",
        )
    if closed_on is not None:
        _day("closed_on", closed_on, future=False)
        if verified_on is not None and closed_on < verified_on:
            raise refuse(
                "invalid",
                gettext_noop("An account cannot be closed before it was verified."),
                field="closed_on",
            )
    values = {
        "owner": owner,
        "platform": platform,
        "name": name,
        "account_id": account_id,
        "responsible": responsible,
        "link": link,
        "verified": bool(verified),
        "verified_on": verified_on if verified else None,
        "verified_as": _clean("verified_as", verified_as, limit=120, required=False),
        "closed_on": closed_on,
    }
    taken = OfficialAccount.objects.filter(
        union=union, platform=platform, account_id=account_id
    )
    if account is not None:
        taken = taken.exclude(pk=account.pk)
    if taken.exists():
        raise refuse(
            "duplicate",
            gettext_noop("This account is in the register already."),
            field="account_id",
        )
    try:
        with transaction.atomic():
            if account is None:
                account = OfficialAccount.objects.create(union=union, **values)
                action = "account_add"
            else:
                for field, value in values.items():
                    setattr(account, field, value)
                account.save()
                action = "account_change"
    except IntegrityError:
        raise refuse(
            "duplicate",
            gettext_noop("This account is in the register already."),
            field="account_id",
        ) from None
    _record(
        actor,
        action,
        union,
        role,
        f"{union.code} {account.pk}",
        account=account.pk,
        owner=owner.code,
        platform=platform,
        verified=bool(verified),
        verified_on=verified_on.isoformat() if verified and verified_on else None,
        closed_on=closed_on.isoformat() if closed_on else None,
    )
    return account


# -- subscriptions ----------------------------------------------------------------------


@transaction.atomic
def subscribe(*, actor: Actor, union: Organisation) -> bool:
    """Tell the signed-in user of every new item on the union's page; False when they
    were subscribed already. Refused: not signed in; not a union."""
    if not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to subscribe."))
    if union.kind not in UNIONS:
        raise refuse(
            "invalid", gettext_noop("{target} has no public page."), target=union.name
        )
    _sub, created = Subscription.objects.get_or_create(union=union, user=actor)
    if created:
        _personal(actor, "subscribe", union)
    return created


@transaction.atomic
def unsubscribe(*, actor: Actor, union: Organisation) -> bool:
    """Stop telling the user; False when they were not subscribed."""
    if not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to subscribe."))
    deleted, _rows = Subscription.objects.filter(union=union, user=actor).delete()
    if deleted:
        _personal(actor, "unsubscribe", union)
    return bool(deleted)


def _personal(actor: Actor, action: str, union: Organisation) -> None:
    """A user's own setting: recorded as notification settings are, not on the
    union's log (its readers need not learn who follows its page)."""
    auditlog.record(
        actor=actor, action=f"disclosure.{action}", target=union.code, data={}
    )


def next_rule_number(document: RuleDocument) -> int:
    """The number the next version of ``document`` gets (for a form's heading)."""
    top = RuleVersion.objects.filter(document=document).aggregate(n=Max("number"))["n"]
    return int(top or 0) + 1
