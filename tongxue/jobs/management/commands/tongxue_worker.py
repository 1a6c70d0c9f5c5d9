"""``tongxue worker``: run background jobs (docs/jobs.md, docs/deployment.md).

django-tasks-db's worker loop with a heartbeat, the recovery of tasks left running by a
lost worker, and the periodic work (:class:`tongxue.jobs.worker.JobWorker`). Run one or
more beside the application server; they share the queue in the database. SIGTERM or
Ctrl-C stops a worker after its current job (twice: at once, the job goes back to the
queue).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME

from tongxue.jobs import conf
from tongxue.jobs.worker import JobWorker

LOGGERS = ("django_tasks", "django_tasks_db", "tongxue.jobs")


class Command(BaseCommand):
    help = _("Run background jobs (a worker); run one or more beside the server.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help=_("queues to take tasks from, separated by commas"),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("seconds to wait when the queue is empty"),
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help=_("run what is queued, then stop"),
        )
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help=_("stop after this many tasks"),
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help=_("this worker's id, unique among the workers (default: random)"),
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help=_("start at once (by default a worker waits up to a second)"),
        )
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help=_("do not start periodic work from this worker"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        level = {0: logging.WARNING, 1: logging.INFO}.get(
            options["verbosity"], logging.DEBUG
        )
        for name in LOGGERS:
            logging.getLogger(name).setLevel(level)
        worker = JobWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=(options["worker_id"] or get_random_string(32))[:64],
            periodic=options["periodic"],
        )
        if options["verbosity"]:
            self.stdout.write(
                _(
                    "Worker {id} takes jobs (heartbeat every {beat:g} s; the jobs of "
                    "a worker silent for {stale:g} s are queued again)."
                ).format(
                    id=worker.worker_id,
                    beat=conf.heartbeat_seconds(),
                    stale=conf.stale_seconds(),
                )
            )
            self.stdout.flush()
        worker.configure_signals()
        worker.run()
