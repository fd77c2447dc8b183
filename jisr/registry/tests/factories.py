"""Factories for registry records (households in a given commune, persons, memberships)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from jisr.core.identifiers import RNP_ID_LENGTH, RSU_ID_LENGTH, luhn_check_digit
from jisr.geo.models import Commune, Province, Region
from jisr.registry.models import Household, Membership, Person


def luhn_id(number: int, length: int) -> str:
    payload = str(number).zfill(length - 1)
    return payload + str(luhn_check_digit(payload))


def commune_in(region_code: str, number: int = 1) -> Commune:
    region = Region.objects.get(code=region_code)
    province, _ = Province.objects.get_or_create(
        code=f"{region_code}.01",
        defaults={
            "region": region,
            "name_fr": "Province test",
            "name_ar": "إقليم تجريبي",
            "population_2024": 1000,
        },
    )
    commune, _ = Commune.objects.get_or_create(
        code=f"{region_code}.01.{number:03d}",
        defaults={
            "province": province,
            "region": region,
            "name_fr": f"Commune test {number}",
            "name_ar": f"جماعة تجريبية {number}",
            "population_2024": 1000,
            "milieu": "urban",
            "synthetic": True,
        },
    )
    return commune


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    class Params:
        region_code = "06"

    rsu_id = factory.Sequence(lambda n: luhn_id(n + 1, RSU_ID_LENGTH))
    commune = factory.LazyAttribute(lambda o: commune_in(o.region_code))
    region = factory.LazyAttribute(lambda o: o.commune.region)
    milieu = "urban"
    housing_type = "modern_house"
    rooms = 3
    tenure = "owner"
    water_source = "piped_in_dwelling"
    electricity = "grid"
    sanitation = "sewer"
    spend_water = Decimal("80.00")
    spend_electricity = Decimal("150.00")
    spend_butane = Decimal("50.00")
    spend_telephone = Decimal("100.00")


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    rnp_id = factory.Sequence(lambda n: luhn_id(n + 1, RNP_ID_LENGTH))
    cnie = factory.Sequence(lambda n: f"BK{n + 100000}")
    first_name_ar = "فاطمة"
    last_name_ar = "العلوي"
    first_name_lat = "Fatima"
    last_name_lat = "Alaoui"
    sex = "F"
    birth_date = dt.date(1980, 5, 17)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    household = factory.SubFactory(HouseholdFactory)
    relationship = "head"
    start = dt.date(2024, 9, 1)
