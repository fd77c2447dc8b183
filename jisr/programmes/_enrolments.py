"""Enrolments kept in step with a month's decisions: fetch the enrolments and heads of household,
compute the new states on whole columns (`transitions`, pure), write back the rows that changed.

The rules, in the order they apply to a (household, programme) pair:
- no enrolment yet: enrolled from the month if eligible (else nothing);
- an enrolment already brought up to a later month: unchanged (recomputing an old month never
  rewinds a status);
- suspended for an investigation (`MANUAL_REASONS`): only a person lifts it; the month and the
  beneficiary still follow;
- ended: stays ended while ineligible; eligible again means enrolled again from the month;
- otherwise: active when eligible, suspended with the reason when not; for cash programmes also
  suspended while the household has no living head to pay (the payee, anss.gov.ma: "the husband,
  custodian, kafil or guardian").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from jisr.core import bulk
from jisr.core.snapshot import query_frame
from jisr.programmes.models import MANUAL_REASONS, EnrolmentReason, EnrolmentStatus, Programme
from jisr.registry.snapshot import restricted

TABLE = "programmes_enrolment"
# Programmes that pay a person: without a living head there is nobody to pay.
CASH = (Programme.ASD,)
STATE = ("status", "reason", "start_month", "status_since", "last_month", "beneficiary")
EXISTING_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "household": pl.Int64(),
    "programme": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "start_month": pl.String(),
    "status_since": pl.String(),
    "last_month": pl.String(),
    "beneficiary": pl.Int64(),
}
HEADS_SCHEMA: dict[str, pl.DataType] = {
    "household": pl.Int64(),
    "head": pl.Int64(),
    "head_death": pl.Date(),
}


def transitions(existing: pl.DataFrame, decided: pl.DataFrame, month: str) -> pl.DataFrame:
    """The enrolments to write after `month`'s decisions: new ones (`id` null) and changed ones.

    `decided`: household, programme, eligible, beneficiary (person id or null), payable (a
    living head to pay). `existing`: the enrolments of those households (EXISTING_SCHEMA).
    """
    active, suspended, ended = (str(s) for s in EnrolmentStatus)
    manual = [str(r) for r in MANUAL_REASONS]
    cash = pl.col("programme").is_in([str(p) for p in CASH])
    computed_status = (
        pl.when(pl.col("eligible") & (pl.col("payable") | ~cash))
        .then(pl.lit(active))
        .otherwise(pl.lit(suspended))
    )
    computed_reason = (
        pl.when(~pl.col("eligible"))
        .then(pl.lit(str(EnrolmentReason.INELIGIBLE)))
        .when(cash & pl.col("beneficiary").is_null())
        .then(pl.lit(str(EnrolmentReason.NO_BENEFICIARY)))
        .when(cash & ~pl.col("payable"))
        .then(pl.lit(str(EnrolmentReason.BENEFICIARY_DECEASED)))
        .otherwise(pl.lit(""))
    )
    was = existing.rename({name: f"{name}_was" for name in STATE})
    joined = decided.join(was, on=["household", "programme"], how="left").with_columns(
        computed_status.alias("_status"),
        computed_reason.alias("_reason"),
    )
    new = pl.col("id").is_null()
    stale = pl.col("last_month_was") > month
    held = pl.col("reason_was").is_in(manual) | (
        (pl.col("status_was") == ended) & (pl.col("_status") != active)
    )
    follows = ~new & ~stale & ~held  # the decision sets the status
    reenrolled = follows & (pl.col("status_was") == ended)
    status = pl.when(new | follows).then("_status").otherwise("status_was")
    reason = pl.when(new | follows).then("_reason").otherwise("reason_was")
    changed_state = (pl.col("status") != pl.col("status_was")) | (
        pl.col("reason") != pl.col("reason_was")
    )
    result = (
        joined.filter(~stale.fill_null(False) & (~new | pl.col("eligible")))
        .with_columns(status=status, reason=reason)
        .with_columns(
            start_month=pl.when(new | reenrolled).then(pl.lit(month)).otherwise("start_month_was"),
            status_since=pl.when(new | changed_state.fill_null(True))
            .then(pl.lit(month))
            .otherwise("status_since_was"),
            last_month=pl.lit(month),
            beneficiary=pl.coalesce("beneficiary", "beneficiary_was"),
        )
    )
    unchanged = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_was")) for c in STATE)
    return result.filter(~unchanged).select("id", "household", "programme", *STATE)


def heads_on(day: dt.date, household_ids: Sequence[int] | None) -> pl.DataFrame:
    """Each household's head on `day` (person id and death date); one per household."""
    sql, ids = restricted(
        "SELECT m.household_id, MIN(m.person_id), MIN(p.death_date) "
        "FROM registry_membership m JOIN registry_person p ON p.id = m.person_id "
        "WHERE m.relationship = 'head' AND m.start <= %s "
        'AND (m."end" IS NULL OR m."end" > %s)',
        "m.household_id",
        household_ids,
    )
    return query_frame(sql + " GROUP BY m.household_id", [day, day, *ids], HEADS_SCHEMA)


def existing_for(household_ids: Sequence[int] | None) -> pl.DataFrame:
    sql, ids = restricted(
        "SELECT id, household_id, programme, status, reason, start_month, status_since, "
        "last_month, beneficiary_id FROM programmes_enrolment WHERE true",
        "household_id",
        household_ids,
    )
    return query_frame(sql, ids, EXISTING_SCHEMA)


def decided_frame(eligibility: pl.DataFrame, heads: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """`eligibility`: household and one boolean column per programme → one row per pair."""
    programmes = [c for c in eligibility.columns if c != "household"]
    long = eligibility.unpivot(
        index="household", on=programmes, variable_name="programme", value_name="eligible"
    )
    return long.join(heads, on="household", how="left").select(
        "household",
        "programme",
        pl.col("eligible").fill_null(False),
        pl.col("head").alias("beneficiary"),
        (
            pl.col("head").is_not_null()
            & (pl.col("head_death").is_null() | (pl.col("head_death") > day))
        ).alias("payable"),
    )


def write(changes: pl.DataFrame, now: dt.datetime) -> int:
    """Insert the new enrolments and update the changed ones (one statement each)."""
    if not changes.height:
        return 0
    stamp = bulk.timestamp(now)
    rows = changes.rename({"household": "household_id", "beneficiary": "beneficiary_id"})
    rows = rows.with_columns(updated_at=pl.lit(stamp))
    cast = "CAST(updated_at AS timestamptz)" if bulk.postgres() else "updated_at"
    names = ["household_id", "programme", "status", "reason", "start_month", "status_since",
             "last_month", "beneficiary_id"]  # fmt: skip
    columns = ", ".join(names)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names[2:])
    with bulk.staged("jisr_enrolments", rows.drop("id")) as stage:
        return bulk.execute(
            f"INSERT INTO {TABLE} ({columns}, note, updated_at) "  # noqa: S608
            f"SELECT {columns}, '', {cast} FROM {stage} WHERE true "
            f"ON CONFLICT (household_id, programme) DO UPDATE SET {updates}, "
            "updated_at = excluded.updated_at"
        )
