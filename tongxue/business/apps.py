from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessConfig(AppConfig):
    name = "tongxue.business"
    label = "business"
    verbose_name = _("Congress business and the standing conference")
