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
