"""The partners' domain errors (each with a code for machines and a translated message)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import Conflict, InvalidInput


class WrongStatus(Conflict):
    """An agreement, a tranche or a report is not at the step the action needs."""

    code = "wrong_status"
    message = _("This record is not at the step this action needs.")


class ConditionsNotMet(InvalidInput):
    """A tranche's conditions are not met; `details["unmet"]` lists what is missing."""

    code = "conditions_not_met"
    message = _("The tranche's conditions are not met.")


class HsdsRefused(InvalidInput):
    """An HSDS document that cannot be imported; `details["problems"]` names each object and
    field at fault."""

    code = "hsds_refused"
    message = _("The HSDS document was refused; nothing was changed.")
