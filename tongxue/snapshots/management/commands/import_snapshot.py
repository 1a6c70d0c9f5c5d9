"""``tongxue import FILE [--dry-run] [--language zh-hans|en]``: import a snapshot (ORG-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from tongxue.snapshots.errors import SnapshotInvalid, describe, listed, more_text
from tongxue.snapshots.names import sheet_name
from tongxue.snapshots.services import import_file


class Command(BaseCommand):
    help = "Import a snapshot (.json or .xlsx): everything or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="snapshot file (.json or .xlsx)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, write nothing"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default="zh-hans",
            help="language of the messages (default zh-hans)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._run(Path(options["file"]), dry_run=options["dry_run"])

    def _run(self, path: Path, *, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(
                gettext("No such file: {name}").format(name=path), returncode=2
            )
        try:
            # The operator's command: no actor, so no limit of scope.
            result = import_file(path, filename=path.name, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(
                gettext("Cannot read {name}: {error}").format(
                    name=path, error=exc.strerror or exc
                ),
                returncode=2,
            ) from None
        except SnapshotInvalid as exc:
            shown, more = listed(exc.errors)
            for error in shown:
                self.stderr.write(
                    describe(error, workbook=exc.workbook, names=exc.names)
                )
            if more:
                self.stderr.write(more_text(more))
            raise CommandError(
                gettext("{count} problem(s) found; nothing was imported.").format(
                    count=len(exc.errors)
                ),
                returncode=2,
            ) from None
        for table, counts in result.counts.items():
            self.stdout.write(
                gettext(
                    "{table}: {created} created, {updated} updated, {unchanged} unchanged"
                ).format(table=sheet_name(table), **counts.as_dict())
            )
        for table, rows in result.not_stored.items():
            self.stdout.write(
                gettext(
                    "{table}: {rows} checked, not stored (read by the audit of a file)"
                ).format(table=sheet_name(table), rows=rows)
            )
        if dry_run:
            self.stdout.write(gettext("Dry run: nothing was written."))
