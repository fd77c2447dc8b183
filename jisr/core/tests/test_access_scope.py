"""A scope as a query filter: what it matches alone, and once or-ed with other grounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from jisr.accounts.roles import Role
from jisr.core.access import Scope

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("grounds", [Q(pk__in=[]), Q(username="nobody"), None])
def test_a_national_scope_matches_everything_even_or_ed_with_other_grounds(
    make_user: Callable[..., Any], grounds: Q | None
) -> None:
    users = [make_user(Role.AUDITOR, username=f"u{i}", regions=["06"]) for i in range(3)]
    national = Scope(national=True).q(region_field="username")
    condition = national if grounds is None else grounds | national
    found = get_user_model().objects.filter(condition)
    assert sorted(u.pk for u in found) == sorted(u.pk for u in users)
    # And-ed, it restricts nothing either.
    assert get_user_model().objects.filter(national & Q(username="u1")).get() == users[1]


def test_an_empty_scope_matches_nothing_and_a_regional_one_its_regions(
    make_user: Callable[..., Any],
) -> None:
    make_user(Role.AUDITOR, username="a", regions=["06"])
    make_user(Role.AUDITOR, username="b", regions=["02"])
    model = get_user_model()
    assert not model.objects.filter(Scope().q(region_field="username")).exists()
    regional = Scope(regions=frozenset({"a"})).q(region_field="username")
    assert list(model.objects.filter(regional).values_list("username", flat=True)) == ["a"]
