"""The background work of notifications: functions a job runs (``func`` of start_job).

- :func:`fan_out` writes the inbox rows of a large audience by ``INSERT … SELECT`` over
  windows of user ids (one statement and one transaction per window, its progress
  reported after each), then delivers on the channels the recipients chose.
- :func:`deliver_job` delivers one notification on the channels of many recipients.
- The daily digest is :func:`tongxue.notifications.digest.send_daily_digests`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext

from tongxue.jobs.services import start_job
from tongxue.notifications import recipients, services
from tongxue.notifications.models import Notification

logger = logging.getLogger(__name__)


def _insert_statement(where: str) -> str:
    fields = Notification._meta
    qn = connection.ops.quote_name
    columns = ", ".join(
        qn(fields.get_field(name).column)
        for name in ("user", "kind", "params", "url", "organisation", "created_at")
    )
    user_table, pk = recipients.user_table()
    return (
        f"INSERT INTO {qn(fields.db_table)} ({columns})"
        f" SELECT u.{pk}, %s, %s, %s, %s, %s FROM {user_table} u WHERE {where}"
    )


def insert_rows(
    *,
    kind: str,
    params: dict[str, Any],
    url: str,
    organisation: str,
    created_at: dt.datetime,
    where: str,
    where_params: list[Any],
) -> int:
    """Insert one inbox row for each user ``where`` selects; return how many."""
    meta = Notification._meta
    values = [
        kind,
        meta.get_field("params").get_db_prep_save(params, connection),
        url,
        organisation,
        meta.get_field("created_at").get_db_prep_save(created_at, connection),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_insert_statement(where), [*values, *where_params])
        return max(cursor.rowcount, 0)


def fan_out(
    job: Any,
    *,
    kind: str,
    params: dict[str, Any],
    url: str,
    organisation: str,
    created_at: str,
    source: dict[str, Any],
    total: int,
    window: int = recipients.WINDOW,
) -> int:
    """Write the inbox rows of ``source`` window by window, then deliver; return rows."""
    when = dt.datetime.fromisoformat(created_at)
    done = 0
    job.progress(0, total, gettext("Writing notifications"))
    for where, where_params in recipients.windows(source, size=window):
        done += insert_rows(
            kind=kind,
            params=params,
            url=url,
            organisation=organisation,
            created_at=when,
            where=where,
            where_params=where_params,
        )
        job.progress(
            done,
            max(total, done),
            gettext("%(done)s of %(total)s notifications written")
            % {"done": done, "total": max(total, done)},
        )
    # The channels in a job of their own, queued in this transaction: it starts once
    # the rows are committed, and a retry of this job never mails twice.
    wanting = services.wanting_delivery(recipients.preferences_of(source))
    if wanting:
        start_job(
            kind="notifications.deliver",
            actor=None,
            title=gettext("Sending a notification by e-mail and other channels"),
            func="tongxue.notifications.tasks.deliver_job",
            kwargs={"kind": kind, "params": params, "url": url, "source": source},
            organisation=organisation or None,
        )
    logger.info("notification %s: %s inbox rows, %s to deliver", kind, done, wanting)
    return done


def deliver_job(
    job: Any, *, kind: str, params: dict[str, Any], url: str, source: dict[str, Any]
) -> int:
    """Deliver one notification on the channels its recipients chose."""
    delivered = services.deliver(
        kind=kind,
        params=params,
        url=url,
        preferences=recipients.preferences_of(source),
    )
    job.progress(1, 1, gettext("%(sent)s sent") % {"sent": delivered})
    return delivered
