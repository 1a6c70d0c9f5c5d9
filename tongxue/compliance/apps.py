from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "tongxue.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        # The justifications' part of the registry (#13).
        from tongxue.compliance import mappers
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # The stored audit follows the changes (#15): every recorded change marks what
        # it can affect for re-audit; a nightly pass audits everything afresh.
        from datetime import timedelta

        from tongxue.compliance import nightly, reaudit
        from tongxue.core.auditlog import RECORDED
        from tongxue.jobs import periodic
        from tongxue.notifications.kinds import register

        RECORDED.register(reaudit.on_recorded)
        periodic.register(nightly.NAME, timedelta(days=1), nightly.FUNC)
        register(
            nightly.ALERT,
            title=_(
                "The nightly audit found %(count)s organisations whose stored findings "
                "differed"
            ),
            body=_(
                "The audit of %(day)s found stored findings that a fresh audit does not "
                "confirm (a change that was not re-audited). They were stored afresh; "
                "the run lists them."
            ),
        )
