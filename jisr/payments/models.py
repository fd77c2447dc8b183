"""Payment cycles, their payroll lines and adjustments, beneficiaries' payment mandates, and the
files exchanged with payment providers.

Invariants the database holds (tests in tests/test_invariants.py): one payroll line per household,
programme and month; unique line references; amounts in MAD with 2 places, never negative; on
PostgreSQL a trigger refuses any change to a line's money or payee (and any insert or delete) once
its cycle is approved (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisr.programmes.models import Programme


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPUTED = "computed", _("payroll computed")
    APPROVED = "approved", _("approved")
    EXPORTED = "exported", _("exported")
    RECONCILED = "reconciled", _("reconciled")
    CLOSED = "closed", _("closed")


# The order of the statuses: a cycle only moves forward (and back from computed to draft when its
# payroll is recomputed).
CYCLE_ORDER = [str(s) for s in CycleStatus]


class PaymentCycle(models.Model):
    """One programme's payments for one month."""

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    status = models.CharField(
        _("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("payroll computed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # SHA-256 of the payroll's canonical form when approved (services.payroll_hash).
    payroll_hash = models.CharField(_("payroll hash"), max_length=64, blank=True)
    # {provider: SHA-256 of the lines its order is written from} when approved (orders.py): an
    # export checks its lines against them, without reading the whole payroll again.
    order_digests = models.JSONField(_("order digests"), default=dict, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_amount = models.DecimalField(
        _("total to pay (MAD)"), max_digits=16, decimal_places=2, default=0
    )
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment cycle")
        verbose_name_plural = _("payment cycles")
        constraints = (
            models.UniqueConstraint(fields=("programme", "month"), name="one_cycle_per_month"),
            # maker-checker: whoever computed the payroll cannot approve it
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(computed_by__isnull=True)
                | ~Q(approved_by=models.F("computed_by")),
                name="cycle_approver_is_not_maker",
            ),
        )
        permissions = (
            ("compute_payroll", "Can create cycles and compute their payroll"),
            ("approve_payroll", "Can approve a payroll"),
            ("export_payments", "Can export payment files"),
            ("reconcile_payments", "Can reconcile provider returns and close cycles"),
        )

    def __str__(self) -> str:
        return f"{self.programme} {self.month}"


class Method(models.TextChoices):
    BANK = "bank", _("bank transfer")
    WALLET = "wallet", _("mobile wallet")
    CASH = "cash", _("cash pickup at an agency")


class PaymentMandate(models.Model):
    """How a beneficiary wants to be paid. At most one active mandate per person; without one,
    the beneficiary collects cash at an agency with their CNIE."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="payment_mandates"
    )
    method = models.CharField(_("method"), max_length=6, choices=Method.choices)
    rib = models.CharField(_("RIB"), max_length=24, blank=True)
    phone = models.CharField(_("wallet phone"), max_length=13, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Set when a provider reported the account or wallet unusable (closed, wrong number...).
    invalid_reason = models.CharField(_("invalid because"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment mandate")
        verbose_name_plural = _("payment mandates")
        constraints = (
            models.UniqueConstraint(
                fields=("person",), condition=Q(active=True), name="one_active_mandate"
            ),
            models.CheckConstraint(
                condition=(Q(method="bank") & ~Q(rib="") & Q(phone=""))
                | (Q(method="wallet") & ~Q(phone="") & Q(rib=""))
                | (Q(method="cash") & Q(rib="") & Q(phone="")),
                name="mandate_fields_match_method",
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id}: {self.method}"


class LineStatus(models.TextChoices):
    PAYABLE = "payable", _("to pay")
    WITHHELD = "withheld", _("withheld (suspended)")
    # Shown, never stored: a payable line whose provider's order is recorded (an export writes
    # one file and one row, not millions of line updates; see selectors.status_shown).
    EXPORTED = "exported", _("sent to the provider")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    UNCLAIMED = "unclaimed", _("unclaimed")


STORED_STATUSES = tuple(s for s in LineStatus.values if s != LineStatus.EXPORTED)


# A cycle closes only when every line is in one of these.
FINAL_STATUSES = (LineStatus.WITHHELD, LineStatus.PAID, LineStatus.FAILED, LineStatus.UNCLAIMED)


class PayrollLine(models.Model):
    """What one household is paid by one programme for one month: the decision's amount plus the
    adjustments attached to it (arrears, recoveries), to the beneficiary, by one method."""

    # No index of their own: (cycle, status) and the unique (household, programme, month) lead
    # with them, and each extra index costs the national payroll's 4 M inserts.
    cycle = models.ForeignKey(
        PaymentCycle, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    # No foreign-key constraint to the registry: checking (and key-share locking) 4 M households
    # and 4 M persons at the payroll's commit was half its time. The lines are built from rows read
    # in the same transaction, and the registry's rows are never deleted (a PostgreSQL trigger
    # refuses it: registry migration 0007), so every reference stays valid.
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    month = models.CharField(_("month"), max_length=7)
    reference = models.CharField(_("reference"), max_length=35)
    beneficiary = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,  # as for the household
    )
    beneficiary_name = models.CharField(_("beneficiary"), max_length=170, blank=True)
    beneficiary_cnie = models.CharField(_("CNIE"), max_length=8, blank=True)
    region_code = models.CharField(_("region"), max_length=2)
    base_amount = models.DecimalField(_("monthly amount (MAD)"), max_digits=12, decimal_places=2)
    adjustments_amount = models.DecimalField(
        _("adjustments (MAD)"), max_digits=12, decimal_places=2, default=0
    )
    amount = models.DecimalField(_("amount paid (MAD)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=6, choices=Method.choices, blank=True)
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    rib = models.CharField(_("RIB"), max_length=24, blank=True)
    phone = models.CharField(_("wallet phone"), max_length=13, blank=True)
    pickup_code = models.CharField(_("pickup code"), max_length=12, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices)
    # withheld: the enrolment's suspension reason; failed: the provider's reason code
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    provider_reference = models.CharField(_("provider transaction"), max_length=64, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    return_file = models.ForeignKey(
        "payments.ProviderFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        constraints = (
            models.UniqueConstraint(
                fields=("household", "programme", "month"), name="one_line_per_household_month"
            ),
            models.UniqueConstraint(fields=("reference",), name="payroll_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payroll_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=STORED_STATUSES), name="payroll_status_known"
            ),
            models.CheckConstraint(
                # a withheld line: base + its suspension adjustment (−base) = 0
                condition=Q(amount=models.F("base_amount") + models.F("adjustments_amount")),
                name="payroll_amount_is_base_plus_adjustments",
            ),
        )
        indexes = (models.Index(fields=("cycle", "status")),)

    def __str__(self) -> str:
        return self.reference

    @property
    def display_status(self) -> str:
        """The status as shown: `shown_status` when a selector annotated it ("sent"), else the
        stored one."""
        return str(getattr(self, "shown_status", self.status))

    @property
    def status_label(self) -> str:
        return str(LineStatus(self.display_status).label)


class AdjustmentKind(models.TextChoices):
    ARREARS = "arrears", _("arrears")
    RECOVERY = "recovery", _("recovery of an overpayment")
    SUSPENSION = "suspension", _("suspension")


class Adjustment(models.Model):
    """A change to what a household is paid, with its reason and its cause.

    Arrears re-issue a failed or unclaimed line (`source_line`, at most once: a unique constraint)
    or pay months withheld during a suspension that was lifted; recoveries take back part of an
    overpayment (`overpayment`), bounded per month; a suspension records the amount withheld.
    Pending (cycle null) until a payroll takes it up.
    """

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    amount = models.DecimalField(_("amount (MAD)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=64)
    source_line = models.ForeignKey(
        PayrollLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overpayment = models.ForeignKey(
        "payments.Overpayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recoveries",
    )
    cycle = models.ForeignKey(
        PaymentCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    line = models.ForeignKey(
        PayrollLine, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = (
            models.UniqueConstraint(
                fields=("kind", "source_line"),
                condition=Q(source_line__isnull=False),
                name="one_adjustment_per_source_line",
            ),
        )
        indexes = (models.Index(fields=("household", "programme", "cycle")),)

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Overpayment(models.Model):
    """Money paid that was not due (found by an investigation, a late death record...): recovered
    from later payments, at most a share of each month's amount."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    amount = models.DecimalField(_("amount (MAD)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("overpayment")
        verbose_name_plural = _("overpayments")
        constraints = (
            models.CheckConstraint(condition=Q(amount__gt=0), name="overpayment_positive"),
        )

    def __str__(self) -> str:
        return f"{self.household_id}: {self.amount}"


class FileKind(models.TextChoices):
    ORDER = "order", _("payment order")
    RETURN = "return", _("return file")


class ProviderFile(models.Model):
    """A file sent to or received from a provider: kept on disk, its hash recorded."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="files")
    provider = models.CharField(_("provider"), max_length=32)
    kind = models.CharField(_("kind"), max_length=6, choices=FileKind.choices)
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    line_count = models.PositiveIntegerField(_("lines"))
    total_amount = models.DecimalField(_("total (MAD)"), max_digits=16, decimal_places=2)
    report = models.JSONField(_("report"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("provider file")
        verbose_name_plural = _("provider files")
        constraints = (
            models.UniqueConstraint(
                fields=("cycle", "provider", "kind", "sha256"), name="provider_file_once"
            ),
            models.UniqueConstraint(
                fields=("cycle", "provider"),
                condition=Q(kind="order"),
                name="one_order_per_provider",
            ),
        )

    def __str__(self) -> str:
        return self.name
