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
