"""Who may do what with HPF records (SPEC §0, §6): the city's clerks inside their region, and each worker
on their own account. Federation officers see only the statistics, not personal accounts."""

from django.db.models import Q

from workerhub.core import scope

from .models import HpfAccount, Loan, LoanApplication, Posting, Repayment


def own(path: str):
    def rule(binding, user) -> Q:
        return Q(**{path: user.person_id}) if user.person_id else Q(pk__in=[])

    rule.__name__ = f"own_{path}"
    return rule


scope.register(HpfAccount, view={"hpf_clerk": None, "worker": own("person_id")},
               add={"hpf_clerk": None, "worker": own("person_id")}, change={"hpf_clerk": None},
               export={"hpf_clerk": None}, report={"hpf_clerk": None, "federation_admin": None})
scope.register(Posting, view={"hpf_clerk": None, "worker": own("account__person_id")},
               add={"hpf_clerk": None, "worker": own("account__person_id")}, export={"hpf_clerk": None})
scope.register(LoanApplication, view={"hpf_clerk": None, "worker": own("account__person_id")},
               add={"hpf_clerk": None, "worker": own("account__person_id")}, change={"hpf_clerk": None},
               export={"hpf_clerk": None})
scope.register(Loan, view={"hpf_clerk": None, "worker": own("application__account__person_id")},
               change={"hpf_clerk": None}, export={"hpf_clerk": None})
scope.register(Repayment, view={"hpf_clerk": None, "worker": own("loan__application__account__person_id")},
               add={"hpf_clerk": None})
