from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "workerhub.skills"
    label = "skills"
    verbose_name = _("技能人才")

    def ready(self):
        from workerhub.core import scope
        from workerhub.core.context import add_navigation, add_public_link

        from . import permissions  # noqa: F401  (registers scope rules)
        from .models import Certificate, Competition, Course, ExamSession

        add_public_link(_("证书查验"), "verify:form")
        add_navigation(_("考试发证"), "skills:session_list", lambda user: scope.may(user, "view", ExamSession))
        add_navigation(_("证书"), "skills:certificate_list",
                       lambda user: scope.may(user, "view", Certificate) and not user.person_id)
        add_navigation(_("我的证书"), "skills:my_certificates", lambda user: bool(user.person_id))
        add_navigation(_("培训"), "skills:course_list", lambda user: scope.may(user, "view", Course))
        add_navigation(_("竞赛"), "skills:competition_list", lambda user: scope.may(user, "view", Competition))
