"""Start a worker process beside the development server (``tongxue up``)."""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import sys
from collections.abc import Sequence

logger = logging.getLogger(__name__)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the worker gets SIGTERM when the process that started it dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError):  # no libc.so.6: the worker outlives us
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def start_worker(args: Sequence[str] = ()) -> subprocess.Popen[bytes]:
    """Start ``tongxue worker`` (with ``args``) as a child process and return it.

    The child runs in a session of its own, so that Ctrl-C in the terminal reaches
    only the server: :func:`stop_worker` then sends it one SIGTERM, and it stops after
    its current job (a second signal would stop it at once). It gets SIGTERM too when
    this process dies without stopping it (Linux).
    """
    return subprocess.Popen(
        [sys.executable, "-m", "tongxue.cli", "worker", *args],
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def stop_worker(process: subprocess.Popen[bytes], *, timeout: float = 30.0) -> int:
    """Stop the worker: SIGTERM (it finishes its job), then SIGKILL after ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.warning(
                "The worker (pid %d) did not stop in %g s: killed; its job goes "
                "back to the queue.",
                process.pid,
                timeout,
            )
            process.kill()
            process.wait()
    return int(process.returncode)
