"""The audit log (SPEC §1.4): one function writes it; services call it inside their transaction."""

from contextvars import ContextVar

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEntry
from .rules import mask_id_number, mask_phone

# Set by RequestContextMiddleware so that services need no request object to know the client IP.
client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)

# Fields whose values are personal data: logged masked, never in clear.
_MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


def snapshot(instance, fields) -> dict:
    """Plain values of ``fields`` for a diff; personal data already masked."""
    out = {}
    for name in fields:
        value = getattr(instance, name if not hasattr(instance, f"{name}_id") else f"{name}_id")
        if name in _MASKERS and value:
            value = _MASKERS[name](value)
        out[name] = value if isinstance(value, (int, float, bool, type(None))) else str(value)
    return out


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(action: str, *, actor=None, obj=None, changes=None, region_id=None, object_type="",
           object_id="", object_repr="") -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        region_id = region_id or _region_of(obj)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_id=region_id,
        changes=changes or {},
        ip=client_ip.get(),
    )


def _region_of(obj) -> str | None:
    """The region code of a scoped record, following its model's ``scope_path`` (``…__code``)."""
    path = getattr(obj, "scope_path", None)
    if not path:
        return None
    *hops, _code = path.split("__")
    if not hops:
        return obj.pk  # a Region itself
    for hop in hops[:-1]:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{hops[-1]}_id", None)


def _user_region(user) -> str | None:
    bindings = user.bindings() if hasattr(user, "bindings") else []
    return bindings[0].organisation.region_id if bindings else None


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    record(AuditEntry.Action.LOGIN, actor=user, object_type="core.user", object_id=str(user.pk),
           object_repr=user.username, region_id=_user_region(user))


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEntry.Action.LOGOUT, actor=user, object_type="core.user", object_id=str(user.pk),
               object_repr=user.username, region_id=_user_region(user))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEntry.Action.LOGIN_FAILED, object_type="core.user",
           object_repr=str(credentials.get("username", ""))[:150])
