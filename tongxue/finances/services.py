"""Writes to a union's ledger (TRN-4 · GS-14, CQ-9): each checks permission and scope
itself, runs in one transaction and writes the audit log.

Who does what (``tongxue.core.permissions``):

* enter, submit, reverse, attach a receipt, disclose a term, answer a question: the
  union's treasurer or administrator (:data:`KEEPERS`: ``keep_books``);
* approve or reject: a union finance approver (``approve_spending``) up to the ledger's
  threshold, the League advisor (``guide``) at any amount; never the person who
  entered the entry or handles its money (:func:`tongxue.domain.finance.
  approval_refusal`);
* set the threshold: the League advisor (the school's side);
* ask a question on an approved entry: a delegate (or standing delegate) of the union.

The audit data never carries a payee's name or a question's text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.models import RoleKind
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.domain import finance as fin
from tongxue.domain.finance.ledger import school_year_of
from tongxue.domain.terms import term_of
from tongxue.finances import notifying
from tongxue.finances.models import (
    Category,
    Disclosure,
    Entry,
    EntryKind,
    EntryStatus,
    IncomeSource,
    Ledger,
    Question,
    Receipt,
)
from tongxue.finances.receipts import clean_receipt
from tongxue.organisations.models import Organisation, OrgKind

#: The organisations that keep a ledger.
UNION_KINDS = (
    OrgKind.SCHOOL_UNION,
    OrgKind.GRADUATE_UNION,
    OrgKind.DEPARTMENT_UNION,
)
KEEPERS = (Perm.KEEP_BOOKS,)
APPROVERS = (Perm.APPROVE_SPENDING, Perm.GUIDE)
#: Who reads the union's ledger with drafts, receipts and the approval queue.
READERS = (Perm.KEEP_BOOKS, Perm.APPROVE_SPENDING, Perm.GUIDE, Perm.VIEW_PRIVATE)
#: Who asks questions on approved entries (supervision).
ASKERS = (RoleKind.DELEGATE,)
MAX_TEXT = 2000


# ----------------------------------------------------------------------------- helpers


def _role(actor: Actor, org: Organisation, perms: tuple[Perm, ...]) -> str:
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


def _require(actor: Actor, org: Organisation, perms: tuple[Perm, ...]) -> str:
    role = _role(actor, org, perms)
    if not role:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=org.name,
        )
    return role


def _require_union(org: Organisation) -> None:
    if org.kind not in UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop("{target} does not keep a ledger."),
            target=org.name,
        )


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


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        return fin.parse_amount(value)
    except fin.AmountError as exc:
        raise refuse(exc.code, exc.message, field=field) from None


def _record(
    actor: Actor, action: str, union: Organisation, role: str, target: str, **data: Any
) -> None:
    auditlog.record(
        actor=actor,
        action=f"finances.{action}",
        organisation=union.code,
        target=target,
        role=role,
        data=data,
    )


def approver_of(actor: Actor, union: Organisation) -> fin.Approver:
    """The authorities ``actor`` holds at the union (one query)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return fin.Approver(user="")
    if getattr(actor, "is_superuser", False):
        return fin.Approver(user=str(actor.pk), advisor=True, finance_approver=True)
    perms = {p for r in roles_at(actor, union.path) for p in GRANTS.get(r, frozenset())}
    return fin.Approver(
        user=str(actor.pk),
        advisor=Perm.GUIDE in perms,
        finance_approver=Perm.APPROVE_SPENDING in perms,
    )


# ----------------------------------------------------------------------------- ledger


def _ledger(union: Organisation, year: int) -> Ledger:
    ledger, _created = Ledger.objects.get_or_create(union=union, year=year)
    return ledger


@transaction.atomic
def set_threshold(*, actor: Actor, ledger: Ledger, threshold: Any) -> Ledger:
    """Set the amount above which the League advisor approves an expenditure (the
    school's rule). Refused: not the League advisor; not an amount."""
    union = ledger.union
    role = _require(actor, union, (Perm.GUIDE,))
    amount = _amount(threshold, "advisor_threshold")
    old = ledger.advisor_threshold
    ledger.advisor_threshold = amount
    ledger.save(update_fields=["advisor_threshold"])
    _record(
        actor,
        "threshold_set",
        union,
        role,
        f"{union.code} {ledger.year}",
        before=f"{old:.2f}",
        after=f"{amount:.2f}",
    )
    return ledger


@transaction.atomic
def enter(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    amount: Any,
    day: dt.date | None,
    summary: str,
    category: str = "",
    source: str = "",
    sponsor: str = "",
    project: str = "",
    payee: str = "",
    payee_is_student: bool = False,
    handled_by: Any = None,
    receipt: Any = None,
) -> Entry:
    """Enter a draft in the union's ledger of the school year of ``day``.

    A budget line names its category; an income its source (a sponsorship its
    sponsor); an expenditure its category and payee. Refused: not the union's treasurer
    or administrator; not a union; an amount that is not exact to the 分 or not
    positive; a day still to come (a budget line may be planned ahead); a receipt that
    is not an image (checked before anything is saved).
    """
    role = _require(actor, union, KEEPERS)
    _require_union(union)
    clean = clean_receipt(receipt) if receipt is not None else None
    if kind not in EntryKind.values:
        raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
    value = _amount(amount)
    if day is None:
        raise refuse("required", gettext_noop("This field is required."), field="day")
    if kind != EntryKind.BUDGET and day > timezone.localdate():
        raise refuse("invalid", gettext_noop("This day is still to come."), field="day")
    summary = _clean("summary", summary, limit=200)
    project = _clean("project", project, limit=120, required=False)
    payee = _clean("payee", payee, limit=120, required=kind == EntryKind.EXPENDITURE)
    sponsor = _clean("sponsor", sponsor, limit=120, required=False)
    if kind == EntryKind.INCOME:
        if source not in IncomeSource.values:
            raise refuse("required", gettext_noop("Choose the source."), field="source")
        if source == IncomeSource.SPONSORSHIP and not sponsor:
            raise refuse(
                "required",
                gettext_noop("Name the sponsor of a sponsorship."),
                field="sponsor",
            )
        category = ""
    else:
        if category not in Category.values:
            raise refuse(
                "required", gettext_noop("Choose the category."), field="category"
            )
        source, sponsor = "", ""
    if kind != EntryKind.EXPENDITURE:
        payee_is_student = False
    if (
        handled_by is not None
        and handled_by != actor
        and not roles_at(handled_by, union.path)
    ):
        raise refuse(
            "invalid",
            gettext_noop("The person handling the money holds no role at the union."),
            field="handled_by",
        )
    ledger = _ledger(union, school_year_of(term_of(day).code))
    Ledger.objects.select_for_update().filter(pk=ledger.pk).get()
    number = (ledger.entries.aggregate(n=Max("number"))["n"] or 0) + 1
    entry = Entry.objects.create(
        ledger=ledger,
        number=number,
        kind=kind,
        category=category,
        source=source,
        sponsor=sponsor,
        amount=value,
        day=day,
        summary=summary,
        project=project,
        payee=payee,
        payee_is_student=bool(payee_is_student),
        entered_by=actor,
        handled_by=handled_by or actor,
        entered_at=timezone.now(),
    )
    if clean is not None:
        Receipt.objects.create(
            entry=entry,
            image=clean.data,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
        )
    _record(
        actor,
        "entry_enter",
        union,
        role,
        f"{union.code} {entry.reference}",
        entry=entry.pk,
        kind=kind,
        amount=f"{value:.2f}",
        receipt=clean is not None,
    )
    return entry


def _check_open(entry: Entry) -> None:
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.SUBMITTED):
        raise refuse(
            "immutable",
            gettext_noop(
                "An approved or rejected entry is not changed: correct it with a reversing entry."
            ),
        )


@transaction.atomic
def attach_receipt(*, actor: Actor, entry: Entry, upload: Any) -> Receipt:
    """Attach (or replace) the receipt of a draft or submitted entry."""
    union = entry.ledger.union
    role = _require(actor, union, KEEPERS)
    clean = clean_receipt(upload)
    Entry.objects.select_for_update().filter(pk=entry.pk).get()
    entry.refresh_from_db(fields=["status"])
    _check_open(entry)
    Receipt.objects.filter(entry=entry).delete()
    receipt = Receipt.objects.create(
        entry=entry,
        image=clean.data,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
    )
    _record(actor, "receipt_attach", union, role, f"{union.code} {entry.reference}")
    return receipt


@transaction.atomic
def submit(*, actor: Actor, entry: Entry) -> Entry:
    """Submit a draft for approval. Refused: not a keeper of the books; not a draft."""
    union = entry.ledger.union
    role = _require(actor, union, KEEPERS)
    moved = transition(
        entry,
        fin.ENTRY,
        EntryStatus.SUBMITTED,
        actor=actor,
        action="finances.entry_submit",
        organisation=union.code,
        role=role,
        subject=f"{union.code} {entry.reference}",
        changes={"submitted_at": timezone.now()},
        data={"entry": entry.pk},
    )
    notifying.submitted(moved)
    return moved


@transaction.atomic
def decide(*, actor: Actor, entry: Entry, approve: bool, reason: str = "") -> Entry:
    """Approve or reject a submitted entry (see the module for who may). A rejection
    gives its reason. The approved entry is immutable from then on."""
    ledger = entry.ledger
    union = ledger.union
    role = _require(actor, union, APPROVERS)
    approver = approver_of(actor, union)
    target = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    reason = _clean("reason", reason, limit=MAX_TEXT, required=not approve)

    def check(locked: Entry) -> Any:
        return fin.approval_refusal(
            locked.facts(), approver, ledger.advisor_threshold, fin.EntryStatus(target)
        )

    if approver.advisor and not approver.finance_approver:
        role = _role(actor, union, (Perm.GUIDE,)) or role
    return transition(
        entry,
        fin.ENTRY,
        target,
        actor=actor,
        action="finances.entry_approve" if approve else "finances.entry_reject",
        organisation=union.code,
        role=role,
        subject=f"{union.code} {entry.reference}",
        changes={
            "decided_by": actor,
            "decided_at": timezone.now(),
            "decided_as": role,
            "reject_reason": reason if not approve else "",
        },
        data={"entry": entry.pk, "amount": f"{entry.amount:.2f}"},
        check=check,
    )


@transaction.atomic
def reverse(*, actor: Actor, entry: Entry, reason: str) -> Entry:
    """Enter a reversing entry of an approved one (a correction): same kind, category
    and amount, the opposite effect, a draft to submit and approve like any other.
    Refused: not a keeper of the books; not approved; a reversal itself; reversed
    already (a reversal not rejected)."""
    union = entry.ledger.union
    role = _require(actor, union, KEEPERS)
    reason = _clean("reason", reason, limit=200)
    Ledger.objects.select_for_update().filter(pk=entry.ledger_id).get()
    original = Entry.objects.get(pk=entry.pk)
    refusal = fin.reversal_refusal(
        original.facts(), [r.facts() for r in original.reversals.all()]
    )
    if refusal is not None:
        raise refusal
    number = (original.ledger.entries.aggregate(n=Max("number"))["n"] or 0) + 1
    reversal = Entry.objects.create(
        ledger=original.ledger,
        number=number,
        kind=original.kind,
        category=original.category,
        source=original.source,
        sponsor=original.sponsor,
        amount=original.amount,
        day=original.day,
        summary=reason,
        project=original.project,
        payee=original.payee,
        payee_is_student=original.payee_is_student,
        entered_by=actor,
        handled_by=actor,
        entered_at=timezone.now(),
        reverses=original,
    )
    _record(
        actor,
        "entry_reverse",
        union,
        role,
        f"{union.code} {reversal.reference}",
        entry=reversal.pk,
        reverses=original.pk,
        amount=f"{original.amount:.2f}",
    )
    return reversal


# ----------------------------------------------------------------- disclosure, questions


@transaction.atomic
def disclose(
    *, actor: Actor, union: Organisation, term: str, note: str = ""
) -> Disclosure:
    """Record that the union disclosed its finances of ``term`` (``2026-autumn``): its
    public page of the term is the disclosure. Refused: not a keeper of the books; a
    term still to come; disclosed already."""
    role = _require(actor, union, KEEPERS)
    _require_union(union)
    try:
        _term, start, _end = fin.term_bounds(term)
    except ValueError:
        raise refuse("invalid", gettext_noop("Choose a term."), field="term") from None
    if start > timezone.localdate():
        raise refuse(
            "invalid", gettext_noop("This term has not begun yet."), field="term"
        )
    if Disclosure.objects.filter(union=union, term=term).exists():
        raise refuse(
            "duplicate",
            gettext_noop("The finances of this term are disclosed already."),
            field="term",
        )
    disclosure = Disclosure.objects.create(
        union=union,
        term=term,
        disclosed_at=timezone.now(),
        disclosed_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=_clean("note", note, limit=MAX_TEXT, required=False),
    )
    _record(actor, "disclose", union, role, f"{union.code} {term}", term=term)
    return disclosure


def may_ask(actor: Actor, union: Organisation) -> bool:
    """A delegate or standing delegate of the union (a delegate role covering it)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return any(r in ASKERS for r in roles_at(actor, union.path))


@transaction.atomic
def ask(*, actor: Actor, entry: Entry, text: str) -> Question:
    """A delegate's question on an approved entry (supervision), answered publicly.
    Refused: not a delegate of the union; the entry is not approved (not public)."""
    union = entry.ledger.union
    if not may_ask(actor, union):
        raise refuse(
            "forbidden",
            gettext_noop("Only the union's delegates ask questions on its spending."),
        )
    if entry.status != EntryStatus.APPROVED:
        raise refuse(
            "invalid", gettext_noop("Questions are asked on approved entries.")
        )
    question = Question.objects.create(
        entry=entry,
        asked_by=actor,
        text=_clean("text", text, limit=MAX_TEXT),
        asked_at=timezone.now(),
    )
    _record(
        actor,
        "question_ask",
        union,
        RoleKind.DELEGATE,
        f"{union.code} {entry.reference}",
        question=question.pk,
    )
    notifying.asked(question)
    return question


@transaction.atomic
def answer(*, actor: Actor, question: Question, text: str) -> Question:
    """The union's public answer to a question. Refused: not a keeper of the books or
    an administrator of the union; answered already."""
    union = question.entry.ledger.union
    role = _require(actor, union, (Perm.KEEP_BOOKS, Perm.MANAGE))
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if locked.answered_at is not None:
        raise refuse("duplicate", gettext_noop("This question is answered already."))
    locked.answer = _clean("answer", text, limit=MAX_TEXT)
    locked.answered_at = timezone.now()
    locked.answered_by = actor
    locked.save(update_fields=["answer", "answered_at", "answered_by"])
    _record(
        actor,
        "question_answer",
        union,
        role,
        f"{union.code} {question.entry.reference}",
        question=question.pk,
    )
    notifying.answered(locked)
    return locked
