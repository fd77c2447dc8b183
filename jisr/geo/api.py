from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from jisr.geo import selectors

router = Router(tags=["geography"])


class RegionOut(Schema):
    code: str
    name_fr: str
    name_ar: str
    population_2024: int
    commune_count: int


@router.get("/regions", response=list[RegionOut])
def regions(request: HttpRequest) -> list[RegionOut]:
    return [
        RegionOut(
            code=r.code,
            name_fr=r.name_fr,
            name_ar=r.name_ar,
            population_2024=r.population_2024,
            commune_count=r.commune_count,  # type: ignore[attr-defined]
        )
        for r in selectors.region_list()
    ]
