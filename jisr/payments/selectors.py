"""Reads of payment cycles (national: a cycle pays the whole country) and of a household's
payments (scoped like the household, the read audited)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from jisr.accounts.roles import MANAGE_MANDATES, RECONCILE_PAYMENTS, VIEW_PAYMENTS
from jisr.core import access, audit
from jisr.core.audit import Actor
from jisr.core.errors import AccessDenied, NotFound
from jisr.geo.selectors import region_names
from jisr.payments.models import (
    Adjustment,
    AdjustmentKind,
    FileKind,
    LineStatus,
    PaymentCycle,
    PayrollLine,
    ProviderFile,
)
from jisr.registry import selectors as registry_selectors
from jisr.registry.models import Household, Person


def _require_national(user: Actor) -> None:
    if user is not None:  # None: the system (the command line)
        access.require_national(user, VIEW_PAYMENTS)


def cycle_list(*, user: Actor) -> QuerySet[PaymentCycle]:
    _require_national(user)
    return PaymentCycle.objects.order_by("-month", "programme")


def cycle_get(*, user: Actor, cycle_id: int) -> PaymentCycle:
    _require_national(user)
    cycle = PaymentCycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound()
    return cycle


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def status_shown(sent: Iterable[str] | None = None) -> Case:
    """A line's status as people know it: a payable line with something to pay whose provider's
    order is recorded has been sent (the export records the order, it does not update the lines).
    `sent`: the providers whose order is recorded, when the caller knows them (one cycle's lines);
    otherwise each line's cycle is looked up."""
    recorded: Q | Exists = (
        Exists(
            ProviderFile.objects.filter(
                cycle=OuterRef("cycle"), provider=OuterRef("provider"), kind=FileKind.ORDER
            )
        )
        if sent is None
        else Q(provider__in=list(sent))
    )
    return Case(
        When(
            Q(status=LineStatus.PAYABLE, amount__gt=0) & recorded,
            then=Value(LineStatus.EXPORTED),
        ),
        default=F("status"),
        output_field=CharField(),
    )


def _totals(lines: QuerySet[PayrollLine], field: str) -> list[dict[str, Any]]:
    rows = lines.values(field).annotate(lines=Count("pk"), amount=Sum("amount")).order_by(field)
    return [{field: r[field], "lines": r["lines"], "amount": _money(r["amount"])} for r in rows]


def _status_totals(cycle: PaymentCycle, lines: QuerySet[PayrollLine]) -> list[dict[str, Any]]:
    """Totals by status as shown (the providers with a recorded order read once, not per line)."""
    sent = ProviderFile.objects.filter(cycle=cycle, kind=FileKind.ORDER).values_list(
        "provider", flat=True
    )
    rows = _totals(lines.annotate(shown=status_shown(sent)), "shown")
    return [{"status": row.pop("shown"), **row} for row in rows]


def cycle_summary(*, user: Actor, cycle_id: int) -> dict[str, Any]:
    """Status, line count and totals (by status, region, method and provider), adjustments by
    kind, the files exchanged. Aggregates only: no personal data."""
    cycle = cycle_get(user=user, cycle_id=cycle_id)
    lines = PayrollLine.objects.filter(cycle=cycle)
    adjustments = (
        Adjustment.objects.filter(cycle=cycle)
        .values("kind")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("kind")
    )
    files = ProviderFile.objects.filter(cycle=cycle).order_by("created_at", "pk")
    summary: dict[str, Any] = {
        "cycle": cycle.pk,
        "programme": cycle.programme,
        "month": cycle.month,
        "status": cycle.status,
        "line_count": lines.count(),
        "total_payable": _money(lines.exclude(status="withheld").aggregate(s=Sum("amount"))["s"]),
        "approved_total": _money(cycle.total_amount) if cycle.approved_at else None,
        "payroll_hash": cycle.payroll_hash,
        "computed_by": getattr(cycle.computed_by, "username", None),
        "approved_by": getattr(cycle.approved_by, "username", None),
        "by_status": _status_totals(cycle, lines),
        "by_region": _totals(lines, "region_code"),
        "by_provider": _totals(lines.exclude(provider=""), "provider"),
        "adjustments": [
            {"kind": a["kind"], "count": a["count"], "amount": _money(a["amount"])}
            for a in adjustments
        ],
        "files": [
            {
                "id": f.pk,
                "kind": f.kind,
                "provider": f.provider,
                "name": f.name,
                "sha256": f.sha256,
                "lines": f.line_count,
                "total": _money(f.total_amount),
            }
            for f in files
        ],
    }
    # Labels in the reader's language, beside the codes machines read.
    for row in summary["by_status"]:
        row["label"] = str(LineStatus(row["status"]).label)
    for row in summary["adjustments"]:
        row["label"] = str(AdjustmentKind(row["kind"]).label)
    for row in summary["files"]:
        row["label"] = str(FileKind(row["kind"]).label)
    regions = region_names()
    for row in summary["by_region"]:
        row["label"] = regions.get(row["region_code"], row["region_code"])
    return summary


def household_payments(*, user: Actor, household: Household) -> QuerySet[PayrollLine]:
    """The payroll lines of a household the caller has already been allowed to see."""
    if user is not None and not access.has_action(user, VIEW_PAYMENTS):
        raise AccessDenied(permission=VIEW_PAYMENTS)
    return (
        PayrollLine.objects.filter(household=household)
        .annotate(shown_status=status_shown())
        .select_related("cycle")
        .prefetch_related("adjustments")
        .order_by("-month", "programme")
    )


def household_payments_read(*, user: Actor, rsu_id: str) -> QuerySet[PayrollLine]:
    """A household's payment history by its RSU id (scoped: NotFound outside; audited)."""
    if not access.has_action(user, VIEW_PAYMENTS):
        raise AccessDenied(permission=VIEW_PAYMENTS)
    household = registry_selectors.household_in_scope(user=user, rsu_id=rsu_id)
    audit.read(actor=user, action="payments.household_payments_viewed", target=household)
    return household_payments(user=user, household=household)


def person_for_mandate(*, user: Actor, rnp_id: str) -> Person:
    """A person whose mandate the caller may set (NotFound outside the scope)."""
    person = Person.objects.filter(rnp_id=rnp_id).first()
    household = registry_selectors.person_household(person) if person is not None else None
    if person is None or household is None:
        raise NotFound()
    access.require(user, MANAGE_MANDATES, household)
    return person


def household_for_payments(*, user: Actor, rsu_id: str) -> Household:
    """A household in the caller's scope for a payment officer's action (NotFound outside)."""
    if not access.has_action(user, RECONCILE_PAYMENTS):
        raise AccessDenied(permission=RECONCILE_PAYMENTS)
    return registry_selectors.household_in_scope(user=user, rsu_id=rsu_id)
