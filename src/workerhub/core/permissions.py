"""Who may do what on the foundation models, beyond "inside the role's region" (SPEC §0).

Each entry maps an action to the roles allowed and, where the rule is narrower than the region,
the rule itself as a queryset filter. Roles not listed for an action see nothing.
"""

from django.db.models import Q

from . import scope
from .models import AuditEntry, Job, Organisation, Person, Region, RoleBinding

# An enterprise union sees the workers of its own enterprise and of its branches.
own_enterprise = scope.employees_of("")


def flexible_in_region(binding, user) -> Q:
    """An HPF clerk sees the flexible workers of the centre's city (SPEC §0, §6)."""
    return scope.in_region(Person)(binding, user) & Q(employment_type=Person.Employment.FLEXIBLE)


oneself = scope.oneself("pk")


def own_organisation(binding, user) -> Q:
    return Q(pk=binding.organisation_id) | Q(parent_id=binding.organisation_id)


def everything(binding, user) -> Q:
    return Q()


def own_jobs(binding, user) -> Q:
    return Q(created_by=user)


ALL_ROLES = ("federation_admin", "enterprise_union", "evaluator", "hpf_clerk", "station_keeper", "worker")

scope.register(
    Person,
    view={"federation_admin": None, "enterprise_union": own_enterprise, "hpf_clerk": flexible_in_region,
          "worker": oneself},
    add={"federation_admin": None, "enterprise_union": own_enterprise},
    change={"federation_admin": None, "enterprise_union": own_enterprise},
    delete={"federation_admin": None},
    export={"federation_admin": None, "enterprise_union": own_enterprise},
)
scope.register(
    Organisation,
    view={"federation_admin": None, "hpf_clerk": None, "enterprise_union": own_organisation,
          "evaluator": own_organisation, "station_keeper": own_organisation},
    add={"federation_admin": None},
    change={"federation_admin": None},
    export={"federation_admin": None},
)
scope.register(Region, view=dict.fromkeys(ALL_ROLES, everything))
scope.register(AuditEntry, view={"federation_admin": None}, export={"federation_admin": None})
scope.register(RoleBinding, view={"federation_admin": None}, add={"federation_admin": None},
               delete={"federation_admin": None})
scope.register(Job, view=dict.fromkeys(ALL_ROLES, own_jobs))
