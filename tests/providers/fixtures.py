"""Session fixtures starting the test identity providers, and a small browser.

Each provider runs as a subprocess (:mod:`tests.providers.serve`) on a free port of
127.0.0.1 with its own SQLite file in a temporary folder; the fixture waits until the
port answers and stops the process at the end of the session. Tongxue itself runs in
pytest-django's ``live_server`` (on ``localhost``, so the two sites' cookies stay
apart) and the test drives the browser's part with ``requests.Session``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


@dataclass
class Provider:
    url: str  # the CAS server URL (…/cas/) or the OpenID issuer (…/o)
    log: Path


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _start(kind: str, folder: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port_file, log = folder / "port", folder / "provider.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.providers.serve",
                kind,
                "--db",
                str(folder / f"{kind}.sqlite3"),
                "--port-file",
                str(port_file),
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the {kind} provider stopped:\n{log.read_text()}")
        if port_file.exists():
            port = int(port_file.read_text())
            if _answers(port):
                return process, port
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"the {kind} provider did not start:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def cas_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """A CAS server (django-mama-cas): ``url`` is its CAS server URL."""
    folder = tmp_path_factory.mktemp("cas_server")
    process, port = _start("cas", folder)
    yield Provider(f"http://127.0.0.1:{port}/cas/", folder / "provider.log")
    _stop(process)


@pytest.fixture(scope="session")
def oidc_server(
    tmp_path_factory: pytest.TempPathFactory,
    live_server,  # type: ignore[no-untyped-def]
) -> Iterator[Provider]:
    """An OpenID provider (django-oauth-toolkit): ``url`` is its issuer.

    The client it knows may only be sent back to the live server's callback.
    """
    from django.urls import reverse

    folder = tmp_path_factory.mktemp("oidc_server")
    callback = live_server.url + reverse("accounts:sso-oidc-callback")
    process, port = _start("oidc", folder, "--redirect-uri", callback)
    yield Provider(f"http://127.0.0.1:{port}/o", folder / "provider.log")
    _stop(process)


# -- the browser's part ---------------------------------------------------------------


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and a.get("name"):
            fields = self.forms[-1]["fields"]
            assert isinstance(fields, dict)
            fields[a["name"]] = a.get("value") or ""


def login_form(response: requests.Response) -> tuple[str, dict[str, str]]:
    """The action URL and the fields of the page's form with a password field."""
    parser = _Forms()
    parser.feed(response.text)
    for form in parser.forms:
        fields = form["fields"]
        assert isinstance(fields, dict)
        if "password" in fields:
            return urljoin(response.url, str(form["action"])), dict(fields)
    raise AssertionError(f"no sign-in form at {response.url}:\n{response.text[:500]}")


def browser() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # never through a proxy: everything is on this machine
    return session


def sign_in_at_campus(
    session: requests.Session, start: str, username: str, password: str
) -> requests.Response:
    """Follow ``start`` to the campus sign-in page, sign in there, follow back."""
    page = session.get(start, timeout=30)
    assert page.status_code == 200, (page.status_code, page.url)
    action, fields = login_form(page)
    fields.update(username=username, password=password)
    return session.post(action, data=fields, timeout=30)
