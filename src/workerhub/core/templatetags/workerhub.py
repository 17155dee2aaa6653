"""Template helpers shared by every app (loaded as a builtin)."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def cell(value):
    """Render a list/detail value: dates localised, empty as an em dash, dicts compactly."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return ";".join(f"{k}: {v}" for k, v in value.items()) or "—"
    return value


@register.simple_tag
def sort_link(column, sort, sort_query):
    """A column header that toggles ascending/descending sort."""
    if not column.sort:
        return column.label
    desc = sort == column.sort
    arrow = "▲" if sort == column.sort else ("▼" if sort == "-" + column.sort else "")
    target = ("-" if desc else "") + column.sort
    sep = "&" if sort_query else ""
    return format_html('<a href="?{}{}sort={}">{} {}</a>', sort_query, sep, target, column.label, arrow)


@register.filter
def money(value):
    """``182,000,000.00``: amounts in yuan with thousands separators, whatever the locale's grouping."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except ArithmeticError:
        return value


@register.filter
def thousands(value):
    """``26,000``: whole numbers with thousands separators."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
