"""Change requests (maker–checker) and the probable-duplicates queue."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from jisr.accounts.api import api_user
from jisr.core.errors import NotFound
from jisr.registry import selectors, services
from jisr.registry.api.households import _household, _person
from jisr.registry.api.schemas import ChangeRequestOut, DeathIn, DecisionIn, HeadChangeIn, MergeIn
from jisr.registry.models import ChangeRequest

router = Router(tags=["registry reviews"])


def _request(request: HttpRequest, request_id: int) -> ChangeRequest:
    found = selectors.change_request_queue(user=api_user(request)).filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


@router.post("/households/{rsu_id}/change-requests/head", response={201: ChangeRequestOut})
def head_change_request(
    request: HttpRequest, rsu_id: str, body: HeadChangeIn
) -> Status[ChangeRequestOut]:
    created = services.head_change_request(
        actor=api_user(request),
        household=_household(request, rsu_id),
        new_head=_person(request, body.new_head_rnp_id),
        former_head_relationship=body.former_head_relationship,
        effective=body.effective,
        reason=body.reason,
    )
    return Status(201, ChangeRequestOut.of(created))


@router.post("/households/{rsu_id}/change-requests/death", response={201: ChangeRequestOut})
def death_request(request: HttpRequest, rsu_id: str, body: DeathIn) -> Status[ChangeRequestOut]:
    created = services.death_request(
        actor=api_user(request),
        household=_household(request, rsu_id),
        person=_person(request, body.rnp_id),
        death_date=body.death_date,
        reason=body.reason,
        new_head=_person(request, body.new_head_rnp_id) if body.new_head_rnp_id else None,
    )
    return Status(201, ChangeRequestOut.of(created))


@router.post("/change-requests/merge", response={201: ChangeRequestOut})
def merge_request(request: HttpRequest, body: MergeIn) -> Status[ChangeRequestOut]:
    created = services.person_merge_request(
        actor=api_user(request),
        keep=_person(request, body.keep_rnp_id),
        duplicate=_person(request, body.duplicate_rnp_id),
        reason=body.reason,
    )
    return Status(201, ChangeRequestOut.of(created))


@router.get("/change-requests/", response=list[ChangeRequestOut])
def change_request_queue(
    request: HttpRequest, limit: int = 50, offset: int = 0
) -> list[ChangeRequestOut]:
    """Pending change requests you may decide, oldest first."""
    rows = selectors.change_request_queue(user=api_user(request))[offset : offset + min(limit, 500)]
    return [ChangeRequestOut.of(row) for row in rows]


@router.post("/change-requests/{request_id}/approve", response=ChangeRequestOut)
def approve(request: HttpRequest, request_id: int, body: DecisionIn) -> ChangeRequestOut:
    decided = services.change_request_approve(
        actor=api_user(request), change_request=_request(request, request_id), note=body.note
    )
    return ChangeRequestOut.of(decided)


@router.post("/change-requests/{request_id}/reject", response=ChangeRequestOut)
def reject(request: HttpRequest, request_id: int, body: DecisionIn) -> ChangeRequestOut:
    decided = services.change_request_reject(
        actor=api_user(request), change_request=_request(request, request_id), note=body.note
    )
    return ChangeRequestOut.of(decided)
