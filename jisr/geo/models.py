"""Morocco's territorial division: regions, provinces/prefectures, communes.

Codes are the natural keys (region "06", province "06.03", commune "06.03.017"), so scope filters on
`region_id`/`commune_id` need no join.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Milieu(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class NamedPlace(models.Model):
    code = models.CharField(_("code"), max_length=16, primary_key=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    population_2024 = models.PositiveIntegerField(_("population (2024 census)"))

    class Meta:
        abstract = True
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "").startswith("ar") else self.name_fr


class Region(NamedPlace):
    class Meta(NamedPlace.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(NamedPlace):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")

    class Meta(NamedPlace.Meta):
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")


class Commune(NamedPlace):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    # Denormalised from the province so that scope filters and national aggregates skip a join.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    milieu = models.CharField(_("milieu"), max_length=5, choices=Milieu.choices)
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for demos and tests; not a real commune."),
    )

    class Meta(NamedPlace.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(milieu__in=["urban", "rural"]), name="commune_milieu_valid"
            ),
        )
