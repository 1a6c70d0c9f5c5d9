"""Notifications of the ledger (TRN-4; #14's one service).

* ``finances.entry_submitted`` — to those who may decide on it: the union's finance
  approvers (the League advisors too above the threshold), never the person who
  entered the entry or handles its money;
* ``finances.question_asked`` — to the union's treasurers: a delegate asks about an
  approved entry;
* ``finances.question_answered`` — to the delegate who asked.

Values are the entry's reference, its amount and the union's name, never a payee or a
question's text (a notification may go out by e-mail).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.domain.terms import term_of
from tongxue.finances.models import Entry, EntryKind, Question
from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify

SUBMITTED = register(
    "finances.entry_submitted",
    title=_("Ledger entry %(reference)s awaits your approval"),
    body=_("%(amount)s 元 · %(union)s"),
)
ASKED = register(
    "finances.question_asked",
    title=_("A delegate asks about ledger entry %(reference)s"),
    body=_("Answer publicly on the union's finance page (%(union)s)."),
)
ANSWERED = register(
    "finances.question_answered",
    title=_("The union answered your question on entry %(reference)s"),
    body=_("The answer is public on the finance page of %(union)s."),
)


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def submitted(entry: Entry) -> int:
    ledger = entry.ledger
    union = ledger.union
    roles = [RoleKind.FINANCE_APPROVER]
    if entry.kind == EntryKind.EXPENDITURE and entry.amount > ledger.advisor_threshold:
        roles = [RoleKind.LEAGUE_ADVISOR]
    ids = (
        RoleAssignment.objects.filter(
            organisation__code__in=_codes(union.path), role__in=roles
        )
        .exclude(user_id__in=[entry.entered_by_id, entry.handled_by_id])
        .values_list("user_id", flat=True)
    )
    return notify(
        SUBMITTED.name,
        user_ids=set(ids),
        params={
            "reference": entry.reference,
            "amount": f"{entry.amount:.2f}",
            "union": union.name,
        },
        url=reverse("finances:entry", args=[union.code, ledger.year, entry.number]),
        organisation=union.code,
    )


def _public_url(entry: Entry) -> str:
    union = entry.ledger.union
    term = term_of(entry.day).code
    return f"{reverse('finances:public', args=[union.code, term])}#entry-{entry.pk}"


def asked(question: Question) -> int:
    entry = question.entry
    union = entry.ledger.union
    ids = RoleAssignment.objects.filter(
        organisation=union, role=RoleKind.TREASURER
    ).values_list("user_id", flat=True)
    return notify(
        ASKED.name,
        user_ids=set(ids),
        params={"reference": entry.reference, "union": union.name},
        url=_public_url(entry),
        organisation=union.code,
    )


def answered(question: Question) -> int:
    entry = question.entry
    union = entry.ledger.union
    return notify(
        ANSWERED.name,
        user_ids=[question.asked_by_id],
        params={"reference": entry.reference, "union": union.name},
        url=_public_url(entry),
        organisation=union.code,
    )
