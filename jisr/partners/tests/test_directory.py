"""The directory: searching services for a person in a commune (the interface casework uses),
partner staff membership, and the directory's writes with their refusals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from jisr.accounts.roles import Role
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.core.models import AuditEvent
from jisr.geo.models import Commune, Region
from jisr.partners import demo, selectors, services
from jisr.partners.models import Organization, Service, ServiceArea

pytestmark = pytest.mark.django_db


def names(found: Any) -> list[str]:
    return [service.name for service in found]


def test_search_by_commune_finds_services_of_the_commune_and_of_its_region(
    directory: dict[str, Any], worker: Any
) -> None:
    found = names(selectors.services_search(user=worker, commune="06.01.002"))
    assert "Accueil de jour des personnes âgées" in found  # the commune itself
    assert "Hébergement des personnes âgées sans soutien familial" in found  # its whole region
    assert "Rééducation et orthophonie" not in found  # another commune only
    assert not any("Oujda" in name or "femmes" in name for name in found)  # another region


def test_services_with_places_left_come_first(directory: dict[str, Any], worker: Any) -> None:
    found = list(selectors.services_search(user=worker, commune="06.01.001"))
    rooms = [service.places_left != 0 for service in found]
    assert rooms == sorted(rooms, reverse=True)
    assert found[-1].name == "Rééducation et orthophonie"  # 25 places, 25 taken


def test_search_by_text_in_french_or_arabic_and_by_organisation(
    directory: dict[str, Any], worker: Any
) -> None:
    assert names(selectors.services_search(user=worker, text="orthophonie")) == [
        "Rééducation et orthophonie"
    ]
    assert names(selectors.services_search(user=worker, text="الدعم المدرسي")) == [
        "Soutien scolaire"
    ]
    assert len(selectors.services_search(user=worker, text="Sanad")) == 2
    assert names(selectors.services_search(user=worker, text="soutien scolaire Sanad")) == [
        "Soutien scolaire"
    ]


def test_search_by_eligibility(directory: dict[str, Any], worker: Any) -> None:
    child = {"age": 8, "disability": True, "rsu": True, "asd": False}
    found = names(selectors.services_search(user=worker, commune="06.01.001", eligibility=child))
    assert "Centre d'accueil de jour pour enfants en situation de handicap" in found
    assert "Accueil d'urgence des enfants en situation de rue" in found
    assert "Soutien scolaire" not in found  # ASD households only
    assert "Hébergement des personnes âgées sans soutien familial" not in found  # 60+
    woman = {"age": 30, "sex": "F", "rsu": False}
    found = names(selectors.services_search(user=worker, commune="02.01.001", eligibility=woman))
    assert "Écoute et orientation des femmes victimes de violence" in found
    assert "Formation professionnelle couture et pâtisserie" not in found  # RSU only
    man = {"age": 30, "sex": "M"}
    assert "Écoute et orientation des femmes victimes de violence" not in names(
        selectors.services_search(user=worker, commune="02.01.001", eligibility=man)
    )


def test_inactive_services_are_not_offered(directory: dict[str, Any], worker: Any) -> None:
    Service.objects.filter(name="Soutien scolaire").update(status="temporarily closed")
    assert "Soutien scolaire" not in names(selectors.services_search(user=worker))


def test_search_refusals(directory: dict[str, Any], worker: Any, make_user: Any) -> None:
    with pytest.raises(InvalidInput):
        selectors.services_search(user=worker, commune="99.99.999")
    with pytest.raises(InvalidInput):
        selectors.services_search(user=worker, eligibility={"income": 3})
    with pytest.raises(InvalidInput):
        selectors.services_search(user=worker, eligibility={"age": "eight"})
    payer = make_user(Role.PAYMENT_OFFICER, national=True)  # no right to the directory
    with pytest.raises(AccessDenied):
        selectors.services_search(user=payer)


def test_service_get_and_user_organization(
    directory: dict[str, Any], staff: Any, worker: Any
) -> None:
    service = Service.objects.get(name="Soutien scolaire")
    assert selectors.service_get(service_id=service.pk) == service
    with pytest.raises(NotFound):
        selectors.service_get(service_id=uuid.uuid4())
    assert selectors.user_organization(user=staff) == directory["nour"]
    assert selectors.user_organization(user=worker) is None
    staff.is_active = False
    assert selectors.user_organization(user=staff) is None


def test_one_organisation_per_staff_member(directory: dict[str, Any], staff: Any) -> None:
    sanad = Organization.objects.get(pk=demo._id("sanad"))
    with pytest.raises(InvalidInput):
        services.organization_member_add(actor=None, user=staff, organization=sanad)
    services.organization_member_remove(actor=None, user=staff)
    services.organization_member_add(actor=None, user=staff, organization=sanad, role="Éducateur")
    assert selectors.user_organization(user=staff) == sanad


def test_staff_membership_needs_an_account_or_directory_manager(
    directory: dict[str, Any], make_user: Callable[..., Any], manager_oriental: Any
) -> None:
    newcomer = make_user(Role.PARTNER_STAFF, username="newcomer")
    nour = directory["nour"]
    with pytest.raises(NotFound):  # a manager of another region
        services.organization_member_add(actor=manager_oriental, user=newcomer, organization=nour)
    admin = make_user(Role.ADMINISTRATOR, national=True)
    services.organization_member_add(actor=admin, user=newcomer, organization=nour)
    assert AuditEvent.objects.filter(action="partners.member_added", actor_id=admin.pk).exists()


def test_organisation_and_service_created_by_a_manager_in_scope(
    communes: None, manager: Any, manager_oriental: Any, worker: Any
) -> None:
    casablanca = Region.objects.get(code="06")
    with pytest.raises(AccessDenied):
        services.organization_create(
            actor=worker, kind="association", name_fr="Association X", region=casablanca
        )
    with pytest.raises(NotFound):
        services.organization_create(
            actor=manager_oriental, kind="association", name_fr="Association X", region=casablanca
        )
    with pytest.raises(InvalidInput):
        services.organization_create(
            actor=manager, kind="club", name_fr="Association X", region=casablanca
        )
    organization = services.organization_create(
        actor=manager,
        kind="eps",
        name_fr="Centre Al Wifaq",
        region=casablanca,
        details={"name_ar": "مركز الوفاق", "legal_status": "EPS (loi 65.15)"},
    )
    with pytest.raises(InvalidInput) as refused:
        services.service_create(
            actor=manager,
            organization=organization,
            name="Hébergement",
            details={"minimum_age": 60, "maximum_age": 18},
        )
    assert refused.value.details["problems"]
    service = services.service_create(
        actor=manager,
        organization=organization,
        name="Hébergement",
        details={"minimum_age": 60, "places": 30},
    )
    services.service_area_add(
        actor=manager, service=service, commune=Commune.objects.get(code="06.01.003")
    )
    found = selectors.services_search(user=worker, commune="06.01.003")
    assert list(found) == [service]
    with pytest.raises(InvalidInput):
        services.service_update(actor=manager, service=service, changes={"colour": "blue"})
    services.service_update(actor=manager, service=service, changes={"status": "inactive"})
    assert not selectors.services_search(user=worker, commune="06.01.003").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partners.organization_created", "partners.service_created"} <= actions
    assert {"partners.service_area_added", "partners.service_updated"} <= actions


def test_capacity_set_by_the_organisations_staff_or_a_manager_only(
    directory: dict[str, Any], staff: Any, other_staff: Any, manager: Any
) -> None:
    service = Service.objects.get(name="Rééducation et orthophonie")  # Nour's
    with pytest.raises(AccessDenied):
        services.service_capacity_set(actor=other_staff, service=service, places=25, places_taken=3)
    services.service_capacity_set(actor=staff, service=service, places=25, places_taken=20)
    assert Service.objects.get(pk=service.pk).places_left == 5
    services.service_capacity_set(actor=manager, service=service, places=None, places_taken=0)
    assert Service.objects.get(pk=service.pk).places_left is None
    with pytest.raises(InvalidInput):
        services.service_capacity_set(actor=manager, service=service, places=-1, places_taken=0)


def test_the_database_holds_the_directorys_invariants(directory: dict[str, Any]) -> None:
    service = Service.objects.first()
    assert service is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceArea.objects.create(service=service)  # neither a commune nor a region
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(minimum_age=30, maximum_age=10)
