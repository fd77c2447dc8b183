"""The registry's hook: a household change that affects eligibility enqueues its recomputation."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from jisr.core import jobs
from jisr.registry.signals import household_changed

# Beyond this many households one job recomputes every flagged household instead of a list.
LIST_MAX = 10_000


@receiver(household_changed)
def recompute_changed(sender: Any, household_ids: list[int], reason: str, **kwargs: Any) -> None:
    from jisr.programmes.tasks import DECISIONS

    params: dict[str, Any] = (
        {"household_ids": household_ids} if len(household_ids) <= LIST_MAX else {"flagged": True}
    )
    jobs.enqueue(kind=DECISIONS, params={**params, "reason": reason})
