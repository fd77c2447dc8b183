"""Demo partners: a handful of organisations (associations, a social protection establishment, a
women's centre, a hospital service, a cooperative) with their services in Casablanca-Settat (06)
and L'Oriental (02), the `partner` demo user as staff of the first, and one agreement in force.

The organisations are fictitious (as the demo's communes are synthetic). The directory goes in
through the HSDS import, like any partner's data; every id is derived from a name (uuid5), so
seeding again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from jisr.geo.selectors import commune_list
from jisr.partners import services
from jisr.partners.hsds import terms
from jisr.partners.models import Agreement, Organization
from jisr.rules.periods import Month

NAMESPACE = uuid.UUID("0f5b8a34-9c1e-4f7e-b2d4-3a6e1c0d9b57")
STAFF_USERNAME = "partner"
AGREEMENT_REFERENCE = "EN-DEMO-CS-001"
WEEKDAYS = "MO,TU,WE,TH,FR"


def _id(*names: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(names)))


_ASSOCIATION = "Association (dahir n° 1-58-376 du 15 novembre 1958)"


@dataclass(frozen=True)
class _Service:
    """A demo service. `communes`: indexes into its region's demo communes (none, or none of them
    present: the whole region); `jisr`: Jisr attributes (see `hsds.terms`)."""

    key: str
    name: str
    name_ar: str
    description: str
    eligibility: str
    communes: tuple[int, ...] = ()
    ages: tuple[int | None, int | None] = (None, None)
    languages: tuple[str, ...] = ("ar", "ary", "fr")
    jisr: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Organization:
    """A demo organisation; its location is in its region's demo commune number `commune` (the
    first one if the region has fewer)."""

    key: str
    kind: str
    region: str
    commune: int
    year: int
    name: str
    name_ar: str
    description: str
    legal_status: str
    address: str
    city: str
    phone: str
    services: tuple[_Service, ...]


ORGANIZATIONS: tuple[_Organization, ...] = (
    _Organization(
        "nour", "association", "06", 0, 2009,
        "Association Nour pour l'inclusion des enfants en situation de handicap",
        "جمعية نور لإدماج الأطفال في وضعية إعاقة",
        "Accueil de jour, rééducation et inclusion scolaire d'enfants en situation de handicap.",
        _ASSOCIATION, "12, rue des Orangers", "Casablanca", "+212 522 000 101",
        services=(
            _Service(
                "day-centre",
                "Centre d'accueil de jour pour enfants en situation de handicap",
                "مركز الاستقبال النهاري للأطفال في وضعية إعاقة",
                "Accueil éducatif et thérapeutique en journée, repas et transport.",
                "Enfants de 3 à 18 ans en situation de handicap.",
                communes=(0, 1), ages=(3, 18),
                jisr={"requires_disability": "true", "places": "40", "places_taken": "36"},
            ),
            _Service(
                "therapy",
                "Rééducation et orthophonie",
                "الترويض وتقويم النطق",
                "Séances de kinésithérapie, psychomotricité et orthophonie.",
                "Enfants de 0 à 18 ans en situation de handicap.",
                communes=(0,), ages=(0, 18),
                jisr={"requires_disability": "true", "places": "25", "places_taken": "25"},
            ),
        ),
    ),
    _Organization(
        "dar-al-ajaza", "eps", "06", 1, 1998,
        "Dar Al Ajaza — établissement de protection sociale pour personnes âgées",
        "دار العجزة — مؤسسة للرعاية الاجتماعية للأشخاص المسنين",
        "Hébergement et soins de personnes âgées sans soutien familial.",
        "Établissement de protection sociale autorisé (loi 65.15)",
        "Boulevard de la Résistance", "Casablanca", "+212 522 000 202",
        services=(
            _Service(
                "residence",
                "Hébergement des personnes âgées sans soutien familial",
                "إيواء الأشخاص المسنين بدون سند عائلي",
                "Hébergement permanent, repas, soins infirmiers et animation.",
                "Personnes de 60 ans et plus, sans soutien familial, inscrites au RSU.",
                ages=(60, None),
                jisr={"requires_rsu": "true", "places": "80", "places_taken": "71"},
            ),
            _Service(
                "day-care",
                "Accueil de jour des personnes âgées",
                "الاستقبال النهاري للأشخاص المسنين",
                "Activités, repas et suivi de santé en journée.",
                "Personnes de 60 ans et plus.",
                communes=(1,), ages=(60, None),
            ),
        ),
    ),
    _Organization(
        "al-amane", "association", "02", 0, 2012,
        "Centre multifonctionnel pour femmes Al Amane",
        "المركز متعدد الوظائف للنساء الأمان",
        "Écoute, orientation juridique et autonomisation économique des femmes.",
        _ASSOCIATION, "Avenue Mohammed V", "Oujda", "+212 536 000 303",
        services=(
            _Service(
                "listening",
                "Écoute et orientation des femmes victimes de violence",
                "الاستماع والتوجيه للنساء ضحايا العنف",
                "Écoute, accompagnement juridique et orientation vers les services.",
                "Femmes de 18 ans et plus.",
                ages=(18, None),
                jisr={"sex": "F"},
            ),
            _Service(
                "training",
                "Formation professionnelle couture et pâtisserie",
                "التكوين المهني في الخياطة والحلويات",
                "Formation qualifiante de neuf mois et aide à l'installation.",
                "Femmes de 16 à 45 ans inscrites au RSU.",
                communes=(0, 1), ages=(16, 45),
                jisr={"sex": "F", "requires_rsu": "true", "places": "30", "places_taken": "12"},
            ),
        ),
    ),
    _Organization(
        "chp-oriental", "public_service", "02", 0, 1975,
        "Centre hospitalier provincial — médecine physique et réadaptation",
        "المركز الاستشفائي الإقليمي — مصلحة الطب الفيزيائي وإعادة التأهيل",
        "Service hospitalier public de rééducation et d'appareillage.",
        "Service public hospitalier (Ministère de la Santé)",
        "Route de l'hôpital", "Oujda", "+212 536 000 404",
        services=(
            _Service(
                "rehabilitation",
                "Consultations de réadaptation fonctionnelle",
                "استشارات إعادة التأهيل الوظيفي",
                "Consultations, bilans et séances de rééducation.",
                "Toute personne ; gratuit pour les assurés AMO Tadamon.",
            ),
            _Service(
                "orthotics",
                "Appareillage orthopédique",
                "الأجهزة التقويمية",
                "Prescription et fourniture de prothèses, orthèses et fauteuils roulants.",
                "Personnes en situation de handicap.",
                jisr={"requires_disability": "true"},
            ),
        ),
    ),
    _Organization(
        "tamount", "cooperative", "02", 2, 2016,
        "Coopérative Tamount",
        "تعاونية تامونت",
        "Coopérative agricole de femmes rurales (plantes aromatiques, couscous).",
        "Coopérative (loi 112.12)", "Douar Ouled Ali", "", "+212 536 000 505",
        services=(
            _Service(
                "inclusion",
                "Insertion économique des femmes rurales",
                "الإدماج الاقتصادي للنساء القرويات",
                "Adhésion, formation et revenu tiré de la production collective.",
                "Femmes de 18 à 60 ans de familles bénéficiaires de l'ASD.",
                communes=(2,), ages=(18, 60), languages=("ar", "ary", "zgh"),
                jisr={"sex": "F", "requires_asd": "true", "places": "15", "places_taken": "9"},
            ),
        ),
    ),
    _Organization(
        "sanad", "association", "06", 0, 2005,
        "Association Sanad pour la protection de l'enfance",
        "جمعية سند لحماية الطفولة",
        "Protection des enfants en situation de rue et soutien scolaire.",
        "Association reconnue d'utilité publique",
        "Rue Ibn Batouta", "Casablanca", "+212 522 000 606",
        services=(
            _Service(
                "shelter",
                "Accueil d'urgence des enfants en situation de rue",
                "الاستقبال الاستعجالي للأطفال في وضعية الشارع",
                "Mise à l'abri, soins, écoute et recherche de la famille.",
                "Enfants de 6 à 17 ans.",
                ages=(6, 17),
                jisr={"places": "20", "places_taken": "18"},
            ),
            _Service(
                "tutoring",
                "Soutien scolaire",
                "الدعم المدرسي",
                "Cours de soutien et lutte contre l'abandon scolaire.",
                "Enfants de 6 à 15 ans de familles bénéficiaires de l'ASD.",
                communes=(0, 1), ages=(6, 15),
                jisr={"requires_asd": "true", "places": "60", "places_taken": "41"},
            ),
        ),
    ),
)  # fmt: skip


def _service(org: _Organization, service: _Service, communes: list[str]) -> dict[str, Any]:
    """`service` as HSDS, `communes` being the demo communes of `org`'s region."""
    key, ident = service.key, _id(org.key, service.key)
    areas = [("commune", communes[i]) for i in service.communes if i < len(communes)]
    document: dict[str, Any] = {
        "id": ident,
        "organization_id": _id(org.key),
        "name": service.name,
        "alternate_name": service.name_ar,
        "description": service.description,
        "status": "active",
        "eligibility_description": service.eligibility,
        "application_process": "Sur orientation d'un travailleur social ou en se présentant au "
        "centre avec la CNIE et, le cas échéant, l'attestation RSU.",
        "fees_description": "Gratuit.",
        "schedules": [
            {
                "id": _id(org.key, key, "schedule"),
                "service_id": ident,
                "freq": "WEEKLY",
                "byday": WEEKDAYS,
                "opens_at": "08:30",
                "closes_at": "16:30",
            }
        ],
        "service_areas": [
            {
                "id": _id(org.key, key, "area", code),
                "service_id": ident,
                "attributes": terms.attributes(
                    "service_area", uuid.UUID(_id(org.key, key, "area", code)), {kind: code}
                ),
            }
            for kind, code in areas or [("region", org.region)]
        ],
        "service_at_locations": [
            {
                "id": _id(org.key, key, "at"),
                "service_id": ident,
                "location_id": _id(org.key, "location"),
            }
        ],
        "languages": [
            {"id": _id(org.key, key, "language", code), "service_id": ident, "code": code}
            for code in service.languages
        ],
        "attributes": terms.attributes("service", uuid.UUID(ident), dict(service.jisr)),
    }
    minimum, maximum = service.ages
    if minimum is not None:
        document["minimum_age"] = minimum
    if maximum is not None:
        document["maximum_age"] = maximum
    return document


def _organization(org: _Organization, communes: list[str]) -> dict[str, Any]:
    """`org` with its services as HSDS, `communes` being the demo communes of its region."""
    ident, location = _id(org.key), _id(org.key, "location")
    commune = communes[org.commune if org.commune < len(communes) else 0] if communes else None
    return {
        "id": ident,
        "name": org.name,
        "alternate_name": org.name_ar,
        "description": org.description,
        "legal_status": org.legal_status,
        "year_incorporated": org.year,
        "phones": [{"id": _id(org.key, "phone"), "organization_id": ident, "number": org.phone}],
        "locations": [
            {
                "id": location,
                "location_type": "physical",
                "organization_id": ident,
                "name": org.name,
                "addresses": [
                    {
                        "id": _id(org.key, "address"),
                        "location_id": location,
                        "address_1": org.address,
                        "city": org.city,
                        "state_province": "",
                        "postal_code": "",
                        "country": "MA",
                        "address_type": "physical",
                    }
                ],
                "attributes": terms.attributes(
                    "location", uuid.UUID(location), {"commune": commune}
                ),
            }
        ],
        "attributes": terms.attributes(
            "organization",
            uuid.UUID(ident),
            {"organization_kind": org.kind, "region": org.region},
        ),
        "services": [_service(org, service, communes) for service in org.services],
    }


def _communes(region: str) -> list[str]:
    """Two urban communes and a rural one of the region (the demo's synthetic ones)."""
    urban = commune_list(region_code=region).filter(milieu="urban")
    rural = commune_list(region_code=region).filter(milieu="rural")
    return [*urban.values_list("code", flat=True)[:2], *rural.values_list("code", flat=True)[:1]]


def directory_document() -> list[dict[str, Any]]:
    """The demo directory as HSDS organisations with their services."""
    communes = {region: _communes(region) for region in sorted({o.region for o in ORGANIZATIONS})}
    return [_organization(org, communes[org.region]) for org in ORGANIZATIONS]


def _month(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s."""
    return Month.of(day).plus(months).first_day


def _agreement(today: dt.date, staff: Any) -> bool:
    """An agreement in force with the first organisation: its first tranche paid, the first
    quarter's report submitted, the second quarter's overdue. False if it exists already."""
    if Agreement.objects.filter(reference=AGREEMENT_REFERENCE).exists():
        return False
    organization = Organization.objects.get(pk=_id("nour"))
    start = _month(today, -10)
    agreement = services.agreement_create(
        actor=None,
        organization=organization,
        reference=AGREEMENT_REFERENCE,
        funder="entraide_nationale",
        purpose="Accueil de jour et rééducation de 60 enfants en situation de handicap.",
        start=start,
        end=_month(start, 24) - dt.timedelta(days=1),
        budget="500000.00",
        contribution="350000.00",
    )
    first = services.tranche_add(
        actor=None, agreement=agreement, amount="150000.00", due_date=start,
        conditions="À la signature.",
    )  # fmt: skip
    second = services.tranche_add(
        actor=None, agreement=agreement, amount="100000.00", due_date=_month(start, 7),
        conditions="Rapports des deux premiers trimestres ; 60 enfants accueillis.",
    )  # fmt: skip
    third = services.tranche_add(
        actor=None, agreement=agreement, amount="100000.00", due_date=_month(start, 13),
        conditions="Rapports des troisième et quatrième trimestres.",
    )  # fmt: skip
    for quarter, tranche in enumerate((second, second, third, third)):
        period_start = _month(start, 3 * quarter)
        services.report_due_add(
            actor=None,
            agreement=agreement,
            tranche=tranche,
            period_start=period_start,
            period_end=_month(period_start, 3) - dt.timedelta(days=1),
            due_date=_month(period_start, 3) + dt.timedelta(days=14),
        )
    services.indicator_add(
        actor=None, tranche=second, measure="people_served", target=60,
        label="Enfants accueillis",
    )  # fmt: skip
    services.agreement_activate(actor=None, agreement=agreement, signed_on=start)
    services.tranche_conditions_meet(actor=None, tranche=first)
    services.tranche_pay(
        actor=None, tranche=first, paid_on=start + dt.timedelta(days=20),
        payment_reference="OV-DEMO-0001",
    )  # fmt: skip
    if staff is not None:
        due = agreement.reports_due.order_by("period_start").first()
        assert due is not None  # noqa: S101  (created above)
        service_ids = [uuid.UUID(_id("nour", "day-centre")), uuid.UUID(_id("nour", "therapy"))]
        report = services.output_report_save(
            actor=staff,
            due=due,
            people_served=52,
            delivered={service_ids[0]: 2480, service_ids[1]: 610},
            note="Premier trimestre : 52 enfants accueillis, 3 en liste d'attente.",
        )
        services.output_report_submit(actor=staff, report=report)
    return True


def directory_seed(*, today: dt.date | None = None) -> dict[str, Any]:
    """Seed the demo directory (idempotent), make the `partner` user (if any) staff of the first
    organisation, and add the demo agreement."""
    summary = services.directory_import(actor=None, documents=directory_document(), source="demo")
    staff = get_user_model().objects.filter(username=STAFF_USERNAME).first()
    if staff is not None:
        organization = Organization.objects.get(pk=_id("nour"))
        services.organization_member_add(
            actor=None, user=staff, organization=organization, role="Coordinatrice"
        )
    created = _agreement(today or timezone.localdate(), staff)
    return {**summary.as_dict(), "staff": staff is not None, "agreement_created": created}
