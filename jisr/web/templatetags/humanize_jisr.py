"""Small display filters: grouped numbers, role labels, the list separator."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_bidi

from jisr.accounts.roles import Role

register = template.Library()


@register.filter
def grouped(value: int | None) -> str:
    """Thousands separated by a narrow no-break space (reads well in Arabic, French, English)."""
    if value is None:
        return "—"
    return f"{value:,}".replace(",", "\u202f")


@register.filter
def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


@register.simple_tag
def list_separator() -> str:
    """Between a list's items: the Arabic comma in a right-to-left language, a comma otherwise."""
    return "\u060c " if get_language_bidi() else ", "
