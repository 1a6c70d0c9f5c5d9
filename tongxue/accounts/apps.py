from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongxue.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from tongxue.accounts import sessions  # noqa: F401  (the sign-in stamp)
        from tongxue.accounts.activation_views import first_time_options
        from tongxue.accounts.sso import sign_in_options  # campus sign-on (#14)
        from tongxue.core.signin import SIGN_IN_OPTIONS
        from tongxue.jobs import periodic

        SIGN_IN_OPTIONS.register(sign_in_options)
        # "First time?": activate the account, or a link to the school mailbox
        SIGN_IN_OPTIONS.register(first_time_options)
        periodic.register(
            "accounts.sso-stale-tickets",
            timedelta(days=1),
            "tongxue.accounts.sso.forget_stale_cas_tickets",
        )
