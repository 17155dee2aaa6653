from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "workerhub.talent"
    label = "talent"
    verbose_name = _("劳模工匠")

    def ready(self):
        from . import permissions  # noqa: F401  (registers scope rules)
