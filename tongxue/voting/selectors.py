"""Read voting: the frozen ballot (cached), turnout, the tally in SQL, the board, paper counts.

Every selector runs a bounded number of queries. The tally never loops over ballots in
Python: one ``GROUP BY void_reason`` scan sums the bit of each candidate
(``SUM((yes >> k) & 1)``), so a million ballots are counted by the database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext

from tongxue.domain.counting import VOID_REASONS
from tongxue.elections.models import Election, ElectionStatus, VotingMode
from tongxue.voting import codec
from tongxue.voting.models import (
    Ballot,
    BallotDefinition,
    PaperCount,
    Participation,
    RollEntry,
    Scrutineer,
)

#: Statuses in which the vote is over and the bulletin board is public.
AFTER_CLOSE = frozenset(
    {
        ElectionStatus.CLOSED,
        ElectionStatus.COUNTED,
        ElectionStatus.CERTIFIED,
        ElectionStatus.EFFECTIVE,
        ElectionStatus.VOID,
    }
)
BOARD_PAGE_SIZE = 50


@dataclass(frozen=True)
class Definition:
    """What the cast path needs about an open election; immutable once it is open."""

    election_id: int
    code: str
    title: str
    organisation_code: str
    organisation_path: str
    mode: str
    form: str
    seats: int
    candidates: tuple[str, ...]
    method: Mapping[str, Any]
    opened_at: str
    #: The void reason of each ballot pattern seen (filled by
    #: :func:`tongxue.voting.services.void_reason`): a congress's ballots repeat a few
    #: patterns, and the rule depends on nothing else. Lives as long as the definition.
    void_memo: dict[tuple[str, ...], str] = field(
        default_factory=dict, compare=False, repr=False
    )


def _method(data: Mapping[str, Any]) -> Any:
    from tongxue.domain.counting import ElectionMethod

    return ElectionMethod.from_dict(dict(data))


_cache: dict[str, tuple[Definition, Any]] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 256


def clear_cache() -> None:
    """Forget the cached ballot definitions (tests; never needed in production)."""
    with _cache_lock:
        _cache.clear()


def forget(code: str) -> None:
    """Drop the cached ballot of election ``code`` (called when a ballot is frozen)."""
    with _cache_lock:
        _cache.pop(code, None)


def definition_for(code: str) -> tuple[Definition, Any] | None:
    """Return the frozen ballot of election ``code`` and its domain method, or None.

    Cached per process: a ballot definition never changes once the vote is open (a new
    round is a new election), so after the first request the cast path reads nothing
    to learn the candidates, the form or the method. ``None`` (not cached) until the
    vote has been opened.
    """
    hit = _cache.get(code)
    if hit is not None:
        return hit
    row = (
        BallotDefinition.objects.filter(election__code=code)
        .select_related("election__organisation")
        .first()
    )
    if row is None:
        return None
    election = row.election
    definition = Definition(
        election_id=election.pk,
        code=election.code,
        title=election.title,
        organisation_code=election.organisation.code,
        organisation_path=election.organisation.path,
        mode=election.mode,
        form=row.form,
        seats=row.seats,
        candidates=tuple(c["name"] for c in row.candidates),
        method=dict(row.method),
        opened_at=row.opened_at.isoformat(),
    )
    entry = (definition, _method(definition.method))
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[code] = entry
    return entry


@dataclass(frozen=True)
class Turnout:
    """Counts only, never results: safe to show while the vote is open."""

    entitled: int
    present: int
    voted: int


def _voted_q(election: Election) -> Exists:
    return Exists(
        Participation.objects.filter(election=election, voter=OuterRef("person__user"))
    )


def turnout(election: Election) -> Turnout:
    """Return voters entitled (the roll), present (checked in or voted) and voted.

    Two queries.
    """
    agg = RollEntry.objects.filter(election=election).aggregate(
        entitled=Count("id"),
        present=Count("id", filter=Q(checked_in=True) | Q(_voted_q(election))),
    )
    voted = Participation.objects.filter(election=election).count()
    return Turnout(agg["entitled"] or 0, agg["present"] or 0, voted)


def roll_entry(election: Election, user: Any) -> RollEntry | None:
    """Return the user's entry on the roll of ``election``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return RollEntry.objects.filter(election=election, person__user=user).first()


def has_voted(election: Election, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Participation.objects.filter(election=election, voter=user).exists()


def is_scrutineer(election: Election, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Scrutineer.objects.filter(election=election, user=user).exists()


def candidate_names(election: Election) -> list[str]:
    """Return the names on the frozen ballot, in ballot order ([] before the opening)."""
    row = BallotDefinition.objects.filter(election=election).first()
    return [c["name"] for c in row.candidates] if row is not None else []


def ballot_ids(election: Election) -> dict[str, int]:
    """Return the frozen ballot's names → candidate ids ({} before the opening).

    Registered on :data:`tongxue.elections.hooks.BALLOT_IDS`: the elections service
    matches a result's names through it.
    """
    row = BallotDefinition.objects.filter(election=election).first()
    if row is None:
        return {}
    return {str(c["name"]): int(c["id"]) for c in row.candidates or []}


# --- the tally ------------------------------------------------------------------


@dataclass(frozen=True)
class ElectronicCounts:
    """What the database aggregated: ballots by validity and marks per candidate."""

    returned: int
    valid: int
    void_reasons: dict[str, int]
    yes: list[int]
    no: list[int]


def electronic_counts(
    election: Election, n: int, *, form: str = codec.YES_NO_ABSTAIN
) -> ElectronicCounts:
    """Aggregate the ballots of ``election`` in SQL: one scan, ``GROUP BY void_reason``.

    Per candidate ``k`` the database sums ``(yes >> k) & 1`` (and ``(no >> k) & 1``);
    a candidate's abstentions are the valid ballots left (blank or "A"). The marks
    form has no "no" marks, so only ``yes`` is summed: one expression per candidate
    (15 candidates × 1,000,000 ballots ≈ 0.6 s on PostgreSQL on a loaded 2-core
    machine, docs/voting.md). Void ballots are counted by reason. One query.
    """
    aggregates: dict[str, Any] = {"n": Count("tracker")}
    for k in range(n):
        aggregates[f"yes{k}"] = Sum(F("yes").bitrightshift(k).bitand(1))
        if form != codec.MARKS:
            aggregates[f"no{k}"] = Sum(F("no").bitrightshift(k).bitand(1))
    rows = list(
        Ballot.objects.filter(election=election)
        .values("void_reason")
        .order_by()
        .annotate(**aggregates)
    )
    returned = valid = 0
    void_reasons: dict[str, int] = {}
    yes = [0] * n
    no = [0] * n
    for row in rows:  # one row per void reason, not per ballot
        returned += row["n"]
        if row["void_reason"]:
            void_reasons[row["void_reason"]] = row["n"]
            continue
        valid += row["n"]
        for k in range(n):
            yes[k] += row[f"yes{k}"] or 0
            no[k] += row.get(f"no{k}") or 0
    return ElectronicCounts(returned, valid, void_reasons, yes, no)


def make_tally(
    candidates: list[str],
    *,
    form: str,
    issued: int | None,
    returned: int,
    valid: int,
    void_reasons: Mapping[str, int],
    yes: list[int],
    no: list[int] | None = None,
    abstain: list[int] | None = None,
) -> Any:
    """Build the domain's :class:`~tongxue.domain.counting.Tally` (in one place).

    Missing ``no``/``abstain`` are what the valid ballots leave: in the marks form an
    unmarked name is a no (no abstentions); in the yes/no/abstain form a blank is an
    abstention.
    """
    from tongxue.domain.counting import Tally

    if form == codec.MARKS:
        no = no if no is not None else [valid - y for y in yes]
        abstain = abstain if abstain is not None else [0] * len(yes)
    else:
        no = no if no is not None else [0] * len(yes)
        abstain = (
            abstain
            if abstain is not None
            else [valid - y - n for y, n in zip(yes, no, strict=True)]
        )
    return Tally(
        issued=issued,
        returned=returned,
        valid=valid,
        void=returned - valid,
        void_reasons=dict(sorted(void_reasons.items())),
        yes=dict(zip(candidates, yes, strict=True)),
        no=dict(zip(candidates, no, strict=True)),
        abstain=dict(zip(candidates, abstain, strict=True)),
    )


# --- the bulletin board ----------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    tracker: str
    short_code: str
    cells: list[str]
    void_reason: str
    digest: str

    @property
    def void_label(self) -> str:
        """Why the ballot is void, in the active language (the code if unknown)."""
        label = VOID_REASONS.get(self.void_reason)
        return gettext(label) if label else self.void_reason


def _board_row(election: Election, form: str, n: int, b: dict[str, Any]) -> BoardRow:
    cells = codec.decode(form, n, b["yes"], b["no"], b["abstain"])
    return BoardRow(
        tracker=b["tracker"],
        short_code=codec.short_code(b["tracker"]),
        cells=cells,
        void_reason=b["void_reason"],
        digest=codec.digest(election.code, b["tracker"], cells),
    )


_BOARD_FIELDS = ("tracker", "yes", "no", "abstain", "void_reason")


def board_page(
    election: Election, definition: BallotDefinition, *, page: int, tracker: str = ""
) -> tuple[Page, list[BoardRow]]:
    """Return one page of the board, in tracker order, optionally only one tracker.

    ``tracker`` matches a full tracker or its beginning (the short code). Two queries
    (count and page) whatever the number of ballots.
    """
    qs = Ballot.objects.filter(election=election).order_by("tracker")
    wanted = codec.normalise_tracker(tracker)
    if wanted:
        qs = qs.filter(tracker__startswith=wanted)
    paginator = Paginator(qs.values(*_BOARD_FIELDS), BOARD_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    n = len(definition.candidates)
    rows = [_board_row(election, definition.form, n, b) for b in page_obj.object_list]
    return page_obj, rows


def board_csv_rows(
    election: Election, definition: BallotDefinition
) -> Iterator[list[str]]:
    """Yield the board as ``tongxue count`` reads it: the header, then one row a ballot.

    Rows come in tracker order (the order of the board's pages), streamed in chunks.
    """
    n = len(definition.candidates)
    yield [c["name"] for c in definition.candidates]
    qs = (
        Ballot.objects.filter(election=election)
        .order_by("tracker")
        .values_list("yes", "no", "abstain")
    )
    for yes, no, abstain in qs.iterator(chunk_size=5000):
        yield codec.decode(definition.form, n, yes, no, abstain)


# --- paper counts ---------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One figure on which the two scrutineers' entries disagree."""

    what: str  # "present", "issued", "returned", "void:<reason>", "<candidate>:yes"
    first: int
    second: int


def paper_entries(election: Election) -> list[PaperCount]:
    return list(
        PaperCount.objects.filter(election=election)
        .select_related("scrutineer")
        .order_by("id")
    )


def _figures(entry: PaperCount, candidates: list[str]) -> dict[str, int]:
    out = {
        "present": entry.present,
        "issued": entry.issued,
        "returned": entry.returned,
    }
    for reason, n in sorted(entry.void_reasons.items()):
        out[f"void:{reason}"] = int(n)
    for name in candidates:
        y, no, a = entry.candidates.get(name, [0, 0, 0])
        out[f"{name}:yes"] = int(y)
        out[f"{name}:no"] = int(no)
        out[f"{name}:abstain"] = int(a)
    return out


def paper_differences(
    election: Election, entries: list[PaperCount] | None = None
) -> list[Difference]:
    """Return every figure on which the two entries differ ([] with fewer than two)."""
    entries = paper_entries(election) if entries is None else entries
    if len(entries) < 2:
        return []
    names = candidate_names(election)
    a, b = _figures(entries[0], names), _figures(entries[1], names)
    keys = list(a) + [k for k in b if k not in a]
    return [
        Difference(k, a.get(k, 0), b.get(k, 0))
        for k in keys
        if a.get(k, 0) != b.get(k, 0)
    ]


def reconciled(election: Election) -> bool:
    """Return whether the vote's counts are settled and may be certified.

    Paper: two designated scrutineers entered counts independently and every figure
    agrees. Electronic: always True (the database counted). Registered on
    :data:`tongxue.elections.hooks.COUNTS_SETTLED` for the elections app's certify
    service.
    """
    if election.mode != VotingMode.PAPER:
        return True
    designated = set(
        Scrutineer.objects.filter(election=election).values_list("user_id", flat=True)
    )
    entries = [e for e in paper_entries(election) if e.scrutineer_id in designated]
    return len(entries) >= 2 and not paper_differences(election, entries[:2])


def agreed_paper_counts(election: Election) -> PaperCount | None:
    """Return the agreed paper entry (the first of two identical ones), or None."""
    if not reconciled(election):
        return None
    return paper_entries(election)[0]
