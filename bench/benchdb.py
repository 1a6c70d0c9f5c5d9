"""The database a benchmark empties: named by the user, never a hard-coded one (#15).

A benchmark drops and re-creates its database, so it only does that to a database the
user named as a benchmark's: ``--database NAME`` (on the server of ``DATABASE_URL``) or
else the database named in ``DATABASE_URL``, and only when that name contains
``bench`` (e.g. ``tongxue_bench``, ``bench_me``). Any other name stops the benchmark
before it connects to anything: ``DATABASE_URL=…/test`` or ``…/tongxue`` (a test or a
working database) is never dropped.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

#: A name the user gave a benchmark's database must contain this.
MARK = "bench"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def bench_name(url: str, option: str | None, *, script: str) -> str:
    """Return the benchmark database's name (``option``, else the URL's), or exit."""
    name = option or urlsplit(url).path.lstrip("/")
    if not name:
        sys.exit(
            f"{script}: name the database it empties: --database NAME or DATABASE_URL "
            f"ending in /NAME (NAME containing {MARK!r})."
        )
    if MARK not in name.lower():
        sys.exit(
            f"{script}: refusing to drop and re-create the database {name!r}: its name "
            f"does not say it is a benchmark's. Pass --database NAME with {MARK!r} in "
            f"NAME (created on the server of DATABASE_URL), e.g. --database tongxue_bench."
        )
    return name


def recreate(url: str, name: str) -> str:
    """Drop and create ``name`` on the server of ``url``, point ``DATABASE_URL`` at it,
    and return a label: server version, database, host and port."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    # Connect to the maintenance database: never to the one being dropped.
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = conn.execute("SHOW server_version").fetchone()[0]
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return f"PostgreSQL {version}, database {name} on {parts.hostname}:{parts.port}"


def add_option(parser: object) -> None:
    """Add ``--database NAME`` to an :class:`argparse.ArgumentParser`."""
    parser.add_argument(  # type: ignore[attr-defined]
        "--database",
        default=None,
        metavar="NAME",
        help=(
            "the database the benchmark drops, re-creates and fills, on the server of "
            f"DATABASE_URL (default: the database DATABASE_URL names); NAME must "
            f"contain {MARK!r}"
        ),
    )
