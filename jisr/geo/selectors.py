"""Reads of the territorial division (public data: no scope needed)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from jisr.geo.models import Commune, Region


def region_list() -> QuerySet[Region]:
    return Region.objects.annotate(commune_count=Count("communes")).order_by("code")


def region_names() -> dict[str, str]:
    """Each region's name in the active language, by code (for tables of figures by region)."""
    return {region.code: region.name for region in Region.objects.all()}


def commune_list(*, region_code: str | None = None) -> QuerySet[Commune]:
    communes = Commune.objects.select_related("province", "region").order_by("code")
    return communes.filter(region_id=region_code) if region_code else communes


def commune_get(*, code: str) -> Commune | None:
    """The commune of `code`, or None when no commune has it (a code kept in an old snapshot)."""
    return Commune.objects.filter(code=code).first()
