"""On PostgreSQL, an approved payroll is frozen by the database itself: a statement-level trigger
refuses inserting or deleting lines of an approved (or later) cycle, and any update that changes a
line's money, payee or account; only the statuses the provider reports may change. (SQLite, the
demo's database, relies on the services' checks and the hash checked at export.)"""

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

FORWARD = f"""
CREATE FUNCTION payments_payroll_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
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
            WHERE c.status IN {APPROVED} AND ({CHANGED}) LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'payroll lines of an approved cycle cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER payments_payroll_frozen_insert AFTER INSERT ON payments_payrollline
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payments_payroll_frozen();
CREATE TRIGGER payments_payroll_frozen_update AFTER UPDATE ON payments_payrollline
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION payments_payroll_frozen();
CREATE TRIGGER payments_payroll_frozen_delete AFTER DELETE ON payments_payrollline
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payments_payroll_frozen();
"""
BACKWARD = """
DROP TRIGGER payments_payroll_frozen_insert ON payments_payrollline;
DROP TRIGGER payments_payroll_frozen_update ON payments_payrollline;
DROP TRIGGER payments_payroll_frozen_delete ON payments_payrollline;
DROP FUNCTION payments_payroll_frozen();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
