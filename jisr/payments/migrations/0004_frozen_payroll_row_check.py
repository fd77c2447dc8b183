"""The frozen-payroll UPDATE check as a row-level trigger with a WHEN clause (PostgreSQL).

An export marks millions of lines `exported`, a reconciliation gives them their outcomes: only
statuses change. The statement-level check of 0002/0003 still had PostgreSQL build the transition
tables of every updated row and join them (most of an export's time at national scale). The WHEN
clause compares the frozen columns in the executor, per row, without calling any function: a
status-only update pays nothing, and the function runs only for a line whose money, payee or account
changes — refused if its cycle is approved, with the same error as before. INSERT and DELETE keep
their statement-level checks.
"""

from django.db import migrations

FROZEN = (
    "cycle_id", "household_id", "programme", "month", "reference", "beneficiary_id",
    "beneficiary_name", "beneficiary_cnie", "base_amount", "adjustments_amount", "amount",
    "method", "provider", "rib", "phone", "pickup_code",
)  # fmt: skip
CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in FROZEN)
APPROVED = "('approved', 'exported', 'reconciled', 'closed')"

FORWARD = f"""
CREATE FUNCTION payments_payroll_frozen_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM payments_paymentcycle c WHERE c.id = OLD.cycle_id AND c.status IN {APPROVED};
    IF FOUND THEN
        RAISE EXCEPTION 'payroll lines of an approved cycle cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER payments_payroll_frozen_update ON payments_payrollline;
CREATE TRIGGER payments_payroll_frozen_update BEFORE UPDATE ON payments_payrollline
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION payments_payroll_frozen_row();
"""
BACKWARD = """
DROP TRIGGER payments_payroll_frozen_update ON payments_payrollline;
DROP FUNCTION payments_payroll_frozen_row();
CREATE TRIGGER payments_payroll_frozen_update AFTER UPDATE ON payments_payrollline
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION payments_payroll_frozen();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_frozen_payroll_linear_update_check")]
    operations = [migrations.RunPython(forward, backward)]
