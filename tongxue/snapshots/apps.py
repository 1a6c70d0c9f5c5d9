import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SnapshotsConfig(AppConfig):
    name = "tongxue.snapshots"
    label = "snapshots"
    verbose_name = _("Snapshots")

    def ready(self) -> None:
        from tongxue.jobs import periodic

        # #14: exported files expire after a day; failed imports' uploads are cleared.
        periodic.register(
            "snapshots.prune-files",
            dt.timedelta(hours=1),
            "tongxue.snapshots.jobs.prune_files",
        )
