import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs on Django's Tasks API (django-tasks), with progress and periodic runs."""

    name = "tongxue.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from tongxue.jobs import maintenance, periodic

        # finished jobs, task results and periodic runs older than JOBS_KEEP_DAYS
        periodic.register(
            maintenance.PRUNE, dt.timedelta(days=1), "tongxue.jobs.maintenance.prune"
        )
