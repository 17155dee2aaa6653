"""Region scope: the one place that decides which rows a user may see or change (SPEC §0).

Every scoped model uses ``ScopedQuerySet`` and declares ``scope_path`` — the lookup to its region
code (e.g. ``"region__code"``; Django trims the join, so this filters on the foreign-key column).
Which roles may perform which action on a model is declared in the app's ``permissions.py`` with
``register``; roles not listed see nothing. ``Model.objects.restrict(user, action)`` is what every
view, export, API endpoint, form choice and search starts from, so none of them can forget it.
"""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

from .rules import region_prefix

# "report": aggregate figures only (e.g. HPF statistics for federation officers), never the rows.
ACTIONS = ("view", "add", "change", "delete", "export", "report")

# model label -> action -> role -> rule(binding, user) -> Q
RoleRule = Callable[..., Q]
_REGISTRY: dict[str, dict[str, dict[str, RoleRule | None]]] = {}


def within(path: str, prefix: str) -> Q:
    """Codes starting with ``prefix``, written as a range so that a B-tree index serves it in any collation
    (``LIKE '3301%'`` cannot use the index under PostgreSQL's C.UTF-8 collation, nor on SQLite). Region codes
    are digit strings of at most 12 characters, so the range is exact."""
    return Q(**{f"{path}__gte": prefix, f"{path}__lte": prefix + "9" * (12 - len(prefix))})


def in_region(model) -> RoleRule:
    """The default rule: rows whose region code starts with the binding's region prefix."""

    def rule(binding, user):
        return within(model.scope_path, region_prefix(binding.organisation.region_id))

    return rule


def register(model, **actions: dict[str, RoleRule | None]) -> None:
    """Declare which roles may do what on ``model``; ``None`` as a rule means "in the role's region"."""
    table = _REGISTRY.setdefault(model._meta.label, {})
    for action, roles in actions.items():
        assert action in ACTIONS, action
        table[action] = {role: rule or in_region(model) for role, rule in roles.items()}


def rules_for(model, action: str) -> dict[str, RoleRule]:
    return _REGISTRY.get(model._meta.label, {}).get(action, {})


def scope_q(model, user, action: str) -> Q | None:
    """The filter for ``user`` doing ``action`` on ``model``; None means "nothing"."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    rules = rules_for(model, action)
    parts = [rules[b.role](b, user) for b in user.bindings() if b.role in rules]
    return reduce(or_, parts) if parts else None


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> "ScopedQuerySet":
        q = scope_q(self.model, user, action)
        return self.none() if q is None else self.filter(q)

    def in_region(self, code: str) -> "ScopedQuerySet":
        """Rows inside a region given as a six-digit code or its significant prefix."""
        return self.filter(within(self.model.scope_path, region_prefix(code.ljust(6, "0"))))


def check_write(actor, action: str, model, **lookup) -> None:
    """Re-check a write against ``restrict(actor, action)`` before commit (STYLE: writes re-checked); ``actor=None``
    is the system itself (demo data, commands run without ``--user``)."""
    if actor is not None and not model.objects.restrict(actor, action).filter(**lookup).exists():
        raise PermissionError("out of scope")


# Rule builders the apps' permissions.py share (each returns rule(binding, user) -> Q).

def by_organisation(path: str) -> RoleRule:
    """Rows whose ``path`` is the organisation the role is bound to."""

    def rule(binding, user) -> Q:
        return Q(**{path: binding.organisation_id})

    rule.__name__ = f"own_{path}"
    return rule


def employees_of(prefix: str = "") -> RoleRule:
    """Rows about an enterprise union's own workers: employed by its enterprise or one of its branches."""

    def rule(binding, user) -> Q:
        org = binding.organisation_id
        return Q(**{f"{prefix}employer_id": org}) | Q(**{f"{prefix}employer__parent_id": org})

    rule.__name__ = f"employees_{prefix}"
    return rule


def oneself(path: str = "pk") -> RoleRule:
    """Rows about the login's own person (none for a login without one)."""

    def rule(binding, user) -> Q:
        return Q(**{path: user.person_id}) if user.person_id else Q(pk__in=[])

    rule.__name__ = f"oneself_{path}"
    return rule


def may(user, action: str, model) -> bool:
    """Whether ``user`` may do ``action`` on some rows of ``model`` (menus, buttons)."""
    return scope_q(model, user, action) is not None
