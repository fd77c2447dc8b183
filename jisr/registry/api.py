"""Registry API (read side for now; the declarations API comes with issue 3)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from jisr.accounts.api import api_user
from jisr.registry import selectors

router = Router(tags=["registry"])


class MemberOut(Schema):
    rnp_id: str
    relationship: str
    first_name_ar: str
    last_name_ar: str
    first_name_lat: str
    last_name_lat: str
    sex: str
    birth_date: dt.date
    cnie: str | None


class HouseholdOut(Schema):
    rsu_id: str
    region_code: str
    commune_code: str
    milieu: str
    status: str
    members: list[MemberOut]


class HouseholdSummary(Schema):
    rsu_id: str
    region_code: str
    commune_code: str
    milieu: str


@router.get("/households/", response=list[HouseholdSummary])
def households(
    request: HttpRequest, q: str = "", region: str = "", limit: int = 50, offset: int = 0
) -> list[HouseholdSummary]:
    limit = max(1, min(limit, 500))
    rows = selectors.household_list(user=api_user(request), query=q, region=region)[
        offset : offset + limit
    ]
    return [
        HouseholdSummary(
            rsu_id=h.rsu_id, region_code=h.region_id, commune_code=h.commune_id, milieu=h.milieu
        )
        for h in rows
    ]


@router.get("/households/{rsu_id}", response=HouseholdOut)
def household(request: HttpRequest, rsu_id: str) -> HouseholdOut:
    detail = selectors.household_get(user=api_user(request), rsu_id=rsu_id)
    h = detail.household
    return HouseholdOut(
        rsu_id=h.rsu_id,
        region_code=h.region_id,
        commune_code=h.commune_id,
        milieu=h.milieu,
        status=h.status,
        members=[
            MemberOut(
                rnp_id=m.person.rnp_id,
                relationship=m.relationship,
                first_name_ar=m.person.first_name_ar,
                last_name_ar=m.person.last_name_ar,
                first_name_lat=m.person.first_name_lat,
                last_name_lat=m.person.last_name_lat,
                sex=m.person.sex,
                birth_date=m.person.birth_date,
                cnie=m.person.cnie,
            )
            for m in detail.members
        ],
    )
