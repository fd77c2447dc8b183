"""Reconciliation: a provider's return file matched line by line against the cycle's payroll.

A file is checked whole before anything is written: the provider's own checks (format, encoding,
control totals, checksum, duplicates, the order it answers), then the payroll's (every reference a
line of this provider's order, the amounts the ones sent, no line given two different outcomes). A
refused file changes nothing and says where and why. An accepted file is applied in one
transaction: the lines' final statuses; for each failed or unclaimed line an arrears adjustment
that the next payroll re-issues (once: a unique constraint); a mandate the provider reported
unusable (wrong, closed or blocked account or wallet) set aside so that the next payment goes in
cash; households whose payment went unclaimed UNCLAIMED_LIMIT months in a row suspended (a social
worker should visit). The same file sent again is recognised by its hash and changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jisr.accounts.roles import RECONCILE_PAYMENTS
from jisr.core import audit, bulk, faults
from jisr.core.audit import Actor
from jisr.core.jobs import Progress
from jisr.payments import _payroll, orders, providers
from jisr.payments.errors import ReturnRefused
from jisr.payments.models import CycleStatus, FileKind, PaymentCycle, ProviderFile
from jisr.payments.providers.base import problems_frame
from jisr.payments.providers.reasons import problem_text
from jisr.payments.services.cycles import locked, require_national
from jisr.payments.services.export import cycle_directory, order_header, provider_get
from jisr.programmes import services as programme_services
from jisr.rules import money

# Provider reasons that say the account or wallet itself is unusable. # source: ISO 20022
# ExternalStatusReason1Code (AC01 incorrect account number, AC04 closed, AC06 blocked, AC03
# invalid creditor account); the wallet network's own codes (docs/payment-files.md).
ACCOUNT_REASONS = ("AC01", "AC03", "AC04", "AC06", "WALLET_CLOSED", "WALLET_UNKNOWN")
# Months in a row a payment may go unclaimed before the household is suspended and flagged for a
# visit (a choice: the reference gives no rule; docs/payments.md).
UNCLAIMED_LIMIT = 3
SHOWN_PROBLEMS = 200


def _refuse(problems: pl.DataFrame, *, actor: Actor, cycle: PaymentCycle, name: str) -> None:
    rows = [
        {
            "line": row["line"],
            "reference": row["reference"],
            "field": row["field"],
            "code": row["code"],
            "message": problem_text(row["code"], row["detail"]),
        }
        for row in problems.head(SHOWN_PROBLEMS).iter_rows(named=True)
    ]
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="payments.return_refused",
            target=cycle,
            after={"file": name, "problems": problems.height, "first": rows[:5]},
        )
    raise ReturnRefused(
        ngettext(
            "The return file %(name)s was refused (%(count)d problem); nothing was changed.",
            "The return file %(name)s was refused (%(count)d problems); nothing was changed.",
            problems.height,
        )
        % {"name": name, "count": problems.height},
        problems=rows,
        count=problems.height,
    )


def _detect(data: bytes) -> str:
    return "bank_pain001" if data.lstrip()[:1] == b"<" else "cash_wallet_csv"


def _sent(cycle: PaymentCycle, provider: str) -> pl.DataFrame:
    return bulk.frame(
        f"SELECT l.id, l.reference, l.household_id, {_payroll.cents('l.amount')}, l.status "  # noqa: S608
        f"FROM payments_payrollline l WHERE l.cycle_id = {int(cycle.pk)} "
        f"AND l.provider = '{provider}' AND {orders.SENT}",
        {
            "id": pl.Int64(),
            "reference": pl.String(),
            "household": pl.Int64(),
            "sent": pl.Int64(),
            "status_was": pl.String(),
        },
    )


# A bank's answer to the whole order at once (GrpSts, no line of its own): final statuses only.
GROUP_STATUS = {"ACCC": "paid", "ACSC": "paid", "RJCT": "failed"}


def _outcomes(parsed: providers.ReturnFile, sent: pl.DataFrame) -> pl.DataFrame:
    status = GROUP_STATUS.get(parsed.group_status or "")
    if parsed.lines.height or status is None:
        return parsed.lines
    return sent.select(
        pl.lit(None, dtype=pl.Int64).alias("line"),
        "reference",
        pl.lit(status).alias("status"),
        pl.col("sent").alias("amount"),
        pl.lit(parsed.group_reason or "").alias("reason_code"),
        pl.lit("").alias("provider_txn_id"),
        pl.lit(None, dtype=pl.Date).alias("date"),
    )


def _check(outcomes: pl.DataFrame, sent: pl.DataFrame) -> pl.DataFrame:
    """Problems against the payroll: unknown references, amounts not the ones sent, lines given
    another outcome by an earlier file."""
    unknown = providers.unknown_references(outcomes, sent["reference"])
    joined = outcomes.join(sent, on="reference", how="inner")
    mismatch = joined.filter(pl.col("amount").is_not_null() & (pl.col("amount") != pl.col("sent")))
    conflict = joined.filter(
        pl.col("status_was").is_in(["paid", "failed", "unclaimed"])
        & (pl.col("status_was") != pl.col("status"))
    )
    return pl.concat(
        [
            unknown,
            problems_frame(
                mismatch.select(
                    "line",
                    "reference",
                    field=pl.lit("amount"),
                    code=pl.lit("amount_mismatch"),
                    detail=(pl.col("sent").cast(pl.Decimal(18, 0)) / 100).cast(pl.String),
                )
            ),
            problems_frame(
                conflict.select(
                    "line",
                    "reference",
                    field=pl.lit("status"),
                    code=pl.lit("already_final"),
                    detail=pl.col("status_was"),
                )
            ),
        ]
    ).sort("line", "reference")


class _Mismatch(Exception):
    """The file does not match the payroll (raised inside the transaction, reported outside)."""

    def __init__(self, problems: pl.DataFrame) -> None:
        super().__init__(f"{problems.height} problems")
        self.problems = problems


@dataclass(frozen=True)
class ReconcileSummary:
    cycle: int
    provider: str
    file: str
    sha256: str
    report: dict[str, Any]
    cycle_status: str
    already_applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, **self.report}


def returns_reconcile(
    *,
    actor: Actor,
    cycle_id: int,
    data: bytes,
    name: str,
    provider: str | None = None,
    progress: Progress | None = None,
) -> ReconcileSummary:
    """Check a return file whole, then apply it (see the module); refused files change nothing."""
    require_national(actor, RECONCILE_PAYMENTS)
    provider = provider or _detect(data)
    implementation = provider_get(provider)
    cycle = PaymentCycle.objects.get(pk=cycle_id)
    order = ProviderFile.objects.filter(cycle=cycle, provider=provider, kind=FileKind.ORDER).first()
    if order is None:
        _refuse(
            problems_frame([providers.Problem(0, None, "file", "no_order", provider)]),
            actor=actor,
            cycle=cycle,
            name=name,
        )
    sha = hashlib.sha256(data).hexdigest()
    if progress is not None:
        progress.stage(_("checking the return file"))
    try:
        parsed = implementation.read_return(data, expected=order_header(cycle, provider))
    except providers.ReturnRefused as error:
        _refuse(error.problems, actor=actor, cycle=cycle, name=name)
    try:
        return _apply(
            actor=actor, cycle_id=cycle_id, provider=provider, parsed=parsed, sha=sha,
            data=data, name=name, progress=progress,
        )  # fmt: skip
    except _Mismatch as mismatch:  # the transaction is rolled back; the refusal is then audited
        _refuse(mismatch.problems, actor=actor, cycle=cycle, name=name)
        raise  # unreachable: _refuse raises


@transaction.atomic(durable=True)
def _apply(
    *,
    actor: Actor,
    cycle_id: int,
    provider: str,
    parsed: providers.ReturnFile,
    sha: str,
    data: bytes,
    name: str,
    progress: Progress | None,
) -> ReconcileSummary:
    cycle = locked(cycle_id, CycleStatus.APPROVED, CycleStatus.EXPORTED, CycleStatus.RECONCILED)
    earlier = ProviderFile.objects.filter(
        cycle=cycle, provider=provider, kind=FileKind.RETURN, sha256=sha
    ).first()
    if earlier is not None:  # the same file again: nothing to do
        return ReconcileSummary(
            cycle.pk,
            provider,
            earlier.name,
            sha,
            earlier.report,
            cycle.status,
            already_applied=True,
        )
    sent = _sent(cycle, provider)
    outcomes = _outcomes(parsed, sent)
    problems = _check(outcomes, sent)
    if problems.height:
        raise _Mismatch(problems)
    if progress is not None:
        progress.stage(_("recording the outcomes"), total=outcomes.height)
    fresh = outcomes.join(sent, on="reference").filter(pl.col("status_was") == "payable")
    path = cycle_directory(cycle) / "returns" / f"{sha[:16]}-{name}"[:180]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record = ProviderFile.objects.create(
        cycle=cycle,
        provider=provider,
        kind=FileKind.RETURN,
        name=path.name,
        sha256=sha,
        size=len(data),
        line_count=outcomes.height,
        total_amount=money.from_centimes(int(outcomes["amount"].fill_null(0).sum())),
        created_by_id=audit.actor_id(actor),
        created_at=timezone.now(),
    )
    updated = _record_outcomes(fresh, record.pk)
    faults.point("reconcile.outcomes_written")
    arrears = _arrears(fresh)
    invalidated = _mandates_invalidate(fresh)
    suspended = _unclaimed_suspend(cycle, fresh, actor)
    outstanding = int(cycle.lines.filter(status="payable").count())
    report = {
        "lines_in_file": outcomes.height,
        "applied": updated,
        "already_reconciled": outcomes.height - fresh.height,
        "paid": int((fresh["status"] == "paid").sum()),
        "failed": int((fresh["status"] == "failed").sum()),
        "unclaimed": int((fresh["status"] == "unclaimed").sum()),
        "pending": parsed.pending.height,
        "outstanding": outstanding,
        "amount_paid": str(
            money.from_centimes(int(fresh.filter(pl.col("status") == "paid")["sent"].sum()))
        ),
        "arrears_created": arrears,
        "mandates_set_aside": invalidated,
        "households_suspended": suspended,
    }
    record.report = report
    record.save(update_fields=["report"])
    if not cycle.lines.filter(status="payable").exists():
        cycle.status, cycle.reconciled_at = CycleStatus.RECONCILED, timezone.now()
        cycle.save(update_fields=["status", "reconciled_at"])
    audit.record(
        actor=actor,
        action="payments.return_reconciled",
        target=cycle,
        after={"provider": provider, "file": path.name, "sha256": sha, **report},
    )
    faults.point("reconcile.before_commit")
    if progress is not None:
        progress.set(outcomes.height)
    return ReconcileSummary(cycle.pk, provider, path.name, sha, report, cycle.status)


def _record_outcomes(fresh: pl.DataFrame, file_id: int) -> int:
    rows = fresh.select(
        "reference",
        "status",
        pl.col("reason_code").fill_null("").alias("reason"),
        pl.col("provider_txn_id").fill_null("").alias("provider_reference"),
        pl.col("date").alias("settled_on"),
    )
    with bulk.staged("jisr_return_outcomes", rows) as stage:
        updated = bulk.execute(
            f"UPDATE payments_payrollline SET status = s.status, reason = s.reason, "  # noqa: S608
            "provider_reference = s.provider_reference, settled_on = s.settled_on, "
            f"return_file_id = {int(file_id)} FROM {stage} s "
            "WHERE payments_payrollline.reference = s.reference "
            "AND payments_payrollline.status = 'payable'"
        )
    if updated != rows.height:  # another reconciliation got there first: start again
        raise ReturnRefused(_("The lines changed while the file was applied; send it again."))
    return updated


def _arrears(fresh: pl.DataFrame) -> int:
    lost = fresh.filter(pl.col("status").is_in(["failed", "unclaimed"])).select(
        pl.col("household").alias("household_id"),
        pl.col("id").alias("source_line_id"),
        money.mad_column(pl.col("sent")).alias("amount"),
        pl.concat_str(pl.col("status"), pl.lit(" "), pl.col("reason_code").fill_null(""))
        .str.strip_chars()
        .alias("reason"),
        pl.lit(bulk.timestamp(timezone.now())).alias("created_at"),
    )
    if not lost.height:
        return 0
    created = "CAST(s.created_at AS timestamptz)" if bulk.postgres() else "s.created_at"
    with bulk.staged("jisr_return_arrears", lost) as stage:
        return bulk.execute(
            "INSERT INTO payments_adjustment (household_id, programme, kind, amount, reason, "  # noqa: S608
            "source_line_id, created_at) SELECT s.household_id, l.programme, 'arrears', "
            f"s.amount, s.reason, s.source_line_id, {created} FROM {stage} s "
            "JOIN payments_payrollline l ON l.id = s.source_line_id"
        )


def _mandates_invalidate(fresh: pl.DataFrame) -> int:
    bad = fresh.filter(
        (pl.col("status") == "failed") & pl.col("reason_code").is_in(ACCOUNT_REASONS)
    )
    if not bad.height:
        return 0
    with bulk.staged("jisr_return_bad_accounts", bad.select("id", "reason_code")) as stage:
        return bulk.execute(
            "UPDATE payments_paymentmandate SET invalid_reason = ("  # noqa: S608
            f"SELECT MIN(s.reason_code) FROM {stage} s JOIN payments_payrollline l ON l.id = s.id "
            "WHERE l.beneficiary_id = payments_paymentmandate.person_id) "
            "WHERE active AND invalid_reason = '' AND person_id IN ("
            f"SELECT l.beneficiary_id FROM {stage} s JOIN payments_payrollline l ON l.id = s.id)"
        )


def _unclaimed_suspend(cycle: PaymentCycle, fresh: pl.DataFrame, actor: Actor) -> int:
    """Households whose last UNCLAIMED_LIMIT payments (this one included) all went unclaimed."""
    households = fresh.filter(pl.col("status") == "unclaimed")["household"].to_list()
    if not households:
        return 0
    marks = ", ".join(["%s"] * len(households))
    recent = bulk.rows(
        "SELECT household_id, status FROM payments_payrollline "  # noqa: S608
        f"WHERE programme = %s AND month <= %s AND household_id IN ({marks}) "
        "AND status IN ('paid', 'failed', 'unclaimed') ORDER BY household_id, month DESC",
        [cycle.programme, cycle.month, *households],
    )
    streaks: dict[int, list[str]] = {}
    for household, status in recent:
        streaks.setdefault(household, []).append(status)
    flagged = [
        h
        for h, statuses in streaks.items()
        if len(statuses) >= UNCLAIMED_LIMIT
        and all(s == "unclaimed" for s in statuses[:UNCLAIMED_LIMIT])
    ]
    return programme_services.enrolments_suspend_unclaimed(
        household_ids=flagged, programme=cycle.programme, month=cycle.month, actor=actor
    )
