"""Role-aware navigation for the base template; apps add their entries in ``AppConfig.ready``."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import scope
from .models import AuditEntry, Organisation, Person

# (label, url name, visible(user)) — an entry shows only to users for whom ``visible`` is true.
NAVIGATION: list[tuple] = [
    (_("人员"), "person_list", lambda user: scope.may(user, "view", Person)),
    (_("组织"), "organisation_list", lambda user: scope.may(user, "view", Organisation)),
]
TRAILING = [(_("审计日志"), "audit_list", lambda user: scope.may(user, "view", AuditEntry))]


PUBLIC_LINKS: list[tuple] = []  # (label, url name): public pages linked from every footer
# (label, url name taking the person's id, visible(user)): other modules' pages about one person (timeline,
# profile), shown as buttons on the person page without core importing those modules.
PERSON_LINKS: list[tuple] = []


# url prefix -> [(label, url name, visible(user))]: a module's own pages, shown as a second bar under the main
# navigation on every page below the prefix (the main bar keeps one entry per module).
SECTIONS: dict[str, list[tuple]] = {}


def add_navigation(label, url_name: str, visible: Callable = lambda user: True) -> None:
    NAVIGATION.append((label, url_name, visible))


def add_section_link(prefix: str, label, url_name: str, visible: Callable = lambda user: True) -> None:
    SECTIONS.setdefault(prefix, []).append((label, url_name, visible))


def _section(user, path: str) -> list[tuple]:
    for prefix, entries in SECTIONS.items():
        if path.startswith(prefix):
            links = [(label, reverse(name)) for label, name, visible in entries if visible(user)]
            current = max((u for _label, u in links if path.startswith(u)), key=len, default=None)
            return [(label, url, url == current) for label, url in links]
    return []


def add_public_link(label, url_name: str) -> None:
    PUBLIC_LINKS.append((label, url_name))


def add_person_link(label, url_name: str, visible: Callable = lambda user: True) -> None:
    PERSON_LINKS.append((label, url_name, visible))


def person_links(user, person_id: int) -> list[tuple]:
    return [(label, reverse(name, args=[person_id])) for label, name, visible in PERSON_LINKS if visible(user)]


def navigation(request):
    links = [(label, reverse(name)) for label, name in PUBLIC_LINKS]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "public_links": links}
    entries = [(label, reverse(name)) for label, name, visible in NAVIGATION + TRAILING if visible(user)]
    # The current entry: the longest address this page's starts with (/skills/sessions/1/ is 考试发证, not every
    # /skills/ entry); failing that, the first entry of the same app (/skills/registrations/1/amend/).
    path = getattr(request, "path", "")
    urls = [url for _label, url in entries]
    current = max((u for u in urls if path.startswith(u)), key=len, default=None)
    if current is None:
        app = "/" + path.strip("/").split("/")[0] + "/"
        current = next((u for u in urls if app != "//" and u.startswith(app)), None)
    return {"nav": [(label, url, url == current) for label, url in entries], "public_links": links,
            "subnav": _section(user, path)}
