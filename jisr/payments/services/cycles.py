"""Payment cycles: created per programme and month, payroll computed, approved by a second payment
officer (which freezes the payroll: its hash is recorded), then exported, reconciled and closed
(`export`, `reconcile`). Each step is a named service with its own permission; all are national
(a cycle pays the whole country)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import APPROVE_PAYROLL, COMPUTE_PAYROLL, RECONCILE_PAYMENTS
from jisr.core import access, audit, bulk, faults
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.core.jobs import Progress
from jisr.payments import _payroll, orders
from jisr.payments.errors import SameApprover, WrongCycleStatus
from jisr.payments.models import FINAL_STATUSES, CycleStatus, PaymentCycle
from jisr.programmes.models import Programme
from jisr.rules import money

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Programmes that pay households (AMO Tadamon's contributions are paid by the State to the insurer).
PAYING = (Programme.ASD,)


def require_national(user: Actor, permission: str) -> None:
    """Cycle actions reach the whole country: the permission and a national scope. `None` is the
    system: the `jisr payments` command run by an operator on the server, or a job it queued."""
    if user is not None:
        access.require_national(user, permission)


def locked(cycle_id: int, *expected: CycleStatus) -> PaymentCycle:
    cycle = PaymentCycle.objects.select_for_update().filter(pk=cycle_id).first()
    if cycle is None:
        raise InvalidInput(_("No payment cycle %s.") % cycle_id, cycle=cycle_id)
    if expected and cycle.status not in expected:
        raise WrongCycleStatus(
            _("The cycle is %(status)s; this needs it to be %(expected)s.")
            % {
                "status": cycle.get_status_display(),
                "expected": " / ".join(str(CycleStatus(s).label) for s in expected),
            },
            status=cycle.status,
        )
    return cycle


@transaction.atomic(durable=True)
def cycle_create(*, actor: Actor, programme: str, month: str) -> PaymentCycle:
    require_national(actor, COMPUTE_PAYROLL)
    if programme not in PAYING:
        raise InvalidInput(_("Only ASD is paid to households by Jisr."), field="programme")
    if not MONTH.match(month):
        raise InvalidInput(_("Not a month (YYYY-MM): %s") % month, field="month")
    try:
        with transaction.atomic():
            cycle = PaymentCycle.objects.create(
                programme=programme, month=month, created_by_id=audit.actor_id(actor)
            )
    except IntegrityError:
        raise WrongCycleStatus(
            _("There is already a %(programme)s cycle for %(month)s.")
            % {"programme": programme, "month": month}
        ) from None
    audit.record(
        actor=actor,
        action="payments.cycle_created",
        target=cycle,
        after={"programme": programme, "month": month},
    )
    return cycle


@dataclass(frozen=True)
class PayrollSummary:
    cycle: int
    lines: int
    payable: int
    withheld: int
    total: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _clear(cycle: PaymentCycle) -> None:
    """Undo a computed payroll (before approval): its lines and the adjustments it made go, the
    pending arrears it took up wait again."""
    bulk.execute(
        "UPDATE payments_adjustment SET cycle_id = NULL, line_id = NULL "
        "WHERE cycle_id = %s AND kind = 'arrears' AND source_line_id IN "
        "(SELECT id FROM payments_payrollline WHERE status IN ('failed', 'unclaimed'))",
        [cycle.pk],
    )
    bulk.execute("DELETE FROM payments_adjustment WHERE cycle_id = %s", [cycle.pk])
    bulk.execute("DELETE FROM payments_payrollline WHERE cycle_id = %s", [cycle.pk])


@transaction.atomic(durable=True)
def payroll_compute(
    *, actor: Actor, cycle_id: int, progress: Progress | None = None
) -> PayrollSummary:
    """Compute (or recompute, until approved) the cycle's payroll from the month's decisions and
    enrolments, the beneficiaries' mandates and the pending adjustments. One transaction: a
    crash leaves the cycle as it was, a rerun writes the same payroll."""
    require_national(actor, COMPUTE_PAYROLL)
    cycle = locked(cycle_id, CycleStatus.DRAFT, CycleStatus.COMPUTED)
    if progress is not None:
        progress.stage(_("reading decisions and enrolments"))
    _clear(cycle)
    faults.point("payroll.cleared")
    inputs = _payroll.fetch(cycle.pk, cycle.programme, cycle.month)
    if progress is not None:
        progress.stage(_("computing the payroll"), total=inputs.decisions.height)
    key = hashlib.sha256(f"pickup:{settings.SECRET_KEY}".encode()).digest()
    computed = _payroll.lines_compute(inputs, cycle.programme, cycle.month, key)
    faults.point("payroll.computed")
    if progress is not None:
        progress.stage(_("writing the payroll"), total=computed.lines.height)
    now = timezone.now()
    written = _payroll.persist(
        computed, cycle_id=cycle.pk, programme=cycle.programme, month=cycle.month, now=now
    )
    lines = computed.lines
    payable = lines.filter(pl.col("status") == "payable")
    cycle.status, cycle.computed_by_id, cycle.computed_at = (
        CycleStatus.COMPUTED,
        audit.actor_id(actor),
        now,
    )
    cycle.line_count = written
    cycle.total_amount = money.from_centimes(int(payable["amount"].sum()))
    cycle.save()
    summary = PayrollSummary(
        cycle=cycle.pk,
        lines=written,
        payable=payable.height,
        withheld=lines.height - payable.height,
        total=str(cycle.total_amount),
    )
    audit.record(
        actor=actor, action="payments.payroll_computed", target=cycle, after=summary.as_dict()
    )
    faults.point("payroll.before_commit")
    if progress is not None:
        progress.set(written)
    return summary


def payroll_hash(cycle_id: int) -> str:
    """SHA-256 of the payroll's canonical form: every line's reference, household, payee, method,
    account and amount in reference order. The same payroll always gives the same hash."""
    frame = bulk.frame(
        "SELECT reference, household_id, COALESCE(beneficiary_id, 0), method, provider, rib, "  # noqa: S608
        f"phone, pickup_code, {_payroll.cents('amount')}, "
        "CASE WHEN status = 'withheld' THEN 'withheld' ELSE 'payable' END "
        f"FROM payments_payrollline WHERE cycle_id = {int(cycle_id)} ORDER BY reference",
        {
            name: pl.String()
            for name in (
                "reference",
                "household",
                "beneficiary",
                "method",
                "provider",
                "rib",
                "phone",
                "pickup",
                "amount",
                "status",
            )
        },
    )
    return hashlib.sha256(frame.write_csv().encode()).hexdigest()


@transaction.atomic(durable=True)
def payroll_approve(*, actor: Actor, cycle_id: int) -> PaymentCycle:
    """Approve a computed payroll: by a payment officer other than its maker; freezes it."""
    if actor is None:  # the checker is always a person
        raise AccessDenied(_("A payroll is approved by a named payment officer."))
    require_national(actor, APPROVE_PAYROLL)
    cycle = locked(cycle_id, CycleStatus.COMPUTED)
    if cycle.computed_by_id == audit.actor_id(actor):
        raise SameApprover()
    cycle.payroll_hash = payroll_hash(cycle.pk)
    cycle.order_digests = orders.order_digests(cycle.pk)
    cycle.status, cycle.approved_by_id, cycle.approved_at = (
        CycleStatus.APPROVED,
        audit.actor_id(actor),
        timezone.now(),
    )
    cycle.save()
    audit.record(
        actor=actor,
        action="payments.payroll_approved",
        target=cycle,
        after={
            "hash": cycle.payroll_hash,
            "lines": cycle.line_count,
            "total": str(cycle.total_amount),
        },
    )
    return cycle


@transaction.atomic(durable=True)
def cycle_close(*, actor: Actor, cycle_id: int) -> PaymentCycle:
    """Close a reconciled cycle: only when every line has a final status."""
    require_national(actor, RECONCILE_PAYMENTS)
    cycle = locked(cycle_id, CycleStatus.RECONCILED, CycleStatus.EXPORTED)
    open_lines = cycle.lines.exclude(status__in=FINAL_STATUSES).count()
    if open_lines:
        raise WrongCycleStatus(
            _("%s line(s) have no final status yet (paid, failed, unclaimed or withheld).")
            % open_lines,
            open_lines=open_lines,
        )
    cycle.status, cycle.closed_by_id, cycle.closed_at = (
        CycleStatus.CLOSED,
        audit.actor_id(actor),
        timezone.now(),
    )
    cycle.save()
    audit.record(actor=actor, action="payments.cycle_closed", target=cycle)
    return cycle
