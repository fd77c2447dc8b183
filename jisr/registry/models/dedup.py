"""Probable duplicates found by the deduplication run, waiting for a reviewer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from jisr.registry.models.records import Person


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    MERGE_REQUESTED = "merge_requested", _("Merge requested")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Different persons")


class DuplicateCandidate(models.Model):
    """A pair of person records that probably describe the same person (left id < right id)."""

    left = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    explanation = models.JSONField(_("comparison levels"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    found_by_run = models.CharField(_("run"), max_length=64, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    change_request = models.ForeignKey(
        "registry.ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        permissions = (("review_duplicatecandidate", _("Can review probable duplicates")),)
        ordering = ("-match_probability",)
        constraints = (
            models.UniqueConstraint(fields=("left", "right"), name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(left__lt=F("right")), name="duplicate_pair_ordered"),
        )

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.match_probability:.2f})"

    @property
    def sides(self) -> tuple[tuple[str, Person], tuple[str, Person]]:
        return (("left", self.left), ("right", self.right))
