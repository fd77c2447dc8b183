"""Casework's writes (with `selectors`, the app's public surface)."""

from jisr.casework.services.cases import (
    assessment_record,
    case_open,
    case_reopen,
    closure_decide,
    closure_request,
    note_add,
    plan_decide,
    plan_submit,
    transfer_answer,
    transfer_propose,
    visit_record,
)
from jisr.casework.services.outreach import (
    outreach_assign,
    outreach_build,
    outreach_dismiss,
    outreach_request,
)
from jisr.casework.services.referrals import (
    consent_record,
    consent_withdraw,
    referral_answer,
    referral_complete,
    referral_revoke,
    referral_send,
)

__all__ = [
    "assessment_record",
    "case_open",
    "case_reopen",
    "closure_decide",
    "closure_request",
    "consent_record",
    "consent_withdraw",
    "note_add",
    "outreach_assign",
    "outreach_build",
    "outreach_dismiss",
    "outreach_request",
    "plan_decide",
    "plan_submit",
    "referral_answer",
    "referral_complete",
    "referral_revoke",
    "referral_send",
    "transfer_answer",
    "transfer_propose",
    "visit_record",
]
