"""The registry's domain errors (each with a code for machines and a translated message)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import DomainError, InvalidInput


class InvalidDeclaration(InvalidInput):
    code = "invalid_declaration"
    message = _("The declaration is not valid.")


class AlreadyMember(DomainError):
    code = "already_member"
    http_status = 409
    message = _("This person already belongs to a household on that date.")


class NotAMember(DomainError):
    code = "not_a_member"
    message = _("This person is not a current member of the household.")


class HouseholdNotActive(DomainError):
    code = "household_not_active"
    message = _("The household is dissolved; it cannot be changed.")


class HeadRequired(DomainError):
    code = "head_required"
    message = _("An active household must have exactly one head: name the new head first.")


class SelfApproval(DomainError):
    code = "self_approval"
    http_status = 403
    message = _("A change request must be approved by someone other than the person who made it.")


class RequestNotPending(DomainError):
    code = "request_not_pending"
    http_status = 409
    message = _("This change request has already been decided.")


class NameTooShort(InvalidInput):
    """A search text that is neither an identifier nor a name with a word the index can look up."""

    code = "name_too_short"
    message = _(
        "Search by RSU id, RNP id, CNIE or phone number, or by a name with at least one word of "
        "three letters or more (with a short first name, add the family name)."
    )
