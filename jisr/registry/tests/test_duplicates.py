"""The probable-duplicates queue: store found pairs, review them, merge through maker–checker."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jisr.core.errors import AccessDenied
from jisr.registry import services
from jisr.registry.models import ChangeRequestStatus, DuplicateCandidate, DuplicateStatus
from jisr.registry.tests.factories import HouseholdFactory, MembershipFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def pair(family: dict[str, Any]) -> DuplicateCandidate:
    mother = family["mother"]
    twin_record = PersonFactory(
        first_name_lat="Fatima",
        last_name_lat="Alaoui",
        cnie=None,
        birth_date=mother.birth_date,
        rnp_id="000000555553",
    )
    MembershipFactory(
        household=HouseholdFactory(region_code="06"), person=twin_record, relationship="head"
    )
    found = services.FoundPair(
        left_rnp_id=twin_record.rnp_id,
        right_rnp_id=mother.rnp_id,
        match_probability=0.998,
        match_weight=12.3,
        explanation={"birth_date": "exact", "name_lat": "exact"},
    )
    assert services.duplicates_store(pairs=[found, found], run="test") == {"pairs": 2, "added": 1}
    assert services.duplicates_store(pairs=[found], run="again") == {"pairs": 1, "added": 0}
    return DuplicateCandidate.objects.get()


def test_pairs_are_stored_once_in_id_order(pair: DuplicateCandidate) -> None:
    assert pair.left_id < pair.right_id
    assert pair.status == DuplicateStatus.PENDING


def test_reviewer_requests_a_merge_and_another_person_approves(
    pair: DuplicateCandidate, supervisor: Any, make_user: Any
) -> None:
    from jisr.accounts.roles import Role

    second = make_user(Role.SUPERVISOR, regions=["06"])
    keep_side = "right" if pair.right.cnie else "left"
    request = services.duplicate_merge_request(
        actor=supervisor, candidate=pair, keep=keep_side, reason="same birth date and names"
    )
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGE_REQUESTED
    services.change_request_approve(actor=second, change_request=request)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    assert request.__class__.objects.get(pk=request.pk).status == ChangeRequestStatus.APPLIED


def test_a_rejected_merge_returns_the_pair_to_the_queue(
    pair: DuplicateCandidate, supervisor: Any, make_user: Any
) -> None:
    from jisr.accounts.roles import Role

    request = services.duplicate_merge_request(
        actor=supervisor, candidate=pair, keep="left", reason="x"
    )
    services.change_request_reject(
        actor=make_user(Role.SUPERVISOR, regions=["06"]),
        change_request=request,
        note="different mothers' names",
    )
    pair.refresh_from_db()
    assert (pair.status, pair.change_request) == (DuplicateStatus.PENDING, None)


def test_a_social_worker_cannot_review(pair: DuplicateCandidate, worker: Any) -> None:
    with pytest.raises(AccessDenied):
        services.duplicate_mark_distinct(actor=worker, candidate=pair, note="x")


def test_queue_page_shows_both_records_and_marks_distinct(
    pair: DuplicateCandidate, supervisor: Any, worker: Any
) -> None:
    client = Client()
    client.force_login(supervisor)
    page = client.get("/households/reviews/duplicates/").content.decode()
    assert f'data-pair="{pair.pk}"' in page
    assert pair.left.rnp_id in page
    assert pair.right.rnp_id in page
    client.post(
        "/households/reviews/duplicates/",
        {"pair_id": pair.pk, "decision": "distinct", "note": "namesakes"},
    )
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISTINCT
    other = Client()
    other.force_login(worker)
    assert other.get("/households/reviews/duplicates/").status_code == 404
