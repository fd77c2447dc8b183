"""Casework's template helpers: the cases block of the household page
(`{% household_cases household %}`) and the words for codes stored on a case (dimensions, levels,
timeline steps, closure outcomes, shared data, the benefits an assessment recorded)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import AUDIT_CASE, CHANGE_CASE, VIEW_CASE
from jisr.casework import selectors
from jisr.casework.forms import OUTCOME_LABELS, SHAREABLE_LABELS
from jisr.casework.models import DIMENSIONS, Level, OutreachKind, ReferralStatus, VisitKind
from jisr.core import access
from jisr.programmes.models import EnrolmentReason, EnrolmentStatus, Programme
from jisr.registry.choices import Sex

register = template.Library()

# The timeline's steps (the `kind` of CaseEvent, written by the services).
STEPS: dict[str, Any] = {
    "case_opened": _("case opened"),
    "assessed": _("assessment recorded"),
    "plan_submitted": _("care plan submitted"),
    "plan_approved": _("care plan approved"),
    "plan_sent_back": _("care plan sent back"),
    "consent_recorded": _("consent recorded"),
    "consent_withdrawn": _("consent withdrawn"),
    "referred": _("referred to a partner"),
    "referral_accepted": _("referral accepted by the partner"),
    "referral_rejected": _("referral rejected by the partner"),
    "referral_done": _("referral completed by the partner"),
    "referral_revoked": _("referral revoked"),
    "visited": _("follow-up recorded"),
    "note_written": _("confidential note written"),
    "transfer_proposed": _("transfer proposed"),
    "transfer_accepted": _("transfer accepted"),
    "transfer_declined": _("transfer declined"),
    "closure_requested": _("closure requested"),
    "closed": _("case closed"),
    "closure_refused": _("closure refused"),
    "reopened": _("case reopened"),
}
LABELS: dict[str, dict[str, Any]] = {
    "dimension": DIMENSIONS,
    "level": dict(Level.choices),
    "step": STEPS,
    "outcome": OUTCOME_LABELS,
    "shared": SHAREABLE_LABELS,
    "visit": dict(VisitKind.choices),
    "outreach": dict(OutreachKind.choices),
    "referral": dict(ReferralStatus.choices),
    "sex": dict(Sex.choices),
    # the household's benefits as an assessment recorded them (programmes' codes)
    "programme": dict(Programme.choices),
    "enrolment": dict(EnrolmentStatus.choices),
    "enrolment_reason": dict(EnrolmentReason.choices),
}


@register.filter
def label(code: Any, kind: str) -> Any:
    """`{{ code|label:"level" }}`: the words for a stored code (the code itself if unknown)."""
    return LABELS.get(kind, {}).get(str(code), code)


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`{{ mapping|lookup:key }}` (None when absent)."""
    try:
        return mapping.get(str(key)) if key is not None else None
    except AttributeError:
        return None


@register.inclusion_tag("casework/household_cases.html", takes_context=True)
def household_cases(context: dict[str, Any], household: Any) -> dict[str, Any]:
    user = context["request"].user
    sees = access.has_action(user, VIEW_CASE) or access.has_action(user, AUDIT_CASE)
    if not sees:
        return {"shown": False}
    return {
        "shown": True,
        "household": household,
        "cases": selectors.household_cases(user=user, household=household),
        "can_open": access.has_action(user, CHANGE_CASE) and household.status == "active",
    }
