from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "workerhub.housing"
    label = "housing"
    verbose_name = _("住房公积金")

    def ready(self):
        from workerhub.core import scope
        from workerhub.core.context import add_navigation, add_public_link

        from . import permissions  # noqa: F401  (registers scope rules)
        from .models import HpfAccount

        add_public_link(_("公积金贷款计算器"), "housing:calculator")
        add_navigation(_("公积金"), "housing:home",
                       lambda user: scope.may(user, "report", HpfAccount) or scope.may(user, "add", HpfAccount))
