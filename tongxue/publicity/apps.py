from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "tongxue.publicity"
    label = "publicity"
    verbose_name = _("Public notices and objections")

    def ready(self) -> None:
        # Notices to object to and objections to answer on the home (我的), #14.
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.publicity.home import notices_due

        HOME_ITEMS.register(notices_due)
