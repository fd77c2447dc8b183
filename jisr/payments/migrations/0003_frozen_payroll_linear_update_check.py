"""The frozen-payroll trigger of 0002, its UPDATE check made linear: the same checks, the same error.

It looked for the first changed line of an approved cycle with `... LIMIT 1`. Expecting to stop
early, the planner joined the statement's old and new rows (transition tables, without an index)
with a nested loop, whose cost grows with the square of the lines updated: marking one provider's
12,347 lines exported took 12.8 s on the reference machine, and a national order (1–3 M lines, at
export and again at reconciliation) would have taken days. Without the LIMIT the join is hashed:
0.2 s. The check still reads every updated line either way when none changed (the normal case).
"""

from django.db import migrations

FROZEN = (
    "cycle_id",
    "household_id",
    "programme",
    "month",
    "reference",
    "beneficiary_id",
    "beneficiary_name",
    "beneficiary_cnie",
    "base_amount",
    "adjustments_amount",
    "amount",
    "method",
    "provider",
    "rib",
    "phone",
    "pickup_code",
)
CHANGED = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in FROZEN)
APPROVED = "('approved', 'exported', 'reconciled', 'closed')"


def function(update_limit: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION payments_payroll_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_rows n JOIN payments_paymentcycle c ON c.id = n.cycle_id
            WHERE c.status IN {APPROVED} LIMIT 1;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_rows o JOIN payments_paymentcycle c ON c.id = o.cycle_id
            WHERE c.status IN {APPROVED} LIMIT 1;
    ELSE
        PERFORM 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN payments_paymentcycle c ON c.id = o.cycle_id
            WHERE c.status IN {APPROVED} AND ({CHANGED}){update_limit};
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'payroll lines of an approved cycle cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(""))


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(" LIMIT 1"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_frozen_payroll")]
    operations = [migrations.RunPython(forward, backward)]
