"""Programmes and their per-month eligibility decisions, written in bulk by the rules engine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    ASD = "asd", _("Direct Social Support (ASD)")
    AMO_TADAMON = "amo_tadamon", _("AMO Tadamon")
    AMO_ACHAMIL = "amo_achamil", _("AMO Achamil")


class EligibilityDecision(models.Model):
    """A household's eligibility and amount for one programme and month (amount: the ASD paid that
    month, or the AMO Achamil contribution due; 0 for AMO Tadamon)."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="decisions"
    )
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    eligible = models.BooleanField(_("eligible"))
    amount = models.DecimalField(_("amount (MAD)"), max_digits=12, decimal_places=2)
    index_used = models.DecimalField(
        _("index used"), max_digits=10, decimal_places=7, null=True, blank=True
    )
    parameters_version = models.CharField(_("parameters version"), max_length=16)
    # The engine's account of the decision: the household's results (batch) or the whole
    # explanation with every step (a recomputation of one household).
    trace = models.JSONField(_("trace"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    source = models.CharField(_("source"), max_length=32)  # "batch", "recompute"

    class Meta:
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")
        constraints = (
            models.UniqueConstraint(
                fields=("household", "programme", "month"), name="one_decision_per_month"
            ),
        )
        indexes = (models.Index(fields=("programme", "month", "eligible")),)
        permissions = (
            ("run_rules", "Can run the rules on the registry"),
            ("run_simulation", "Can run reform simulations"),
        )

    def __str__(self) -> str:
        return f"{self.programme} {self.month} {self.household_id}: {self.eligible}"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


class EnrolmentReason(models.TextChoices):
    """Why an enrolment is not active (blank when it is)."""

    NONE = "", _("—")
    INELIGIBLE = "ineligible", _("not eligible this month")
    BENEFICIARY_DECEASED = "beneficiary_deceased", _("the beneficiary has died")
    NO_BENEFICIARY = "no_beneficiary", _("no head of household to pay")
    INVESTIGATION = "investigation", _("under investigation")
    UNCLAIMED = "unclaimed", _("payments repeatedly unclaimed")
    REQUEST = "request", _("at the household's request")
    HOUSEHOLD_CLOSED = "household_closed", _("the household is closed")


# Suspensions the monthly decisions neither set nor lift: only a person can (with a reason).
MANUAL_REASONS = (EnrolmentReason.INVESTIGATION, EnrolmentReason.UNCLAIMED)


class Enrolment(models.Model):
    """A household's place in a programme, kept in step with its monthly decisions.

    Enrolled from its first eligible month; suspended while ineligible (or, for cash programmes,
    while it has no living head of household to pay); a person may suspend it for an
    investigation (lifted only by a person) or end it. `beneficiary` is the person paid: the head
    of household ("the husband, custodian, kafil or guardian", anss.gov.ma typologies-d-aides).
    """

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    reason = models.CharField(
        _("reason"), max_length=24, choices=EnrolmentReason.choices, blank=True, default=""
    )
    start_month = models.CharField(_("enrolled since"), max_length=7)  # YYYY-MM
    status_since = models.CharField(_("status since"), max_length=7)
    # The latest month whose decision was applied: an older month recomputed changes nothing.
    last_month = models.CharField(_("last month applied"), max_length=7)
    beneficiary = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beneficiary"),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = (
            models.UniqueConstraint(
                fields=("household", "programme"), name="one_enrolment_per_programme"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", reason="")
                | (~models.Q(status="active") & ~models.Q(reason="")),
                name="enrolment_reason_iff_not_active",
            ),
        )
        indexes = (models.Index(fields=("programme", "status")),)
        permissions = (("manage_enrolment", "Can suspend, resume or end enrolments"),)

    def __str__(self) -> str:
        return f"{self.programme} {self.household_id}: {self.status}"
