"""A case from intake to closure and reopening, and every refusal on the way: an unapproved plan,
missing or withdrawn consent, a lapsed accreditation, a transfer not accepted, a supervisor
approving their own request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from jisr.casework import crypto, selectors, services
from jisr.casework.errors import (
    ConsentMissing,
    PlanNotApproved,
    TransferNotAccepted,
    WrongCaseStatus,
)
from jisr.casework.models import CaseEvent, CaseNote, Referral
from jisr.casework.tests.conftest import RATINGS
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.core.models import AuditEvent
from jisr.workforce.errors import NotAccredited
from jisr.workforce.models import SocialWorker

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def opened(family: dict[str, Any], people: dict[str, Any]) -> Any:
    return services.case_open(
        actor=people["owner"],
        household=family["household"],
        source="hotline",
        summary="An isolated elderly neighbour",
    )


def planned(case: Any, people: dict[str, Any], approve: bool = True) -> Any:
    owner = people["owner"]
    services.assessment_record(actor=owner, case=case, ratings=RATINGS)
    plan = services.plan_submit(
        actor=owner,
        case=case,
        goals=["Visit weekly"],
        actions=[],
        review_date=TODAY() + dt.timedelta(days=60),
    )
    if approve:
        services.plan_decide(actor=people["sup_team"], plan=plan, approve=True)
    return plan


def test_from_intake_to_closure_and_back(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    owner, supervisor = people["owner"], people["sup_team"]
    case = opened(family, people)
    assert (case.status, case.reference.startswith("CAS-")) == ("intake", True)
    planned(case, people)
    case.refresh_from_db()
    assert case.status == "active"
    assert case.assessments.get().benefits["enrolments"] == {}
    services.consent_record(
        actor=owner,
        case=case,
        given_by="the person",
        purpose="care",
        scope="referral",
        fields=["age"],
        given_on=TODAY(),
    )
    referral = services.referral_send(
        actor=owner, case=case, service=partner["service"], reason="day care"
    )
    services.referral_answer(actor=people["partner_in"], referral=referral, accept=True)
    services.referral_complete(actor=people["partner_in"], referral=referral, outcome="enrolled")
    services.visit_record(
        actor=owner,
        case=case,
        kind="home",
        visited_on=TODAY(),
        next_due=TODAY() + dt.timedelta(days=3),
        note="Doing better.",
    )
    assert [c.pk for c in selectors.caseload(user=owner).due_followups] == [case.pk]
    services.closure_request(actor=owner, case=case, outcome="goals_met", note="Stable")
    with pytest.raises(AccessDenied):  # the owner does not approve their own closure
        services.closure_decide(actor=owner, case=case, approve=True)
    services.closure_decide(actor=supervisor, case=case, approve=True)
    case.refresh_from_db()
    assert case.status == "closed"
    services.case_reopen(actor=owner, case=case, reason="fell again")
    case.refresh_from_db()
    assert (case.status, case.reopened) == ("assessment", 1)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[:4] == ["case_opened", "assessed", "plan_submitted", "plan_approved"]
    assert {
        "referred",
        "referral_accepted",
        "referral_done",
        "visited",
        "closure_requested",
        "closed",
        "reopened",
    } <= set(kinds)


def test_the_workforce_indicators_count_open_cases_from_casework(
    case: Any, people: dict[str, Any]
) -> None:
    from jisr.workforce import selectors as workforce

    assert workforce.open_case_counts() == {people["owner"].pk: 1}
    services.case_open(
        actor=people["owner"], household=case.household, person=None, source="hotline",
        summary="A second case for the same worker",
    )  # fmt: skip
    assert workforce.open_case_counts() == {people["owner"].pk: 2}


def test_no_referral_before_the_plan_is_approved(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    case = opened(family, people)
    planned(case, people, approve=False)
    with pytest.raises(PlanNotApproved):
        services.referral_send(
            actor=people["owner"], case=case, service=partner["service"], reason="x"
        )


def test_no_referral_without_valid_consent_unless_a_supervisor_overrides(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    owner = people["owner"]
    case = opened(family, people)
    planned(case, people)
    with pytest.raises(ConsentMissing):
        services.referral_send(actor=owner, case=case, service=partner["service"], reason="x")
    consent = services.consent_record(
        actor=owner,
        case=case,
        given_by="mother",
        purpose="x",
        scope="referral",
        fields=["age"],
        given_on=TODAY() - dt.timedelta(days=40),
        expires_on=TODAY() - dt.timedelta(days=1),
    )
    with pytest.raises(ConsentMissing):  # expired
        services.referral_send(actor=owner, case=case, service=partner["service"], reason="x")
    other = services.consent_record(
        actor=owner,
        case=case,
        given_by="mother",
        purpose="x",
        scope="referral",
        fields=["age"],
        given_on=TODAY(),
        recipients=[partner["other"]],
    )
    with pytest.raises(ConsentMissing):  # for another organisation
        services.referral_send(actor=owner, case=case, service=partner["service"], reason="x")
    assert consent.pk
    assert other.pk
    with pytest.raises(AccessDenied):  # a worker may not override
        services.referral_send(
            actor=owner, case=case, service=partner["service"], reason="x", override_reason="urgent"
        )
    referral = services.referral_send(
        actor=people["sup_team"],
        case=case,
        service=partner["service"],
        reason="child at risk",
        override_reason="danger: no time to reach the family",
    )
    assert referral.consent is None
    assert referral.override_reason.startswith("danger")
    assert AuditEvent.objects.filter(action="casework.referred", after__override=True).exists()


def test_a_withdrawn_consent_stops_new_referrals(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    owner = people["owner"]
    case = opened(family, people)
    planned(case, people)
    consent = services.consent_record(
        actor=owner,
        case=case,
        given_by="p",
        purpose="x",
        scope="referral",
        fields=[],
        given_on=TODAY(),
    )
    services.consent_withdraw(actor=owner, consent=consent)
    with pytest.raises(ConsentMissing):
        services.referral_send(actor=owner, case=case, service=partner["service"], reason="x")


def test_a_lapsed_accreditation_reads_but_cannot_open_refer_or_close(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    owner = people["owner"]
    case = opened(family, people)
    planned(case, people)
    services.consent_record(
        actor=owner,
        case=case,
        given_by="p",
        purpose="x",
        scope="referral",
        fields=[],
        given_on=TODAY(),
    )
    SocialWorker.objects.filter(user=owner).update(
        accreditation_valid_until=TODAY() - dt.timedelta(days=1)
    )
    with pytest.raises(NotAccredited) as refused:
        services.referral_send(actor=owner, case=case, service=partner["service"], reason="x")
    assert str(refused.value.text)  # says why (expired on …)
    with pytest.raises(NotAccredited):
        opened(family, people)
    with pytest.raises(NotAccredited):
        services.closure_request(actor=owner, case=case, outcome="goals_met", note="x")
    assert selectors.case_detail(user=owner, case_id=case.pk).case == case  # still reads
    assert [c.pk for c in selectors.caseload(user=owner).cases] == [case.pk]


def test_ownership_moves_only_when_the_receiver_accepts(
    family: dict[str, Any], people: dict[str, Any]
) -> None:
    owner, receiver = people["owner"], people["receiver"]
    case = opened(family, people)
    transfer = services.transfer_propose(actor=owner, case=case, to_user=receiver, reason="leave")
    case.refresh_from_db()
    assert case.owner == owner
    with pytest.raises(WrongCaseStatus):  # one pending transfer at a time
        services.transfer_propose(actor=owner, case=case, to_user=people["colleague"], reason="x")
    services.transfer_answer(actor=receiver, transfer=transfer, accept=False)
    case.refresh_from_db()
    assert case.owner == owner
    with pytest.raises(TransferNotAccepted):
        services.transfer_answer(actor=receiver, transfer=transfer, accept=True)
    transfer = services.transfer_propose(actor=owner, case=case, to_user=receiver, reason="leave")
    services.transfer_answer(actor=receiver, transfer=transfer, accept=True)
    case.refresh_from_db()
    assert case.owner == receiver
    with pytest.raises(NotFound):  # the former owner no longer reaches it at all
        services.note_add(actor=owner, case=case, text="x")


def test_a_supervisor_cannot_approve_their_own_plan(
    family: dict[str, Any], people: dict[str, Any], make_user: Any
) -> None:
    case = opened(family, people)
    services.assessment_record(actor=people["owner"], case=case, ratings=RATINGS)
    plan = services.plan_submit(
        actor=people["owner"],
        case=case,
        goals=["g"],
        actions=[],
        review_date=TODAY() + dt.timedelta(days=9),
    )
    with pytest.raises(AccessDenied):  # a worker does not approve
        services.plan_decide(actor=people["owner"], plan=plan, approve=True)
    with pytest.raises(InvalidInput):  # sent back without a reason
        services.plan_decide(actor=people["sup_team"], plan=plan, approve=False)
    services.plan_decide(actor=people["sup_team"], plan=plan, approve=False, note="too vague")
    case.refresh_from_db()
    assert case.status == "planning"


def test_notes_are_encrypted_at_rest(family: dict[str, Any], people: dict[str, Any]) -> None:
    case = opened(family, people)
    services.note_add(actor=people["owner"], case=case, text="Secret: domestic violence")
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM casework_casenote")
        [(stored,)] = cursor.fetchall()
    assert "violence" not in stored
    assert crypto.open_(stored) == "Secret: domestic violence"
    assert crypto.open_(crypto.rotate(stored)) == "Secret: domestic violence"
    detail = selectors.case_detail(user=people["owner"], case_id=case.pk)
    assert detail.notes[0]["text"] == "Secret: domestic violence"
    assert "violence" not in str(CaseEvent.objects.filter(case=case).values_list("detail"))
    assert CaseNote.objects.count() == 1


def test_bad_assessments_and_rejections_are_refused(
    family: dict[str, Any], people: dict[str, Any], partner: dict[str, Any]
) -> None:
    case = opened(family, people)
    with pytest.raises(InvalidInput):
        services.assessment_record(actor=people["owner"], case=case, ratings={"housing": {}})
    planned(case, people)
    services.consent_record(
        actor=people["owner"],
        case=case,
        given_by="p",
        purpose="x",
        scope="referral",
        fields=[],
        given_on=TODAY(),
    )
    referral = services.referral_send(
        actor=people["owner"], case=case, service=partner["service"], reason="x"
    )
    with pytest.raises(InvalidInput):  # a rejection says why
        services.referral_answer(actor=people["partner_in"], referral=referral, accept=False)
    services.referral_answer(
        actor=people["partner_in"], referral=referral, accept=False, reason="no places until June"
    )
    assert Referral.objects.get().status == "rejected"


def test_the_api_opens_a_case_for_a_current_member_only(
    family: dict[str, Any], people: dict[str, Any]
) -> None:
    """A person who has left the household is not "the person concerned" of its case (as on the
    web page's form)."""
    from jisr.casework.models import Case
    from jisr.registry.models import Membership
    from jisr.registry.tests.test_api import client_for

    household, son = family["household"], family["son"]
    Membership.objects.filter(person=family["father"]).update(end=dt.date(2025, 6, 1))
    client = client_for(people["owner"])
    body = {"household": household.rsu_id, "source": "self", "summary": "Needs help"}
    gone = client.post(
        "/api/v1/cases/",
        {**body, "person": family["father"].rnp_id},
        content_type="application/json",
    )
    assert gone.status_code == 422
    assert gone.json()["error"]["details"]["field"] == "person"
    assert not Case.objects.exists()
    opened = client.post(
        "/api/v1/cases/", {**body, "person": son.rnp_id}, content_type="application/json"
    )
    assert opened.status_code == 201
    assert Case.objects.get().person == son
