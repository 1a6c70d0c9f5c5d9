"""``tongxue export ORG_CODE [--format json|xlsx] [-o FILE]`` and ``--template`` (ORG-1).

The template is made in ``--language``, by default the operator's (``LANGUAGE``, else
the locale: :func:`tongxue.core.console.operator_language`), like the command's
messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from tongxue.core.console import operator_language
from tongxue.snapshots.jsonio import dump_json
from tongxue.snapshots.selectors import UnknownOrganisation, export_tables
from tongxue.snapshots.xlsxio import template_xlsx, write_xlsx


class Command(BaseCommand):
    help = (
        "Export an organisation and its subtree as a snapshot, or the empty template."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="organisation code of the root")
        parser.add_argument("--format", choices=["json", "xlsx"], default=None)
        parser.add_argument(
            "-o", "--output", help="file to write (JSON: stdout if absent)"
        )
        parser.add_argument(
            "--template", action="store_true", help="write the empty Excel template"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help=(
                "language of the template and the messages (default: the operator's, "
                "from LANGUAGE or the locale)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or operator_language()):
            self._run(options)

    def _run(self, options: dict[str, Any]) -> None:
        output = Path(options["output"]) if options["output"] else None
        fmt = options["format"] or (
            "xlsx"
            if options["template"] or (output and output.suffix == ".xlsx")
            else "json"
        )
        if options["template"]:
            if fmt != "xlsx" or output is None:
                raise CommandError(
                    gettext("The template is an Excel workbook: give -o FILE.xlsx."),
                    returncode=2,
                )
            output.write_bytes(template_xlsx())
            self.stderr.write(gettext("Wrote {name}").format(name=output))
            return
        if not options["code"]:
            raise CommandError(gettext("Give an organisation code."), returncode=2)
        try:
            doc = export_tables(options["code"])
        except UnknownOrganisation as exc:
            raise CommandError(
                gettext("Unknown organisation code “{value}”.").format(value=exc.code),
                returncode=2,
            ) from None
        if fmt == "xlsx":
            if output is None:
                raise CommandError(
                    gettext("An Excel export needs -o FILE.xlsx."), returncode=2
                )
            output.write_bytes(write_xlsx(doc))
        elif output is None:
            self.stdout.write(dump_json(doc).decode("utf-8"), ending="")
        else:
            output.write_bytes(dump_json(doc))
        if output is not None:
            self.stderr.write(gettext("Wrote {name}").format(name=output))
