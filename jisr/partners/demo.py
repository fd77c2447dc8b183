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
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from jisr.geo.models import Commune
from jisr.partners import services
from jisr.partners.hsds import terms
from jisr.partners.models import Agreement, Organization

NAMESPACE = uuid.UUID("0f5b8a34-9c1e-4f7e-b2d4-3a6e1c0d9b57")
STAFF_USERNAME = "partner"
AGREEMENT_REFERENCE = "EN-DEMO-CS-001"
WEEKDAYS = "MO,TU,WE,TH,FR"


def _id(*names: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(names)))


def _service(
    org: str,
    key: str,
    name: str,
    name_ar: str,
    description: str,
    eligibility: str,
    *,
    areas: list[tuple[str, str]],
    location: str,
    ages: tuple[int | None, int | None] = (None, None),
    languages: tuple[str, ...] = ("ar", "ary", "fr"),
    **jisr: str,
) -> dict[str, Any]:
    """An HSDS service (`areas`: ("commune" or "region", code); `jisr`: Jisr attributes)."""
    ident = _id(org, key)
    service: dict[str, Any] = {
        "id": ident,
        "organization_id": _id(org),
        "name": name,
        "alternate_name": name_ar,
        "description": description,
        "status": "active",
        "eligibility_description": eligibility,
        "application_process": "Sur orientation d'un travailleur social ou en se présentant au "
        "centre avec la CNIE et, le cas échéant, l'attestation RSU.",
        "fees_description": "Gratuit.",
        "schedules": [
            {
                "id": _id(org, key, "schedule"),
                "service_id": ident,
                "freq": "WEEKLY",
                "byday": WEEKDAYS,
                "opens_at": "08:30",
                "closes_at": "16:30",
            }
        ],
        "service_areas": [
            {
                "id": _id(org, key, "area", code),
                "service_id": ident,
                "attributes": terms.attributes(
                    "service_area", uuid.UUID(_id(org, key, "area", code)), {kind: code}
                ),
            }
            for kind, code in areas
        ],
        "service_at_locations": [
            {"id": _id(org, key, "at"), "service_id": ident, "location_id": location}
        ],
        "languages": [
            {"id": _id(org, key, "language", code), "service_id": ident, "code": code}
            for code in languages
        ],
        "attributes": terms.attributes("service", uuid.UUID(ident), jisr),
    }
    if ages[0] is not None:
        service["minimum_age"] = ages[0]
    if ages[1] is not None:
        service["maximum_age"] = ages[1]
    return service


def _organization(
    key: str,
    *,
    kind: str,
    name: str,
    name_ar: str,
    description: str,
    legal_status: str,
    region: str,
    commune: str | None,
    address: str,
    city: str,
    phone: str,
    services: list[dict[str, Any]],
    year: int,
) -> dict[str, Any]:
    ident, location = _id(key), _id(key, "location")
    return {
        "id": ident,
        "name": name,
        "alternate_name": name_ar,
        "description": description,
        "legal_status": legal_status,
        "year_incorporated": year,
        "phones": [{"id": _id(key, "phone"), "organization_id": ident, "number": phone}],
        "locations": [
            {
                "id": location,
                "location_type": "physical",
                "organization_id": ident,
                "name": name,
                "addresses": [
                    {
                        "id": _id(key, "address"),
                        "location_id": location,
                        "address_1": address,
                        "city": city,
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
            "organization", uuid.UUID(ident), {"organization_kind": kind, "region": region}
        ),
        "services": services,
    }


def _communes(region: str) -> list[str]:
    """Two urban communes and a rural one of the region (the demo's synthetic ones)."""
    urban = Commune.objects.filter(region_id=region, milieu="urban").order_by("code")
    rural = Commune.objects.filter(region_id=region, milieu="rural").order_by("code")
    return [*urban.values_list("code", flat=True)[:2], *rural.values_list("code", flat=True)[:1]]


def _areas(region: str, communes: list[str], *picks: int) -> list[tuple[str, str]]:
    chosen = [("commune", communes[i]) for i in picks if i < len(communes)]
    return chosen or [("region", region)]


def directory_document() -> list[dict[str, Any]]:
    """The demo directory as HSDS organisations with their services."""
    casa, oriental = _communes("06"), _communes("02")
    casa_1 = casa[0] if casa else None
    casa_2 = casa[1] if len(casa) > 1 else casa_1
    oriental_1 = oriental[0] if oriental else None
    oriental_3 = oriental[2] if len(oriental) > 2 else oriental_1
    nour, dar, amane, chp, tamount, sanad = (
        "nour", "dar-al-ajaza", "al-amane", "chp-oriental", "tamount", "sanad",
    )  # fmt: skip
    return [
        _organization(
            nour,
            kind="association",
            region="06",
            commune=casa_1,
            year=2009,
            name="Association Nour pour l'inclusion des enfants en situation de handicap",
            name_ar="جمعية نور لإدماج الأطفال في وضعية إعاقة",
            description="Accueil de jour, rééducation et inclusion scolaire d'enfants en "
            "situation de handicap.",
            legal_status="Association (dahir n° 1-58-376 du 15 novembre 1958)",
            address="12, rue des Orangers",
            city="Casablanca",
            phone="+212 522 000 101",
            services=[
                _service(
                    nour,
                    "day-centre",
                    "Centre d'accueil de jour pour enfants en situation de handicap",
                    "مركز الاستقبال النهاري للأطفال في وضعية إعاقة",
                    "Accueil éducatif et thérapeutique en journée, repas et transport.",
                    "Enfants de 3 à 18 ans en situation de handicap.",
                    areas=_areas("06", casa, 0, 1),
                    location=_id(nour, "location"),
                    ages=(3, 18),
                    requires_disability="true",
                    places="40",
                    places_taken="36",
                ),
                _service(
                    nour,
                    "therapy",
                    "Rééducation et orthophonie",
                    "الترويض وتقويم النطق",
                    "Séances de kinésithérapie, psychomotricité et orthophonie.",
                    "Enfants de 0 à 18 ans en situation de handicap.",
                    areas=_areas("06", casa, 0),
                    location=_id(nour, "location"),
                    ages=(0, 18),
                    requires_disability="true",
                    places="25",
                    places_taken="25",
                ),
            ],
        ),
        _organization(
            dar,
            kind="eps",
            region="06",
            commune=casa_2,
            year=1998,
            name="Dar Al Ajaza — établissement de protection sociale pour personnes âgées",
            name_ar="دار العجزة — مؤسسة للرعاية الاجتماعية للأشخاص المسنين",
            description="Hébergement et soins de personnes âgées sans soutien familial.",
            legal_status="Établissement de protection sociale autorisé (loi 65.15)",
            address="Boulevard de la Résistance",
            city="Casablanca",
            phone="+212 522 000 202",
            services=[
                _service(
                    dar,
                    "residence",
                    "Hébergement des personnes âgées sans soutien familial",
                    "إيواء الأشخاص المسنين بدون سند عائلي",
                    "Hébergement permanent, repas, soins infirmiers et animation.",
                    "Personnes de 60 ans et plus, sans soutien familial, inscrites au RSU.",
                    areas=[("region", "06")],
                    location=_id(dar, "location"),
                    ages=(60, None),
                    requires_rsu="true",
                    places="80",
                    places_taken="71",
                ),
                _service(
                    dar,
                    "day-care",
                    "Accueil de jour des personnes âgées",
                    "الاستقبال النهاري للأشخاص المسنين",
                    "Activités, repas et suivi de santé en journée.",
                    "Personnes de 60 ans et plus.",
                    areas=_areas("06", casa, 1),
                    location=_id(dar, "location"),
                    ages=(60, None),
                ),
            ],
        ),
        _organization(
            amane,
            kind="association",
            region="02",
            commune=oriental_1,
            year=2012,
            name="Centre multifonctionnel pour femmes Al Amane",
            name_ar="المركز متعدد الوظائف للنساء الأمان",
            description="Écoute, orientation juridique et autonomisation économique des femmes.",
            legal_status="Association (dahir n° 1-58-376 du 15 novembre 1958)",
            address="Avenue Mohammed V",
            city="Oujda",
            phone="+212 536 000 303",
            services=[
                _service(
                    amane,
                    "listening",
                    "Écoute et orientation des femmes victimes de violence",
                    "الاستماع والتوجيه للنساء ضحايا العنف",
                    "Écoute, accompagnement juridique et orientation vers les services.",
                    "Femmes de 18 ans et plus.",
                    areas=[("region", "02")],
                    location=_id(amane, "location"),
                    ages=(18, None),
                    sex="F",
                ),
                _service(
                    amane,
                    "training",
                    "Formation professionnelle couture et pâtisserie",
                    "التكوين المهني في الخياطة والحلويات",
                    "Formation qualifiante de neuf mois et aide à l'installation.",
                    "Femmes de 16 à 45 ans inscrites au RSU.",
                    areas=_areas("02", oriental, 0, 1),
                    location=_id(amane, "location"),
                    ages=(16, 45),
                    sex="F",
                    requires_rsu="true",
                    places="30",
                    places_taken="12",
                ),
            ],
        ),
        _organization(
            chp,
            kind="public_service",
            region="02",
            commune=oriental_1,
            year=1975,
            name="Centre hospitalier provincial — médecine physique et réadaptation",
            name_ar="المركز الاستشفائي الإقليمي — مصلحة الطب الفيزيائي وإعادة التأهيل",
            description="Service hospitalier public de rééducation et d'appareillage.",
            legal_status="Service public hospitalier (Ministère de la Santé)",
            address="Route de l'hôpital",
            city="Oujda",
            phone="+212 536 000 404",
            services=[
                _service(
                    chp,
                    "rehabilitation",
                    "Consultations de réadaptation fonctionnelle",
                    "استشارات إعادة التأهيل الوظيفي",
                    "Consultations, bilans et séances de rééducation.",
                    "Toute personne ; gratuit pour les assurés AMO Tadamon.",
                    areas=[("region", "02")],
                    location=_id(chp, "location"),
                ),
                _service(
                    chp,
                    "orthotics",
                    "Appareillage orthopédique",
                    "الأجهزة التقويمية",
                    "Prescription et fourniture de prothèses, orthèses et fauteuils roulants.",
                    "Personnes en situation de handicap.",
                    areas=[("region", "02")],
                    location=_id(chp, "location"),
                    requires_disability="true",
                ),
            ],
        ),
        _organization(
            tamount,
            kind="cooperative",
            region="02",
            commune=oriental_3,
            year=2016,
            name="Coopérative Tamount",
            name_ar="تعاونية تامونت",
            description="Coopérative agricole de femmes rurales (plantes aromatiques, couscous).",
            legal_status="Coopérative (loi 112.12)",
            address="Douar Ouled Ali",
            city="",
            phone="+212 536 000 505",
            services=[
                _service(
                    tamount,
                    "inclusion",
                    "Insertion économique des femmes rurales",
                    "الإدماج الاقتصادي للنساء القرويات",
                    "Adhésion, formation et revenu tiré de la production collective.",
                    "Femmes de 18 à 60 ans de familles bénéficiaires de l'ASD.",
                    areas=_areas("02", oriental, 2),
                    location=_id(tamount, "location"),
                    ages=(18, 60),
                    sex="F",
                    requires_asd="true",
                    places="15",
                    places_taken="9",
                    languages=("ar", "ary", "zgh"),
                ),
            ],
        ),
        _organization(
            sanad,
            kind="association",
            region="06",
            commune=casa_1,
            year=2005,
            name="Association Sanad pour la protection de l'enfance",
            name_ar="جمعية سند لحماية الطفولة",
            description="Protection des enfants en situation de rue et soutien scolaire.",
            legal_status="Association reconnue d'utilité publique",
            address="Rue Ibn Batouta",
            city="Casablanca",
            phone="+212 522 000 606",
            services=[
                _service(
                    sanad,
                    "shelter",
                    "Accueil d'urgence des enfants en situation de rue",
                    "الاستقبال الاستعجالي للأطفال في وضعية الشارع",
                    "Mise à l'abri, soins, écoute et recherche de la famille.",
                    "Enfants de 6 à 17 ans.",
                    areas=[("region", "06")],
                    location=_id(sanad, "location"),
                    ages=(6, 17),
                    places="20",
                    places_taken="18",
                ),
                _service(
                    sanad,
                    "tutoring",
                    "Soutien scolaire",
                    "الدعم المدرسي",
                    "Cours de soutien et lutte contre l'abandon scolaire.",
                    "Enfants de 6 à 15 ans de familles bénéficiaires de l'ASD.",
                    areas=_areas("06", casa, 0, 1),
                    location=_id(sanad, "location"),
                    ages=(6, 15),
                    requires_asd="true",
                    places="60",
                    places_taken="41",
                ),
            ],
        ),
    ]


def _month(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


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
