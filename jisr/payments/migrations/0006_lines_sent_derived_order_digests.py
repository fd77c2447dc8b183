"""A line is no longer marked `exported`: being sent is derived from its provider's recorded order
(an export of a national cycle spent most of its time updating millions of lines). Lines stored as
`exported` become `payable` again; the way back marks them from the recorded orders."""

from django.db import migrations, models

FORWARD = "UPDATE payments_payrollline SET status = 'payable' WHERE status = 'exported'"
BACKWARD = (
    "UPDATE payments_payrollline SET status = 'exported' WHERE status = 'payable' AND amount > 0 "
    "AND EXISTS (SELECT 1 FROM payments_providerfile f WHERE f.cycle_id = payments_payrollline.cycle_id "
    "AND f.provider = payments_payrollline.provider AND f.kind = 'order')"
)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_payroll_lines_fewer_indexes"),
        ("registry", "0006_membership_overlap_trigger"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="payrollline",
            name="payroll_status_known",
        ),
        migrations.AddField(
            model_name="paymentcycle",
            name="order_digests",
            field=models.JSONField(blank=True, default=dict, verbose_name="order digests"),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddConstraint(
            model_name="payrollline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ("payable", "withheld", "paid", "failed", "unclaimed"))
                ),
                name="payroll_status_known",
            ),
        ),
    ]
