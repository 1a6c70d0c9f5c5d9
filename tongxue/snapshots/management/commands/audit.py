"""``tongxue audit SNAPSHOT_OR_ORG``: audit a snapshot file or a stored organisation.

``--stored`` prints the stored audit of an organisation (#15) instead of computing it.

Exit status: 0 when there is no violation (deviations are reported, not failed),
1 when there is at least one, 2 on bad input (unknown code, unreadable file, invalid snapshot,
unknown profile). The output formats are documented in docs/audit.md.

The command is the snapshots app's (beside ``import_snapshot`` and ``export_snapshot``):
it reads a file with the readers ``tongxue import`` uses, and audits it, or a stored
organisation, with the compliance app's selectors (snapshots sits above compliance,
#13).
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tongxue.compliance.report import report_to_json, report_to_text
from tongxue.compliance.selectors import (
    audit_organisation,
    resolve_profile,
    stored_audit_report,
)
from tongxue.domain.audit import AuditReport, audit
from tongxue.domain.profiles import ProfileError
from tongxue.domain.snapshot import parse_tables
from tongxue.organisations.mappers import subtree_codes
from tongxue.organisations.models import Organisation
from tongxue.snapshots.errors import (
    SheetNames,
    SnapshotInvalid,
    describe,
    listed,
    more_text,
)
from tongxue.snapshots.jsonio import read_json
from tongxue.snapshots.labels import accepted
from tongxue.snapshots.services import read_bytes
from tongxue.snapshots.xlsxio import read_workbook

SNAPSHOT_SUFFIXES = (".json", ".xlsx")


class BadInput(CommandError):
    """Input the command cannot audit: reported on stderr with exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


def read_snapshot(path: Path) -> tuple[dict[str, Any], list[Any], SheetNames | None]:
    """Return a snapshot file's document, the problems of its layout, and, for a
    workbook, the names it gives its sheets and columns (None for JSON).

    Uses the snapshot app's readers, so that ``tongxue audit`` accepts exactly the files
    ``tongxue import`` does. Raises ``OSError`` when the file cannot be read and
    ``SnapshotInvalid`` when it is not a snapshot at all.
    """
    data = read_bytes(path, path.suffix.lower())  # refused unread when too large
    if path.suffix.lower() == ".xlsx":
        doc, errors, names = read_workbook(data)
        return doc, list(errors), names
    return read_json(data), [], None


class Command(BaseCommand):
    help = (
        "Audit a snapshot file (.json/.xlsx) or a stored organisation and its subtree."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target", help="snapshot file (.json, .xlsx) or organisation code"
        )
        parser.add_argument(
            "--profile",
            help="profile for every organisation: gansu-2017, cqtgu-2017 or a .toml path",
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--as-of", dest="as_of", help="audit date, YYYY-MM-DD (today)"
        )
        parser.add_argument(
            "--stored",
            action="store_true",
            help=(
                "read the stored audit of the organisation instead of computing it "
                "(not with a file, --profile or --as-of)"
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help="language of the messages (default: the site's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or settings.LANGUAGE_CODE
        with override(language):
            try:
                report = self._report(options)
            except BadInput as exc:
                self.stderr.write(str(exc))
                sys.exit(2)
        render = report_to_json if options["format"] == "json" else report_to_text
        self.stdout.write(render(report, language), ending="\n")
        # The contract: 1 exactly when there is a violation (an M rule);
        # deviations, even unjustified, are reported but do not fail the run.
        if report.violations:
            sys.exit(1)

    def _report(self, options: dict[str, Any]) -> AuditReport:
        as_of = self._as_of(options["as_of"])
        target: str = options["target"]
        path = Path(target)
        if options.get("stored"):
            return self._stored(target, options)
        try:
            if path.suffix.lower() in SNAPSHOT_SUFFIXES or path.exists():
                return self._audit_file(path, as_of, options["profile"])
            return audit_organisation(
                code=target, as_of=as_of, profile=options["profile"]
            )
        except Organisation.DoesNotExist:
            raise BadInput(
                _("No organisation has the code %(code)s.") % {"code": target}
            ) from None
        except ProfileError as exc:
            raise BadInput(str(exc)) from None

    def _stored(self, target: str, options: dict[str, Any]) -> AuditReport:
        """The stored audit of the organisation ``target`` (docs/audit.md, "Stored
        findings"): the same output as a fresh one."""
        if options["profile"] or options["as_of"]:
            raise BadInput(
                _("--stored reads the stored audit: it takes no --profile or --as-of.")
            )
        try:
            report = stored_audit_report(target)
        except Organisation.DoesNotExist:
            raise BadInput(
                _("No organisation has the code %(code)s.") % {"code": target}
            ) from None
        if report is None:
            raise BadInput(
                _(
                    "The audit of %(code)s is not stored for every organisation "
                    "below it yet: run “tongxue manage store_findings %(code)s”, "
                    "or audit without --stored."
                )
                % {"code": target}
            )
        return report

    def _as_of(self, value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadInput(
                _("--as-of expects a date as YYYY-MM-DD, got “%(value)s”.")
                % {"value": value}
            ) from None

    def _audit_file(self, path: Path, as_of: date, profile: str | None) -> AuditReport:
        workbook = path.suffix.lower() == ".xlsx"
        names: SheetNames | None = None
        try:
            tables, errors, names = read_snapshot(path)
            workbook = names is not None
        except OSError as exc:
            raise BadInput(
                _("Cannot read %(path)s: %(error)s")
                % {"path": path, "error": exc.strerror or exc}
            ) from None
        except SnapshotInvalid as exc:
            tables, errors, names = {}, exc.errors, exc.names
        if not errors:
            snapshot, errors = parse_tables(tables, labels=accepted())
        if errors:
            lines = [
                _("%(path)s is not a valid snapshot (%(n)d errors):")
                % {"path": path, "n": len(errors)}
            ]
            shown, more = listed(errors)
            lines += [f"  {describe(e, workbook=workbook, names=names)}" for e in shown]
            if more:
                lines.append(f"  {more_text(more)}")
            raise BadInput("\n".join(lines))
        if "default_profile" not in tables:
            snapshot = dataclasses.replace(
                snapshot, default_profile=settings.TONGXUE_DEFAULT_PROFILE
            )
        root = getattr(snapshot, "root", None)
        scope = subtree_codes(snapshot, root) if root and root in snapshot.org else None
        return audit(
            snapshot, as_of=as_of, profile=resolve_profile(profile), scope=scope
        )
