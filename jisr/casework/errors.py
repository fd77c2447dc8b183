"""Casework's refusals: each says why, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import AccessDenied, Conflict, InvalidInput


class WrongCaseStatus(Conflict):
    code = "wrong_case_status"
    message = _("The case is not at the step this action needs.")


class PlanNotApproved(Conflict):
    code = "plan_not_approved"
    message = _("Referrals follow an approved care plan: ask your supervisor to approve it first.")


class ConsentMissing(AccessDenied):
    code = "consent_missing"
    message = _(
        "There is no valid consent for this referral (none recorded, withdrawn, expired, or not "
        "for this organisation). Record the person's consent first; only a supervisor may "
        "override it, with a reason."
    )


class SameApprover(AccessDenied):
    code = "same_approver"
    message = _("A supervisor other than the one who asked must decide.")


class TransferNotAccepted(Conflict):
    code = "transfer_not_accepted"
    message = _("The case moves only when the receiving worker accepts the transfer.")


class BadAssessment(InvalidInput):
    code = "bad_assessment"
