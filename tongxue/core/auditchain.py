"""The audit log's hash chain: write it, verify it, and publish its daily checkpoints.

Every audit event carries ``seq`` (1, 2, 3 … with no gap), ``prev_hash`` (the previous
event's ``hash``, :data:`GENESIS` for the first) and ``hash``: the SHA-256, in
lowercase hex, of :func:`canonical` — the UTF-8 bytes of the JSON object

    {"action", "actor_id", "actor_label", "actor_perm", "at", "data",
     "organisation", "prev", "role", "seq", "target"}

with its keys sorted, no spaces (``separators=(",", ":")``), non-ASCII characters
kept, ``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` and ``prev`` the previous
event's hash. Writers hold the chain's head until they commit (PostgreSQL: a
transaction-level advisory lock; SQLite's writers are serialised by the database) and
give each event a time no earlier than the event before it.

:func:`verify` recomputes the chain and says where it breaks: an event whose fields no
longer give its hash (changed), a gap in ``seq`` (deleted), an event the next one was
not chained to (inserted or rewritten), an event dated before the one before it
(back-dated), and an event that no longer matches a published checkpoint (the head
hash of a day, :func:`write_checkpoints`) — the last also finds a chain rewritten and
recomputed from end to end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from tongxue.core.models import AuditEvent

#: ``prev_hash`` of the first event.
GENESIS = "0" * 64
#: The key of the PostgreSQL advisory lock that serialises the writers of the chain.
LOCK_KEY = 0x7478_6175_6469_7431  # "txaudit1"
#: The action of the event the chaining migration appends after the events it chained:
#: those were numbered in id order, as written, and may be out of time order.
CHAINED_ACTION = "auditlog.chained"
#: The fields the hash covers, besides ``prev``.
FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "role",
    "action",
    "organisation",
    "target",
    "data",
    "actor_perm",
)


def normal_data(data: Any) -> Any:
    """Return ``data`` as the database gives it back (JSON round trip)."""
    return json.loads(json.dumps(data if data is not None else {}))


def at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(values: dict[str, Any], prev_hash: str) -> bytes:
    """Return the bytes the hash of an event is computed over."""
    doc = {name: values[name] for name in FIELDS}
    doc["at"] = at_text(doc["at"])
    doc["prev"] = prev_hash
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def digest(values: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(values, prev_hash)).hexdigest()


def _table() -> str:
    from tongxue.core.models import AuditEvent

    return AuditEvent._meta.db_table


def lock_head() -> tuple[int, str, dt.datetime | None]:
    """Hold the head of the chain until the transaction ends; return (seq, hash, at)."""
    head = f"SELECT seq, hash, at FROM {_table()} ORDER BY seq DESC LIMIT 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the lock and the head in one round trip (#17: every audited write waits
            # for the one before it to commit; Django binds parameters on the client,
            # so the two statements go as one query)
            cursor.execute(f"SELECT pg_advisory_xact_lock(%s); {head}", [LOCK_KEY])
            cursor.nextset()
        else:
            cursor.execute(head)
        row = cursor.fetchone()
    if row is None:
        return 0, GENESIS, None
    at = row[2]
    if isinstance(at, str):  # raw SQLite
        at = dt.datetime.fromisoformat(at)
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return int(row[0]), str(row[1]), at


def chain(events: Sequence[AuditEvent], *, at: dt.datetime | None = None) -> None:
    """Number and hash new ``events`` after the head of the chain, in their order.

    Call inside the transaction that writes them: the head stays held until it ends.
    Each event gets the time ``at`` (now by default) or, if earlier, the time of the
    head, so that time never goes back along the chain.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are chained inside the change's transaction")
    seq, prev, head_at = lock_head()
    now = timezone.now()
    for event in events:
        when = event.at or at or now
        if head_at is not None and when < head_at:
            when = head_at
        head_at = when
        seq += 1
        event.at = when
        event.seq = seq
        event.data = normal_data(event.data)
        event.prev_hash = prev
        event.hash = digest(_values(event), prev)
        prev = event.hash


def _values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in FIELDS}


# --- verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One place where the log is not what was written."""

    kind: str  # deleted, changed, inserted, back-dated, checkpoint
    seq: int | None
    id: int | None
    detail: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "seq ?"
        if self.id is not None:
            where += f" (id {self.id})"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Checkpoint:
    day: dt.date
    seq: int
    hash: str
    source: str = "database"


@dataclass
class Report:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_ROW = ("id", "prev_hash", "hash", *FIELDS)


def _rows(chunk: int) -> Iterator[dict[str, Any]]:
    from tongxue.core.models import AuditEvent

    for values in AuditEvent.objects.order_by("seq").values_list(*_ROW).iterator(chunk):
        yield dict(zip(_ROW, values, strict=True))


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def stored_checkpoints() -> list[Checkpoint]:
    from tongxue.core.models import AuditCheckpoint

    return [
        Checkpoint(day, seq, h)
        for day, seq, h in AuditCheckpoint.objects.order_by("day").values_list(
            "day", "seq", "hash"
        )
    ]


def parse_checkpoints(text: str, source: str) -> list[Checkpoint]:
    """Read checkpoints as published in JSON (``/audit/checkpoints.json``)."""
    doc = json.loads(text)
    items = doc.get("checkpoints", []) if isinstance(doc, dict) else doc
    return [
        Checkpoint(
            dt.date.fromisoformat(item["day"]), int(item["seq"]), item["hash"], source
        )
        for item in items
    ]


def verify(*, published: Iterable[Checkpoint] = (), chunk: int = 2000) -> Report:
    """Recompute the chain and compare it with the checkpoints; return what is wrong.

    ``published``: checkpoints kept outside the database (a saved copy of the public
    page), compared with the chain and with the checkpoints the database holds.
    """
    from tongxue.core.models import AuditEvent

    report = Report()
    stored = stored_checkpoints()
    outside = list(published)
    report.problems += _disagreeing_checkpoints(stored, outside)
    checkpoints = sorted([*stored, *outside], key=lambda c: c.seq)
    report.checkpoints = len(checkpoints)
    due: dict[int, list[Checkpoint]] = {}
    for c in checkpoints:
        due.setdefault(c.seq, []).append(c)
    legacy_end = (
        AuditEvent.objects.filter(action=CHAINED_ACTION)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    ) or 0
    seen: dict[str, tuple[int, int]] = {}
    prev: dict[str, Any] | None = None
    cp_index = 0
    latest_day: dt.date | None = None  # latest day checkpointed before this event
    for row in _rows(chunk):
        report.entries += 1
        seq, pk = row["seq"], row["id"]
        while cp_index < len(checkpoints) and checkpoints[cp_index].seq < seq:
            day = checkpoints[cp_index].day
            latest_day = day if latest_day is None else max(latest_day, day)
            cp_index += 1
        report.problems += _row_problems(row, prev, seen, legacy_end, latest_day)
        for c in due.pop(seq, ()):
            if c.hash != row["hash"]:
                report.problems.append(
                    Problem(
                        "checkpoint",
                        seq,
                        pk,
                        f"the checkpoint of {c.day} ({c.source}) says {c.hash}, "
                        f"the log has {row['hash']}: the chain was rewritten",
                    )
                )
        seen[row["hash"]] = (seq, pk)
        prev = row
    for seq, cps in sorted(due.items()):
        for c in cps:
            report.problems.append(
                Problem(
                    "checkpoint",
                    seq,
                    None,
                    f"the checkpoint of {c.day} ({c.source}) names seq {seq}, which "
                    "is no longer in the log: entries were deleted",
                )
            )
    if prev is not None:
        report.head_seq, report.head_hash = prev["seq"], prev["hash"]
    return report


def _disagreeing_checkpoints(
    stored: Iterable[Checkpoint], outside: Iterable[Checkpoint]
) -> list[Problem]:
    """The checkpoints kept outside that differ from the database's of the same day."""
    problems = []
    by_day = {c.day: c for c in stored}
    for c in outside:
        mine = by_day.get(c.day)
        if mine is not None and (mine.seq, mine.hash) != (c.seq, c.hash):
            problems.append(
                Problem(
                    "checkpoint",
                    c.seq,
                    None,
                    f"the checkpoint of {c.day} in the database (seq {mine.seq}, "
                    f"{mine.hash}) differs from the one in {c.source} "
                    f"(seq {c.seq}, {c.hash})",
                )
            )
    return problems


def _row_problems(
    row: dict[str, Any],
    prev: dict[str, Any] | None,
    seen: Mapping[str, tuple[int, int]],
    legacy_end: int,
    latest_day: dt.date | None,
) -> list[Problem]:
    """What is wrong with one entry, given the one before it (``prev``).

    Entries missing before it, its fields no longer giving its hash, its link to the
    entry before, and its date (``seen``: the hashes of the entries so far).
    """
    problems: list[Problem] = []
    seq, pk = row["seq"], row["id"]
    expected = prev["seq"] + 1 if prev else 1
    gap = seq > expected
    if gap:
        after = f"id {prev['id']}" if prev else "the start"
        problems.append(
            Problem(
                "deleted",
                expected,
                pk,
                f"seq {expected}"
                + (f"–{seq - 1}" if seq - 1 > expected else "")
                + f" missing: deleted between {after} and id {pk}",
            )
        )
    if digest(row, row["prev_hash"]) != row["hash"]:
        problems.append(
            Problem(
                "changed",
                seq,
                pk,
                "its fields no longer give its hash: edited after it was written",
            )
        )
    want = prev["hash"] if prev else GENESIS
    if row["prev_hash"] != want and not gap:
        problems.append(_broken_link(row, prev, seen))
    dated = _date_problem(row, prev, legacy_end, latest_day)
    if dated is not None:
        problems.append(dated)
    return problems


def _broken_link(
    row: dict[str, Any],
    prev: dict[str, Any] | None,
    seen: Mapping[str, tuple[int, int]],
) -> Problem:
    """Why an entry is not chained to the one before it: entries inserted between,
    the one before rewritten, or the first entry not chained to the start."""
    seq, pk = row["seq"], row["id"]
    earlier = seen.get(row["prev_hash"])
    if earlier is not None and prev is not None:
        first = earlier[0] + 1
        span = f"seq {first}" + (f"–{prev['seq']}" if prev["seq"] > first else "")
        return Problem(
            "inserted",
            first,
            prev["id"] if first == prev["seq"] else None,
            f"{span} inserted: seq {seq} was chained to seq {earlier[0]}",
        )
    if prev is not None:
        return Problem(
            "changed",
            prev["seq"],
            prev["id"],
            f"rewritten with a new hash: seq {seq} was chained to "
            f"another one ({row['prev_hash'][:16]}…)",
        )
    return Problem("inserted", seq, pk, "the first entry is not chained to the start")


def _date_problem(
    row: dict[str, Any],
    prev: dict[str, Any] | None,
    legacy_end: int,
    latest_day: dt.date | None,
) -> Problem | None:
    """An entry dated before the one before it (once chained entries began), or on
    a day whose checkpoint was published before it."""
    seq, pk = row["seq"], row["id"]
    if prev is not None and seq > legacy_end and row["at"] < prev["at"]:
        return Problem(
            "back-dated",
            seq,
            pk,
            f"dated {at_text(row['at'])}, before seq {prev['seq']} "
            f"({at_text(prev['at'])})",
        )
    if latest_day is not None and local_day(row["at"]) <= latest_day:
        return Problem(
            "back-dated",
            seq,
            pk,
            f"dated {local_day(row['at'])}, a day whose checkpoint "
            f"({latest_day}) was published before it",
        )
    return None


# --- checkpoints ----------------------------------------------------------------------


@transaction.atomic
def write_checkpoints(*, today: dt.date | None = None) -> list[Checkpoint]:
    """Write the head of each finished day not checkpointed yet; return them.

    The checkpoint of a day is the last event dated that day or before (local time,
    ``TIME_ZONE``). Holds the chain's head, so no writer is half-way.
    """
    from tongxue.core.models import AuditCheckpoint, AuditEvent

    today = today or timezone.localdate()
    lock_head()
    last = AuditCheckpoint.objects.order_by("-day").first()
    after_seq = last.seq if last is not None else 0
    rows = (
        AuditEvent.objects.filter(seq__gt=after_seq)
        .order_by("seq")
        .values_list("seq", "at")
        .iterator(5000)
    )
    top_by_day: dict[dt.date, int] = {}
    for seq, at in rows:
        day = local_day(at)
        if day < today:
            top_by_day[day] = max(top_by_day.get(day, 0), seq)
    if last is not None:
        start = last.day + dt.timedelta(days=1)
    elif top_by_day:
        start = min(top_by_day)
    else:
        return []
    heads: dict[dt.date, int] = {}
    running = after_seq
    day = start
    while day < today:
        running = max(running, top_by_day.get(day, 0))
        if running:
            heads[day] = running
        day += dt.timedelta(days=1)
    hashes = dict(
        AuditEvent.objects.filter(seq__in=set(heads.values())).values_list(
            "seq", "hash"
        )
    )
    now = timezone.now()
    written = [Checkpoint(d, s, hashes[s]) for d, s in heads.items()]
    AuditCheckpoint.objects.bulk_create(
        [
            AuditCheckpoint(day=c.day, seq=c.seq, hash=c.hash, created_at=now)
            for c in written
        ]
    )
    return written
