"""`registry_import`: households and persons files into the registry — fetch, check, plan, write.

All or nothing by default: any invalid row and nothing is written. With `skip_invalid`, every
household with an invalid row (of its own or of one of its persons) is left out whole and the
others are written. Either way the write is one transaction, and re-importing the same files
changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import CHANGE_HOUSEHOLD
from jisr.core import access, audit
from jisr.core.access import Scope
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied
from jisr.core.jobs import Progress
from jisr.core.rows import errors_to_csv
from jisr.registry.importer import bulk, checks, consistency, existing, plan, write
from jisr.registry.importer.columns import HOUSEHOLDS, PERSONS
from jisr.registry.importer.errors import ImportRejected, RegistryChanged
from jisr.registry.importer.issues import Issues, row_errors
from jisr.registry.importer.reading import Table, read_all
from jisr.registry.signals import notify_household_changed


@dataclass
class ImportResult:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    households_rejected: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    memberships_opened: int = 0
    memberships_closed: int = 0
    errors: int = 0
    report: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Checked:
    households: pl.DataFrame
    persons: pl.DataFrame
    rows: existing.Existing
    issues: Issues


def _scope(actor: Actor) -> Scope:
    if actor is None:  # the command line: the operator of the server
        return Scope(national=True)
    if not access.has_action(actor, CHANGE_HOUSEHOLD):
        raise AccessDenied(permission=CHANGE_HOUSEHOLD)
    scope = access.user_scope(actor)
    if scope.empty:
        raise AccessDenied(permission=CHANGE_HOUSEHOLD)
    return scope


def _check(tables: dict[str, Table], ref: checks.Reference) -> _Checked:
    """Every rule on whole columns; the bad cells of both files in `issues`."""
    issues = Issues()
    h_table, p_table = tables[HOUSEHOLDS.stem], tables[PERSONS.stem]
    h_checked = checks.column_checks(h_table.frame, HOUSEHOLDS, ref)
    p_checked = checks.column_checks(p_table.frame, PERSONS, ref)
    households, persons = h_checked.typed, p_checked.typed
    rows = existing.registry_rows(
        rsu_ids=households["household_id"],
        rnp_ids=persons["person_id"],
        cnies=persons["cnie"],
    )
    h_found = [
        checks.cells(h_checked),
        *consistency.household_checks(households, persons),
        *consistency.household_registry_checks(households, rows, ref.scope),
    ]
    p_found = [
        checks.cells(p_checked),
        *consistency.person_checks(persons, households),
        *consistency.person_registry_checks(persons, rows, ref.scope),
    ]
    issues.frame(checks.describe(h_found, h_table.frame, file=h_table.name))
    issues.frame(checks.describe(p_found, p_table.frame, file=p_table.name))
    return _Checked(households, persons, rows, issues)


def _valid(checked: _Checked, issues: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The households without any bad row (theirs or their persons'), and their persons."""
    rejected = issues["household"].drop_nulls().unique()
    households = checked.households.filter(
        pl.col("household_id").is_not_null() & ~pl.col("household_id").is_in(rejected.implode())
    )
    persons = checked.persons.filter(
        pl.col("household_id").is_in(households["household_id"].implode())
    )
    total = checked.households["household_id"].drop_nulls().n_unique()
    return households, persons, total - households.height


def _report(issues: pl.DataFrame, path: Path | None) -> str:
    if path is None or not issues.height or not path.parent.is_dir():
        return ""
    path.write_text(errors_to_csv(row_errors(issues)), encoding="utf-8")
    return str(path)


def _rejected(issues: pl.DataFrame, report: Path | None) -> ImportRejected:
    path = _report(issues, report)
    result = ImportResult(errors=issues.height, report=path)
    return ImportRejected(row_errors(issues.head(1000)), report=path, job_result=result.as_dict())


def _write(
    chosen: plan.Plan,
    ctx: write.Context,
    persons: pl.DataFrame,
    progress: Progress | None,
    bulk_load: bool | None,
) -> pl.Series:
    total = sum(
        frame.height
        for frame in (
            chosen.households_new,
            chosen.households_changed,
            chosen.persons_new,
            chosen.persons_changed,
            chosen.memberships_closed,
            chosen.memberships_opened,
        )
    )
    events = chosen.households_new.height + chosen.households_changed.height
    if progress is not None:
        progress.stage(_("writing"), total=total + events)
        ctx = dataclasses.replace(ctx, advance=progress.advance)

    def step(
        name: str, function: Callable[[pl.DataFrame, write.Context], None], frame: Any
    ) -> None:
        if frame.height:
            function(frame, ctx)

    try:
        deferred = bulk.wanted(new_persons=chosen.persons_new.height, explicit=bulk_load)
        with transaction.atomic(), bulk.deferred_indexes(deferred):
            eligible = write.write(chosen, ctx, persons, step)
            audit.record(
                actor=ctx.actor,
                action="registry.imported",
                after={
                    "source": ctx.source,
                    "households_created": chosen.households_new.height,
                    "households_updated": chosen.households_changed.height,
                    "persons_created": chosen.persons_new.height,
                    "persons_updated": chosen.persons_changed.height,
                },
                reason=ctx.reason,
            )
            notify_household_changed(eligible.to_list(), reason="imported")
    except IntegrityError as error:  # someone wrote the same persons meanwhile
        raise RegistryChanged() from error
    return eligible


def registry_import(
    *,
    directory: Path,
    actor: Actor = None,
    skip_invalid: bool = False,
    effective: dt.date | None = None,
    reason: str = "",
    report: Path | None = None,
    progress: Progress | None = None,
    bulk_load: bool | None = None,
) -> ImportResult:
    """Import `directory`/households.* and persons.* (docs/formats.md); raise ImportRejected
    (nothing written) when rows are invalid, unless `skip_invalid`.

    `bulk_load`: build the registry's secondary indexes after writing (see `bulk`); by default
    only when the import at least doubles the persons table."""
    scope = _scope(actor)
    today = timezone.localdate()
    if progress is not None:
        progress.stage(_("reading"))
    tables, issues = read_all(directory, (HOUSEHOLDS, PERSONS))
    if issues.fatal() or len(tables) < 2:
        raise _rejected(issues.collect(), report)
    if progress is not None:
        rows = tables[HOUSEHOLDS.stem].frame.height + tables[PERSONS.stem].frame.height
        progress.stage(_("checking"), total=rows)
    regions, communes = existing.places()
    checked = _check(tables, checks.Reference(today, regions, communes, scope))
    checked.issues.extend(issues)
    found = checked.issues.collect(order=(tables[HOUSEHOLDS.stem].name, tables[PERSONS.stem].name))
    if progress is not None:
        progress.set(rows)
    if found.height and not skip_invalid:
        raise _rejected(found, report)
    households, persons, rejected = _valid(checked, found)
    chosen = plan.plan(
        plan.stored_households(households), plan.stored_persons(persons), checked.rows
    )
    ctx = write.Context(
        actor=actor,
        actor_id=getattr(actor, "pk", None),
        effective=effective or today,
        now=timezone.now(),
        reason=reason or _("Bulk import"),
        source=f"import:{directory.name}"[:100],
    )
    _write(chosen, ctx, checked.rows.persons, progress, bulk_load)
    return ImportResult(
        households_created=chosen.households_new.height,
        households_updated=chosen.households_changed.height,
        households_unchanged=chosen.households_unchanged,
        households_rejected=rejected,
        persons_created=chosen.persons_new.height,
        persons_updated=chosen.persons_changed.height,
        memberships_opened=chosen.memberships_opened.height,
        memberships_closed=chosen.memberships_closed.height,
        errors=found.height,
        report=_report(found, report),
    )
