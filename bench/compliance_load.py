"""Benchmark: the province's compliance page behind the production server, and what
three clients looping on it do to the home page (#15).

Prints figures; asserts nothing about time. Usage (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python \\
        bench/compliance_load.py --database tongxue_bench_compliance [--rounds 3]

1. Drops, re-creates and fills the database named by ``--database NAME`` (its name must
   contain ``bench``: ``bench/benchdb.py``; ``--reuse`` keeps one a previous run filled):
   the demo province (``build_province``, the demo's, deterministic) imported in one
   transaction, its audit stored (``store_audit``: what ``tongxue demo`` does), then
   ``ANALYZE``; the cache table, and the static files collected into a temporary folder.
2. Starts granian as production runs it (docs/deployment.md): ``deploy/granian.env``
   (WSGI, its workers × 8 threads; ``--workers N`` overrides the number of worker
   processes), ``TONGXUE_ENV=production``, ``DEBUG`` off, the
   database cache (no ``REDIS_URL``), on 127.0.0.1 (``--port``). Requests say
   ``X-Forwarded-Proto: https`` as nginx would; keep-alive connections, anonymous.
3. Each round (``--rounds``), after a warm-up:

   * **province page**: ``GET /org/<province>/compliance/``, one client, ``--requests``
     requests one after another: p50 / p95 / max and the page's size;
   * **home idle**: ``GET /``, one client, ``--requests`` requests: p95;
   * **home under load**: three clients (``--clients``; separate processes) loop on the
     province page for ``--seconds`` seconds while one more requests ``/`` one after
     another: the home page's p95 and its ratio to the idle p95 (the issue's test:
     within 2×), and the province pages served per second.

   With ``--nginx`` the requests go through nginx configured from ``deploy/nginx.conf``
   itself (its TLS lines dropped, its ports and paths replaced; its per-address rate
   limit kept), and each looping client comes from an address of its own (127.0.0.2,
   127.0.0.3 …; the home page's client from 127.0.0.1), as clients on the internet
   would: what they get (pages and 429 refusals) is counted. The measuring client
   (127.0.0.1) is listed among the shared addresses, which are not limited: its
   figures are the server's, not nginx's pacing of one address.

Then min / median / max of each figure over the rounds, with the load average. The SQL
queries of one province page (anonymous) are counted in this process with Django's test
client (same database, production settings).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402

SECRET = "bench-compliance-not-secret-" + "k" * 40
HEADERS = {
    "Host": "127.0.0.1",
    "X-Forwarded-Proto": "https",
    "X-Real-IP": "127.0.0.1",
    "Accept-Language": "zh-hans",
}


# -- the HTTP side ---------------------------------------------------------------------


def connect(port: int, source: str = "127.0.0.1") -> http.client.HTTPConnection:
    """A kept-alive connection from the loopback address ``source``."""
    return http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(source, 0)
    )


def get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    """GET ``path`` on a kept-alive connection: (seconds, status, bytes)."""
    a = time.perf_counter()
    conn.request("GET", path, headers=HEADERS)
    response = conn.getresponse()
    body = response.read()
    return time.perf_counter() - a, response.status, len(body)


def series(port: int, path: str, n: int) -> tuple[list[float], set[int], int]:
    """``n`` requests one after another: their times, the statuses, the last size."""
    conn = connect(port)
    times, statuses, size = [], set(), 0
    for _ in range(n):
        t, status, size = get(conn, path)
        times.append(t)
        statuses.add(status)
    conn.close()
    return times, statuses, size


def loop(
    port: int, path: str, start: float, until: float, out: Any, source: str
) -> None:
    """A load client: request ``path`` back to back from ``start`` until ``until``;
    the times of the pages it got (200) and the count of each status."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = connect(port, source)
    while time.time() < start:
        time.sleep(0.005)
    times: list[float] = []
    statuses: dict[int, int] = {}
    while time.time() < until:
        t, status, _size = get(conn, path)
        if status == 200:
            times.append(t)
        statuses[status] = statuses.get(status, 0) + 1
    conn.close()
    out.put((times, statuses))


def under_load(
    port: int, page: str, clients: int, seconds: float, own_addresses: bool
) -> tuple[list[float], set[int], list[float], dict[int, int]]:
    """Home page times while ``clients`` loop on ``page``; the page's times (200s)
    and how many answers of each status the clients got."""
    out: Any = mp.Queue()
    start = time.time() + 0.5
    until = start + seconds
    procs = [
        mp.Process(
            target=loop,
            args=(
                port,
                page,
                start,
                until,
                out,
                f"127.0.0.{i + 2}" if own_addresses else "127.0.0.1",
            ),
        )
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    conn = connect(port)
    while time.time() < start + 0.5:  # the load is under way
        time.sleep(0.005)
    home, home_statuses = [], set()
    while time.time() < until:
        t, status, _size = get(conn, "/")
        home.append(t)
        home_statuses.add(status)
    conn.close()
    loaded: list[float] = []
    loaded_statuses: dict[int, int] = {}
    for _ in procs:
        times, statuses = out.get(timeout=120)
        loaded += times
        for status, n in statuses.items():
            loaded_statuses[status] = loaded_statuses.get(status, 0) + n
    for p in procs:
        p.join()
    return home, home_statuses, loaded, loaded_statuses


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def spread(values: list[float], unit: str = "ms") -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    if unit == "ms":
        return f"{ms(low)} / {ms(mid)} / {ms(high)} ms"
    return f"{low:.2f} / {mid:.2f} / {high:.2f}{unit}"


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def wait_for_port(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port}")


def nginx_config(port: int, upstream: int, static: Path, folder: Path) -> str:
    """``deploy/nginx.conf`` as a whole nginx configuration for this machine: the
    redirecting server and TLS lines dropped (the app is told the request came over
    HTTPS, as it would be), ``listen`` on ``port``, the upstream on
    ``upstream``, static files from ``static``; everything else (the rate limits, the
    proxy headers) as deployed."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    blocks = re.split(r"(?m)^(?=server \{)", text)
    text = "".join(b for b in blocks if "return 301" not in b)
    text = re.sub(r"(?m)^\s*ssl_\w+ [^\n]*\n", "", text)
    text = re.sub(r"listen 8443 ssl http2;", f"listen 127.0.0.1:{port};", text)
    text = text.replace("server 127.0.0.1:8001;", f"server 127.0.0.1:{upstream};")
    # The measuring client (127.0.0.1: the province page and the home page one request
    # after another) is listed as a shared address, so that its figures are the
    # server's, not nginx's pacing of one address; the looping clients are limited.
    text = text.replace(
        "    default 0;\n",
        "    default 0;\n    127.0.0.1 1;  # the benchmark's measuring client\n",
        1,
    )
    # TLS ends here in production: the app is told so, as there
    text = text.replace("X-Forwarded-Proto $scheme;", "X-Forwarded-Proto https;")
    text = text.replace("alias /srv/tongxue/static/;", f"alias {static}/;")
    assert f"listen 127.0.0.1:{port};" in text and "limit_req zone=" in text, text
    assert "127.0.0.1 1;" in text, text
    return (
        "worker_processes auto;\n"
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    access_log off;\n"
        "    include /etc/nginx/mime.types;\n"
        f"    client_body_temp_path {folder}/body;\n"
        f"    proxy_temp_path {folder}/proxy;\n" + text + "\n}\n"
    )


def nginx_version() -> str:
    out = subprocess.run(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-v"],
        capture_output=True,
        text=True,
    )
    return (out.stderr or out.stdout).strip().removeprefix("nginx version: ")


def deploy_env(path: Path) -> dict[str, str]:
    """The variables of an environment file (``KEY=VALUE`` lines, ``#`` comments)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


# -- setup ---------------------------------------------------------------------------------


def fill(scale: float) -> None:
    """Import the demo province, store its audit, analyse (in this process)."""
    from django.core.management import call_command
    from django.db import connection

    from tongxue.compliance.store import store_audit
    from tongxue.demo.generator import DEFAULT_SEED, PINNED_AS_OF, build_province
    from tongxue.snapshots.services import import_tables

    call_command("migrate", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    import_tables(
        build_province(seed=DEFAULT_SEED, as_of=PINNED_AS_OF, scale=scale), actor=None
    )
    t1 = time.perf_counter()
    store_audit(root=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"import {t1 - t0:.1f} s, stored audit {time.perf_counter() - t1:.1f} s",
        flush=True,
    )


def count_queries(path: str) -> tuple[int, int]:
    """(status, SQL queries) of one anonymous GET of ``path`` in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.get(path, secure=True)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, secure=True)
    return response.status_code, len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="province scale")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="granian worker processes (default: deploy/granian.env's)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database a previous run filled"
    )
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="through nginx as deploy/nginx.conf configures it (port --port + 1), "
        "each looping client from an address of its own",
    )
    add_option(parser)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        sys.exit("bench/compliance_load.py: needs DATABASE_URL=postgres://…")
    name = bench_name(url, args.database, script="bench/compliance_load.py")
    if args.reuse:
        from urllib.parse import urlsplit, urlunsplit

        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        label = f"database {name} (reused)"
    else:
        label = recreate(url, name)
    static = Path(tempfile.mkdtemp(prefix="tongxue-bench-static-"))
    production = {
        "TONGXUE_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_ROOT": str(static),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(production)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tongxue.organisations.models import Organisation

    print(f"database: {label}", flush=True)
    if not args.reuse:
        fill(args.scale)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    province = Organisation.objects.get(parent__isnull=True)
    organisations = Organisation.objects.count()
    page = f"/org/{province.code}/compliance/"
    status, queries = count_queries(page)
    home_status, home_queries = count_queries("/")
    connection.close()
    print(
        f"province {province.code}: {organisations:,} organisations; {page} → "
        f"{status}, {queries} SQL queries; / → {home_status}, {home_queries} queries"
    )

    granian = deploy_env(ROOT / "deploy" / "granian.env")
    if args.workers is not None:
        granian["GRANIAN_WORKERS"] = str(args.workers)
    env = {**os.environ, **granian, "GRANIAN_PORT": str(args.port)}
    bindir = Path(sys.executable).parent
    argv = [
        shutil.which("granian", path=str(bindir)) or "granian",
        "--interface",
        "wsgi",
        "tongxue.config.wsgi:application",
    ]
    log = (static / "granian.log").open("a")
    server = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    print(
        f"server: granian (deploy/granian.env: {granian.get('GRANIAN_INTERFACE')}, "
        f"{granian.get('GRANIAN_WORKERS')} worker × "
        f"{granian.get('GRANIAN_BLOCKING_THREADS')} threads) on 127.0.0.1:{args.port}, "
        "TONGXUE_ENV=production, DEBUG off, database cache",
        flush=True,
    )
    figures: dict[str, list[float]] = {
        k: []
        for k in (
            "page_p50",
            "page_p95",
            "page_max",
            "home_idle",
            "home_loaded",
            "ratio",
            "loaded_p95",
            "rate",
        )
    }
    nginx = None
    front = args.port
    if args.nginx:
        front = args.port + 1
        folder = static / "nginx"
        folder.mkdir()
        conf = folder / "nginx.conf"
        conf.write_text(nginx_config(front, args.port, static, folder))
        nginx = subprocess.Popen(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-c",
                str(conf),
                "-p",
                str(folder),
                "-g",
                "daemon off;",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        HEADERS.pop("X-Real-IP", None)  # nginx sets it from the client's address
        print(
            f"front: nginx ({nginx_version()}) on 127.0.0.1:{front}, deploy/nginx.conf's "
            "rate limit per client address; the looping clients from 127.0.0.2…",
            flush=True,
        )
    try:
        wait_for_port(args.port)
        wait_for_port(front)
        series(front, page, args.warmup)
        series(front, "/", args.warmup)
        before = load_average()
        for n in range(1, args.rounds + 1):
            times, statuses, size = series(front, page, args.requests)
            idle, idle_statuses, _ = series(front, "/", args.requests)
            home, home_statuses, loaded, loaded_statuses = under_load(
                front, page, args.clients, args.seconds, own_addresses=args.nginx
            )
            figures["page_p50"].append(pct(times, 0.5))
            figures["page_p95"].append(pct(times, 0.95))
            figures["page_max"].append(max(times))
            figures["home_idle"].append(pct(idle, 0.95))
            figures["home_loaded"].append(pct(home, 0.95))
            figures["ratio"].append(pct(home, 0.95) / pct(idle, 0.95))
            figures["loaded_p95"].append(pct(loaded, 0.95))
            figures["rate"].append(len(loaded) / args.seconds)
            refused = loaded_statuses.get(429, 0) if args.nginx else 0
            bad = (statuses | idle_statuses | home_statuses | set(loaded_statuses)) - {
                200,
                *((429,) if args.nginx else ()),
            }
            print(
                f"round {n}: province page p50 {ms(pct(times, 0.5))} p95 "
                f"{ms(pct(times, 0.95))} max {ms(max(times))} ms ({size / 1024:.0f} KB); "
                f"home idle p95 {ms(pct(idle, 0.95))} ms; under {args.clients} clients "
                f"({len(loaded)} province pages in {args.seconds:g} s, their p95 "
                f"{ms(pct(loaded, 0.95))} ms) home p95 {ms(pct(home, 0.95))} ms "
                f"({len(home)} requests) = {pct(home, 0.95) / pct(idle, 0.95):.2f}× idle"
                + (
                    f"; the clients were refused {refused} times (429)"
                    if args.nginx
                    else ""
                )
                + (f"; NOT 200: {sorted(bad)}" if bad else ""),
                flush=True,
            )
        print(
            f"\n{args.rounds} rounds, min / median / max (load average before {before}, "
            f"after {load_average()}):"
        )
        print(f"  province page p50 (1 client)        {spread(figures['page_p50'])}")
        print(f"  province page p95 (1 client)        {spread(figures['page_p95'])}")
        print(f"  province page max (1 client)        {spread(figures['page_max'])}")
        print(f"  home p95, idle                      {spread(figures['home_idle'])}")
        print(
            f"  home p95, {args.clients} clients on the province  "
            f"{spread(figures['home_loaded'])}"
        )
        print(f"  home loaded / idle                  {spread(figures['ratio'], '×')}")
        print(f"  province p95 under its own load     {spread(figures['loaded_p95'])}")
        print(
            f"  province pages/s ({args.clients} clients)       "
            f"{spread(figures['rate'], '/s')}"
        )
    finally:
        if nginx is not None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=20)
        if sys.exc_info()[0] is not None:
            print((static / "granian.log").read_text()[-3000:], file=sys.stderr)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(static, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
