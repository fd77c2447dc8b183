"""Partnership agreements: drafted (tranches, reports due, indicators), signed, each tranche
released when its conditions are met then paid (or withheld), closed once every tranche is settled.

Every step needs `partners.manage_agreement` and the organisation's region in the actor's scope;
each is one durable transaction with its audit row. A signed agreement's terms no longer change.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_AGREEMENTS
from jisr.core import audit
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput
from jisr.partners import _access, selectors
from jisr.partners.errors import ConditionsNotMet, WrongStatus
from jisr.partners.models import (
    Agreement,
    AgreementStatus,
    Funder,
    Indicator,
    IndicatorMeasure,
    Organization,
    ReportDue,
    Service,
    Tranche,
    TrancheStatus,
)
from jisr.rules.money import mad


def _amount(value: object, field: str) -> Decimal:
    try:
        amount = mad(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Not an amount in MAD: %s") % value, field=field) from None
    if amount <= 0:
        raise InvalidInput(_("An amount must be above zero."), field=field)
    return amount


def _locked_agreement(actor: Actor, agreement: Agreement, *expected: AgreementStatus) -> Agreement:
    """The agreement, locked, once the actor may manage it (then its status checked)."""
    locked = (
        Agreement.objects.select_for_update().select_related("organization").get(pk=agreement.pk)
    )
    _access.require(actor, MANAGE_AGREEMENTS, locked)
    if expected and locked.status not in expected:
        raise WrongStatus(
            _("The agreement is %(status)s; this needs it to be %(expected)s.")
            % {
                "status": locked.get_status_display(),
                "expected": " / ".join(str(AgreementStatus(s).label) for s in expected),
            },
            status=locked.status,
        )
    return locked


def _locked_tranche(actor: Actor, tranche: Tranche, *expected: TrancheStatus) -> Tranche:
    """The tranche, locked, once the actor may manage its agreement (then its status checked)."""
    locked = (
        Tranche.objects.select_for_update()
        .select_related("agreement", "agreement__organization")
        .get(pk=tranche.pk)
    )
    _access.require(actor, MANAGE_AGREEMENTS, locked.agreement)
    if expected and locked.status not in expected:
        raise WrongStatus(
            _("The tranche is %(status)s; this needs it to be %(expected)s.")
            % {
                "status": locked.get_status_display(),
                "expected": " / ".join(str(TrancheStatus(s).label) for s in expected),
            },
            status=locked.status,
        )
    return locked


@transaction.atomic(durable=True)
def agreement_create(
    *,
    actor: Actor,
    organization: Organization,
    reference: str,
    funder: str,
    purpose: str,
    start: dt.date,
    end: dt.date,
    budget: object,
    contribution: object,
) -> Agreement:
    """A draft agreement between the State (`funder`) and `organization`, which the State funds
    in part (`contribution` of the `budget`)."""
    _access.require(actor, MANAGE_AGREEMENTS, organization)
    if funder not in Funder.values:
        raise InvalidInput(_("Unknown funder: %s") % funder, field="funder")
    if not reference.strip() or not purpose.strip():
        raise InvalidInput(_("Give the agreement's reference and purpose."), field="reference")
    if end < start:
        raise InvalidInput(_("The agreement ends before it starts."), field="end")
    total, share = _amount(budget, "budget"), _amount(contribution, "contribution")
    if share > total:
        raise InvalidInput(_("The State's contribution exceeds the budget."), field="contribution")
    if Agreement.objects.filter(reference=reference.strip()).exists():
        raise InvalidInput(_("An agreement with this reference exists."), field="reference")
    agreement = Agreement.objects.create(
        organization=organization,
        reference=reference.strip(),
        funder=funder,
        purpose=purpose.strip(),
        start=start,
        end=end,
        budget=total,
        contribution=share,
        created_by_id=audit.actor_id(actor),
    )
    audit.record(
        actor=actor,
        action="partners.agreement_created",
        target=agreement,
        after={
            "organization": str(organization.pk),
            "reference": agreement.reference,
            "funder": funder,
            "start": start,
            "end": end,
            "budget": total,
            "contribution": share,
        },
    )
    return agreement


@transaction.atomic(durable=True)
def tranche_add(
    *, actor: Actor, agreement: Agreement, amount: object, due_date: dt.date, conditions: str = ""
) -> Tranche:
    """Add the next tranche to a draft agreement; the tranches never exceed the contribution."""
    locked = _locked_agreement(actor, agreement, AgreementStatus.DRAFT)
    value = _amount(amount, "amount")
    planned = locked.tranches.aggregate(total=Sum("amount"), last=Max("number"))
    if (planned["total"] or 0) + value > locked.contribution:
        raise InvalidInput(
            _("The tranches would exceed the State's contribution (%s MAD).") % locked.contribution,
            field="amount",
        )
    if not locked.start <= due_date <= locked.end:
        raise InvalidInput(_("The due date is outside the agreement's period."), field="due_date")
    tranche = Tranche.objects.create(
        agreement=locked,
        number=(planned["last"] or 0) + 1,
        amount=value,
        due_date=due_date,
        conditions=conditions.strip(),
    )
    audit.record(
        actor=actor,
        action="partners.tranche_added",
        target=locked,
        after={"tranche": tranche.number, "amount": value, "due_date": due_date},
    )
    return tranche


@transaction.atomic(durable=True)
def report_due_add(
    *,
    actor: Actor,
    agreement: Agreement,
    period_start: dt.date,
    period_end: dt.date,
    due_date: dt.date,
    tranche: Tranche | None = None,
) -> ReportDue:
    """Require an output report for a period, by a date; with `tranche`, a condition of it."""
    locked = _locked_agreement(actor, agreement, AgreementStatus.DRAFT)
    if tranche is not None and tranche.agreement_id != locked.pk:
        raise InvalidInput(_("This tranche is another agreement's."), field="tranche")
    if period_end < period_start or not locked.start <= period_start <= locked.end:
        raise InvalidInput(_("The period is not within the agreement's."), field="period_start")
    if due_date < period_end:
        raise InvalidInput(_("A report falls due after its period ends."), field="due_date")
    if locked.reports_due.filter(period_start=period_start, period_end=period_end).exists():
        raise InvalidInput(_("A report is already due for this period."), field="period_start")
    due = ReportDue.objects.create(
        agreement=locked,
        tranche=tranche,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
    )
    audit.record(
        actor=actor,
        action="partners.report_due_added",
        target=locked,
        after={
            "period_start": period_start,
            "period_end": period_end,
            "due_date": due_date,
            "tranche": tranche.number if tranche else None,
        },
    )
    return due


@transaction.atomic(durable=True)
def indicator_add(
    *,
    actor: Actor,
    tranche: Tranche,
    measure: str,
    target: int,
    service: Service | None = None,
    label: str = "",
) -> Indicator:
    """A target the tranche's reports must reach (people served; services delivered, by one of
    the organisation's services or all)."""
    locked = _locked_tranche(actor, tranche)
    agreement = _locked_agreement(actor, locked.agreement, AgreementStatus.DRAFT)
    if measure not in IndicatorMeasure.values:
        raise InvalidInput(_("Unknown measure: %s") % measure, field="measure")
    if target < 1:
        raise InvalidInput(_("A target is a whole number above zero."), field="target")
    if service is not None and (
        measure != IndicatorMeasure.SERVICES_DELIVERED
        or service.organization_id != agreement.organization_id
    ):
        raise InvalidInput(
            _("Only services delivered are counted by service, and only the organisation's."),
            field="service",
        )
    indicator = Indicator.objects.create(
        tranche=locked, measure=measure, target=target, service=service, label=label.strip()
    )
    audit.record(
        actor=actor,
        action="partners.indicator_added",
        target=agreement,
        after={
            "tranche": locked.number,
            "measure": measure,
            "target": target,
            "service": str(service.pk) if service else None,
        },
    )
    return indicator


DRAFT_ITEMS = ("tranche", "report", "indicator")


@transaction.atomic(durable=True)
def draft_item_remove(*, actor: Actor, agreement: Agreement, kind: str, item_id: int) -> None:
    """Take back a tranche, a report due or an indicator added to a draft agreement (a signed
    agreement's terms never change). A tranche goes with its indicators; the reports due it was
    conditioned on stay, unconditioned; the later tranches are renumbered."""
    locked = _locked_agreement(actor, agreement, AgreementStatus.DRAFT)
    items = {
        "tranche": locked.tranches.all(),
        "report": locked.reports_due.all(),
        "indicator": Indicator.objects.filter(tranche__agreement=locked),
    }
    if kind not in items:
        raise InvalidInput(_("Nothing of that kind to remove."), field="kind")
    item = items[kind].filter(pk=item_id).first()
    if item is None:
        raise InvalidInput(_("This item is not part of the agreement."), field="item")
    before = {"kind": kind, "item": str(item)}
    if isinstance(item, Tranche):
        locked.reports_due.filter(tranche=item).update(tranche=None)
        number = item.number
        item.delete()
        for later in locked.tranches.filter(number__gt=number).order_by("number"):
            later.number -= 1
            later.save(update_fields=["number"])
    else:
        item.delete()
    audit.record(actor=actor, action="partners.draft_item_removed", target=locked, before=before)


@transaction.atomic(durable=True)
def agreement_activate(*, actor: Actor, agreement: Agreement, signed_on: dt.date) -> Agreement:
    """The agreement is signed: in force, its terms fixed. Its tranches must add up to the
    State's contribution."""
    locked = _locked_agreement(actor, agreement, AgreementStatus.DRAFT)
    planned = locked.tranches.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if planned != locked.contribution:
        raise InvalidInput(
            _("The tranches add up to %(planned)s MAD, not the contribution of %(share)s MAD.")
            % {"planned": mad(planned), "share": locked.contribution},
            field="tranches",
        )
    locked.status, locked.signed_on = AgreementStatus.ACTIVE, signed_on
    locked.save(update_fields=["status", "signed_on"])
    audit.record(
        actor=actor,
        action="partners.agreement_activated",
        target=locked,
        before={"status": AgreementStatus.DRAFT},
        after={"status": locked.status, "signed_on": signed_on},
    )
    return locked


@transaction.atomic(durable=True)
def agreement_close(*, actor: Actor, agreement: Agreement, note: str) -> Agreement:
    """Close an agreement in force once each tranche is paid or withheld."""
    locked = _locked_agreement(actor, agreement, AgreementStatus.ACTIVE)
    if not note.strip():
        raise InvalidInput(_("Give the reason for this change."), field="note")
    open_tranches = locked.tranches.exclude(
        status__in=[TrancheStatus.PAID, TrancheStatus.WITHHELD]
    ).values_list("number", flat=True)
    if open_tranches:
        raise WrongStatus(
            _("Tranches not yet paid or withheld: %s") % ", ".join(map(str, open_tranches)),
            tranches=list(open_tranches),
        )
    locked.status = AgreementStatus.CLOSED
    locked.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="partners.agreement_closed",
        target=locked,
        before={"status": AgreementStatus.ACTIVE},
        after={"status": locked.status},
        reason=note.strip(),
    )
    return locked


def _tranche_change(
    *, actor: Actor, tranche: Tranche, action: str, note: str = "", **changes: object
) -> Tranche:
    before = {"status": tranche.status}
    for name, value in changes.items():
        setattr(tranche, name, value)
    tranche.status_note = note.strip()
    tranche.updated_at = timezone.now()
    tranche.save()
    audit.record(
        actor=actor,
        action=action,
        target=tranche.agreement,
        before={"tranche": tranche.number, **before},
        after={"tranche": tranche.number, **changes},
        reason=tranche.status_note,
    )
    return tranche


@transaction.atomic(durable=True)
def tranche_conditions_meet(*, actor: Actor, tranche: Tranche, note: str = "") -> Tranche:
    """Record that a tranche's conditions are met — refused, with what is missing, unless every
    report it requires is submitted and every indicator reached."""
    locked = _locked_tranche(actor, tranche, TrancheStatus.PLANNED, TrancheStatus.WITHHELD)
    if locked.agreement.status != AgreementStatus.ACTIVE:
        raise WrongStatus(_("The agreement is not in force."), status=locked.agreement.status)
    progress = selectors.tranche_progress(tranche=locked)
    if not progress.met:
        raise ConditionsNotMet(
            _("The tranche's conditions are not met: %s") % "; ".join(progress.unmet),
            unmet=progress.unmet,
        )
    return _tranche_change(
        actor=actor,
        tranche=locked,
        action="partners.tranche_conditions_met",
        note=note,
        status=TrancheStatus.CONDITIONS_MET,
    )


@transaction.atomic(durable=True)
def tranche_pay(
    *, actor: Actor, tranche: Tranche, paid_on: dt.date, payment_reference: str
) -> Tranche:
    """Record the payment of a tranche whose conditions are met."""
    locked = _locked_tranche(actor, tranche, TrancheStatus.CONDITIONS_MET)
    if not payment_reference.strip():
        raise InvalidInput(_("Give the payment's reference."), field="payment_reference")
    if paid_on > timezone.localdate():
        raise InvalidInput(_("A payment cannot be dated in the future."), field="paid_on")
    return _tranche_change(
        actor=actor,
        tranche=locked,
        action="partners.tranche_paid",
        status=TrancheStatus.PAID,
        paid_on=paid_on,
        payment_reference=payment_reference.strip(),
    )


@transaction.atomic(durable=True)
def tranche_withhold(*, actor: Actor, tranche: Tranche, reason: str) -> Tranche:
    """Withhold a tranche not yet paid (reports missing, indicators far off, an inspection…);
    it can be released later, when its conditions are met."""
    locked = _locked_tranche(actor, tranche, TrancheStatus.PLANNED, TrancheStatus.CONDITIONS_MET)
    if not reason.strip():
        raise InvalidInput(_("Give the reason for this change."), field="reason")
    return _tranche_change(
        actor=actor,
        tranche=locked,
        action="partners.tranche_withheld",
        note=reason,
        status=TrancheStatus.WITHHELD,
    )
