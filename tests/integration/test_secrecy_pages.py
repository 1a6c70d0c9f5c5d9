"""No link between a ballot (or a rating) and its author in PostgreSQL's data pages.

ELE-5 · GS-8 (secret ballot) and CAD-3 · GS-12, CQ-7 (anonymous ratings): once a vote or
an evaluation period is closed, someone who reads the raw data pages of the tables (a
database superuser, anyone holding a physical backup taken after the close) must not be
able to tell which participation wrote which ballot or rating.

The test plays that attacker: it casts ballots and ratings through the real services,
closes, runs the plain ``VACUUM`` the operator guide once advised, then reads every page
of the ballot, participation, rating and rater tables with ``pageinspect`` — the line
pointers of ``heap_page_items`` (live and dead tuples: ``t_xmin``, ``t_xmax``,
``lp_flags``, ``t_ctid``) and the raw bytes of each page, where the bytes of tuples that
``VACUUM`` freed stay until overwritten. It then links the way an attacker would: a
transaction id shared by a ballot tuple and a participation tuple (live, dead or left
over), the physical order of the two tables, timestamps.
"""

from __future__ import annotations

import struct
import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import pytest
from django.db import connection

from tests.factories_evaluations import DURING, END, START, build_union
from tests.factories_voting import build_voting
from tongxue.core import erasure
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.evaluations import services as ev_services
from tongxue.evaluations.models import Ballot as Rating
from tongxue.evaluations.models import Kind, Rater, Subject
from tongxue.evaluations.models import Participation as RaterParticipation
from tongxue.voting import selectors, services
from tongxue.voting.models import BallotDefinition, Participation

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 40
BASE32 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
HEADER = 24  # t_hoff of every tuple here (no null bitmap beyond the 24-byte header)


def _need_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "reads PostgreSQL's heap pages with pageinspect (transaction ids, dead "
            "tuples); SQLite has neither (run with DATABASE_URL=postgres://…)"
        )


@pytest.fixture
def rebuilds(monkeypatch) -> list[bool]:  # type: ignore[no-untyped-def]
    """The outcome of each rebuild after a commit.

    On a shared server another session's transaction, begun before the close and
    still running, holds old row versions back; the rebuild waits for it (longer
    here than in production, where a warning and a command finish the job).
    """
    outcomes: list[bool] = []
    rebuild = erasure.rebuild

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcomes.append(rebuild(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(erasure, "HORIZON_WAIT", 300.0)
    monkeypatch.setattr(erasure, "rebuild", spy)
    return outcomes


@dataclass(frozen=True)
class Found:
    """A tuple found in a page: where, its xmin, and what it holds."""

    block: int
    offset: int
    xmin: int
    key: Hashable


def _pageinspect() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")


def _pages(table: str) -> list[bytes]:
    _pageinspect()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT get_raw_page(%s, b::int) FROM generate_series(0,"
            " pg_relation_size(%s) / current_setting('block_size')::int - 1) b"
            " ORDER BY b",
            [table, table],
        )
        return [bytes(r[0]) for r in cursor.fetchall()]


def _line_pointers(table: str) -> list[tuple[int, int, int, int, int, int, str]]:
    """(block, lp, lp_off, lp_flags, t_xmin, t_xmax, t_ctid) of every line pointer."""
    _pageinspect()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b, h.lp, h.lp_off, h.lp_flags, h.t_xmin::text::bigint,"
            " h.t_xmax::text::bigint, h.t_ctid::text"
            " FROM generate_series(0,"
            "  pg_relation_size(%s) / current_setting('block_size')::int - 1) b,"
            " heap_page_items(get_raw_page(%s, b::int)) h ORDER BY b, h.lp",
            [table, table],
        )
        return [
            (r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0, r[6] or "")
            for r in cursor.fetchall()
        ]


def _scan(
    table: str, natts: int, decode: Callable[[bytes, int], Hashable]
) -> list[Found]:
    """Every tuple whose bytes are still in a page: live, dead, or freed by VACUUM.

    Tuples start at 8-byte boundaries; a candidate is a plausible header (``t_hoff``
    24, the table's number of attributes) whose data ``decode`` recognises.
    """
    found = []
    # Within a page, tuples are written from the end towards the start.
    for block, page in enumerate(_pages(table)):
        for o in range(len(page) - HEADER - 8, HEADER - 1, -8):
            if (
                page[o + 22] != HEADER
                or (struct.unpack_from("<H", page, o + 18)[0] & 0x07FF) != natts
            ):
                continue
            key = decode(page, o + HEADER)
            if key is not None:
                xmin = struct.unpack_from("<I", page, o)[0]
                found.append(Found(block, o, xmin, key))
    return found


def _links(ballots: list[Found], parts: list[Found]) -> dict[Hashable, set[Hashable]]:
    """For each author, the ballots whose transaction id is theirs or next to it, when
    that narrows the ballots down.

    Next to it: a savepoint inside the casting transaction has its own id, the next
    one. A transaction id that every ballot carries (the close's) says nothing.
    """
    everyone = {f.key for f in ballots}
    by_xmin: dict[int, set[Hashable]] = defaultdict(set)
    for f in ballots:
        by_xmin[f.xmin].add(f.key)
    out: dict[Hashable, set[Hashable]] = {}
    for p in parts:
        keys = set().union(*(by_xmin.get(p.xmin + d, set()) for d in range(-2, 3)))
        if keys and keys != everyone:
            out.setdefault(p.key, set()).update(keys)
    return out


def _by_xmin(found: list[Found]) -> list[Hashable]:
    """The keys in the order of their transaction ids (the order of the casts)."""
    return _first_seen(sorted(found, key=lambda f: f.xmin))


def _first_seen(found: list[Found]) -> list[Hashable]:
    """The keys in the order found (a stable sort keeps the physical order of ties)."""
    out: list[Hashable] = []
    seen: set[Hashable] = set()
    for f in found:
        if f.key not in seen:
            seen.add(f.key)
            out.append(f.key)
    return out


def _order_hits(
    ballots: list[Hashable], parts: list[Hashable], truth: dict[Hashable, Hashable]
) -> int:
    """Pair the k-th ballot with the k-th author in physical order; count true pairs."""
    return sum(truth.get(p) == b for b, p in zip(ballots, parts, strict=False))


def _no_dead_versions(table: str) -> list[tuple[int, int, int, int, int, int, str]]:
    """Line pointers that are not a live, never-deleted tuple pointing at itself."""
    return [
        lp
        for lp in _line_pointers(table)
        if lp[3] != 1 or lp[5] != 0 or lp[6] != f"({lp[0]},{lp[1]})"
    ]


def _timestamp_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " AND (data_type LIKE 'time%%' OR data_type IN ('date', 'interval'))",
            [table],
        )
        return [r[0] for r in cursor.fetchall()]


def _vacuum(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")


def _report(name: str, links: dict[Hashable, set[Hashable]], truth: dict) -> str:
    right = sum(truth[a] in keys for a, keys in links.items())
    sizes = sorted(len(keys) for keys in links.values())
    return (
        f"{name}: {len(links)} of {len(truth)} authors linked to a few ballots "
        f"(their own among them: {right}; at most {sizes[-1]} candidates)"
    )


# --- ballots ---------------------------------------------------------------------------


def _ballot_key(page: bytes, o: int) -> Hashable:
    # tracker varchar(26): a 1-byte varlena header (27 << 1 | 1) then 26 base32 letters
    if page[o] != 0x37 or not BASE32.issuperset(page[o + 1 : o + 27]):
        return None
    return page[o + 1 : o + 27].decode()


def _participation_key(election_id: int, voters: set[int]):  # type: ignore[no-untyped-def]
    def decode(page: bytes, o: int) -> Hashable:
        # id bigint, election_id bigint, voter_id integer
        _, election, voter = struct.unpack_from("<qqi", page, o)
        return voter if election == election_id and voter in voters else None

    return decode


def test_after_the_close_no_ballot_is_linked_to_its_voter_in_the_pages(rebuilds):
    _need_postgresql()
    selectors.clear_cache()
    setup = build_voting(prefix="PG", voters=VOTERS, candidates=4)
    services.open_vote(actor=setup.admin, election=setup.election)
    truth: dict[Hashable, Hashable] = {}
    digests: dict[str, str] = {}
    for i, voter in enumerate(setup.voters):
        cells = [str((i >> k) & 1) for k in range(4)]
        receipt = services.cast(
            voter=voter, election_code=setup.election.code, marks=cells
        )
        truth[voter.pk] = receipt.tracker
        digests[receipt.tracker] = receipt.digest
    services.close_vote(actor=setup.admin, election=setup.election)

    def attack() -> None:
        ballots = _scan("voting_ballot", 6, _ballot_key)
        parts = _scan(
            "voting_participation", 3, _participation_key(setup.election.pk, set(truth))
        )
        # The scan sees every live row (so it would see old ones if they were there).
        assert {f.key for f in ballots} == set(truth.values())
        assert {f.key for f in parts} == set(truth)
        links = _links(ballots, parts)
        assert not links, _report("ballots", links, truth)
        # Every row carries the close's transaction id, none the id of a cast.
        assert len({f.xmin for f in ballots + parts}) == 1
        # Nothing but the live rows is left: no dead version, no freed bytes of one.
        assert len(ballots) == len(parts) == VOTERS
        for table in ("voting_ballot", "voting_participation"):
            assert _no_dead_versions(table) == [], table
        # Physical order, the order of transaction ids and the participations' id
        # order pair a voter with their ballot no better than chance (about 1 of 40
        # by chance; 10 or more: p < 1e-6).
        order = _first_seen(ballots)
        assert _order_hits(order, _first_seen(parts), truth) < VOTERS // 4
        assert _order_hits(_by_xmin(ballots), _by_xmin(parts), truth) < VOTERS // 4
        by_id = list(
            Participation.objects.filter(election=setup.election)
            .order_by("pk")
            .values_list("voter_id", flat=True)
        )
        assert _order_hits(order, by_id, truth) < VOTERS // 4

    attack()  # at once after the close
    _vacuum("voting_ballot", "voting_participation")
    attack()  # and after the VACUUM that docs/voting.md once advised
    assert _timestamp_columns("voting_ballot") == []
    assert _timestamp_columns("voting_participation") == []
    # Receipts still verify: every tracker is on the board with its marks.
    definition = BallotDefinition.objects.get(election=setup.election)
    _, rows = selectors.board_page(setup.election, definition, page=1)
    assert {r.tracker: r.digest for r in rows} == digests
    assert rebuilds == [True]  # one rebuild, right after the close, complete
    selectors.clear_cache()


# --- ratings ---------------------------------------------------------------------------


def _uuid_key(known: set[uuid.UUID]):  # type: ignore[no-untyped-def]
    def decode(page: bytes, o: int) -> Hashable:
        # id uuid first (16 bytes at the start of the data)
        key = uuid.UUID(bytes=page[o : o + 16])
        return key if key in known else None

    return decode


def _rater_participation_key(subjects: set[int], raters: set[int]):  # type: ignore[no-untyped-def]
    def decode(page: bytes, o: int) -> Hashable:
        # id uuid, rater_id bigint, subject_id bigint
        rater, subject = struct.unpack_from("<qq", page, o + 16)
        return (subject, rater) if subject in subjects and rater in raters else None

    return decode


def _rater_key(known: set[int]):  # type: ignore[no-untyped-def]
    def decode(page: bytes, o: int) -> Hashable:
        # id bigint first
        (pk,) = struct.unpack_from("<q", page, o)
        return pk if pk in known else None

    return decode


def _scores(subject_index: int, rater_index: int) -> dict[str, int]:
    """Different scores for every rater of a subject (base-5 digits of the index)."""
    n = rater_index + 7 * subject_index
    return {d: 1 + (n // 5**k) % 5 for k, d in enumerate(DIMENSIONS)}


def test_after_the_close_no_rating_is_linked_to_its_rater_in_the_pages(rebuilds):
    _need_postgresql()
    u = build_union(prefix="PG", delegates=20, students=5)
    period = ev_services.create_period(
        actor=u.admin, organisation=u.union, code="pg", name="pg", start=START, end=END
    )
    ev_services.open_period(actor=u.admin, period=period, seed="s", as_of=DURING)
    subjects = list(
        Subject.objects.filter(
            period=period, kind=Kind.EVALUATION, position__in=[u.president, u.head]
        ).select_related("position")
    )
    truth: dict[Hashable, Hashable] = {}  # (subject, rater) → the rating's first id
    given: dict[Hashable, tuple[tuple[str, int], ...]] = {}  # (subject, rater) → scores
    for s_i, subject in enumerate(subjects):
        for i, person in enumerate(u.delegates):
            before = set(Rating.objects.values_list("id", flat=True))
            scores = _scores(s_i, i)
            ev_services.rate(
                actor=person.user, rater=person, subject=subject, scores=scores
            )
            (new,) = set(Rating.objects.values_list("id", flat=True)) - before
            rater = Rater.objects.get(
                period=period, kind=Kind.EVALUATION, person=person
            )
            truth[(subject.pk, rater.pk)] = new
            given[(subject.pk, rater.pk)] = tuple(sorted(scores.items()))
    n = len(truth)
    ev_services.close_period(actor=u.admin, period=period)

    ids = {s.pk for s in subjects}
    raters = {r for _, r in truth}
    everyone = set(Rater.objects.filter(period=period).values_list("pk", flat=True))
    live = {
        pk: (subject, tuple(sorted(scores.items())))
        for pk, subject, scores in Rating.objects.filter(subject__in=ids).values_list(
            "id", "subject_id", "scores"
        )
    }
    assert len(live) == n
    # The live ratings have new ids.
    assert not set(live) & set(truth.values())
    live_parts = RaterParticipation.objects.filter(subject__in=ids)
    assert set(live_parts.values_list("subject_id", "rater_id")) == set(truth)

    def attack() -> None:
        ratings = _scan(
            "evaluations_ballot", 3, _uuid_key(set(live) | set(truth.values()))
        )
        parts = _scan(
            "evaluations_participation", 3, _rater_participation_key(ids, raters)
        )
        rater_rows = _scan("evaluations_rater", 5, _rater_key(everyone))
        # The scan sees every live row (so it would see old ones if they were there).
        assert set(live) <= {f.key for f in ratings}
        assert {f.key for f in parts} == set(truth)
        assert {f.key for f in rater_rows} == everyone
        links = _links(ratings, parts)
        assert not links, _report("ratings", links, truth)
        # Every row carries the close's transaction id, none the id of a rating.
        assert len({f.xmin for f in ratings + parts}) == 1
        # Nor through the rater rows (written when the period opened, never since).
        assert not {f.xmin for f in rater_rows} & {f.xmin for f in ratings}
        # No old rating id, no dead version, no freed bytes of one is left.
        assert {f.key for f in ratings} == set(live)
        assert len(ratings) == len(parts) == n
        for table in ("evaluations_ballot", "evaluations_participation"):
            assert _no_dead_versions(table) == [], table
        # Physical order and the order of transaction ids pair a rater with their
        # rating no better than chance, subject by subject (the ids are new: the
        # truth is the scores each rater gave; 20 raters a subject, 5 or more pairs
        # by chance: p < 0.004).
        for subject in subjects:
            for ordered in (_first_seen, _by_xmin):
                order = [k for k in ordered(ratings) if live[k][0] == subject.pk]
                authors = [k for k in ordered(parts) if k[0] == subject.pk]
                hits = sum(
                    live[b][1] == given[a] for b, a in zip(order, authors, strict=True)
                )
                assert hits < len(authors) // 4, (subject, ordered.__name__)

    attack()  # at once after the close
    _vacuum("evaluations_ballot", "evaluations_participation", "evaluations_rater")
    attack()  # and after a VACUUM
    for table in ("evaluations_ballot", "evaluations_participation"):
        assert _timestamp_columns(table) == [], table
    assert rebuilds == [True]  # one rebuild, right after the close, complete


# --- the rewrite (both databases) and the rebuild's safeguards -------------------------


def test_the_close_rewrites_the_participations_in_voter_order_with_new_ids():
    """On every database: the participations lose the ids (and row order) of the casts."""
    selectors.clear_cache()
    setup = build_voting(prefix="RW", voters=12)
    services.open_vote(actor=setup.admin, election=setup.election)
    order = list(reversed(setup.voters))  # cast in the reverse order of the accounts
    for voter in order:
        services.cast(
            voter=voter, election_code=setup.election.code, marks=["1", "0", "0"]
        )
    parts = Participation.objects.filter(election=setup.election)
    before = dict(parts.values_list("voter_id", "pk"))
    assert [v for v, _ in sorted(before.items(), key=lambda kv: kv[1])] == [
        v.pk for v in order
    ]
    services.close_vote(actor=setup.admin, election=setup.election)
    after = dict(parts.values_list("voter_id", "pk"))
    assert set(after) == set(before)
    assert not set(after.values()) & set(before.values())
    assert [v for v, _ in sorted(after.items(), key=lambda kv: kv[1])] == sorted(after)
    selectors.clear_cache()


def test_the_close_rewrites_rating_participations_with_new_ids():
    u = build_union(prefix="RP", delegates=6)
    period = ev_services.create_period(
        actor=u.admin, organisation=u.union, code="rp", name="rp", start=START, end=END
    )
    ev_services.open_period(actor=u.admin, period=period, seed="s", as_of=DURING)
    subject = Subject.objects.get(
        period=period, kind=Kind.EVALUATION, position=u.president
    )
    for i, person in enumerate(u.delegates):
        ev_services.rate(
            actor=person.user, rater=person, subject=subject, scores=_scores(0, i)
        )
    parts = RaterParticipation.objects.filter(subject=subject)
    before = dict(parts.values_list("rater_id", "pk"))
    ev_services.close_period(actor=u.admin, period=period)
    after = dict(parts.values_list("rater_id", "pk"))
    assert set(after) == set(before) and len(after) == 6
    assert not set(after.values()) & set(before.values())


def test_the_rebuild_does_nothing_inside_a_transaction_or_off_postgresql():
    from django.db import transaction

    with transaction.atomic():
        assert erasure.rebuild(["voting_ballot"]) is False
    if connection.vendor != "postgresql":
        assert erasure.rebuild(["voting_ballot"]) is False


def test_the_rebuild_waits_for_an_older_transaction_and_says_when_it_cannot(caplog):
    """A transaction begun before the rewrite (here in another session) would make
    VACUUM FULL keep the old row versions: the rebuild waits for it, and when the wait
    runs out it says so (a warning naming the command) instead of claiming success."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM FULL and transaction ids are PostgreSQL's")
    import psycopg
    from django.db import transaction

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    older = psycopg.connect(**params)  # a transaction with an id, still running
    try:
        older.execute("SELECT txid_current()")
        with transaction.atomic():
            after = erasure.current_xid()
        assert erasure.rebuild(["voting_ballot"], after=after, wait=0.3) is False
        assert "erase_old_rows" in caplog.text
        older.rollback()
        # Other sessions of a shared server may hold older transactions for a while.
        assert erasure.rebuild(["voting_ballot"], after=after, wait=120.0) is True
    finally:
        older.close()


def test_a_large_rebuild_waits_while_another_vote_is_open(rebuilds, monkeypatch):
    """Rebuilding a large ballot table stops every cast for seconds: while another
    electronic vote is open it is deferred (and says so), and the close of the last
    open vote rebuilds the tables, erasing the first close's old versions too."""
    _need_postgresql()
    monkeypatch.setattr(erasure, "DEFER_ABOVE_BYTES", 0)  # every table is "large"
    selectors.clear_cache()
    first = build_voting(prefix="DA", voters=5)
    second = build_voting(prefix="DB", voters=5)
    for setup in (first, second):
        services.open_vote(actor=setup.admin, election=setup.election)
        for voter in setup.voters:
            services.cast(
                voter=voter, election_code=setup.election.code, marks=["1", "0", "0"]
            )

    services.close_vote(actor=first.admin, election=first.election)
    assert rebuilds == [False]  # deferred: the second vote is open
    dead = [lp for lp in _line_pointers("voting_ballot") if lp[5] != 0]
    assert len(dead) >= 5  # the first vote's old ballots are still there

    services.close_vote(actor=second.admin, election=second.election)
    assert rebuilds == [False, True]
    for table in ("voting_ballot", "voting_participation"):
        assert _no_dead_versions(table) == [], table
    selectors.clear_cache()
