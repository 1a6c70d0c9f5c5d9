"""``tongxue requirements``: the catalogue of requirements, as Markdown or JSON.

``tongxue requirements --format md --output docs/requirements.md`` writes the page the
docs keep (generated from ``tongxue.domain.requirements``, the registered rules and the
built-in profiles); ``--check`` exits 1 when the file differs from what would be written.
``--format json`` gives the catalogue as data: per requirement its obligation (and
parts), clauses with the plans' words, summary and remedy in each language, and rules.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, override

from tongxue.domain.catalogue_doc import audited, render_markdown
from tongxue.domain.requirements import REQUIREMENTS, RULES, rules_of


def catalogue_to_dict() -> dict[str, Any]:
    """Return the catalogue as JSON data (machine keys, texts in every language)."""
    checked = audited()
    languages = [code for code, _name in settings.LANGUAGES]

    def each(msgid: str) -> dict[str, str]:
        out = {}
        for code in languages:
            with override(code):
                out[code] = gettext(msgid) if msgid else ""
        return out

    return {
        "requirements": [
            {
                "id": r.id,
                "obligation": r.label,
                "parts": {
                    name: {"obligation": p.obligation.value, "covers": p.covers}
                    for name, p in r.parts.items()
                },
                "by_plan": {k: v.value for k, v in r.by_plan.items()},
                "clauses": list(r.clauses),
                "quotes": dict(r.quotes),
                "summary": each(r.summary),
                "remedy": each(r.remedy),
                "rules": rules_of(r.id) if r.id in checked else [],
                "audited": r.id in checked,
            }
            for r in REQUIREMENTS.values()
        ],
        "rules": {
            rid: {
                "part": t.part or None,
                "remedy": each(t.remedy) if t.remedy else None,
            }
            for rid, t in RULES.items()
        },
    }


class Command(BaseCommand):
    help = "Write the catalogue of requirements (docs/requirements.md) or its JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("md", "json"), default="md")
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--check",
            action="store_true",
            help="with --output: exit 1 if the file differs, without writing it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "md":
            text = render_markdown()
        else:
            text = json.dumps(catalogue_to_dict(), ensure_ascii=False, indent=2) + "\n"
        output = options["output"]
        if not output:
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                self.stderr.write(f"{path} is out of date: run without --check.")
                sys.exit(1)
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path}: written.")
