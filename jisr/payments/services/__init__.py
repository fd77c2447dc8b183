"""The payments' writes (with `selectors`, the app's public surface)."""

from jisr.payments.services.cycles import (
    PayrollSummary,
    cycle_close,
    cycle_create,
    payroll_approve,
    payroll_compute,
    payroll_hash,
)
from jisr.payments.services.export import ExportSummary, payments_export
from jisr.payments.services.mandates import mandate_set, overpayment_record
from jisr.payments.services.reconcile import ReconcileSummary, returns_reconcile
from jisr.payments.services.requests import (
    export_request,
    payroll_request,
    provider_file_open,
    reconcile_request,
)

__all__ = [
    "ExportSummary",
    "PayrollSummary",
    "ReconcileSummary",
    "cycle_close",
    "cycle_create",
    "export_request",
    "mandate_set",
    "overpayment_record",
    "payments_export",
    "payroll_approve",
    "payroll_compute",
    "payroll_hash",
    "payroll_request",
    "provider_file_open",
    "reconcile_request",
    "returns_reconcile",
]
