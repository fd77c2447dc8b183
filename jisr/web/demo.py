"""The demo: an embedded database with a synthetic population and one user per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group

from jisr import synth
from jisr.accounts import services as accounts
from jisr.accounts.models import User
from jisr.accounts.roles import Role, roles_sync
from jisr.geo import services as geo
from jisr.registry import services as registry

DEMO_PASSWORD = "jisr-demo-2026"  # noqa: S105  (printed on purpose: demo users exist only in the demo)
SYNTH_AS_OF = dt.date(2024, 9, 1)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    national: bool = False
    regions: tuple[str, ...] = ()
    first_name: str = ""


DEMO_USERS = (
    DemoUser("admin", Role.ADMINISTRATOR, national=True, first_name="Amina"),
    DemoUser("manager", Role.PROGRAMME_MANAGER, national=True, first_name="Karim"),
    DemoUser("payer", Role.PAYMENT_OFFICER, national=True, first_name="Samira"),
    DemoUser("payer2", Role.PAYMENT_OFFICER, national=True, first_name="Youssef"),
    DemoUser("worker.casa", Role.SOCIAL_WORKER, regions=("06",), first_name="Khadija"),
    DemoUser("worker.oriental", Role.SOCIAL_WORKER, regions=("02",), first_name="Hamza"),
    DemoUser("supervisor", Role.SUPERVISOR, regions=("06",), first_name="Nadia"),
    DemoUser("partner", Role.PARTNER_STAFF, first_name="Omar"),
    DemoUser("auditor", Role.AUDITOR, national=True, first_name="Latifa"),
)


def population_dir(data_dir: Path, households: int, seed: int) -> Path:
    return data_dir / "demo" / f"population-n{households}-s{seed}"


def demo_population(*, data_dir: Path, households: int, seed: int) -> tuple[int, int]:
    """Generate (once) and load the synthetic population and its synthetic communes."""
    directory = population_dir(data_dir, households, seed)
    if not (directory / "persons.parquet").exists():
        synth.write(directory, households=households, seed=seed, fmt="parquet", as_of=SYNTH_AS_OF)
    geo.regions_load()
    geo.communes_load(path=directory / "communes.csv")
    return registry.synthetic_population_load(directory=directory, start=SYNTH_AS_OF)


def demo_users() -> list[DemoUser]:
    """Create the demo users that do not exist yet (idempotent)."""
    roles_sync()
    created = []
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists():
            continue
        if not Group.objects.filter(name=spec.role.value).exists():
            continue
        accounts.user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            national=spec.national,
            regions=spec.regions,
            first_name=spec.first_name,
        )
        created.append(spec)
    return created


def demo_payments(*, today: dt.date) -> dict[str, str]:
    """Last month paid end to end (payroll by `payer`, approved by `payer2`, both providers'
    files, their simulated returns reconciled, closed) and this month's payroll waiting for
    `payer2`'s approval: the whole chain visible in the demo. Idempotent."""
    import polars as pl

    from jisr.payments import providers
    from jisr.payments import services as payments
    from jisr.payments.models import PaymentCycle
    from jisr.payments.services.export import order_header, order_lines
    from jisr.programmes import services as programmes
    from jisr.rules.periods import Month

    maker = User.objects.get(username="payer")
    checker = User.objects.get(username="payer2")
    this = Month.of(today)
    last = this.previous()
    done: dict[str, str] = {}
    for month in (last, this):
        if PaymentCycle.objects.filter(programme="asd", month=str(month)).exists():
            continue
        programmes.decisions_compute(month=month)
        cycle = payments.cycle_create(actor=maker, programme="asd", month=str(month))
        payments.payroll_compute(actor=maker, cycle_id=cycle.pk)
        done[str(month)] = "computed"
        if month == this:
            continue
        payments.payroll_approve(actor=checker, cycle_id=cycle.pk)
        cycle.refresh_from_db()
        for name in sorted(providers.PROVIDERS):
            lines = order_lines(cycle, name)
            if not lines.height:
                continue
            payments.payments_export(actor=maker, cycle_id=cycle.pk, provider=name)
            # One payment in twenty fails, one in twenty-five goes uncollected (cash).
            rank = pl.int_range(pl.len())
            status = (
                pl.when(rank % 20 == 7).then(pl.lit("failed"))
                .when((rank % 25 == 3) & (pl.col("method") == "cash")).then(pl.lit("unclaimed"))
                .otherwise(pl.lit("paid"))
            )  # fmt: skip
            outcomes = lines.select("reference", status.alias("status"))
            data = providers.provider(name).simulate_return(
                order_header(cycle, name), lines, outcomes
            )
            payments.returns_reconcile(
                actor=maker, cycle_id=cycle.pk, data=data, name=f"{name}-return", provider=name
            )
        payments.cycle_close(actor=maker, cycle_id=cycle.pk)
        done[str(month)] = "closed"
    return done
