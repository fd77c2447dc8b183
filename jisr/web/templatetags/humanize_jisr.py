"""Small display filters: grouped numbers, amounts of money, role labels, the list separator."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import get_format
from django.utils.translation import get_language, get_language_bidi

from jisr.accounts.roles import Role

register = template.Library()


@register.filter
def grouped(value: int | None) -> str:
    """Thousands separated by a narrow no-break space (reads well in Arabic, French, English)."""
    if value is None:
        return "—"
    return f"{value:,}".replace(",", "\u202f")


@register.filter
def figure(value: object) -> object:
    """A job's figure: a whole number grouped as `grouped` groups it, anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return grouped(value)
    return value


@register.filter
def money(value: Decimal | int | str | None) -> str:
    """An amount in MAD with its two decimals: thousands grouped as `grouped` groups them, the
    language's decimal separator (a comma in Arabic and French, a point in English). Shown as it
    is: never rounded beyond the centime, since the registry and the payroll hold centimes."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    centimes = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if centimes < 0 else ""
    units, _, cents = f"{abs(centimes):.2f}".partition(".")
    return f"{sign}{grouped(int(units))}{get_format('DECIMAL_SEPARATOR')}{cents}"


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


@register.simple_tag
def colon() -> str:
    """Between a label and its value: French puts a no-break space before the colon."""
    return "\u00a0: " if (get_language() or "").startswith("fr") else ": "
