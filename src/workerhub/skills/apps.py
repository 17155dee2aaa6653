from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "workerhub.skills"
    label = "skills"
    verbose_name = _("技能人才")

    def ready(self):
        from . import permissions  # noqa: F401  (registers scope rules)

