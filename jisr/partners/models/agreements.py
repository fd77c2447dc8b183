"""Partnership agreements between the State (the ministry or the Entraide Nationale) and a partner
organisation: a purpose, a period, a budget the State funds in part, paid in tranches, each
released when its conditions are met — the partner's output reports received and their indicators
reaching their targets.

Statuses move only through the named services (`services.agreements`, `services.reports`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.partners.models.directory import Organization, Service


class Funder(models.TextChoices):
    """The State party to the agreement."""

    MINISTRY = "ministry", _("Ministry of Solidarity, Social Inclusion and Family")
    ENTRAIDE_NATIONALE = "entraide_nationale", _("Entraide Nationale")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("signed, in force")
    CLOSED = "closed", _("closed")


class Agreement(models.Model):
    """A partnership agreement (convention de partenariat)."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("organisation"),
    )
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    purpose = models.TextField(_("purpose"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    # The whole programme's budget, and the part the State funds (paid in the tranches).
    budget = models.DecimalField(_("budget (MAD)"), max_digits=14, decimal_places=2)
    contribution = models.DecimalField(
        _("State contribution (MAD)"), max_digits=14, decimal_places=2
    )
    status = models.CharField(
        _("status"), max_length=8, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ("-start", "reference")
        permissions = (("manage_agreement", "Can manage partnership agreements and tranches"),)
        constraints = (
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="agreement_period"),
            models.CheckConstraint(
                condition=Q(contribution__gt=0) & Q(contribution__lte=F("budget")),
                name="agreement_contribution_within_budget",
            ),
        )

    def __str__(self) -> str:
        return self.reference

    @property
    def scope_region(self) -> str | None:
        return self.organization.region_id

    @property
    def scope_commune(self) -> str | None:
        return None


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CONDITIONS_MET = "conditions_met", _("conditions met")
    PAID = "paid", _("paid")
    WITHHELD = "withheld", _("withheld")


class Tranche(models.Model):
    """One payment of the State's contribution, due on a date once its conditions are met."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount (MAD)"), max_digits=14, decimal_places=2)
    due_date = models.DateField(_("due date"))
    conditions = models.TextField(_("conditions"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    status_note = models.TextField(_("note on the status"), blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ("agreement", "number")
        constraints = (
            models.UniqueConstraint(fields=("agreement", "number"), name="one_tranche_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_on__isnull=False)
                | (~Q(status="paid") & Q(paid_on__isnull=True)),
                name="tranche_paid_on_iff_paid",
            ),
        )

    def __str__(self) -> str:
        return f"{self.agreement_id} #{self.number}"


class ReportDue(models.Model):
    """A partner output report the agreement requires for a period, by a date; reports due of a
    tranche are conditions of that tranche."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports_due")
    tranche = models.ForeignKey(
        Tranche, on_delete=models.CASCADE, null=True, blank=True, related_name="reports_due"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due by"))

    class Meta:
        verbose_name = _("report due")
        verbose_name_plural = _("reports due")
        ordering = ("agreement", "due_date", "period_start")
        constraints = (
            models.UniqueConstraint(
                fields=("agreement", "period_start", "period_end"), name="one_report_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period"
            ),
        )

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.period_start}–{self.period_end}"


class IndicatorMeasure(models.TextChoices):
    PEOPLE_SERVED = "people_served", _("people served")
    SERVICES_DELIVERED = "services_delivered", _("services delivered")


class Indicator(models.Model):
    """A target a tranche's reports must reach: people served, or services delivered (by one
    service or all of them), summed over the tranche's reports."""

    tranche = models.ForeignKey(Tranche, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(_("measure"), max_length=20, choices=IndicatorMeasure.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target = models.PositiveIntegerField(_("target"))
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = (
            models.CheckConstraint(
                condition=Q(measure="services_delivered") | Q(service__isnull=True),
                name="indicator_service_only_for_services_delivered",
            ),
        )

    def __str__(self) -> str:
        return self.label or f"{self.measure} ≥ {self.target}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class OutputReport(models.Model):
    """A partner's output report for a report due: people served and services delivered, by
    service. Written and submitted by the organisation's own staff."""

    due = models.OneToOneField(ReportDue, on_delete=models.PROTECT, related_name="report")
    people_served = models.PositiveIntegerField(_("people served"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("output report")
        verbose_name_plural = _("output reports")
        constraints = (
            models.CheckConstraint(
                condition=Q(status="submitted", submitted_at__isnull=False)
                | Q(status="draft", submitted_at__isnull=True),
                name="report_submitted_at_iff_submitted",
            ),
        )

    def __str__(self) -> str:
        return f"report {self.due_id} ({self.status})"


class OutputReportLine(models.Model):
    """Services delivered by one of the organisation's services in the report's period."""

    report = models.ForeignKey(OutputReport, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    delivered = models.PositiveIntegerField(_("services delivered"))

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        constraints = (
            models.UniqueConstraint(fields=("report", "service"), name="one_line_per_service"),
        )

    def __str__(self) -> str:
        return f"{self.service_id}: {self.delivered}"
