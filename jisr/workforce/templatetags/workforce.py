"""`{% accreditation_banner %}`: the signed-in social worker's accreditation on the home page
(a warning when it is not current or ends within 60 days)."""

from __future__ import annotations

from typing import Any

from django import template

from jisr.workforce import selectors

register = template.Library()


@register.inclusion_tag("workforce/accreditation_banner.html", takes_context=True)
def accreditation_banner(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"shown": False}
    status = selectors.accreditation_status(user=user)
    # Users without a profile (not social workers) see nothing.
    return {"shown": status.code != "no_profile", "status": status}
