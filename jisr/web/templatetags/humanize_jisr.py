"""Small display filters: grouped numbers, role labels."""

from __future__ import annotations

from django import template

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
