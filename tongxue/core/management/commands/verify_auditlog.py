"""``tongxue manage verify_auditlog``: recompute the audit log's chain, say where it breaks.

Exit 0 when the chain is intact and matches every checkpoint, 1 otherwise (each
problem printed with its seq and id). When intact, the head of each finished day not
checkpointed yet is written as a checkpoint and published on ``/audit/checkpoints/``.
When broken: an ERROR log line, and with ``--alert`` a mail to ``ADMINS``
(``mail_admins``); no checkpoint is written over a broken chain. The systemd timer
``deploy/tongxue-verify-auditlog.timer`` runs it daily with ``--alert``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.mail import mail_admins
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tongxue.core import auditchain

logger = logging.getLogger("tongxue.auditlog")


class Command(BaseCommand):
    help = _(
        "Verify the audit log's hash chain against its checkpoints and write the "
        "checkpoints of finished days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help=_(
                "a saved copy of /audit/checkpoints.json to compare the log with "
                "(may be repeated)"
            ),
        )
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help=_("write no checkpoint"),
        )
        parser.add_argument(
            "--alert",
            action="store_true",
            help=_("mail the site's administrators (ADMINS) when the log is broken"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        published: list[auditchain.Checkpoint] = []
        for name in options["checkpoints"]:
            try:
                text = Path(name).read_text(encoding="utf-8")
                published += auditchain.parse_checkpoints(text, name)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(
                    _("Cannot read the checkpoints in {file}: {error}").format(
                        file=name, error=exc
                    )
                ) from None
        report = auditchain.verify(published=published)
        if report.ok:
            written = [] if options["no_checkpoint"] else auditchain.write_checkpoints()
            self.stdout.write(
                _(
                    "Audit log intact: {entries} entries, head seq {seq} {hash}, "
                    "{checkpoints} checkpoints matched, {written} written."
                ).format(
                    entries=report.entries,
                    seq=report.head_seq,
                    hash=report.head_hash,
                    checkpoints=report.checkpoints,
                    written=len(written),
                )
            )
            return
        lines = [str(p) for p in report.problems]
        summary = _("Audit log broken: {count} problems in {entries} entries.").format(
            count=len(lines), entries=report.entries
        )
        for line in lines:
            self.stdout.write(line)
        self.stderr.write(summary)
        logger.error("%s\n%s", summary, "\n".join(lines))
        if options["alert"]:
            mail_admins(summary, "\n".join(lines), fail_silently=True)
        raise SystemExit(1)
