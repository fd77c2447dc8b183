"""A small country for the payment tests: a synthetic population imported into the registry, its
month's decisions and enrolments, and mandates for a third of the beneficiaries by bank and a third
by wallet (the rest collect cash)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from jisr.core.identifiers import rib_key
from jisr.geo import services as geo
from jisr.payments.models import PaymentMandate
from jisr.programmes import services as programme_services
from jisr.programmes.models import Enrolment
from jisr.registry.importer.service import registry_import
from jisr.rules.periods import Month
from jisr.synth.population import write as synth_write


def registry_build(root: Path, households: int, seed: int) -> None:
    synth_write(root, households, seed, "csv")
    used = pl.read_csv(root / "households.csv", infer_schema=False)["commune_code"]
    communes = pl.read_csv(root / "communes.csv", infer_schema=False)
    communes.filter(pl.col("code").is_in(used.implode())).write_csv(root / "communes.csv")
    geo.communes_load(path=root / "communes.csv")
    registry_import(
        directory=root, reason="payments test population", effective=dt.date(2025, 1, 1)
    )


def month_decide(month: str) -> None:
    programme_services.decisions_compute(month=Month.parse(month))


def mandates_assign() -> dict[str, int]:
    """Bank for every third ASD beneficiary, wallet for the next, cash for the others."""
    people = sorted(
        Enrolment.objects.filter(programme="asd", beneficiary__isnull=False)
        .values_list("beneficiary_id", flat=True)
        .distinct()
    )
    counts = {"bank": 0, "wallet": 0, "cash": 0}
    for index, person in enumerate(people):
        if index % 3 == 0:
            first22 = f"011780{person:016d}"
            PaymentMandate.objects.create(
                person_id=person, method="bank", rib=first22 + rib_key(first22)
            )
            counts["bank"] += 1
        elif index % 3 == 1:
            PaymentMandate.objects.create(
                person_id=person, method="wallet", phone=f"+2126{person % 10**8:08d}"
            )
            counts["wallet"] += 1
        else:
            counts["cash"] += 1
    return counts
