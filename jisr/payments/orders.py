"""What a provider is sent: an approved cycle's lines for one provider, read as the frame its
payment order is written from, and that frame's digest.

The digests are recorded at approval, one per provider: an export checks the lines it is about to
write against its provider's digest (the order is exactly what was approved) without reading the
whole payroll again.
"""

from __future__ import annotations

import hashlib

import polars as pl

from jisr.core import bulk
from jisr.payments import _payroll, providers
from jisr.payments.models import PaymentCycle

# The lines a provider is sent: payable ones with something to pay (a withheld line pays 0).
SENT = "l.status <> 'withheld' AND l.amount > 0"


def order_lines(cycle: PaymentCycle | int, provider: str) -> pl.DataFrame:
    """Every line this provider pays in the cycle (whatever has happened to them since), in
    reference order: the order's content never changes once approved."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    frame = bulk.frame(
        "SELECT l.reference, h.rsu_id, l.beneficiary_name, l.beneficiary_cnie, l.method, "  # noqa: S608
        f"l.rib, l.phone, l.pickup_code, {_payroll.cents('l.amount')}, l.region_code "
        "FROM payments_payrollline l JOIN registry_household h ON h.id = l.household_id "
        f"WHERE l.cycle_id = {int(cycle_id)} AND l.provider = '{_known(provider)}' AND {SENT} "
        "ORDER BY l.reference",
        dict(providers.LINE_SCHEMA),
    )
    return frame.with_columns(
        pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
        for c in ("rib", "phone", "pickup_code", "beneficiary_cnie")
    )


def _known(provider: str) -> str:
    if provider not in providers.PROVIDERS:  # also keeps the name out of the SQL unless known
        raise providers.UnknownProvider(provider)
    return provider


def order_digest(lines: pl.DataFrame) -> str:
    """SHA-256 of an order's lines in canonical form (CSV, reference order)."""
    return hashlib.sha256(lines.write_csv().encode()).hexdigest()


def providers_sent(cycle_id: int) -> list[str]:
    """The providers the cycle sends something to."""
    rows = bulk.rows(
        f"SELECT DISTINCT l.provider FROM payments_payrollline l WHERE l.cycle_id = %s AND {SENT} "  # noqa: S608
        "ORDER BY l.provider",
        [cycle_id],
    )
    return [provider for (provider,) in rows]


def order_digests(cycle_id: int) -> dict[str, str]:
    """Each provider's order digest (recorded when the payroll is approved)."""
    return {
        provider: order_digest(order_lines(cycle_id, provider))
        for provider in providers_sent(cycle_id)
    }
