"""The payments' writes (HackSoft style: the app's public surface with `selectors`)."""

from jisr.payments.services.cycles import (
    PayrollSummary,
    cycle_close,
    cycle_create,
    payroll_approve,
    payroll_compute,
    payroll_hash,
)

__all__ = [
    "PayrollSummary",
    "cycle_close",
    "cycle_create",
    "payroll_approve",
    "payroll_compute",
    "payroll_hash",
]
