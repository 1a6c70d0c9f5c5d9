"""The exception a job's function raises to fail with a message for its starter."""

from __future__ import annotations

from typing import Any


class JobFailed(Exception):
    """Stop the job: nothing it wrote is kept; ``message`` is shown to its starter.

    ``message`` is written in the language the job was started in (the job runs with
    that language active), so ``gettext(...)`` or a lazy translation is right here::

        raise JobFailed(_("Row %(row)d has no student number.") % {"row": n})
    """

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


class WorkerLost(Exception):
    """The worker running a task stopped answering (recorded on its task result)."""
