"""The restart path of the application server (docs/deployment.md, "When a worker dies").

granian respawns a worker that died (``GRANIAN_RESPAWN_FAILED_WORKERS``), but a worker
that dies again within 5.5 s of its respawn makes granian exit ("Worker crash loop
detected", status 1; a fixed window in granian's ``_serve_loop``, no option changes it).
systemd then starts granian again (``Restart=``, ``RestartSec=``) and never gives up
(``StartLimitIntervalSec=0``). The first tests read the unit and the environment file;
the last starts a real granian with ``deploy/granian.env`` on 127.0.0.1 serving Tongxue,
kills its worker twice 1.5 s apart under a supervisor that restarts it as the unit says,
and checks that the server answers again, in bounded time. It runs with the rest (CI).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "tongxue.service"
ENV = ROOT / "deploy" / "granian.env"
GRANIAN = Path(sys.executable).with_name("granian")


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """Return a systemd unit as {section: {key: [values in order]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"a setting outside a section: {line}"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def parse_env(text: str) -> dict[str, str]:
    """Return the KEY=value lines of an EnvironmentFile (no quotes, no inline comments)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and key == key.strip() and " " not in value, f"not KEY=value: {raw}"
        values[key] = value
    return values


def seconds(value: str) -> float:
    """Return a systemd time span in seconds ("2", "2s", "500ms", "1min")."""
    for suffix, factor in (("ms", 0.001), ("min", 60.0), ("s", 1.0)):
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def test_the_unit_restarts_granian_after_any_exit_and_never_gives_up():
    unit = parse_unit(UNIT.read_text())
    service = unit["Service"]
    restart = service["Restart"][-1]
    assert restart in {"always", "on-failure"}  # granian's crash-loop exit is status 1
    assert 1 <= seconds(service["RestartSec"][-1]) <= 10
    # systemd's default start limit (5 starts in 10 s) would leave the service down
    # after a burst of crashes; 0 turns the limit off. It belongs in [Unit].
    assert unit["Unit"]["StartLimitIntervalSec"][-1] == "0"
    assert "StartLimitIntervalSec" not in service
    assert "StartLimitBurst" not in service
    assert str(ENV.relative_to(ROOT)) in service["EnvironmentFile"][-1]


def test_granian_env_respawns_failed_workers_with_options_granian_knows():
    env = parse_env(ENV.read_text())
    assert env["GRANIAN_RESPAWN_FAILED_WORKERS"] == "true"
    assert 1 <= float(env["GRANIAN_RESPAWN_INTERVAL"]) <= 10
    assert env["GRANIAN_HOST"] == "127.0.0.1"
    # Every variable is one the installed granian reads (a misspelt one is ignored).
    help_text = subprocess.run(
        [str(GRANIAN), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
        check=True,
    ).stdout
    unknown = [k for k in env if k.startswith("GRANIAN_") and k not in help_text]
    assert unknown == []


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
def test_systemd_knows_every_setting_of_the_unit(tmp_path):
    # verify wants the executable and the files to exist: point them at stand-ins.
    text = UNIT.read_text()
    text = text.replace("/srv/tongxue/venv/bin/granian", "/bin/true")
    for name in ("/etc/tongxue/env", "/srv/tongxue/deploy/granian.env"):
        text = text.replace(name, str(ENV))
    text = text.replace("User=tongxue", "User=root").replace("Group=tongxue", "")
    copy = tmp_path / "tongxue.service"
    copy.write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if str(copy) in line and ("Unknown" in line or "Invalid" in line)
    ]
    assert complaints == []


# -- a real granian --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait(predicate, timeout: float) -> float | None:  # type: ignore[no-untyped-def]
    """Return the seconds until ``predicate()`` held, or None after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def _workers(pid: int) -> list[int]:
    """Return the worker processes of granian ``pid``: its children (forked, so they
    carry the same command line), zombies excepted."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@dataclass
class Supervisor:
    """Run granian as deploy/tongxue.service's Restart= and RestartSec= say (systemd)."""

    command: list[str]
    env: dict[str, str]
    restart: str
    restart_sec: float
    log: Path
    exits: list[tuple[float, int]] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with self.log.open("ab") as out:
            while not self.stopping.is_set():
                self.starts.append(time.monotonic())
                self.process = subprocess.Popen(
                    self.command,
                    env=self.env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
                code = self.process.wait()
                self.exits.append((time.monotonic(), code))
                if self.stopping.is_set():
                    return
                if self.restart == "on-failure" and code == 0:
                    return
                self.stopping.wait(self.restart_sec)

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in _workers(self.process.pid) if self.process else []:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def granian(tmp_path) -> Iterator[tuple[Supervisor, str]]:  # type: ignore[no-untyped-def]
    service = parse_unit(UNIT.read_text())["Service"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANIAN_")}
    env.pop("DATABASE_URL", None)
    env.update(parse_env(ENV.read_text()))
    port = _free_port()
    env.update(
        GRANIAN_HOST="127.0.0.1",  # never anything else in a test
        GRANIAN_PORT=str(port),
        # Tongxue on SQLite in a temporary folder; development settings.
        TONGXUE_ENV="development",
        DEBUG="0",
        TONGXUE_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="tongxue.config.settings",
    )
    supervisor = Supervisor(
        command=[str(GRANIAN), "tongxue.config.wsgi:application"],
        env=env,
        restart=service["Restart"][-1],
        restart_sec=seconds(service["RestartSec"][-1]),
        log=tmp_path / "granian.log",
    )
    thread = threading.Thread(target=supervisor.run, daemon=True)
    thread.start()
    # A page of Tongxue that reads no table: the OpenAPI description of its API.
    url = f"http://127.0.0.1:{port}/api/openapi.json"
    try:
        assert _wait(lambda: _answers(url), 60) is not None, supervisor.log.read_text()
        yield supervisor, url
    finally:
        supervisor.stop()
        thread.join(20)


def test_two_worker_deaths_1_5_s_apart_and_the_server_answers_again(granian):
    supervisor, url = granian
    main = supervisor.process
    assert main is not None
    assert _wait(lambda: len(_workers(main.pid)) == 1, 10) is not None
    first = _workers(main.pid)[0]
    os.kill(first, signal.SIGKILL)
    killed_at = time.monotonic()
    # granian respawns the worker at once; kill the new one 1.5 s after the first.
    assert _wait(lambda: set(_workers(main.pid)) - {first}, 5) is not None
    second = next(iter(set(_workers(main.pid)) - {first}))
    time.sleep(max(0.0, 1.5 - (time.monotonic() - killed_at)))
    os.kill(second, signal.SIGKILL)
    recovered = _wait(lambda: _answers(url), 30)
    log = supervisor.log.read_text()
    print(  # the measurement, shown with -s
        f"granian exits: {supervisor.exits and supervisor.exits[0][1]}, "
        f"starts: {len(supervisor.starts)}, answered again after {recovered} s"
    )
    assert recovered is not None, log
    assert recovered < supervisor.restart_sec + 25
    if supervisor.exits:
        # granian gave up (its crash-loop window); the unit's Restart= covers it.
        assert "crash loop" in log and supervisor.exits[0][1] != 0
        assert len(supervisor.starts) == 2


def test_a_single_worker_death_is_respawned_by_granian_itself(granian):
    supervisor, url = granian
    main = supervisor.process
    assert main is not None
    assert _wait(lambda: len(_workers(main.pid)) == 1, 10) is not None
    os.kill(_workers(main.pid)[0], signal.SIGKILL)
    recovered = _wait(lambda: _answers(url), 20)
    print(f"one death: answered again after {recovered} s")  # the measurement (-s)
    assert recovered is not None, supervisor.log.read_text()
    assert main.poll() is None and supervisor.exits == []  # same granian, no restart
    assert "Respawning worker-1" in supervisor.log.read_text()
