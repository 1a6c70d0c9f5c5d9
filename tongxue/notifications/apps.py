from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """One notification service for every app: in-app inbox, e-mail, pluggable channels."""

    name = "tongxue.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tongxue.notifications import kinds  # noqa: F401  (the kinds apps notify by)

        _register_digest()

        # The starter of a background job hears that it ended (jobs is below: a hook).
        from tongxue.jobs.hooks import JOB_ENDED
        from tongxue.notifications.events import job_ended

        JOB_ENDED.register(job_ended)


def _register_digest() -> None:
    """The daily digest runs once a day, however many workers run."""
    from tongxue.jobs import periodic

    periodic.register(
        "notifications.daily_digest",
        every=timedelta(days=1),
        func="tongxue.notifications.digest.send_daily_digests",
    )
    periodic.register(
        "notifications.prune-reminders",
        every=timedelta(days=1),
        func="tongxue.notifications.reminders.prune_reminders",
    )
