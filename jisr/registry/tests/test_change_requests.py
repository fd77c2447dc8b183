from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jisr.core.errors import AccessDenied
from jisr.registry import choices as c
from jisr.registry import services
from jisr.registry.errors import HeadRequired, RequestNotPending, SelfApproval
from jisr.registry.models import ChangeRequest, ChangeRequestStatus, EventKind, HouseholdEvent
from jisr.registry.tests.conftest import fresh, members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
DAY = dt.date(2026, 10, 1)


def test_head_change_applies_only_after_another_person_approves(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    household, father, mother = family["household"], family["father"], family["mother"]
    request = services.head_change_request(
        actor=worker,
        household=household,
        new_head=mother,
        former_head_relationship="spouse",
        effective=DAY,
        reason="father emigrated",
    )
    assert members(household, DAY)[father.rnp_id] == "head"  # nothing applied yet
    services.change_request_approve(actor=supervisor, change_request=request, note="checked")
    assert members(household, DAY) == {
        father.rnp_id: "spouse",
        mother.rnp_id: "head",
        family["son"].rnp_id: "child",
    }
    assert members(household, DAY - dt.timedelta(days=1))[father.rnp_id] == "head"  # history
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ChangeRequestStatus.APPLIED, supervisor)
    event = HouseholdEvent.objects.get(kind=EventKind.HEAD_CHANGED)
    assert event.change_request == request
    assert fresh(household).needs_recompute
    with pytest.raises(RequestNotPending):
        services.change_request_approve(actor=supervisor, change_request=request)


def test_the_maker_cannot_be_the_checker(family: dict[str, Any], supervisor: Any) -> None:
    request = services.head_change_request(
        actor=supervisor,
        household=family["household"],
        new_head=family["mother"],
        former_head_relationship="spouse",
        effective=DAY,
        reason="x",
    )
    with pytest.raises(SelfApproval):
        services.change_request_approve(actor=supervisor, change_request=request)
    with pytest.raises(SelfApproval):
        services.change_request_reject(actor=supervisor, change_request=request, note="x")
    assert ChangeRequest.objects.get(pk=request.pk).status == ChangeRequestStatus.PENDING


def test_a_social_worker_cannot_approve_at_all(
    family: dict[str, Any], worker: Any, make_user: Any
) -> None:
    other_worker = make_user(username="worker06b", regions=["06"])
    request = services.head_change_request(
        actor=worker,
        household=family["household"],
        new_head=family["mother"],
        former_head_relationship="spouse",
        effective=DAY,
        reason="x",
    )
    with pytest.raises(AccessDenied):
        services.change_request_approve(actor=other_worker, change_request=request)


def test_the_database_refuses_self_approval_too(family: dict[str, Any], worker: Any) -> None:
    request = services.head_change_request(
        actor=worker,
        household=family["household"],
        new_head=family["mother"],
        former_head_relationship="spouse",
        effective=DAY,
        reason="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(decided_by=worker)


def test_death_of_the_head_needs_a_new_head(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    household, father, mother = family["household"], family["father"], family["mother"]
    with pytest.raises(HeadRequired):
        services.death_request(
            actor=worker,
            household=household,
            person=father,
            death_date=DAY,
            reason="death certificate",
        )
    request = services.death_request(
        actor=worker,
        household=household,
        person=father,
        death_date=DAY,
        reason="death certificate",
        new_head=mother,
    )
    services.change_request_approve(actor=supervisor, change_request=request)
    father.refresh_from_db()
    assert father.death_date == DAY
    assert members(household, DAY) == {mother.rnp_id: "head", family["son"].rnp_id: "child"}
    assert fresh(household).status == c.HouseholdStatus.ACTIVE


def test_death_of_the_last_member_dissolves_the_household(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    household = family["household"]
    for person in (family["son"], family["mother"]):
        services.member_leave(
            actor=worker,
            household=household,
            expected_version=fresh(household).version,
            person=person,
            effective=DAY - dt.timedelta(days=10),
            reason="left",
        )
    request = services.death_request(
        actor=worker,
        household=household,
        person=family["father"],
        death_date=DAY,
        reason="death certificate",
    )
    services.change_request_approve(actor=supervisor, change_request=request)
    assert fresh(household).status == c.HouseholdStatus.DISSOLVED


def test_rejection_needs_a_reason_and_applies_nothing(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    request = services.death_request(
        actor=worker,
        household=family["household"],
        person=family["son"],
        death_date=DAY,
        reason="neighbour said",
    )
    with pytest.raises(Exception, match=r"invalid|not valid"):
        services.change_request_reject(actor=supervisor, change_request=request, note=" ")
    services.change_request_reject(actor=supervisor, change_request=request, note="no certificate")
    family["son"].refresh_from_db()
    assert family["son"].death_date is None
    assert ChangeRequest.objects.get(pk=request.pk).status == ChangeRequestStatus.REJECTED


def test_merge_moves_the_cnie_and_closes_the_duplicate(
    family: dict[str, Any], worker: Any, supervisor: Any
) -> None:
    from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory

    keep = family["mother"]
    keep.cnie = None
    keep.save()
    duplicate = PersonFactory(
        first_name_lat="Fatima", last_name_lat="Alaoui", cnie="BK999999", birth_date=keep.birth_date
    )
    other = HouseholdFactory(region_code="06")
    MembershipFactory(household=other, person=duplicate, relationship="head")
    request = services.person_merge_request(
        actor=worker, keep=keep, duplicate=duplicate, reason="same person, two registrations"
    )
    services.change_request_approve(actor=supervisor, change_request=request)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.cnie == "BK999999"
    assert duplicate.merged_into == keep
    assert duplicate.cnie is None
    assert duplicate.rnp_id not in members(other, timezone.localdate())
