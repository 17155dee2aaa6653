from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "workerhub.stations"
    label = "stations"
    verbose_name = _("户外劳动者服务站点")

    def ready(self):
        from workerhub.core import scope
        from workerhub.core.context import add_navigation, add_public_link

        from . import permissions  # noqa: F401  (registers scope rules)
        from .models import Station

        add_public_link(_("找驿站"), "stations:finder")
        add_navigation(_("驿站"), "stations:list", lambda user: scope.may(user, "view", Station))
        add_navigation(_("驿站网络"), "stations:network", lambda user: scope.may(user, "report", Station))
