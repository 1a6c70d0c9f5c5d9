"""``tongxue up``: a working development install in one command.

Creates the data folder, migrates, creates the cache table, loads the demo school when
the database holds no organisation yet, then runs the development server and prints
the URL and the demo accounts (DEMO ONLY). ``--prepare-only`` stops before the server.
Beside the server it starts a background-jobs worker (``tongxue worker``, a child
process that stops with the server; ``--no-worker`` leaves it out).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _(
        "Prepare a development install (migrate, demo data, demo accounts) and run it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr",
            default="127.0.0.1:8000",
            help=_("address and port of the development server"),
        )
        parser.add_argument(
            "--scale",
            choices=("school", "province"),
            default="school",
            help=_("demo data to load into an empty database"),
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help=_("load no demo data and create no demo accounts"),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_("start no background-jobs worker beside the server"),
        )
        parser.add_argument(
            "--prepare-only",
            action="store_true",
            help=_("prepare the database, then stop before the server"),
        )

    def _print_student(self, url: str) -> None:
        """Name a demo student who can activate an account with a fresh code (#14)."""
        from tongxue.demo.accounts import demo_student_code

        student = demo_student_code()
        if student is None:
            return
        self.stdout.write(
            _(
                "  A student ({name}, student number {number}) activates an account at "
                "{url}people/activate/ with the code {code}, then votes in the demo "
                "election from their home."
            ).format(
                name=student.name,
                number=student.student_number,
                url=url,
                code=student.code,
            )
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tongxue.demo.management.commands.demo import operator_language

        # The console speaks the operator's language, one language per line (#16).
        with translation.override(operator_language()):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                _(
                    "tongxue up is for development; in production run migrate and a WSGI server (docs/deployment.md)."
                )
            )
        from tongxue.demo.generator import PROVINCE_CODE, SCHOOL_CODE
        from tongxue.demo.management.commands.demo import (
            load_demo,
            print_accounts,
            scale_label,
        )
        from tongxue.organisations.models import Organisation

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(_("1/4 Migrating the database …"))
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("2/4 Creating the cache table …"))
        call_command("createcachetable", verbosity=0)
        accounts: list[Any] = []
        loaded = False
        addr = options["addr"]
        url = f"http://{addr}/" if not addr.isdigit() else f"http://127.0.0.1:{addr}/"
        if options["no_demo"]:
            self.stdout.write(_("3/4 Demo data skipped (--no-demo)."))
        elif not Organisation.objects.exists():
            self.stdout.write(
                _("3/4 The database is empty: loading the demo {scale} …").format(
                    scale=scale_label(options["scale"])
                )
            )
            accounts = load_demo(self, scale=options["scale"], base_url=url)
            loaded = True
        else:
            self.stdout.write(
                _("3/4 The database already holds organisations: no demo data loaded.")
            )
            from tongxue.demo.accounts import ensure_demo_accounts

            for scale, root in (("school", SCHOOL_CODE), ("province", PROVINCE_CODE)):
                if Organisation.objects.filter(code=root).exists():
                    accounts = ensure_demo_accounts(scale=scale)
        if accounts:
            print_accounts(self, accounts, base_url=url)
            if loaded:
                self._print_student(url)
            else:
                self.stdout.write(
                    _(
                        "  A demo student's activation code was printed when the demo "
                        "was loaded; union_admin prints new ones on the roles page."
                    )
                )
        if options["prepare_only"]:
            self.stdout.write(
                _("Ready: run the server with 'tongxue up' and open {url}").format(
                    url=url
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("4/4 Tongxue runs at {url} (Ctrl-C stops it).").format(url=url)
            )
        )
        worker = None
        if not options["no_worker"]:
            from tongxue.jobs.process import start_worker

            worker = start_worker(["--verbosity", "0"])
            self.stdout.write(
                _(
                    "Background jobs: a worker runs beside the server (tongxue worker, "
                    "process {pid}); it stops with the server."
                ).format(pid=worker.pid)
            )
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                from tongxue.jobs.process import stop_worker

                stop_worker(worker)
