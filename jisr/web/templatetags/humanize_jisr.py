"""Small display filters: grouped numbers, role labels."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from jisr.accounts.roles import Role

register = template.Library()


@register.filter
def grouped(value: int | float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, force_grouping=True)


@register.filter
def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value
