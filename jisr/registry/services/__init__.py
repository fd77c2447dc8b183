"""Every write to the registry goes through these services; each records the household history."""

from jisr.registry.services._common import PersonInput, person_input_errors
from jisr.registry.services.change_requests import (
    change_request_approve,
    change_request_reject,
    death_request,
    head_change_request,
    person_merge_request,
)
from jisr.registry.services.computed import computed_record
from jisr.registry.services.declarations import (
    birth_declare,
    contact_update,
    household_move,
    household_register,
    member_join,
    member_leave,
    socio_economic_update,
)
from jisr.registry.services.duplicates import (
    FoundPair,
    duplicate_mark_distinct,
    duplicate_merge_request,
    duplicates_store,
)
from jisr.registry.services.synthetic import synthetic_population_load

__all__ = [
    "FoundPair",
    "PersonInput",
    "birth_declare",
    "change_request_approve",
    "change_request_reject",
    "computed_record",
    "contact_update",
    "death_request",
    "duplicate_mark_distinct",
    "duplicate_merge_request",
    "duplicates_store",
    "head_change_request",
    "household_move",
    "household_register",
    "member_join",
    "member_leave",
    "person_input_errors",
    "person_merge_request",
    "socio_economic_update",
    "synthetic_population_load",
]
