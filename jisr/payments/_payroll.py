"""A cycle's payroll: fetch (decisions, enrolments, mandates, pending adjustments, overpayments) →
compute the lines on whole columns (`lines_compute`, pure) → persist (lines and adjustments, staged,
set-based), all inside the caller's transaction: killed at any point, nothing is left half-written,
and run again on the same data it writes the same payroll.

Amounts are Int64 centimes in the frames, `numeric(12, 2)` in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl

from jisr.core import bulk, faults
from jisr.rules import money

# Which provider pays each method (docs/payments.md).
PROVIDERS = {"bank": "bank_pain001", "wallet": "cash_wallet_csv", "cash": "cash_wallet_csv"}
# Recoveries of an overpayment take at most this share of a month's amount (a choice: the
# reference gives no rule; the CNSS practice for family allowances is of this order).
RECOVERY_MAX_SHARE = (1, 4)


@dataclass(frozen=True)
class Inputs:
    decisions: pl.DataFrame  # household, base (centimes)
    enrolments: pl.DataFrame  # household, status, reason, start_month, beneficiary
    beneficiaries: pl.DataFrame  # person, name, cnie
    mandates: pl.DataFrame  # person, method, rib, phone
    households: pl.DataFrame  # household, region_code
    pending: pl.DataFrame  # adjustment id, household, amount (arrears waiting for a payroll)
    withheld: pl.DataFrame  # line id, household, month, base: earlier months withheld
    overpayments: pl.DataFrame  # overpayment id, household, remaining (centimes)


def _frame(sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return bulk.frame(sql, schema)


def cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def fetch(cycle_id: int, programme: str, month: str) -> Inputs:
    """The payroll's inputs, read in the caller's transaction. `programme` and `month` are
    validated by the caller (a choice and YYYY-MM): they are written into the SQL as literals so
    that PostgreSQL can stream each query with COPY."""
    p, m = f"'{programme}'", f"'{month}'"
    i64, s = pl.Int64(), pl.String()
    decisions = _frame(
        f"SELECT household_id, {cents('amount')} FROM programmes_eligibilitydecision "  # noqa: S608
        f"WHERE programme = {p} AND month = {m} AND eligible AND amount > 0",
        {"household": i64, "base": i64},
    )
    enrolments = _frame(
        "SELECT household_id, status, reason, start_month, beneficiary_id "  # noqa: S608
        f"FROM programmes_enrolment WHERE programme = {p}",
        {"household": i64, "status": s, "reason": s, "start_month": s, "beneficiary": i64},
    )
    beneficiaries = _frame(
        "SELECT p.id, p.first_name_lat || ' ' || p.last_name_lat, COALESCE(p.cnie, '') "  # noqa: S608
        "FROM registry_person p WHERE p.id IN "
        f"(SELECT beneficiary_id FROM programmes_enrolment WHERE programme = {p})",
        {"person": i64, "name": s, "cnie": s},
    )
    mandates = _frame(
        "SELECT person_id, method, rib, phone FROM payments_paymentmandate "
        "WHERE active AND invalid_reason = ''",
        {"person": i64, "method": s, "rib": s, "phone": s},
    )
    households = _frame(
        "SELECT id, region_id FROM registry_household WHERE id IN "  # noqa: S608
        f"(SELECT household_id FROM programmes_eligibilitydecision WHERE programme = {p} "
        f"AND month = {m})",
        {"household": i64, "region_code": s},
    )
    pending = _frame(
        f"SELECT id, household_id, {cents('amount')} FROM payments_adjustment "  # noqa: S608
        f"WHERE programme = {p} AND cycle_id IS NULL AND kind = 'arrears'",
        {"adjustment": i64, "household": i64, "amount": i64},
    )
    withheld = _frame(
        f"SELECT l.id, l.household_id, l.month, {cents('l.base_amount')} "  # noqa: S608
        "FROM payments_payrollline l "
        f"WHERE l.programme = {p} AND l.status = 'withheld' AND l.month < {m} "
        "AND NOT EXISTS (SELECT 1 FROM payments_adjustment a WHERE a.source_line_id = l.id "
        "AND a.kind = 'arrears')",
        {"source_line": i64, "household": i64, "month": s, "base": i64},
    )
    overpayments = _frame(
        f"SELECT o.id, o.household_id, {cents('o.amount')} + COALESCE(SUM("  # noqa: S608
        f"{cents('a.amount')}), 0) FROM payments_overpayment o "
        "LEFT JOIN payments_adjustment a ON a.overpayment_id = o.id "
        f"WHERE o.programme = {p} AND (a.cycle_id IS NULL OR a.cycle_id <> {int(cycle_id)}) "
        "GROUP BY o.id, o.household_id",
        {"overpayment": i64, "household": i64, "remaining": i64},
    )
    return Inputs(
        decisions,
        enrolments,
        beneficiaries,
        mandates,
        households,
        pending,
        withheld,
        overpayments,
    )


def pickup_codes(references: pl.Series, key: bytes) -> pl.Series:
    """A 10-digit code per reference, keyed with the deployment's secret: stable across reruns
    (the same payroll gives the same files), not guessable from the reference."""
    codes = [
        str(
            int.from_bytes(hashlib.blake2b(r.encode(), key=key[:64], digest_size=8).digest())
            % 10**10
        ).zfill(10)
        for r in references
    ]
    return pl.Series("pickup_code", codes, dtype=pl.String)


@dataclass(frozen=True)
class Computed:
    lines: pl.DataFrame
    adjustments: (
        pl.DataFrame
    )  # new: kind, household, reference, amount, reason, source_line, overpayment
    attached: pl.DataFrame  # pending arrears taken up: adjustment, reference


def reference(programme: str, month: str) -> pl.Expr:
    prefix = f"{programme.upper().replace('_', '')}{month.replace('-', '')}-"
    return pl.lit(prefix) + pl.col("household").cast(pl.String).str.zfill(10)


def lines_compute(inputs: Inputs, programme: str, month: str, key: bytes) -> Computed:
    """One line per household with an eligible decision and an enrolment; payable when the
    enrolment is active, withheld (amount 0, a suspension adjustment) when it is suspended."""
    lines = (
        inputs.decisions.join(inputs.enrolments, on="household", how="inner")
        .filter(pl.col("status") != "ended")
        .join(inputs.households, on="household", how="left")
        .join(inputs.beneficiaries, left_on="beneficiary", right_on="person", how="left")
        .join(inputs.mandates, left_on="beneficiary", right_on="person", how="left")
        .with_columns(reference=reference(programme, month))
        .sort("reference")
    )
    active = pl.col("status") == "active"
    # Nobody to pay in cash without a CNIE to show at the agency: withheld.
    cash_without_card = pl.col("method").is_null() & (pl.col("cnie").fill_null("") == "")
    payable = active & ~cash_without_card
    lines = lines.with_columns(
        status=pl.when(payable).then(pl.lit("payable")).otherwise(pl.lit("withheld")),
        reason=pl.when(payable)
        .then(pl.lit(""))
        .when(active)
        .then(pl.lit("no_payment_means"))
        .otherwise(pl.col("reason")),
        method=pl.when(payable).then(pl.col("method").fill_null("cash")).otherwise(pl.lit("")),
    ).with_columns(
        provider=pl.col("method").replace_strict(PROVIDERS, default=""),
        rib=pl.when(pl.col("method") == "bank").then("rib").otherwise(pl.lit("")),
        phone=pl.when(pl.col("method") == "wallet").then("phone").otherwise(pl.lit("")),
    )
    cash = lines["method"] == "cash"
    codes = (
        pl.repeat("", lines.height, dtype=pl.String, eager=True)
        .alias("pickup_code")
        .scatter(cash.arg_true(), pickup_codes(lines.filter(cash)["reference"], key))
    )  # hashed for the cash lines only: a third of the country, a third of the time
    lines = lines.with_columns(codes)
    payable_lines = lines.filter(pl.col("status") == "payable").select(
        "household", "reference", "base", "start_month"
    )
    withheld_lines = lines.filter(pl.col("status") == "withheld")

    # pending arrears (failed or unclaimed lines re-issued) go to the household's payable line
    attached = inputs.pending.join(payable_lines, on="household").select(
        "adjustment", "reference", "amount", "household"
    )
    # months withheld during a suspension now lifted (within the current enrolment), once each
    released = (
        inputs.withheld.join(payable_lines, on="household")
        .filter(pl.col("month") >= pl.col("start_month"))
        .select(
            pl.lit("arrears").alias("kind"),
            "household",
            "reference",
            pl.col("base").alias("amount"),  # the withheld month's amount (left side)
            pl.concat_str(pl.lit("withheld "), pl.col("month")).alias("reason"),
            "source_line",
            pl.lit(None, dtype=pl.Int64).alias("overpayment"),
        )
    )
    suspensions = withheld_lines.select(
        pl.lit("suspension").alias("kind"),
        "household",
        "reference",
        (-pl.col("base")).alias("amount"),
        pl.col("reason"),
        pl.lit(None, dtype=pl.Int64).alias("source_line"),
        pl.lit(None, dtype=pl.Int64).alias("overpayment"),
    )
    credit = (
        pl.concat([attached.select("household", "amount"), released.select("household", "amount")])
        .group_by("household")
        .agg(pl.col("amount").sum().alias("credit"))
    )
    recoveries = _recoveries(inputs.overpayments, payable_lines, credit)
    adjustments = pl.concat([released, suspensions, recoveries], how="vertical_relaxed")
    totals = (
        pl.concat(
            [attached.select("reference", "amount"), adjustments.select("reference", "amount")]
        )
        .group_by("reference")
        .agg(pl.col("amount").sum().alias("adjustments"))
    )
    lines = (
        lines.join(totals, on="reference", how="left")
        .with_columns(adjustments=pl.col("adjustments").fill_null(0))
        .with_columns(amount=pl.col("base") + pl.col("adjustments"))
        .select(
            "household",
            "reference",
            "beneficiary",
            pl.col("name").fill_null("").alias("beneficiary_name"),
            pl.col("cnie").fill_null("").alias("beneficiary_cnie"),
            pl.col("region_code").fill_null(""),
            "base",
            "adjustments",
            "amount",
            "method",
            "provider",
            pl.col("rib").fill_null(""),
            pl.col("phone").fill_null(""),
            "pickup_code",
            "status",
            pl.col("reason").fill_null(""),
        )
        .sort("reference")
    )
    return Computed(
        lines, adjustments.sort("reference", "kind", "source_line", "overpayment"), attached
    )


def _recoveries(
    overpayments: pl.DataFrame, payable: pl.DataFrame, credit: pl.DataFrame
) -> pl.DataFrame:
    """At most RECOVERY_MAX_SHARE of the month's amount (plus its arrears), oldest overpayment
    first, never more than what remains."""
    numerator, denominator = RECOVERY_MAX_SHARE
    room = (
        payable.join(credit, on="household", how="left")
        .with_columns(
            room=((pl.col("base") + pl.col("credit").fill_null(0)) * numerator) // denominator
        )
        .select("household", "reference", "room")
    )
    owed = (
        overpayments.filter(pl.col("remaining") > 0)
        .join(room, on="household")
        .sort("household", "overpayment")
        .with_columns(before=pl.col("remaining").cum_sum().over("household") - pl.col("remaining"))
        .with_columns(
            take=pl.min_horizontal(
                pl.col("remaining"), (pl.col("room") - pl.col("before")).clip(lower_bound=0)
            )
        )
        .filter(pl.col("take") > 0)
    )
    return owed.select(
        pl.lit("recovery").alias("kind"),
        "household",
        "reference",
        (-pl.col("take")).alias("amount"),
        pl.lit("overpayment").alias("reason"),
        pl.lit(None, dtype=pl.Int64).alias("source_line"),
        pl.col("overpayment"),
    )


def _money(column: str) -> pl.Expr:
    return money.mad_column(pl.col(column)).alias(column)


def persist(
    computed: Computed, *, cycle_id: int, programme: str, month: str, now: dt.datetime
) -> int:
    """Write the lines, then the new adjustments and the pending arrears taken up, linked to the
    lines by reference. Returns the number of lines."""
    lines = computed.lines.with_columns(
        _money("base").alias("base_amount"),
        _money("adjustments").alias("adjustments_amount"),
        _money("amount"),
    ).select(
        pl.lit(cycle_id).alias("cycle_id"),
        pl.col("household").alias("household_id"),
        pl.lit(programme).alias("programme"),
        pl.lit(month).alias("month"),
        "reference",
        pl.col("beneficiary").alias("beneficiary_id"),
        "beneficiary_name",
        "beneficiary_cnie",
        "region_code",
        "base_amount",
        "adjustments_amount",
        "amount",
        "method",
        "provider",
        "rib",
        "phone",
        "pickup_code",
        "status",
        "reason",
    )
    # Straight into the table, in reference order (the lines' ids follow it): a staging table
    # would write and sort the 4 M national lines once more before the same INSERT.
    written = bulk.insert(
        "payments_payrollline", lines.with_columns(pl.lit("").alias("provider_reference"))
    )
    faults.point("payroll.staged")
    faults.point("payroll.lines_written")
    adjustments = computed.adjustments.with_columns(_money("amount")).select(
        pl.col("household").alias("household_id"),
        pl.lit(programme).alias("programme"),
        "kind",
        "amount",
        "reason",
        pl.col("source_line").alias("source_line_id"),
        pl.col("overpayment").alias("overpayment_id"),
        "reference",
        pl.lit(bulk.timestamp(now)).alias("created_at"),
    )
    created = "CAST(s.created_at AS timestamptz)" if bulk.postgres() else "s.created_at"
    with bulk.staged("jisr_payroll_adjustments", adjustments) as stage:
        bulk.execute(
            "INSERT INTO payments_adjustment (household_id, programme, kind, amount, reason, "  # noqa: S608
            "source_line_id, overpayment_id, cycle_id, line_id, created_at) "
            "SELECT s.household_id, s.programme, s.kind, s.amount, s.reason, s.source_line_id, "
            f"s.overpayment_id, {int(cycle_id)}, l.id, {created} FROM {stage} s "
            "JOIN payments_payrollline l ON l.reference = s.reference"
        )
    faults.point("payroll.adjustments_written")
    with bulk.staged(
        "jisr_payroll_attached", computed.attached.select("adjustment", "reference")
    ) as stage:
        # A join, not a subquery per adjustment: the staging table has no index, and scanning it
        # once per row took 17 s for 23,530 pending arrears.
        bulk.execute(
            f"UPDATE payments_adjustment SET cycle_id = {int(cycle_id)}, line_id = l.id "  # noqa: S608
            f"FROM {stage} s LEFT JOIN payments_payrollline l ON l.reference = s.reference "
            "WHERE s.adjustment = payments_adjustment.id"
        )
    return written
