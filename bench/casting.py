"""Benchmark: cast 10,000 secret ballots over HTTP against the real server (ELE-5).

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/casting.py

What it does (it never touches the database named in DATABASE_URL; it re-creates its
own database ``tongxue_bench_casting`` on the same server):

1. Migrates, then builds a union with its congress, an approved election of 7 seats
   among 15 candidates and ``--voters`` delegates with accounts (in bulk), and opens the
   vote with the real service (``tongxue.voting.services.open_vote``). Each voter gets
   the ballot token the ballot page hands out (``tongxue.voting.tokens.issue``; sign-in
   and the ballot page are not part of the cast rate).
2. Starts the production server — granian with ``deploy/granian.env`` (WSGI, the
   workers and threads production runs; ``--server gunicorn`` for comparison) — with
   production settings (``TONGXUE_ENV=production``, DEBUG off, persistent database
   connections) on loopback, as behind the nginx of ``deploy/nginx.conf``
   (``X-Forwarded-Proto: https``).
3. Casts with ``--clients`` concurrent clients: an asyncio load generator speaking raw
   HTTP/1.1 over keep-alive connections, bounded in count (one ballot per voter) and in
   time (``--time-limit``). Each request is ``POST /vote/<code>/cast/`` with the
   voter's ``X-Ballot-Token`` header (no cookie) and ``Accept: application/json``; a
   ballot is acknowledged when the answer is 200 with a tracker.
4. Prints ballots/s, latency percentiles, then checks in the database that counted
   ballots = participations = acknowledged ballots, and that every acknowledged tracker
   is on the board (none lost, none doubled). Then closes and counts the vote with the
   real services and reports the time.
5. Right after (the machine's speed drifts over minutes, so the two rates are taken as
   close together as they can be), runs ``pgbench`` with the cast's SQL statement
   (``CAST_SQL_POSTGRESQL``, prepared as the product runs it, and unprepared for
   contrast) on a second election, with as many database connections as the server
   holds and with 20, and prints the ratio to the best prepared rate. Then, because
   one such pair of runs can still straddle a change of speed, it measures the two in
   turns (``--pairs`` times: ``--pair-voters`` voters cast, then pgbench runs as many
   transactions as in the comparison) and prints the median ratio of adjacent pairs.
6. Unless skipped: the same load against a lean comparison endpoint
   (``bench/casting/lean_app.py``) and the CPU of one cast through parts of the stack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "tongxue_bench_casting"
SECRET = "bench-casting-not-secret-" + "k" * 40
CANDIDATES = 15
SEATS = 7


def use_own_database() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/casting.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    own = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    os.environ["DATABASE_URL"] = own
    return (
        f"PostgreSQL {version}, database {BENCH_DB} on {parts.hostname}:{parts.port}",
        own,
    )


def production_environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TONGXUE_ENV="production",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
    )
    return env


# --- data ------------------------------------------------------------------------


def build_election(prefix: str, voters: int, *, sessions: bool):
    """Create an open election with ``voters`` delegates; return (election, users, keys)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from tests.factories_voting import build_voting
    from tongxue.congresses.models import Delegate
    from tongxue.organisations.models import Person
    from tongxue.voting import services

    setup = build_voting(prefix=prefix, voters=0, seats=SEATS, candidates=CANDIDATES)
    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix.lower()}{i:06d}", password=unusable)
            for i in range(voters)
        ],
        batch_size=2000,
    )
    people = Person.objects.bulk_create(
        [
            Person(ident=f"{prefix}V{i:06d}", name=f"代表{i + 1}", user=u)
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    Delegate.objects.bulk_create(
        [Delegate(meeting=setup.meeting, person=p) for p in people], batch_size=2000
    )
    services.open_vote(actor=setup.admin, election=setup.election)
    keys: list[str] = []
    if sessions:
        store = SessionStore()
        backend = "django.contrib.auth.backends.ModelBackend"
        expire = timezone.now() + timezone.timedelta(days=1)
        rows = []
        for u in users:
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            data = store.encode(
                {
                    "_auth_user_id": str(u.pk),
                    "_auth_user_backend": backend,
                    "_auth_user_hash": u.get_session_auth_hash(),
                }
            )
            rows.append(Session(session_key=key, session_data=data, expire_date=expire))
            keys.append(key)
        Session.objects.bulk_create(rows, batch_size=2000)
    return setup, users, keys


def ballot_body(rnd: random.Random) -> bytes:
    """Marks for up to 7 of 15 candidates (about 2% mark 8: void, as on paper)."""
    k = 8 if rnd.random() < 0.02 else rnd.randint(0, SEATS)
    marked = rnd.sample(range(CANDIDATES), k)
    return "&".join(f"c{i}=1" for i in sorted(marked)).encode()


# --- the load generator -------------------------------------------------------------


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CONNECTION_CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


class _Load:
    """What the load's connections share: the work left, the results, the errors."""

    def __init__(self, host: str, path: str, work: list, time_limit: float) -> None:
        self.queue = list(reversed(work))
        self.results: list[tuple[float, int, bytes]] = []
        self.errors = 0
        self.deadline = time.monotonic() + time_limit
        self.prefix = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
            f"Origin: https://{host}\r\nReferer: https://{host}{path}\r\n"
            "X-Forwarded-Proto: https\r\nX-Real-IP: 127.0.0.1\r\n"
            "Accept: application/json\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Connection: keep-alive\r\n"
        ).encode()

    def more(self) -> bool:
        return bool(self.queue) and time.monotonic() < self.deadline


class _Connection(asyncio.Protocol):
    """One keep-alive client: sends the next ballot when the previous answer is in.

    A protocol rather than asyncio's streams: the load generator shares the 2 cores
    with the server and PostgreSQL, and callbacks cost it about half the CPU per
    request that a stream reader's futures did.
    """

    def __init__(self, load: _Load, closed: asyncio.Future) -> None:
        self.load = load
        self.closed = closed
        self.buffer = b""
        self.waiting = False
        self.t0 = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        self.send_next()

    def send_next(self) -> None:
        if not self.load.more():
            self.transport.close()
            return
        credentials, body = self.load.queue.pop()
        self.waiting = True
        self.t0 = time.perf_counter()
        self.transport.write(
            b"".join(
                (
                    self.load.prefix,
                    credentials.encode(),
                    b"Content-Length: %d\r\n\r\n" % len(body),
                    body,
                )
            )
        )

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            self.buffer = buffer
            return
        head = buffer[:end]
        match = _CONTENT_LENGTH.search(head)
        length = int(match.group(1)) if match else 0
        if len(buffer) < end + 4 + length:
            self.buffer = buffer
            return
        answer = buffer[end + 4 : end + 4 + length]
        self.buffer = buffer[end + 4 + length :]
        elapsed = time.perf_counter() - self.t0
        self.waiting = False
        status = int(head[9:12])
        tracker = json.loads(answer)["tracker"].encode() if status == 200 else b""
        self.load.results.append((elapsed, status, tracker))
        if _CONNECTION_CLOSE.search(head):
            self.transport.close()
        else:
            self.send_next()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiting:  # no (whole) answer: the ballot counts as a connection error
            self.load.errors += 1
            self.waiting = False
        if not self.closed.done():
            self.closed.set_result(None)


async def load(
    *,
    port: int,
    path: str,
    work: list[tuple[str, bytes]],
    clients: int,
    time_limit: float,
) -> tuple[list[tuple[float, int, bytes]], float, int]:
    """Send each (credential headers, body) once over ``clients`` keep-alive connections.

    Each connection sends one ballot, waits for the whole answer, then sends the next
    (no pipelining); a connection the server closes, or that fails, is opened again
    while there is work left. Latency is measured from the request's write to its
    answer's last byte.
    """
    loop = asyncio.get_running_loop()
    shared = _Load(f"127.0.0.1:{port}", path, work, time_limit)

    async def client() -> None:
        while shared.more():
            closed = loop.create_future()
            await loop.create_connection(
                lambda closed=closed: _Connection(shared, closed), "127.0.0.1", port
            )
            await closed

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return shared.results, time.perf_counter() - t0, shared.errors


def wait_for_port(port: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port}")


def cpu_seconds(pids: list[int]) -> float:
    """Return the user + system CPU time of processes (Linux /proc), 0 for gone ones."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.append(int(entry.name))
    return out


class CpuSampler:
    """Sample the CPU time of a changing set of processes while the load runs.

    Database backends come and go (``CONN_MAX_AGE``) and the server may replace a worker
    (gunicorn's ``max_requests``), so the processes are listed and read every half second; a process
    that ends loses at most its last half second. A process that starts during the run
    counts from zero (a new worker's start-up is part of the cost).
    """

    def __init__(self, list_pids) -> None:
        import threading

        self.list_pids = list_pids
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.sample(initial=True)
        self.thread.start()

    def sample(self, initial: bool = False) -> None:
        for pid in self.list_pids():
            cpu = cpu_seconds([pid])
            self.first.setdefault(pid, cpu if initial else 0.0)
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def total(self) -> float:
        self.stop.set()
        self.thread.join()
        self.sample()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def backend_lister(url: str):
    import psycopg

    conn = psycopg.connect(url, autocommit=True)

    def pids() -> list[int]:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
        return [r[0] for r in rows]

    return pids


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


# --- pgbench -----------------------------------------------------------------------


def pgbench_script(election_id: int, org: str, code: str, credential: str) -> str:
    """The cast's SQL for pgbench: the statement the service runs.

    ``tongxue.voting.services.CAST_SQL_POSTGRESQL`` with its parameters written in: the
    voter from a sequence over the voters' user ids (unique per transaction), a random
    tracker and random marks; the password credential the tokens carry is the same for
    every bench voter (they share one unusable password hash).
    """
    from tongxue.voting import services

    statement = services.CAST_SQL_POSTGRESQL.replace(
        "WITH p AS (",
        "WITH v AS MATERIALIZED (SELECT nextval('bench_voter') AS id), p AS (",
        1,
    )
    values = {
        "voter": "(SELECT id FROM v)",
        "credential": f"'{credential}'",
        "election": str(election_id),
        "tracker": "upper(substr(md5(random()::text), 1, 26))",
        "yes": "(random() * 127)::int",
        "no": "0",
        "abstain": "0",
        "reason": "''",
        "label": "'voter'",
        "organisation": f"'{org}'",
        "code": f"'{code}'",
    }
    for name, value in values.items():
        statement = statement.replace(f"%({name})s", value)
    return " ".join(statement.split()) + ";\n"


def run_pgbench(
    url: str,
    script: str,
    clients: int,
    transactions: int,
    workdir: Path,
    *,
    mode: str = "prepared",
) -> float:
    path = workdir / f"cast-{clients}.sql"
    path.write_text(script)
    parts = urlsplit(url)
    cmd = [
        "pgbench",
        "-n",
        "-M",
        mode,
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 2)),
        "-t",
        str(max(1, transactions // clients)),
        "-f",
        str(path),
        parts.path.lstrip("/"),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(out.stdout, out.stderr)
        raise RuntimeError("pgbench failed")
    tps = 0.0
    for line in out.stdout.splitlines():
        if line.startswith("tps ="):
            tps = float(line.split()[2])
        if "latency average" in line or "failed" in line:
            print(f"    pgbench: {line.strip()}")
    return tps


# --- where the time goes --------------------------------------------------------------


def explain_costs(n: int) -> None:
    """Print the CPU of one cast through parts of the stack, in this process."""
    import io
    import logging

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import override_settings

    from tongxue.voting import codec, services, tokens

    logging.disable(logging.WARNING)  # the 409s of the refusal run
    setup, users, _ = build_election("X", 5 * n + 50, sessions=False)
    keys = [tokens.issue(voter=u, election_id=setup.election.pk) for u in users]
    code = setup.election.code
    path = f"/vote/{code}/cast/"

    def environ(key: str, path: str) -> dict:
        body = b"c0=1&c3=1&c7=1"
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_X_BALLOT_TOKEN": key,
            "HTTP_ORIGIN": "https://127.0.0.1",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def measure(label: str, fn, items) -> None:
        w0, c0 = time.perf_counter(), time.process_time()
        for item in items:
            fn(item)
        k = len(items)
        print(
            f"  {label}: CPU {(time.process_time() - c0) / k * 1000:.2f} ms, "
            f"wall {(time.perf_counter() - w0) / k * 1000:.2f} ms"
        )

    def via(handler, target: str):
        def call(key: str) -> None:
            response = handler(environ(key, target), lambda *a: None)
            b"".join(response)
            if hasattr(response, "close"):  # the fast path answers with a list
                response.close()

        return call

    full = WSGIHandler()
    for key in keys[:20]:
        via(full, path)(key)  # warm
    rest, users = keys[20:], users[20:]
    print(f"where the time goes (this process, {n} requests each, best not taken):")
    measure("full stack, cast (200)", via(full, path), rest[:n])
    measure("full stack, second cast refused (409)", via(full, path), rest[:n])
    measure("full stack, 404", via(full, "/none/"), rest[:n])
    lean = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    with override_settings(MIDDLEWARE=lean):
        measure(
            "4 middlewares (security, session, CSRF, auth), cast",
            via(WSGIHandler(), path),
            rest[n : 2 * n],
        )
    cells = ["1", "0", "0", "1"] + ["0"] * (CANDIDATES - 4)
    measure(
        "services.cast alone (no HTTP, no session)",
        lambda u: services.cast(voter=u, election_code=code, marks=cells),
        users[2 * n : 3 * n],
    )
    import psycopg

    def one_statement(u) -> None:
        # the cast's statement as the product sends it: prepared, autocommit
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                services.CAST_SQL_POSTGRESQL,
                {
                    "voter": u.pk,
                    "credential": tokens.credential(u.password),
                    "election": setup.election.pk,
                    "tracker": codec.new_tracker(),
                    "yes": 9,
                    "no": 0,
                    "abstain": 0,
                    "reason": "",
                },
                prepare=True,
            )
            assert cursor.fetchone()[0] == 1

    measure(
        "the cast statement alone (prepared, raw cursor)",
        one_statement,
        users[3 * n : 4 * n],
    )
    from tongxue.config.wsgi import application as production

    measure(
        "the production application (fast path), cast (200)",
        via(production, path),
        rest[4 * n : 5 * n],
    )
    logging.disable(logging.NOTSET)


def run_pgbench_comparison(args, url, pg_setup, pg_users, pg_clients, app, workdir):
    """pgbench on the cast statement, with the server's connections and with 20."""
    from django.db import connection

    ids = [u.pk for u in pg_users]
    assert ids == list(range(ids[0], ids[0] + len(ids))), "voter ids are not contiguous"
    with connection.cursor() as cursor:
        cursor.execute("DROP SEQUENCE IF EXISTS bench_voter")
        cursor.execute(f"CREATE SEQUENCE bench_voter START {ids[0]}")
    connection.close()
    from tongxue.voting import tokens

    script = pgbench_script(
        pg_setup.election.pk,
        pg_setup.union.code,
        pg_setup.election.code,
        tokens.credential(pg_users[0].password),
    )
    best = {"prepared": 0.0, "simple": 0.0}
    best_clients = pg_clients[0]
    for clients in pg_clients:
        # prepared: as the product runs the statement (prepared once per connection);
        # simple: parsed and planned every time, as before the prepared cast
        for mode in ("prepared", "simple"):
            tps = run_pgbench(url, script, clients, args.voters, workdir, mode=mode)
            print(f"  pgbench -c {clients} -M {mode}: cast statement: {tps:,.0f} tps")
            if mode == "prepared" and tps > best[mode]:
                best_clients = clients
            best[mode] = max(best[mode], tps)
    rate = app["rate"]
    print(
        f"application / pgbench: {rate:,.0f} / {best['prepared']:,.0f} = "
        f"{rate / best['prepared']:.0%} of the prepared statement's best rate "
        f"({rate / best['simple']:.0%} of the unprepared one's, "
        f"{best['simple']:,.0f} tps)"
    )
    return script, best_clients


def paired_ratio(*, argv, env, url, workdir, args, path, slices, script, clients):
    """The application's rate and pgbench's, measured in turns, ``len(slices)`` times.

    This machine's speed drifts within seconds to minutes, so one application run and
    one pgbench run a minute apart can land in different spells. Here one server serves
    every slice of voters; after each slice's load (the same 200 clients), pgbench runs
    the main comparison's number of transactions with the connection count that gave
    its best prepared rate, and the ratio of each adjacent pair is printed, then their
    median.
    """
    log = (workdir / "server.log").open("a")
    server = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    acked: list[str] = []
    ratios: list[float] = []
    try:
        wait_for_port(args.port)
        time.sleep(2)
        warm = [slices[0].pop() for _ in range(min(len(slices[0]), 20))]
        results, _, _ = asyncio.run(
            load(port=args.port, path=path, work=warm, clients=len(warm), time_limit=30)
        )
        acked += [t.decode() for _, status, t in results if status == 200]
        for k, work in enumerate(slices, 1):
            n = len(work)
            results, wall, errors = asyncio.run(
                load(
                    port=args.port,
                    path=path,
                    work=work,
                    clients=args.clients,
                    time_limit=args.time_limit,
                )
            )
            ok = [t.decode() for _, status, t in results if status == 200]
            acked += ok
            rate = len(ok) / wall if wall else 0.0
            # as many transactions as each run of the main comparison: a short run
            # understates pgbench's rate
            tps = run_pgbench(
                url, script, clients, args.voters, workdir, mode="prepared"
            )
            ratios.append(rate / tps if tps else 0.0)
            print(
                f"  pair {k}: application {rate:,.0f} ballots/s ({n:,} voters, "
                f"{errors} connection errors), then pgbench -c {clients} -M prepared, "
                f"{args.voters:,} transactions: "
                f"{tps:,.0f} tps: {ratios[-1]:.0%}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    ordered = sorted(ratios)
    median = (
        ordered[len(ordered) // 2]
        if len(ordered) % 2
        else ((ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2)
    )
    print(
        f"application / pgbench, in {len(ratios)} adjacent pairs: median {median:.0%} "
        f"(lowest {ordered[0]:.0%}, highest {ordered[-1]:.0%})"
    )
    return acked


# --- main ---------------------------------------------------------------------------


def deploy_env(path: Path) -> dict[str, str]:
    """The variables of an environment file (``KEY=VALUE`` lines, ``#`` comments)."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip().strip("'\"")
    return values


def server_argv(
    args,
    workers: int,
    threads: int,
    *,
    app: str | None = None,
    chdir: Path | None = None,
) -> list[str]:
    """The command that serves ``app`` (default: the product) on ``args.port``.

    granian (the production server, docs/deployment.md) takes the rest of its settings
    from the environment (``deploy/granian.env``, loaded by :func:`main`); gunicorn,
    for comparison, from ``bench/casting/gunicorn.conf.py``.
    """
    bindir = str(Path(sys.executable).parent)
    if args.server == "granian":
        argv = [
            shutil.which("granian", path=bindir) or "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
        ]
        if chdir is not None:
            argv += ["--working-dir", str(chdir)]
        return [*argv, app or "tongxue.config.wsgi:application"]
    conf = args.gunicorn_conf or str(ROOT / "bench" / "casting" / "gunicorn.conf.py")
    argv = [shutil.which("gunicorn", path=bindir) or "gunicorn", "-c", conf]
    if chdir is not None:
        argv += ["--chdir", str(chdir)]
    return argv + ([app] if app else [])


def token_credentials(token: str) -> str:
    return f"X-Ballot-Token: {token}\r\n"


def serve_and_load(
    *, argv: list[str], env: dict[str, str], work, path: str, url: str, args, workdir
) -> dict:
    """Start the server with ``argv``, warm it up, run the load, stop it; return figures."""
    log = (workdir / "server.log").open("a")
    server = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(args.port)
        time.sleep(2)  # let every worker boot
        # Warm up: a few requests per server thread (imports, caches, connections).
        warm = [work.pop() for _ in range(min(len(work), 20))]
        warm_results, _, _ = asyncio.run(
            load(port=args.port, path=path, work=warm, clients=len(warm), time_limit=30)
        )
        app_sampler = CpuSampler(lambda: children(server.pid))
        db_sampler = CpuSampler(backend_lister(url))
        cpu0 = time.process_time()
        results, wall, errors = asyncio.run(
            load(
                port=args.port,
                path=path,
                work=work,
                clients=args.clients,
                time_limit=args.time_limit,
            )
        )
        generator_cpu = time.process_time() - cpu0
        app_cpu = app_sampler.total()
        db_cpu = db_sampler.total()
        with open("/proc/loadavg") as f:
            loadavg = " ".join(f.read().split()[:3])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    statuses: dict[int, int] = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    acked = [tracker.decode() for _, status, tracker in results if status == 200]
    warm_acked = [t.decode() for _, status, t in warm_results if status == 200]
    latencies = sorted(elapsed for elapsed, _, _ in results)
    rate = len(acked) / wall if wall else 0.0
    per = 1000 / max(1, len(results))
    print(
        f"  load: {args.clients} concurrent keep-alive clients, {len(work):,} voters, "
        f"{len(results):,} answers in {wall:.2f} s, statuses {statuses}, "
        f"connection errors {errors}"
    )
    print(f"  ballots/s: {rate:,.0f} (acknowledged ballots / wall time)")
    print(
        "  latency: p50 {:.0f} ms, p90 {:.0f} ms, p99 {:.0f} ms, max {:.0f} ms".format(
            *(percentile(latencies, p) * 1000 for p in (50, 90, 99, 100))
        )
    )
    total = (app_cpu + db_cpu + generator_cpu) * per
    print(
        f"  CPU per request: server {app_cpu * per:.2f} ms, PostgreSQL "
        f"{db_cpu * per:.2f} ms, load generator {generator_cpu * per:.2f} ms: "
        f"{total:.2f} ms, so 2 idle cores would allow about {2000 / max(total, 1e-9):,.0f}"
        f" requests/s; load average at the end {loadavg}"
    )
    return {
        "rate": rate,
        "acked": acked + warm_acked,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
    }


def verify(election, acked: list[str]) -> bool:
    """Check counted ballots = participations = acknowledged ballots, trackers on board."""
    from tongxue.voting.models import Ballot, Participation

    ballots = Ballot.objects.filter(election=election).count()
    participations = Participation.objects.filter(election=election).count()
    stored = set(
        Ballot.objects.filter(election=election).values_list("tracker", flat=True)
    )
    missing = sum(1 for t in acked if t not in stored)
    doubled = len(acked) - len(set(acked))
    ok = ballots == participations == len(acked) and not missing and not doubled
    print(
        f"  check: acknowledged {len(acked):,} (warm-up included), ballots stored "
        f"{ballots:,}, participations {participations:,}, acknowledged trackers missing "
        f"{missing}, acknowledged twice {doubled}: "
        + ("OK (none lost, none doubled)" if ok else "MISMATCH")
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--port", type=int, default=18431)
    parser.add_argument(
        "--server",
        choices=["granian", "gunicorn"],
        default="granian",
        help="the WSGI server: granian (production, deploy/granian.env) or gunicorn "
        "(for comparison, bench/casting/gunicorn.conf.py)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (default: deploy)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per process (default: deploy)",
    )
    parser.add_argument(
        "--gunicorn-conf", default="", help="another gunicorn config (to compare)"
    )
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument(
        "--pairs",
        type=int,
        default=5,
        help="after the main run, measure the application and pgbench in turns this "
        "many times (0: not)",
    )
    parser.add_argument(
        "--pair-voters", type=int, default=4000, help="voters per pair (see --pairs)"
    )
    parser.add_argument("--skip-explain", action="store_true")
    parser.add_argument(
        "--skip-lean", action="store_true", help="skip the lean comparison endpoint"
    )
    args = parser.parse_args()

    label, url = use_own_database()
    env = production_environment(args.port)
    if args.server == "granian":
        # what production runs: deploy/granian.env, then this run's overrides
        granian_env = deploy_env(ROOT / "deploy" / "granian.env")
        env.update(granian_env)
        workers = args.workers or int(granian_env.get("GRANIAN_WORKERS", "1"))
        threads = args.threads or int(granian_env.get("GRANIAN_BLOCKING_THREADS", "8"))
        server_label = (
            f"granian (deploy/granian.env: WSGI, {workers} worker(s) × {threads} "
            "blocking threads)"
        )
    else:
        # as bench/casting/gunicorn.conf.py computes them
        workers = args.workers or max(2, os.cpu_count() or 2)
        threads = args.threads or 8
        env["GUNICORN_WORKERS"] = str(workers)
        env["GUNICORN_THREADS"] = str(threads)
        server_label = f"gunicorn (gthread, {workers} workers × {threads} threads)"
    os.environ.update(
        {k: env[k] for k in ("TONGXUE_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from tongxue.voting import services

    print(f"database: {label}")
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    setup, product_users, _ = build_election("B", args.voters, sessions=False)
    from tongxue.voting import tokens

    keys = [tokens.issue(voter=u, election_id=setup.election.pk) for u in product_users]
    lean_setup = lean_users = pg_setup = pg_users = None
    if not args.skip_lean:
        lean_setup, lean_users, _ = build_election("L", args.voters, sessions=False)
    pg_clients = [workers * threads, 20]
    pairs = 0 if args.skip_pgbench else max(0, args.pairs)
    pair_setup = pair_keys = None
    if not args.skip_pgbench:
        pg_setup, pg_users, _ = build_election(
            "P",
            args.voters * (len(pg_clients) * 2 + pairs),
            sessions=False,
        )
    if pairs:
        pair_setup, pair_users, _ = build_election(
            "R", pairs * args.pair_voters + 20, sessions=False
        )
        pair_keys = [
            tokens.issue(voter=u, election_id=pair_setup.election.pk)
            for u in pair_users
        ]
    print(
        f"setup: election {setup.election.code}: {args.voters:,} voters on the roll, "
        f"{CANDIDATES} candidates, {SEATS} seats, ballot tokens issued "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    connection.close()

    rnd = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="tongxue-bench-casting-"))
    print(
        f"server: {server_label}, TONGXUE_ENV=production, DEBUG={settings.DEBUG}, "
        f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    print(f"1. the product: POST /vote/{setup.election.code}/cast/ (ballot token)")
    work = [(token_credentials(key), ballot_body(rnd)) for key in keys]
    app = serve_and_load(
        argv=server_argv(args, workers, threads),
        env=env,
        work=work,
        path=f"/vote/{setup.election.code}/cast/",
        url=url,
        args=args,
        workdir=workdir,
    )
    verify(setup.election, app["acked"])
    t0 = time.perf_counter()
    services.close_vote(actor=setup.admin, election=setup.election)
    t_close = time.perf_counter() - t0
    t0 = time.perf_counter()
    counted = services.count_vote(actor=setup.admin, election=setup.election)
    t_count = time.perf_counter() - t0
    result = counted.result or {}
    print(
        f"  close (with the reshuffle of the ballot rows): {t_close * 1000:.0f} ms; "
        f"count: {t_count * 1000:.0f} ms; returned "
        f"{result.get('ballots', {}).get('returned')}, valid "
        f"{result.get('ballots', {}).get('valid')}, elected "
        f"{len(result.get('elected', []))}"
    )

    if not args.skip_pgbench and pg_setup is not None:
        # right after the application's load: the machine's speed drifts, so the two
        # rates are compared as close together in time as they can be
        script, best_clients = run_pgbench_comparison(
            args, url, pg_setup, pg_users, pg_clients, app, workdir
        )
        if pair_setup is not None:
            work = [(token_credentials(k), ballot_body(rnd)) for k in pair_keys]
            slices = [
                work[i * args.pair_voters : (i + 1) * args.pair_voters]
                for i in range(pairs)
            ]
            slices[0] += work[pairs * args.pair_voters :]  # the warm-up's voters
            print(
                f"the same, in turns: {pairs} × ({args.pair_voters:,} voters cast, then "
                f"pgbench runs {args.voters:,} transactions) on election "
                f"{pair_setup.election.code}"
            )
            acked = paired_ratio(
                argv=server_argv(args, workers, threads),
                env=env,
                url=url,
                workdir=workdir,
                args=args,
                path=f"/vote/{pair_setup.election.code}/cast/",
                slices=slices,
                script=script,
                clients=best_clients,
            )
            verify(pair_setup.election, acked)

    if lean_setup is not None:
        sys.path.insert(0, str(ROOT / "bench" / "casting"))
        lean_env = dict(
            env,
            LEAN_ELECTION_ID=str(lean_setup.election.pk),
            LEAN_ELECTION_CODE=lean_setup.election.code,
            LEAN_ORGANISATION=lean_setup.union.code,
            LEAN_CANDIDATES=str(CANDIDATES),
            LEAN_SEATS=str(SEATS),
            DATABASE_URL=url,
        )
        os.environ.update({k: v for k, v in lean_env.items() if k.startswith("LEAN_")})
        import lean_app

        print(
            "2. for comparison, bench/casting/lean_app.py (signed ballot token, one "
            "statement), same server settings"
        )
        work = [
            (f"X-Ballot-Token: {lean_app.token_for(u.pk)}\r\n", ballot_body(rnd))
            for u in lean_users
        ]
        lean = serve_and_load(
            argv=server_argv(
                args,
                workers,
                threads,
                app="lean_app:application",
                chdir=ROOT / "bench" / "casting",
            ),
            env=lean_env,
            work=work,
            path="/cast",
            url=url,
            args=args,
            workdir=workdir,
        )
        verify(lean_setup.election, lean["acked"])

    if not args.skip_explain:
        explain_costs(300)
    print(f"(server log: {workdir / 'server.log'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
