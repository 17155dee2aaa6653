from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "workerhub.talent"
    label = "talent"
    verbose_name = _("劳模工匠")

    def ready(self):
        from workerhub.core import scope
        from workerhub.core.context import add_navigation, add_public_link

        from . import permissions  # noqa: F401  (registers scope rules)
        from .models import Nomination

        add_public_link(_("评选公示"), "talent:publicity")
        add_navigation(_("推荐评选"), "talent:nomination_list", lambda user: scope.may(user, "view", Nomination))
        add_navigation(_("荣誉目录"), "talent:honour_list")
