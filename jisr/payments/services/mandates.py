"""Payment mandates (how a beneficiary is paid) and overpayments (recovered from later payments).

A mandate names a bank account (the RIB, its key checked), a mobile wallet (the phone) or cash at
an agency; setting one replaces the person's active one. Both are scoped through the person's or
the household's place, and audited.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_MANDATES, RECONCILE_PAYMENTS
from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput, NotFound
from jisr.core.identifiers import is_valid_rib, normalise_rib
from jisr.payments.models import Method, Overpayment, PaymentMandate
from jisr.payments.providers.lines import WALLET_PHONE
from jisr.programmes.models import Programme
from jisr.registry import selectors as registry_selectors
from jisr.registry.models import Household, Person


@transaction.atomic(durable=True)
def mandate_set(
    *, actor: Actor, person: Person, method: str, rib: str = "", phone: str = "", reason: str
) -> PaymentMandate:
    """Make this the person's active mandate (the previous one, if any, is kept, inactive)."""
    household = registry_selectors.person_household(person)
    if household is None:
        raise NotFound()
    access.require(actor, MANAGE_MANDATES, household)
    if method not in Method.values:
        raise InvalidInput(_("Unknown payment method: %s") % method, field="method")
    rib = normalise_rib(rib) if method == Method.BANK else ""
    phone = phone.strip() if method == Method.WALLET else ""
    if method == Method.BANK and not is_valid_rib(rib):
        raise InvalidInput(
            _("A RIB has 24 digits and ends with its 2-digit key; this one does not check."),
            field="rib",
        )
    if method == Method.WALLET and not re.fullmatch(WALLET_PHONE, phone):
        raise InvalidInput(_("A wallet number is +212 then 6 or 7 and 8 digits."), field="phone")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for this change."), field="reason")
    previous = PaymentMandate.objects.select_for_update().filter(person=person, active=True)
    before = [{"method": m.method, "rib": m.rib[-4:], "phone": m.phone[-4:]} for m in previous]
    previous.update(active=False)
    mandate = PaymentMandate.objects.create(
        person=person, method=method, rib=rib, phone=phone, created_by_id=audit.actor_id(actor)
    )
    # The audit keeps only the end of the account and phone numbers: enough to tell them apart.
    audit.record(
        actor=actor,
        action="payments.mandate_set",
        target=person,
        before={"mandates": before},
        after={"method": method, "rib": rib[-4:], "phone": phone[-4:]},
        reason=reason.strip(),
    )
    return mandate


@transaction.atomic(durable=True)
def overpayment_record(
    *, actor: Actor, household: Household, programme: str, amount: str, reason: str
) -> Overpayment:
    """Money paid that was not due, to recover from the household's next payments."""
    access.require(actor, RECONCILE_PAYMENTS, household)
    if programme not in Programme.values:
        raise InvalidInput(_("Unknown programme: %s") % programme, field="programme")
    try:
        value = Decimal(amount)
    except InvalidOperation:
        value = Decimal(-1)
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidInput(_("An amount in MAD above 0, at most 2 decimals."), field="amount")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for this change."), field="reason")
    overpayment = Overpayment.objects.create(
        household=household,
        programme=programme,
        amount=value,
        reason=reason.strip(),
        created_by_id=audit.actor_id(actor),
    )
    audit.record(
        actor=actor,
        action="payments.overpayment_recorded",
        target=household,
        after={"programme": programme, "amount": str(value)},
        reason=reason.strip(),
    )
    return overpayment
