"""What happened to a household, and the sensitive changes waiting for a second approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Household registered")
    IMPORTED = "imported", _("Registered by bulk import")
    IMPORT_UPDATED = "import_updated", _("Updated by bulk import")
    BIRTH = "birth", _("Birth declared")
    DEATH = "death", _("Death declared")
    MEMBER_JOINED = "member_joined", _("Member joined")
    MEMBER_LEFT = "member_left", _("Member left")
    MOVED = "moved", _("Moved")
    SOCIO_ECONOMIC_UPDATED = "socio_economic_updated", _("Socio-economic data updated")
    CONTACT_UPDATED = "contact_updated", _("Contact updated")
    PERSON_UPDATED = "person_updated", _("Person's data updated")
    HEAD_CHANGED = "head_changed", _("New head of household")
    PERSONS_MERGED = "persons_merged", _("Duplicate records merged")
    DISSOLVED = "dissolved", _("Household dissolved")


class HouseholdEvent(models.Model):
    """One entry of a household's history: who, when, why, before/after, effective from when."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    effective = models.DateField(_("effective from"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_request = models.ForeignKey(
        "registry.ChangeRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("household event")
        verbose_name_plural = _("household history")
        ordering = ("-recorded_at", "-id")
        indexes = (models.Index(fields=("household", "recorded_at")),)

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.effective}"


class ChangeRequestKind(models.TextChoices):
    HEAD_CHANGE = "head_change", _("New head of household")
    DEATH = "death", _("Death")
    PERSON_MERGE = "person_merge", _("Merge of duplicate records")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPLIED = "applied", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(models.Model):
    """A sensitive change (maker–checker): applied only when a second, different person approves."""

    kind = models.CharField(_("kind"), max_length=20, choices=ChangeRequestKind.choices)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="change_requests"
    )
    payload = models.JSONField(_("requested change"))
    effective = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        permissions = (("approve_changerequest", _("Can approve or reject change requests")),)
        ordering = ("-requested_at",)
        indexes = (models.Index(fields=("status", "requested_at")),)
        constraints = (
            # Maker–checker, also enforced by the database: nobody approves their own request.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="change_request_checker_is_not_maker",
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
