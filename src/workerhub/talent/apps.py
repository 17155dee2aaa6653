from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "workerhub.talent"
    label = "talent"
    verbose_name = _("劳模工匠")

    def ready(self):
        from workerhub.core import scope
        from workerhub.core.context import add_navigation, add_person_link, add_public_link, add_section_link

        from . import permissions  # noqa: F401  (registers scope rules)
        from .models import ComplianceFlag, Mentorship, Nomination, Profile, Studio, Team, TimelineEvent

        add_public_link(_("评选公示"), "talent:publicity")
        # One entry in the main bar; the module's pages in the bar under it (core.context.add_section_link).
        add_navigation(_("劳模工匠"), "talent:nomination_list", lambda user: scope.may(user, "view", Nomination))
        for label, name, model, action in (
            (_("推荐评选"), "talent:nomination_list", Nomination, "view"),
            (_("荣誉目录"), "talent:honour_list", None, None),
            (_("集体"), "talent:team_list", Team, "view"),
            (_("创新工作室"), "talent:studio_list", Studio, "view"),
            (_("师带徒"), "talent:mentorship_list", Mentorship, "view"),
            (_("培养阶梯"), "talent:ladder", Profile, "report"),
            (_("负面清单"), "talent:compliance_list", ComplianceFlag, "view"),
            (_("评选公示"), "talent:publicity", None, None),
        ):
            add_section_link("/talent/", label, name,
                             (lambda user, m=model, a=action: scope.may(user, a, m)) if model else (lambda user: True))
        add_person_link(_("成长档案"), "talent:person_timeline", lambda user: scope.may(user, "view", TimelineEvent))
        add_person_link(_("精准画像"), "talent:profile", lambda user: scope.may(user, "view", Profile))
