"""``tongxue manage erase_old_rows``: rebuild the tables of secret ballots and ratings.

Closing a vote or an evaluation period does this by itself right after its commit
(:mod:`tongxue.core.erasure`); the command finishes the job when the close could not
(it logged a warning: a long transaction was running, or the table lock was not
granted), or after restoring a database. PostgreSQL only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from tongxue.core import erasure


class Command(BaseCommand):
    help = _(
        "Rebuild the ballot and rating tables so that no old row version stays in "
        "the database's pages (PostgreSQL)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(_("Only PostgreSQL keeps old row versions to erase."))
        tables = erasure.secret_tables()
        if not erasure.rebuild(tables, after=erasure.current_xid(), wait=60.0):
            raise CommandError(
                _(
                    "Some old row versions may remain: a long transaction is running "
                    "or a table lock was not granted. Try again later."
                )
            )
        self.stdout.write(_("Rebuilt: {tables}").format(tables=", ".join(tables)))
