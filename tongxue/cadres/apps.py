from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "tongxue.cadres"
    label = "cadres"
    verbose_name = _("Cadres")

    def ready(self) -> None:
        # The cadre's exit case and messages, the managers' queue, on the home (我的).
        from tongxue.accounts.selectors import HOME_ITEMS, HOME_POST_COLUMNS
        from tongxue.cadres.home import cadre_items, post_columns

        HOME_POST_COLUMNS.register(post_columns)
        HOME_ITEMS.register(cadre_items)
