"""Loading the territorial division from CSV: all or nothing, idempotent (codes are the keys)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jisr.core import audit
from jisr.core.audit import Actor
from jisr.core.rows import InvalidRows, RowError, read_csv_rows
from jisr.geo.models import Commune, Milieu, Province, Region

REGION_COLUMNS = ("code", "name_fr", "name_ar", "population_2024")
COMMUNE_COLUMNS = (
    *REGION_COLUMNS,
    "province_code",
    "province_name_fr",
    "province_name_ar",
    "region_code",
    "milieu",
)
REGION_CODE = re.compile(r"^\d{2}$")
PROVINCE_CODE = re.compile(r"^\d{2}\.\d{2,3}$")
COMMUNE_CODE = re.compile(r"^\d{2}\.\d{2,3}\.\d{3,4}$")


@dataclass(frozen=True, slots=True)
class LoadSummary:
    regions: int = 0
    provinces: int = 0
    communes: int = 0


def packaged_regions_csv() -> Path:
    return Path(str(resources.files("jisr.reference").joinpath("regions.csv")))


def _check_named(
    file: str, line: int, row: dict[str, str], code_pattern: re.Pattern[str], seen: set[str]
) -> list[RowError]:
    errors = []
    code = row["code"]
    if not code_pattern.match(code):
        errors.append(
            RowError(file, line, "code", code, _("Code does not have the expected format."))
        )
    elif code in seen:
        errors.append(RowError(file, line, "code", code, _("This code appears more than once.")))
    seen.add(code)
    for column in ("name_fr", "name_ar"):
        if not row[column]:
            errors.append(RowError(file, line, column, "", _("A name is required.")))
    population = row["population_2024"]
    if not population.isdigit():
        errors.append(
            RowError(
                file,
                line,
                "population_2024",
                population,
                _("Population must be a whole number ≥ 0."),
            )
        )
    return errors


@transaction.atomic
def regions_load(*, path: Path | None = None, actor: Actor = None) -> LoadSummary:
    """Create or update the regions from a CSV shaped like `jisr/reference/regions.csv`."""
    path = path or packaged_regions_csv()
    rows, errors = read_csv_rows(path, REGION_COLUMNS)
    seen: set[str] = set()
    for line, row in rows:
        errors += _check_named(path.name, line, row, REGION_CODE, seen)
    if errors:
        raise InvalidRows(errors)
    for _line, row in rows:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "population_2024": int(row["population_2024"]),
            },
        )
    audit.record(
        actor=actor, action="geo.regions_loaded", after={"file": path.name, "rows": len(rows)}
    )
    return LoadSummary(regions=len(rows))


def _check_commune(
    file: str, line: int, row: dict[str, str], regions: set[str], seen: set[str]
) -> list[RowError]:
    errors = _check_named(file, line, row, COMMUNE_CODE, seen)
    region, province, code = row["region_code"], row["province_code"], row["code"]
    if region not in regions:
        errors.append(
            RowError(file, line, "region_code", region, _("Unknown region (load regions first)."))
        )
    if not PROVINCE_CODE.match(province) or not province.startswith(f"{region}."):
        errors.append(
            RowError(
                file,
                line,
                "province_code",
                province,
                _("Province code must start with its region code."),
            )
        )
    elif not code.startswith(f"{province}."):
        errors.append(
            RowError(file, line, "code", code, _("Commune code must start with its province code."))
        )
    if row["milieu"] not in Milieu.values:
        errors.append(
            RowError(file, line, "milieu", row["milieu"], _("Milieu must be urban or rural."))
        )
    if row.get("synthetic", "") not in ("", "true", "false", "1", "0"):
        errors.append(
            RowError(file, line, "synthetic", row["synthetic"], _("Must be true or false."))
        )
    return errors


@transaction.atomic
def communes_load(*, path: Path, actor: Actor = None) -> LoadSummary:
    """Create or update provinces and communes from a CSV (see docs/formats.md, communes.csv)."""
    rows, errors = read_csv_rows(path, COMMUNE_COLUMNS)
    regions = set(Region.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for line, row in rows:
        errors += _check_commune(path.name, line, row, regions, seen)
    if errors:
        raise InvalidRows(errors)
    provinces = {
        row["province_code"]: Province(
            code=row["province_code"],
            region_id=row["region_code"],
            name_fr=row["province_name_fr"] or row["province_code"],
            name_ar=row["province_name_ar"] or row["province_code"],
            population_2024=0,
        )
        for _line, row in rows
    }
    for _line, row in rows:
        provinces[row["province_code"]].population_2024 += int(row["population_2024"])
    Province.objects.bulk_create(
        provinces.values(),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["region", "name_fr", "name_ar", "population_2024"],
    )
    communes = [
        Commune(
            code=row["code"],
            province_id=row["province_code"],
            region_id=row["region_code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            population_2024=int(row["population_2024"]),
            milieu=row["milieu"],
            synthetic=row.get("synthetic", "") in ("true", "1"),
        )
        for _line, row in rows
    ]
    Commune.objects.bulk_create(
        communes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "province",
            "region",
            "name_fr",
            "name_ar",
            "population_2024",
            "milieu",
            "synthetic",
        ],
    )
    audit.record(
        actor=actor,
        action="geo.communes_loaded",
        after={"file": path.name, "provinces": len(provinces), "communes": len(communes)},
    )
    return LoadSummary(provinces=len(provinces), communes=len(communes))
