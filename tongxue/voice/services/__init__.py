"""Write students' concerns (RGT-1 … RGT-7, CAD-8): raise, handle, follow up.

Every service is keyword-only, checks permission and scope itself (who may see and
handle a concern is decided in :mod:`tongxue.voice.access` only), runs in one
transaction, moves a concern only along :data:`tongxue.domain.lifecycle.CONCERN`,
adds a timeline event (:class:`~tongxue.voice.models.ConcernEvent`: who and when),
writes an audit record (``core.auditlog.record``: never a concern's text; no actor for
an anonymous concern's student) and notifies (:mod:`tongxue.voice.notifying`).
Refusals are :class:`tongxue.core.errors.Refusal`.

The package: :mod:`.raising` (raise, record an offline one, 我也遇到), :mod:`.handling`
(acknowledge, forward, answer, merge, note, verify), :mod:`.rating` (rate, withdraw),
:mod:`.periodic` (escalate the overdue, close the unrated), :mod:`.categories` (the
union's categories and named handlers), :mod:`.sensitive` (mark a concern sensitive,
RGT-7), :mod:`.exit_cases` (an exit case from a concern about a cadre, CAD-8),
:mod:`.referrals` (a concern referred to legal aid, RGT-2), :mod:`.photos` and
:mod:`.shared`. Every
public name is re-exported here: ``from tongxue.voice import services``.
"""

from __future__ import annotations

from tongxue.voice.services.categories import (
    DEFAULT_CATEGORIES,
    ensure_default_categories,
    name_handler,
    remove_named_handler,
    save_category,
)
from tongxue.voice.services.exit_cases import open_exit_case
from tongxue.voice.services.handling import (
    acknowledge,
    add_note,
    answer,
    forward,
    merge,
    verify,
)
from tongxue.voice.services.periodic import (
    close_unrated,
    escalate_overdue,
    remind_rating,
)
from tongxue.voice.services.photos import MAX_BYTES, MAX_PHOTOS, MAX_SIDE
from tongxue.voice.services.raising import (
    Raised,
    category_by_code,
    own_union,
    raise_by_token,
    raise_concern,
    record_offline,
    support,
    withdraw_support,
)
from tongxue.voice.services.rating import rate, withdraw
from tongxue.voice.services.referrals import note_referral
from tongxue.voice.services.sensitive import mark_sensitive, unmark_sensitive

__all__ = [
    "DEFAULT_CATEGORIES",
    "MAX_BYTES",
    "MAX_PHOTOS",
    "MAX_SIDE",
    "Raised",
    "acknowledge",
    "add_note",
    "answer",
    "category_by_code",
    "close_unrated",
    "ensure_default_categories",
    "escalate_overdue",
    "forward",
    "mark_sensitive",
    "merge",
    "name_handler",
    "note_referral",
    "open_exit_case",
    "own_union",
    "raise_by_token",
    "raise_concern",
    "rate",
    "record_offline",
    "remind_rating",
    "remove_named_handler",
    "save_category",
    "support",
    "unmark_sensitive",
    "verify",
    "withdraw",
    "withdraw_support",
]
