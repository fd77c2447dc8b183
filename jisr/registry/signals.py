"""The hook for everything computed from the registry (index, eligibility, outreach flags).

`household_changed` is sent after the transaction that changed households commits, with their
ids and why. The change itself also sets `Household.needs_recompute`, so a batch that missed the
signal (a worker that was down) still finds the households to recompute.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

household_changed = Signal()  # kwargs: household_ids (list[int]), reason (str)


def notify_household_changed(household_ids: Iterable[int], reason: str) -> None:
    ids = sorted(set(household_ids))
    if ids:
        transaction.on_commit(
            lambda: household_changed.send(sender=None, household_ids=ids, reason=reason)
        )
