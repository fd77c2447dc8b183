"""Template context shared by every page: the navigation the user's role allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import (
    APPROVE_CHANGE,
    ASSIGN_CASE,
    AUDIT_CASE,
    CHANGE_HOUSEHOLD,
    HANDLE_REFERRAL,
    MANAGE_AGREEMENTS,
    REVIEW_DUPLICATES,
    SUBMIT_PARTNER_REPORT,
    VIEW_AUDIT,
    VIEW_CASE,
    VIEW_DIRECTORY,
    VIEW_ENROLMENT,
    VIEW_HOUSEHOLD,
    VIEW_PAYMENTS,
    VIEW_WORKFORCE,
    VIEW_WORKFORCE_INDICATORS,
)
from jisr.core import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append((reverse("home"), _("Home")))
        if access.can(user, VIEW_HOUSEHOLD):
            items.append((reverse("registry:household_list"), _("Households")))
        if access.can(user, VIEW_CASE) or access.can(user, AUDIT_CASE):
            items.append((reverse("casework:caseload"), _("Cases")))
        if access.can(user, HANDLE_REFERRAL):
            items.append((reverse("casework:referral_inbox"), _("Referrals")))
        if access.can(user, ASSIGN_CASE):
            items.append((reverse("casework:team"), _("Team")))
            items.append((reverse("casework:outreach"), _("Outreach")))
        if access.can(user, VIEW_ENROLMENT):
            items.append((reverse("programmes:overview"), _("Programmes")))
        if access.can(user, VIEW_PAYMENTS) and access.user_scope(user).national:
            items.append((reverse("payments:cycle_list"), _("Payments")))
        if access.can(user, VIEW_WORKFORCE):
            items.append((reverse("workforce:worker_list"), _("Social workers")))
        elif access.can(user, VIEW_WORKFORCE_INDICATORS):
            items.append((reverse("workforce:indicators"), _("Workforce indicators")))
        if access.can(user, CHANGE_HOUSEHOLD):
            items.append((reverse("registry:import_upload"), _("Import")))
        if access.can(user, APPROVE_CHANGE):
            items.append((reverse("registry:change_request_queue"), _("Change requests")))
        if access.can(user, REVIEW_DUPLICATES):
            items.append((reverse("registry:duplicate_queue"), _("Probable duplicates")))
        if access.can(user, VIEW_DIRECTORY):
            items.append((reverse("partners:directory"), _("Services directory")))
        if access.can(user, MANAGE_AGREEMENTS):
            items.append((reverse("partners:agreement_list"), _("Partnership agreements")))
        if access.can(user, SUBMIT_PARTNER_REPORT):
            items.append((reverse("partners:report_list"), _("Partner reports")))
        if access.can(user, VIEW_AUDIT):
            items.append((reverse("audit_log"), _("Audit trail")))
    return {"nav_items": items}
