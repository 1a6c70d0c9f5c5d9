"""A lean cast endpoint, for comparison only (bench/casting.py ``--lean``): not product code.

What the cast path could cost when no per-request work is repeated: the voter is named by
a signed ballot token (HMAC of voter and election with the server's key, handed out with
the ballot page and sent back in the ``X-Ballot-Token`` header, which browsers never add
by themselves, so it is not open to CSRF) instead of a session row and a user row read
on every request; the participation and the ballot are written by one SQL statement (the
same inserts as ``tongxue.voting.services.cast``; the voters' audit records are written at
the close) in one short transaction on a per-thread connection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading

import psycopg
from psycopg import errors

SECRET = os.environ["SECRET_KEY"].encode()
URL = os.environ["DATABASE_URL"]
ELECTION = int(os.environ["LEAN_ELECTION_ID"])
CODE = os.environ["LEAN_ELECTION_CODE"]
ORG = os.environ["LEAN_ORGANISATION"]
CANDIDATES = int(os.environ["LEAN_CANDIDATES"])
SEATS = int(os.environ["LEAN_SEATS"])

STATEMENT = """
WITH p AS (
  INSERT INTO voting_participation (election_id, voter_id)
  SELECT e.id, %(voter)s FROM elections_election e
  WHERE e.id = %(election)s AND e.status = 'open' AND EXISTS (
    SELECT 1 FROM voting_rollentry r JOIN organisations_person p ON p.id = r.person_id
    WHERE r.election_id = e.id AND p.user_id = %(voter)s)
  FOR SHARE OF e
  RETURNING election_id
)
INSERT INTO voting_ballot (tracker, election_id, yes, no, abstain, void_reason)
SELECT %(tracker)s, election_id, %(yes)s, 0, 0, %(reason)s FROM p
"""

_local = threading.local()


def token_for(voter: int) -> str:
    """Return the ballot token of a voter (what the ballot page would hand out)."""
    mac = hmac.new(SECRET, f"{voter}.{ELECTION}".encode(), hashlib.sha256).hexdigest()
    return f"{voter}.{mac[:32]}"


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(URL)
    return conn


def _answer(start_response, status: str, doc: dict) -> list[bytes]:
    body = json.dumps(doc).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def application(environ, start_response):
    token = environ.get("HTTP_X_BALLOT_TOKEN", "")
    voter_text, _, _mac = token.partition(".")
    if (
        environ["REQUEST_METHOD"] != "POST"
        or not voter_text.isdigit()
        or not hmac.compare_digest(token, token_for(int(voter_text)))
    ):
        return _answer(start_response, "403 Forbidden", {"code": "forbidden"})
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode()
    yes = 0
    for pair in body.split("&"):
        name, _, value = pair.partition("=")
        if name.startswith("c") and name[1:].isdigit() and value == "1":
            k = int(name[1:])
            if k < CANDIDATES:
                yes |= 1 << k
    reason = "too-many-marks" if yes.bit_count() > SEATS else ""
    tracker = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")
    conn = _connection()
    try:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(
                STATEMENT,
                {
                    "voter": int(voter_text),
                    "election": ELECTION,
                    "tracker": tracker,
                    "yes": yes,
                    "reason": reason,
                },
            )
            written = cursor.rowcount
    except errors.UniqueViolation:
        return _answer(start_response, "409 Conflict", {"code": "already-voted"})
    if written != 1:
        return _answer(start_response, "403 Forbidden", {"code": "not-on-roll"})
    return _answer(
        start_response, "200 OK", {"tracker": tracker, "void_reason": reason}
    )
