"""Reads of the registry, always through the caller's scope; reads of personal data are audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jisr.accounts.roles import VIEW_HOUSEHOLD
from jisr.core import access, audit
from jisr.core.errors import NotFound
from jisr.registry.models import Household, Membership


def household_list(*, user: object, query: str = "", region: str = "") -> QuerySet[Household]:
    """Households the user may see, optionally filtered by an identifier or a region code."""
    households = access.scope_filter(
        user,
        Household.objects.select_related("commune", "region"),
        permission=VIEW_HOUSEHOLD,
        region_field="region_id",
        commune_field="commune_id",
    )
    query = query.strip()
    if query:
        households = households.filter(
            Q(rsu_id=query)
            | Q(phone=query)
            | Q(memberships__end__isnull=True, memberships__person__cnie=query.upper())
            | Q(memberships__end__isnull=True, memberships__person__rnp_id=query)
        ).distinct()
    if region:
        households = households.filter(region_id=region)
    return households.annotate(
        member_count=Count("memberships", filter=Q(memberships__end__isnull=True))
    ).order_by("rsu_id")


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[Membership]


def household_get(*, user: object, rsu_id: str) -> HouseholdDetail:
    """One household with its current members. Outside the user's scope: NotFound. Audited."""
    household = (
        Household.objects.select_related("commune", "region", "commune__province")
        .filter(rsu_id=rsu_id)
        .first()
    )
    if household is None:
        raise NotFound()
    access.require(user, VIEW_HOUSEHOLD, household)
    members = list(
        Membership.objects.filter(household=household, end__isnull=True)
        .select_related("person")
        .order_by("person__birth_date")
    )
    audit.read(
        actor=user if hasattr(user, "get_username") else None,  # type: ignore[arg-type]
        action="registry.household_viewed",
        target=household,
    )
    return HouseholdDetail(household=household, members=members)
