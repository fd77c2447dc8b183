from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from jisr.core.models import AuditEvent
from jisr.core.rows import InvalidRows
from jisr.geo import services
from jisr.geo.models import Commune, Province, Region
from jisr.reference import CENSUS_2024

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = (
    "code,name_fr,name_ar,population_2024,province_code,province_name_fr,province_name_ar,"
    "region_code,milieu,synthetic\n"
)


def write(tmp_path: Path, body: str, name: str = "communes.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_regions_load_the_2024_census_and_are_idempotent() -> None:
    call_command("geo", "load")
    call_command("geo", "load")
    assert Region.objects.count() == 12
    assert sum(Region.objects.values_list("population_2024", flat=True)) == CENSUS_2024.population
    casablanca = Region.objects.get(code="06")
    assert casablanca.name_fr == "Casablanca-Settat"
    assert casablanca.name_ar == "الدار البيضاء سطات"
    assert casablanca.population_2024 == 7_688_967
    assert AuditEvent.objects.filter(action="geo.regions_loaded").count() == 2


def test_communes_load_creates_provinces_with_summed_population(
    tmp_path: Path, regions: None
) -> None:
    path = write(
        tmp_path,
        "06.01.001,Ain Chock,عين الشق,250000,06.01,Casablanca,الدار البيضاء,06,urban,true\n"
        "06.01.002,Sidi Maarouf,سيدي معروف,100000,06.01,Casablanca,الدار البيضاء,06,urban,true\n"
        "02.03.001,Ain Beni Mathar,عين بني مطهر,30000,02.03,Jerada,جرادة,02,rural,false\n",
    )
    summary = services.communes_load(path=path)
    assert (summary.provinces, summary.communes) == (2, 3)
    assert Province.objects.get(code="06.01").population_2024 == 350_000
    commune = Commune.objects.get(code="02.03.001")
    assert (commune.region_id, commune.milieu, commune.synthetic) == ("02", "rural", False)
    services.communes_load(path=path)  # idempotent
    assert Commune.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("06.01.001,A,أ,10,06.01,P,ب,13,urban,true\n", "region_code", "Unknown region"),
        (
            "06.01.001,A,أ,10,07.01,P,ب,06,urban,true\n",
            "province_code",
            "must start with its region",
        ),
        ("06.02.001,A,أ,10,06.01,P,ب,06,urban,true\n", "code", "must start with its province"),
        ("6.1.1,A,أ,10,06.01,P,ب,06,urban,true\n", "code", "expected format"),
        ("06.01.001,A,أ,-5,06.01,P,ب,06,urban,true\n", "population_2024", "whole number"),
        ("06.01.001,A,,10,06.01,P,ب,06,urban,true\n", "name_ar", "name is required"),
        ("06.01.001,A,أ,10,06.01,P,ب,06,suburban,true\n", "milieu", "urban or rural"),
    ],
)
def test_bad_commune_rows_name_line_and_column_and_write_nothing(
    tmp_path: Path, regions: None, row: str, column: str, reason: str
) -> None:
    good = "06.01.002,B,ب,10,06.01,P,ب,06,urban,true\n"
    path = write(tmp_path, good + row)
    with pytest.raises(InvalidRows) as raised:
        services.communes_load(path=path)
    errors = raised.value.errors
    assert any(e.line == 3 and e.column == column and reason in e.reason for e in errors), errors
    assert Commune.objects.count() == 0
    assert Province.objects.count() == 0


def test_duplicate_code_and_missing_column_and_bad_encoding(tmp_path: Path, regions: None) -> None:
    row = "06.01.001,A,أ,10,06.01,P,ب,06,urban,true\n"
    with pytest.raises(InvalidRows) as raised:
        services.communes_load(path=write(tmp_path, row + row))
    assert raised.value.errors[0].line == 3
    assert "more than once" in raised.value.errors[0].reason

    (tmp_path / "short.csv").write_text("code,name_fr\n06.01.001,A\n", encoding="utf-8")
    with pytest.raises(InvalidRows, match="invalid rows") as raised:
        services.communes_load(path=tmp_path / "short.csv")
    assert "Missing column" in raised.value.errors[0].reason

    (tmp_path / "latin1.csv").write_bytes(
        (HEADER + "06.01.001,Aïn,x,10,06.01,P,x,06,urban,\n").encode("latin-1")
    )
    with pytest.raises(InvalidRows) as raised:
        services.communes_load(path=tmp_path / "latin1.csv")
    assert "UTF-8" in raised.value.errors[0].reason
    assert Commune.objects.count() == 0


def test_geo_command_reports_errors_and_exits_non_zero(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = write(tmp_path, "06.01.001,A,أ,10,06.01,P,ب,99,urban,true\n")
    with pytest.raises(CommandError, match=r"communes.csv:2: region_code='99'"):
        call_command("geo", "load", "--communes", str(path))
    assert Commune.objects.count() == 0
