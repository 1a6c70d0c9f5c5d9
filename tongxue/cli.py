"""The ``tongxue`` command: a thin front over Django management commands.

``tongxue up`` · ``tongxue demo`` · ``tongxue import FILE`` · ``tongxue export CODE`` ·
``tongxue audit SNAPSHOT_OR_ORG`` · ``tongxue apportion …`` · ``tongxue count …`` ·
``tongxue requirements --format md`` · ``tongxue worker`` (background jobs) ·
``tongxue manage …`` (any Django command).
"""

from __future__ import annotations

import os
import sys

# Sub-commands of ``tongxue`` and the management command each runs.
COMMANDS = {
    "up": "tongxue_up",
    "demo": "demo",
    "import": "import_snapshot",
    "export": "export_snapshot",
    "audit": "audit",
    "apportion": "apportion",
    "count": "count",
    "requirements": "requirements",
    "worker": "tongxue_worker",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        print("\nSub-commands: " + ", ".join([*COMMANDS, "manage"]))
        return 0
    django.setup()
    name, rest = args[0], args[1:]
    if name == "manage":
        execute_from_command_line(["tongxue manage", *rest])
        return 0
    if name not in COMMANDS:
        print(
            f"tongxue: unknown sub-command {name!r}; try 'tongxue help'",
            file=sys.stderr,
        )
        return 2
    try:
        execute_from_command_line(["tongxue", COMMANDS[name], *rest])
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
