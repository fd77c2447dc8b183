"""Sensitive changes — a new head, a death, the merge of two records of one person — are requested
by one person and applied only when a second, different person approves (maker–checker)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import APPROVE_CHANGE, CHANGE_HOUSEHOLD
from jisr.core import access, audit
from jisr.registry import choices as c
from jisr.registry.errors import (
    HeadRequired,
    InvalidDeclaration,
    NotAMember,
    RequestNotPending,
    SelfApproval,
)
from jisr.registry.models import (
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    DuplicateCandidate,
    DuplicateStatus,
    EventKind,
    Household,
    Membership,
    Person,
)
from jisr.registry.services._common import event_record, household_lock
from jisr.registry.services.declarations import current_membership, memberships_on


def _request(
    *,
    actor: Any,
    kind: ChangeRequestKind,
    household: Household,
    payload: dict[str, Any],
    effective: dt.date,
    reason: str,
) -> ChangeRequest:
    access.require(actor, CHANGE_HOUSEHOLD, household)
    if not reason.strip():
        raise InvalidDeclaration(fields={"reason": _("Say why: the approver reads it.")})
    request = ChangeRequest.objects.create(
        kind=kind,
        household=household,
        payload=payload,
        effective=effective,
        reason=reason,
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        action=f"registry.change_requested.{kind}",
        target=household,
        after={"change_request": request.pk, **payload},
        reason=reason,
    )
    return request


@transaction.atomic
def head_change_request(
    *,
    actor: Any,
    household: Household,
    new_head: Person,
    former_head_relationship: str,
    effective: dt.date,
    reason: str,
) -> ChangeRequest:
    current_membership(household, new_head, effective)  # must be a member already
    if former_head_relationship not in c.Relationship.values or (
        former_head_relationship == c.Relationship.HEAD
    ):
        raise InvalidDeclaration(
            fields={"former_head_relationship": _("Not a valid relationship.")}
        )
    return _request(
        actor=actor,
        kind=ChangeRequestKind.HEAD_CHANGE,
        household=household,
        payload={"new_head": new_head.rnp_id, "former_head_relationship": former_head_relationship},
        effective=effective,
        reason=reason,
    )


@transaction.atomic
def death_request(
    *,
    actor: Any,
    household: Household,
    person: Person,
    death_date: dt.date,
    reason: str,
    new_head: Person | None = None,
) -> ChangeRequest:
    """Declare a death. If the deceased heads a household with other members, name the new head."""
    membership = current_membership(household, person, death_date)
    if death_date > timezone.localdate() or death_date < person.birth_date:
        raise InvalidDeclaration(fields={"death_date": _("Not a possible date of death.")})
    others = Membership.objects.filter(memberships_on(death_date), household=household).exclude(
        person=person
    )
    if membership.relationship == c.Relationship.HEAD and others.exists():
        if new_head is None:
            raise HeadRequired()
        current_membership(household, new_head, death_date)
    payload = {
        "person": person.rnp_id,
        "death_date": death_date.isoformat(),
        "new_head": new_head.rnp_id if new_head else None,
    }
    return _request(
        actor=actor,
        kind=ChangeRequestKind.DEATH,
        household=household,
        payload=payload,
        effective=death_date,
        reason=reason,
    )


@transaction.atomic
def person_merge_request(
    *,
    actor: Any,
    keep: Person,
    duplicate: Person,
    reason: str,
) -> ChangeRequest:
    """Merge `duplicate` into `keep` (the same person registered twice)."""
    if keep.pk == duplicate.pk or duplicate.merged_into_id or keep.merged_into_id:
        raise InvalidDeclaration(fields={"duplicate": _("These records cannot be merged.")})
    today = timezone.localdate()
    membership = Membership.objects.filter(memberships_on(today), person=duplicate).first()
    anchor = membership.household if membership else _household_of(keep, today)
    if (
        membership
        and membership.relationship == c.Relationship.HEAD
        and Membership.objects.filter(memberships_on(today), household=membership.household)
        .exclude(person=duplicate)
        .exists()
    ):
        raise HeadRequired()
    return _request(
        actor=actor,
        kind=ChangeRequestKind.PERSON_MERGE,
        household=anchor,
        payload={"keep": keep.rnp_id, "duplicate": duplicate.rnp_id},
        effective=today,
        reason=reason,
    )


def _household_of(person: Person, day: dt.date) -> Household:
    membership = Membership.objects.filter(memberships_on(day), person=person).first()
    if membership is None:
        raise NotAMember(person=person.rnp_id)
    return membership.household


@transaction.atomic
def change_request_approve(
    *, actor: Any, change_request: ChangeRequest, note: str = ""
) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    _check_decidable(actor, request)
    household = Household.objects.get(pk=request.household_id)
    household = household_lock(actor=actor, household=household, expected_version=household.version)
    APPLY[request.kind](request, household, actor)
    request.status, request.decided_by, request.decided_at = (
        ChangeRequestStatus.APPLIED,
        actor,
        timezone.now(),
    )
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor=actor,
        action="registry.change_approved",
        target=household,
        after={"change_request": request.pk, "kind": request.kind},
        reason=note,
    )
    return request


@transaction.atomic
def change_request_reject(*, actor: Any, change_request: ChangeRequest, note: str) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    _check_decidable(actor, request)
    if not note.strip():
        raise InvalidDeclaration(fields={"note": _("Say why the request is rejected.")})
    request.status, request.decided_by, request.decided_at = (
        ChangeRequestStatus.REJECTED,
        actor,
        timezone.now(),
    )
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    # A refused merge sends the pair back to the reviewers' queue.
    DuplicateCandidate.objects.filter(change_request=request).update(
        status=DuplicateStatus.PENDING, change_request=None
    )
    audit.record(
        actor=actor,
        action="registry.change_rejected",
        target=request.household,
        after={"change_request": request.pk, "kind": request.kind},
        reason=note,
    )
    return request


def _check_decidable(actor: Any, request: ChangeRequest) -> None:
    access.require(actor, APPROVE_CHANGE, request.household)
    if request.status != ChangeRequestStatus.PENDING:
        raise RequestNotPending()
    if request.requested_by_id == actor.pk:
        raise SelfApproval()


def _person(rnp_id: str) -> Person:
    return Person.objects.select_for_update().get(rnp_id=rnp_id)


def _set_relationship(membership: Membership, relationship: str, effective: dt.date) -> None:
    """Close a membership and reopen it with a new relationship, so the history keeps both."""
    if membership.start >= effective:
        membership.relationship = relationship
        membership.save(update_fields=["relationship"])
        return
    membership.end = effective
    membership.save(update_fields=["end"])
    Membership.objects.create(
        person_id=membership.person_id,
        household_id=membership.household_id,
        relationship=relationship,
        start=effective,
    )


def _apply_head_change(request: ChangeRequest, household: Household, actor: Any) -> None:
    effective = request.effective
    new_head = _person(request.payload["new_head"])
    old = Membership.objects.select_for_update().get(
        memberships_on(effective), household=household, relationship=c.Relationship.HEAD
    )
    incoming = current_membership(household, new_head, effective)
    _set_relationship(old, request.payload["former_head_relationship"], effective)
    _set_relationship(incoming, c.Relationship.HEAD, effective)
    event_record(
        household=household,
        kind=EventKind.HEAD_CHANGED,
        actor=actor,
        effective=effective,
        reason=request.reason,
        person=new_head,
        before={"head": old.person.rnp_id},
        after={"head": new_head.rnp_id},
        change_request_id=request.pk,
    )


def _apply_death(request: ChangeRequest, household: Household, actor: Any) -> None:
    person = _person(request.payload["person"])
    death_date = dt.date.fromisoformat(request.payload["death_date"])
    membership = current_membership(household, person, death_date)
    person.death_date = death_date
    person.save(update_fields=["death_date"])
    membership.end = death_date  # closed first: a household never has two open heads
    membership.save(update_fields=["end"])
    if request.payload.get("new_head"):
        new_head = _person(request.payload["new_head"])
        _set_relationship(
            current_membership(household, new_head, death_date), c.Relationship.HEAD, death_date
        )
    remaining = Membership.objects.filter(memberships_on(death_date), household=household)
    if not remaining.exists():
        household.status = c.HouseholdStatus.DISSOLVED
        household.save(update_fields=["status"])
    event_record(
        household=household,
        kind=EventKind.DEATH,
        actor=actor,
        effective=death_date,
        reason=request.reason,
        person=person,
        after={**request.payload, "household_dissolved": not remaining.exists()},
        change_request_id=request.pk,
    )


def _apply_merge(request: ChangeRequest, household: Household, actor: Any) -> None:
    keep, duplicate = _person(request.payload["keep"]), _person(request.payload["duplicate"])
    today = request.effective
    for membership in Membership.objects.select_for_update().filter(
        memberships_on(today), person=duplicate
    ):
        membership.end = today
        membership.save(update_fields=["end"])
    moved_cnie = duplicate.cnie if duplicate.cnie and not keep.cnie else None
    duplicate.merged_into, duplicate.cnie = keep, None
    duplicate.save(update_fields=["merged_into", "cnie"])
    if moved_cnie:
        keep.cnie = moved_cnie
        keep.save(update_fields=["cnie"])
    DuplicateCandidate.objects.filter(change_request=request).update(status=DuplicateStatus.MERGED)
    event_record(
        household=household,
        kind=EventKind.PERSONS_MERGED,
        actor=actor,
        effective=today,
        reason=request.reason,
        person=keep,
        before={"duplicate": duplicate.rnp_id},
        after={"kept": keep.rnp_id, "cnie_moved": moved_cnie},
        change_request_id=request.pk,
    )


APPLY: dict[str, Callable[[ChangeRequest, Household, Any], None]] = {
    ChangeRequestKind.HEAD_CHANGE: _apply_head_change,
    ChangeRequestKind.DEATH: _apply_death,
    ChangeRequestKind.PERSON_MERGE: _apply_merge,
}
