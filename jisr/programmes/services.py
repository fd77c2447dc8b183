"""Eligibility decisions from the rules engine: computed on a registry snapshot, written in bulk.

fetch (registry snapshot, Polars) → compute (`jisr.rules`, pure) → persist (one upsert per
programme, COPY-staged on PostgreSQL). Running the same month again replaces that month's decisions:
the runs are idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_ENROLMENT, RUN_RULES, RUN_SIMULATION
from jisr.core import access, audit, bulk, jobs
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput
from jisr.core.jobs import Progress
from jisr.core.models import Job
from jisr.programmes import _enrolments
from jisr.programmes.models import (
    MANUAL_REASONS,
    Enrolment,
    EnrolmentReason,
    EnrolmentStatus,
    Programme,
)
from jisr.programmes.selectors import month_parse
from jisr.registry import services as registry_services
from jisr.registry import snapshot
from jisr.rules import batch, money
from jisr.rules.explain import explain
from jisr.rules.index import packaged
from jisr.rules.params import ParameterError, Parameters
from jisr.rules.periods import Month
from jisr.rules.simulate import Reform, compare, write
from jisr.rules.variables import build

TABLE = "programmes_eligibilitydecision"
# The background jobs (handlers in `tasks`).
DECISIONS = "programmes.decisions"
SIMULATE = "programmes.simulate"
# programme → (eligibility column, amount column or None) of the engine's results
PROGRAMME_RESULTS: dict[str, tuple[str, str | None]] = {
    Programme.ASD: ("asd_eligible", "asd_total"),
    Programme.AMO_TADAMON: ("amo_tadamon_eligible", None),
    Programme.AMO_ACHAMIL: ("amo_achamil_eligible", "amo_achamil_contribution"),
}
# Households explained step by step (full trace) when a recomputation concerns at most this many.
FULL_TRACE_MAX = 50


@dataclass(frozen=True)
class RunSummary:
    month: str
    households: int
    decisions: int
    asd_eligible: int
    asd_amount: str
    parameters_version: str
    enrolments_changed: int

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def model_name() -> str:
    model = packaged()
    return f"{model.name}:{model.version}"[:64]


def _decision_rows(
    results: pl.DataFrame, month: Month, version: str, source: str, now: dt.datetime
) -> pl.DataFrame:
    """Engine results (one row per household, with `id`) → one row per household and programme."""
    traces = results.select(
        "id",
        pl.struct(pl.exclude("id", "household_id", "trace")).struct.json_encode().alias("summary"),
        *(["trace"] if "trace" in results.columns else []),
    )
    trace = pl.col("trace") if "trace" in traces.columns else pl.col("summary")
    frames = []
    for programme, (eligible, amount) in PROGRAMME_RESULTS.items():
        cents = pl.col(amount) if amount else pl.lit(0, dtype=pl.Int64)
        frames.append(
            results.select(
                pl.col("id").alias("household_id"),
                pl.lit(str(programme)).alias("programme"),
                pl.col(eligible).alias("eligible"),
                money.mad_column(cents).alias("amount"),
                pl.col("index").cast(pl.Decimal(10, 7)).alias("index_used"),
            )
        )
    rows = pl.concat(frames).join(
        traces.select(pl.col("id").alias("household_id"), trace.alias("trace")),
        on="household_id",
    )
    return rows.with_columns(
        month=pl.lit(str(month)),
        parameters_version=pl.lit(version),
        computed_at=pl.lit(bulk.timestamp(now)),
        source=pl.lit(source),
    )


def decisions_record(results: pl.DataFrame, month: Month, *, version: str, source: str) -> int:
    """Upsert the decisions of `results` for `month` (replacing the month's earlier ones)."""
    rows = _decision_rows(results, month, version, source, timezone.now())
    names = [
        "household_id",
        "programme",
        "month",
        "eligible",
        "amount",
        "index_used",
        "parameters_version",
        "trace",
        "computed_at",
        "source",
    ]
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names[3:])
    cast = "CAST(computed_at AS timestamptz)" if bulk.postgres() else "computed_at"
    columns = ", ".join(f'"{n}"' for n in names)
    selected = ", ".join(cast if n == "computed_at" else f'"{n}"' for n in names)
    with bulk.staged("jisr_decisions", rows.select(names), json=("trace",)) as stage:
        return bulk.execute(
            f"INSERT INTO {TABLE} ({columns}) SELECT {selected} FROM {stage} WHERE true "  # noqa: S608
            f"ON CONFLICT (household_id, programme, month) DO UPDATE SET {updates}"
        )


def _compute(
    households: pl.DataFrame, persons: pl.DataFrame, month: Month, parameters: Parameters
) -> pl.DataFrame:
    from jisr.rules.engine import Simulation

    simulation = Simulation(build(), parameters, month, households, persons)
    results = simulation.calculate(batch.RESULTS)
    return results.with_columns(households["id"])


def _with_traces(
    households: pl.DataFrame, persons: pl.DataFrame, month: Month, parameters: Parameters
) -> pl.DataFrame:
    """Results with the full explanation of each household (for a handful of households)."""
    results = _compute(households, persons, month, parameters)
    system, traces = build(), []
    for household_id in households["household_id"]:
        one = households.filter(pl.col("household_id") == household_id)
        members = persons.filter(pl.col("household_id") == household_id)
        traces.append(json.dumps(explain(system, parameters, month, one, members), default=str))
    return results.with_columns(pl.Series("trace", traces, dtype=pl.String))


def decisions_compute(
    *,
    month: Month,
    household_ids: Sequence[int] | None = None,
    actor: Actor = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Compute and record `month`'s decisions for the registry's active households (all of them,
    or `household_ids`), store the indexes computed, and clear their recomputation flags."""
    snapshot_at = timezone.now()
    if progress is not None:
        progress.stage(_("reading the registry"))
    households, persons = snapshot.households_on(month.reference_day, household_ids)
    if progress is not None:
        progress.stage(_("computing"), total=households.height)
    parameters = Parameters.load()
    version = parameters.digest(month.first_day)
    few = household_ids is not None and len(household_ids) <= FULL_TRACE_MAX
    results = (_with_traces if few else _compute)(households, persons, month, parameters)
    if progress is not None:
        progress.stage(_("recording"), total=households.height)
    with transaction.atomic():
        written = decisions_record(
            results, month, version=version, source="recompute" if few else "batch"
        )
        registry_services.computed_record(
            values=results.select("id", "index").with_columns(
                pl.when(households["index"].is_null()).then(pl.col("index")).alias("index")
            ),
            model=model_name(),
            snapshot_at=snapshot_at,
        )
        changed = enrolments_sync(results=results, month=month, household_ids=household_ids)
        summary = RunSummary(
            month=str(month),
            households=results.height,
            decisions=written,
            asd_eligible=int(results["asd_eligible"].sum()),
            asd_amount=f"{int(results['asd_total'].sum()) / 100:.2f}",
            parameters_version=version,
            enrolments_changed=changed,
        )
        audit.record(actor=actor, action="programmes.decisions_computed", after=summary.as_dict())
    if progress is not None:
        progress.set(households.height)
    return summary


def enrolments_sync(
    *, results: pl.DataFrame, month: Month, household_ids: Sequence[int] | None
) -> int:
    """Bring the enrolments of the households in `results` (engine results with `id`) up to
    `month`'s decisions (rules in `_enrolments`); returns how many were created or changed."""
    eligibility = results.select(
        pl.col("id").alias("household"),
        *(pl.col(column).alias(str(p)) for p, (column, _a) in PROGRAMME_RESULTS.items()),
    )
    day = month.reference_day
    decided = _enrolments.decided_frame(eligibility, _enrolments.heads_on(day, household_ids), day)
    existing = _enrolments.existing_for(household_ids)
    return _enrolments.write(_enrolments.transitions(existing, decided, str(month)), timezone.now())


def _enrolment_change(
    *,
    actor: Actor,
    enrolment: Enrolment,
    note: str,
    allowed: bool,
    refusal: str,
    status: str,
    reason: str,
    action: str,
) -> Enrolment:
    access.require(actor, MANAGE_ENROLMENT, enrolment.household)
    if not note.strip():
        raise InvalidInput(_("Give the reason for this change."), field="note")
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not allowed:
        raise InvalidInput(refusal, status=locked.status, reason=locked.reason)
    before = {"status": locked.status, "reason": locked.reason}
    locked.status, locked.reason, locked.note = status, reason, note.strip()
    if (status, reason) != (before["status"], before["reason"]):
        locked.status_since = locked.last_month
    locked.updated_at = timezone.now()
    locked.save()
    audit.record(
        actor=actor,
        action=action,
        target=locked.household,
        before=before,
        after={"programme": locked.programme, "status": status, "reason": reason},
        reason=locked.note,
    )
    return locked


@transaction.atomic(durable=True)
def enrolment_suspend(*, actor: Actor, enrolment: Enrolment, note: str) -> Enrolment:
    """Suspend an enrolment for an investigation: it holds, whatever the monthly decisions say,
    until `enrolment_resume`."""
    current = Enrolment.objects.get(pk=enrolment.pk)
    return _enrolment_change(
        actor=actor,
        enrolment=current,
        note=note,
        allowed=current.status != EnrolmentStatus.ENDED
        and current.reason != EnrolmentReason.INVESTIGATION,
        refusal=_("This enrolment is ended or already under investigation."),
        status=EnrolmentStatus.SUSPENDED,
        reason=EnrolmentReason.INVESTIGATION,
        action="programmes.enrolment_suspended",
    )


@transaction.atomic(durable=True)
def enrolment_resume(*, actor: Actor, enrolment: Enrolment, note: str) -> Enrolment:
    """Lift a suspension only a person lifts (an investigation, payments left unclaimed): the
    enrolment is active again (the next month's decision then applies as usual)."""
    current = Enrolment.objects.get(pk=enrolment.pk)
    return _enrolment_change(
        actor=actor,
        enrolment=current,
        note=note,
        allowed=current.reason in MANUAL_REASONS,
        refusal=_(
            "Only an enrolment suspended for an investigation or unclaimed payments can be "
            "resumed by hand."
        ),
        status=EnrolmentStatus.ACTIVE,
        reason=EnrolmentReason.NONE,
        action="programmes.enrolment_resumed",
    )


@transaction.atomic(durable=True)
def enrolment_end(*, actor: Actor, enrolment: Enrolment, note: str) -> Enrolment:
    """End an enrolment at the household's request (it restarts if the household is found
    eligible again in a later month)."""
    current = Enrolment.objects.get(pk=enrolment.pk)
    return _enrolment_change(
        actor=actor,
        enrolment=current,
        note=note,
        allowed=current.status != EnrolmentStatus.ENDED,
        refusal=_("This enrolment is already ended."),
        status=EnrolmentStatus.ENDED,
        reason=EnrolmentReason.REQUEST,
        action="programmes.enrolment_ended",
    )


def enrolments_suspend_unclaimed(
    *, household_ids: Sequence[int], programme: str, month: str, actor: Actor
) -> int:
    """Suspend the active enrolments of households whose payments went unclaimed month after
    month (payments reconciles the returns and decides who): held until a person resumes them,
    after a visit. Called inside the reconciliation's transaction."""
    if not household_ids:
        return 0
    changed = Enrolment.objects.filter(
        household_id__in=household_ids, programme=programme, status=EnrolmentStatus.ACTIVE
    ).update(
        status=EnrolmentStatus.SUSPENDED,
        reason=EnrolmentReason.UNCLAIMED,
        status_since=month,
        note=_("Payments unclaimed several months in a row: visit the household."),
        updated_at=timezone.now(),
    )
    if changed:
        audit.record(
            actor=actor,
            action="programmes.enrolments_suspended_unclaimed",
            after={"programme": programme, "month": month, "households": changed},
        )
    return changed


def simulation_run(
    *, month: Month, reform_text: str, out: Path, progress: Progress | None = None
) -> dict[str, Any]:
    """A reform compared with the baseline on the registry's active households (national, as the
    system: only aggregates and pseudonymous household ids leave it); tables and charts in `out`."""
    reform = Reform.parse(reform_text)
    if progress is not None:
        progress.stage(_("reading the registry"))
    households, persons = snapshot.households_on(month.reference_day)
    if progress is not None:
        progress.stage(_("simulating"), total=households.height)
    comparison = compare(households.drop("id"), persons, month, reform)
    files = [path.name for path in write(comparison, out)]
    if progress is not None:
        progress.set(households.height)
    return {
        "reform": reform.name,
        "month": str(month),
        "summary": comparison.summary.row(0, named=True),
        "files": files,
    }


def simulation_request(*, actor: Actor, month: str, reform_text: str) -> Job:
    """Queue a reform simulation on the registry, once the month and the reform are checked."""
    access.require_national(actor, RUN_SIMULATION)
    month_parse(month)
    try:
        Reform.parse(reform_text)
    except ParameterError as error:
        raise InvalidInput(str(error), field="reform") from None
    return jobs.enqueue(kind=SIMULATE, params={"month": month, "reform": reform_text}, actor=actor)


def decisions_request(*, actor: Actor, month: str, flagged_only: bool) -> Job:
    """Queue the month's decisions for the registry (or only its flagged households)."""
    access.require_national(actor, RUN_RULES)
    month_parse(month)
    params = {"month": month, "flagged": flagged_only}
    return jobs.enqueue(kind=DECISIONS, params=params, actor=actor)
