"""Role-aware navigation for the base template."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import scope
from .models import AuditEntry, Organisation, Person

# (label, url name, model, action) — an entry shows only if the user may do the action somewhere.
NAVIGATION = [
    (_("人员"), "person_list", Person, "view"),
    (_("组织"), "organisation_list", Organisation, "view"),
    (_("审计日志"), "audit_list", AuditEntry, "view"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": [(label, reverse(name)) for label, name, model, action in NAVIGATION
                    if scope.may(user, action, model)]}
