"""The payments' domain errors (each with a code for machines and a translated message)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import AccessDenied, Conflict, InvalidInput


class WrongCycleStatus(Conflict):
    code = "wrong_cycle_status"
    message = _("The cycle is not at the step this action needs.")


class SameApprover(AccessDenied):
    code = "same_approver"
    message = _(
        "The payroll must be approved by a payment officer other than the one who computed it."
    )


class PayrollChanged(Conflict):
    code = "payroll_changed"
    message = _(
        "The payroll no longer matches the one approved (its hash differs): nothing was exported."
    )


class ReturnRefused(InvalidInput):
    """A provider's return file that cannot be reconciled; `details["problems"]` says where."""

    code = "return_refused"
    message = _("The return file was refused; nothing was changed.")
