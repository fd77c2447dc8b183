"""The unified social registry's tables (one module per concern, all importable from here)."""

from jisr.registry.models.dedup import DuplicateCandidate, DuplicateStatus
from jisr.registry.models.history import (
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    EventKind,
    HouseholdEvent,
)
from jisr.registry.models.records import Household, Membership, Person

__all__ = [
    "ChangeRequest",
    "ChangeRequestKind",
    "ChangeRequestStatus",
    "DuplicateCandidate",
    "DuplicateStatus",
    "EventKind",
    "Household",
    "HouseholdEvent",
    "Membership",
    "Person",
]
