"""The workforce's domain errors (each with a code for machines and a translated message)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import AccessDenied, Conflict, InvalidInput


class NotAccredited(AccessDenied):
    """The user is not a social worker with a granted accreditation valid on the day asked
    (law 45.18, decree 2.22.604: practising needs the agrément). `details["reason"]` says why:
    no_profile, inactive, pending, suspended, expired or not_yet_valid."""

    code = "not_accredited"
    message = _("Only a social worker with a current accreditation (agrément) can do this.")


class WrongAccreditationStatus(Conflict):
    code = "wrong_accreditation_status"
    message = _("The accreditation's current status does not allow this change.")


class AccreditationConditionsUnmet(InvalidInput):
    """The conditions of decree 2.22.604 for an accreditation are not all met."""

    code = "accreditation_conditions_unmet"
    message = _("The conditions for an accreditation are not met.")


class NotTheSupervisor(AccessDenied):
    code = "not_the_supervisor"
    message = _("Only the worker's own supervisor can record their supervision sessions.")


class OwnAccreditation(AccessDenied):
    code = "own_accreditation"
    message = _("Nobody may grant, renew, suspend or reinstate their own accreditation.")
