"""``tongxue manage store_findings [CODE]``: compute the audit and store its findings.

Without a code, every organisation (``store_audit(root=None)``); with one, that
organisation and everything below it. The compliance pages, the API and ``tongxue
audit --stored`` read what it stores (docs/audit.md, "Stored findings"). ``tongxue
demo`` / ``tongxue up`` and every snapshot import store theirs already; run it after
an upgrade whose rules changed, or to repair.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tongxue.compliance.models import AuditRun
from tongxue.compliance.store import store_audit
from tongxue.organisations.models import Organisation


class Command(BaseCommand):
    help = "Compute the audit of every organisation (or one subtree) and store it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "code", nargs="?", default=None, help="organisation code (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        started = time.perf_counter()
        try:
            run = store_audit(root=code, kind=AuditRun.Kind.FULL)
        except Organisation.DoesNotExist:
            raise CommandError(
                _("No organisation has the code %(code)s.") % {"code": code},
                returncode=2,
            ) from None
        self.stdout.write(
            _(
                "Stored %(findings)d findings of %(organisations)d organisations "
                "in %(seconds).1f s (rules %(version)s)."
            )
            % {
                "findings": run.findings,
                "organisations": run.organisations,
                "seconds": time.perf_counter() - started,
                "version": run.rule_version,
            }
        )
