from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "workerhub.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from . import audit, permissions  # noqa: F401  (registers scope rules and login auditing)
