from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "tongxue.voice"
    label = "voice"
    verbose_name = _("Students' concerns")

    def ready(self) -> None:
        # The concerns' part of the audit's registry (RGT-1, CAD-8).
        from tongxue.organisations.mappers import REGISTRY_PARTS
        from tongxue.voice import mappers

        REGISTRY_PARTS.register(mappers.registry_part)

        # Raise a concern, rate an answer, the handler's queue on the home (我的).
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.voice import consultation_home  # noqa: F401  (网上学联 RGT-5)
        from tongxue.voice.home import voice_items

        HOME_ITEMS.register(voice_items)

        # An exit case opened from a concern about a cadre links back to it (CAD-8).
        from tongxue.cadres.hooks import EXIT_CASE_SOURCE
        from tongxue.voice.cadre_links import exit_case_source

        EXIT_CASE_SOURCE.register(exit_case_source)

        # The relay's contacts counted on the delegate list and the cadre roster, and
        # the roster's "write a message" leading to the relay (RGT-6).
        from tongxue.cadres.hooks import CADRE_CONTACTS, CADRE_RELAY_URL
        from tongxue.congresses.hooks import DELEGATE_CONTACTS
        from tongxue.voice import relay_selectors

        DELEGATE_CONTACTS.register(relay_selectors.delegate_counts)
        CADRE_CONTACTS.register(relay_selectors.cadre_counts)
        CADRE_RELAY_URL.register(relay_selectors.cadre_write_url)

        # The kinds of notification the channel sends (#14).
        # Overdue concerns escalate (hourly: a due date passes at midnight, and a
        # worker may have been down); unrated answers close and rating reminders go
        # out daily. Each runs once per period however many workers run.
        # (relay_services: the notification kinds of the relay, RGT-6)
        from tongxue.jobs import periodic
        from tongxue.voice import notifying, relay_services  # noqa: F401
        from tongxue.voice.services import periodic as jobs

        periodic.register(
            jobs.ESCALATE,
            every=timedelta(hours=1),
            func="tongxue.voice.services.periodic.escalate_job",
        )
        periodic.register(
            jobs.CLOSE,
            every=timedelta(days=1),
            func="tongxue.voice.services.periodic.close_job",
        )
        # Reports to the school (RGT-1): last month's draft for every union that had
        # concerns in it, and the submitted reports' items followed until concluded.
        from tongxue.voice import report_services

        periodic.register(
            report_services.MONTHLY,
            every=timedelta(days=1),
            func="tongxue.voice.report_services.monthly_job",
        )
        periodic.register(
            report_services.TRACK,
            every=timedelta(days=1),
            func="tongxue.voice.report_services.track_job",
        )
