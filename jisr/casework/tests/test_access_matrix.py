"""Every role × action × relationship to a case, checked cell by cell: the rules (`access.can`)
against a table written from the issue, then the API (404 for whoever may not see the case, 403
for whoever sees it but may not act), and the case's access log for every read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jisr.casework import access, services
from jisr.casework.access import Action
from jisr.casework.models import CaseAccess
from jisr.registry.tests.test_api import client_for

pytestmark = pytest.mark.django_db

V, N, W, T, A, S, OVR = (
    Action.VIEW,
    Action.READ_NOTES,
    Action.WORK,
    Action.ACCEPT_TRANSFER,
    Action.APPROVE,
    Action.ASSIGN,
    Action.OVERRIDE_CONSENT,
)
# Who may do what with the case of the fixture (owned by `owner`, whose supervisor is `sup_team`,
# in region 06, referred to `partner_in`'s organisation, a transfer proposed to `receiver`).
EXPECTED: dict[str, set[Action]] = {
    "owner": {V, N, W},
    "colleague": set(),  # another worker of the same region: nothing
    "receiver": {V, T},  # may read the case to decide (not its notes), and accept
    "sup_team": {V, N, A, S, OVR},  # the owner's supervisor (scope elsewhere)
    "sup_territory": {V, N, A, S, OVR},  # a supervisor of the case's region
    "sup_elsewhere": set(),
    "auditor_in": {V, N},  # reads everything in scope, each read logged
    "auditor_out": set(),
    "auditor_national": {V, N},  # a national scope is every territory's
    "partner_in": set(),  # the referral only, never the case
    "partner_out": set(),
    "manager": set(),  # programme and payment staff see no case content
    "payer": set(),
    "admin": set(),
}


def test_the_rules_cell_by_cell(case: Any, people: dict[str, Any]) -> None:
    for name, user in people.items():
        allowed = {action for action in Action if access.can(user, action, case)}
        assert allowed == EXPECTED[name], name


def test_the_api_enforces_each_cell(case: Any, people: dict[str, Any], partner: Any) -> None:
    for name, user in people.items():
        client = client_for(user)
        listed = {c["id"] for c in client.get("/api/v1/cases/").json()}
        sees = V in EXPECTED[name]
        assert (case.pk in listed) == sees, name
        detail = client.get(f"/api/v1/cases/{case.pk}")
        assert detail.status_code == (200 if sees else 404), name
        note = client.post(
            f"/api/v1/cases/{case.pk}/notes",
            {"text": "x"},
            content_type="application/json",
        )
        assert note.status_code == (201 if W in EXPECTED[name] else 403 if sees else 404), name
        plan = services.plan_submit(
            actor=people["owner"],
            case=case,
            goals=["g"],
            actions=[],
            review_date=timezone.localdate() + dt.timedelta(days=30),
        )
        decision = client.post(
            f"/api/v1/plans/{plan.pk}/decision",
            {"approve": True},
            content_type="application/json",
        )
        assert decision.status_code == (200 if A in EXPECTED[name] else 403 if sees else 404), name
        referrals = client.get("/api/v1/referrals/").json()
        assert bool(referrals) == (name == "partner_in"), name


def test_the_partner_sees_only_the_referral_and_what_consent_allows(
    case: Any, people: dict[str, Any]
) -> None:
    client = client_for(people["partner_in"])
    [referral] = client.get("/api/v1/referrals/").json()
    assert set(referral["shared"]) == {"case", "reason", "first_name", "age", "needs"}
    assert "phone" not in referral["shared"]  # contact was not in the consent
    assert client.get(f"/api/v1/referrals/{referral['id']}").status_code == 200
    other = client_for(people["partner_out"])
    assert other.get(f"/api/v1/referrals/{referral['id']}").status_code == 404
    answer = other.post(
        f"/api/v1/referrals/{referral['id']}/answer",
        {"accept": True},
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_every_read_is_in_the_case_access_log(case: Any, people: dict[str, Any]) -> None:
    CaseAccess.objects.all().delete()
    for user in people.values():
        client_for(user).get(f"/api/v1/cases/{case.pk}")
    readers = set(CaseAccess.objects.filter(case=case).values_list("user__username", flat=True))
    assert readers == {name for name, allowed in EXPECTED.items() if V in allowed}
    auditor = CaseAccess.objects.get(case=case, user=people["auditor_in"], action="view_api")
    assert (auditor.action, auditor.relation) == ("view_api", "territory")


def test_the_confidential_notes_only_to_those_who_may_read_them(
    case: Any, people: dict[str, Any]
) -> None:
    services.note_add(actor=people["owner"], case=case, text="Father left in March; rent unpaid.")
    CaseAccess.objects.all().delete()
    for name, user in people.items():
        detail = client_for(user).get(f"/api/v1/cases/{case.pk}")
        if V not in EXPECTED[name]:
            assert detail.status_code == 404, name
            continue
        texts = [n["text"] for n in detail.json()["notes"]]
        assert bool(texts) == (N in EXPECTED[name]), name
        assert not texts or texts[-1] == "Father left in March; rent unpaid.", name
    readers = set(
        CaseAccess.objects.filter(case=case, action="notes_api").values_list(
            "user__username", flat=True
        )
    )
    assert readers == {name for name, allowed in EXPECTED.items() if N in allowed}


def test_inactive_users_reach_nothing(case: Any, people: dict[str, Any]) -> None:
    owner = people["owner"]
    owner.is_active = False
    owner.save()
    assert not any(access.can(owner, action, case) for action in Action)
    assert not access.visible_cases(owner).exists()
