"""The unified social registry: households, people and who belongs where, when."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisr.core.identifiers import CNIE_PATTERN, PHONE_PATTERN
from jisr.geo.models import Milieu
from jisr.registry import choices as c


class Household(models.Model):
    # Unique by a Meta constraint, not `unique=True`: on PostgreSQL that would also build a second
    # (`varchar_pattern_ops`) index for LIKE, which exact lookups never use and bulk loads pay for.
    rsu_id = models.CharField(_("RSU identifier"), max_length=10)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    milieu = models.CharField(_("milieu"), max_length=5, choices=Milieu.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(
        _("contact phone"),
        max_length=13,
        blank=True,
        validators=[
            RegexValidator(PHONE_PATTERN, _("A Moroccan number in the form +212XXXXXXXXX."))
        ],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=c.HouseholdStatus.choices,
        default=c.HouseholdStatus.ACTIVE,
    )
    # What the socio-economic index needs (declared, cross-checked).
    housing_type = models.CharField(_("housing type"), max_length=20, choices=c.HousingType.choices)
    rooms = models.PositiveSmallIntegerField(_("rooms"))
    tenure = models.CharField(_("tenure"), max_length=10, choices=c.Tenure.choices)
    water_source = models.CharField(_("water source"), max_length=20, choices=c.WaterSource.choices)
    electricity = models.CharField(_("electricity"), max_length=10, choices=c.Electricity.choices)
    sanitation = models.CharField(_("sanitation"), max_length=10, choices=c.Sanitation.choices)
    has_fridge = models.BooleanField(_("fridge"), default=False)
    has_tv = models.BooleanField(_("television"), default=False)
    has_satellite = models.BooleanField(_("satellite dish"), default=False)
    has_washing_machine = models.BooleanField(_("washing machine"), default=False)
    has_computer = models.BooleanField(_("computer"), default=False)
    has_internet = models.BooleanField(_("internet"), default=False)
    has_car = models.BooleanField(_("car"), default=False)
    has_motorbike = models.BooleanField(_("motorbike"), default=False)
    mobile_phones = models.PositiveSmallIntegerField(_("mobile phones"), default=0)
    spend_water = models.DecimalField(_("monthly water spending"), max_digits=10, decimal_places=2)
    spend_electricity = models.DecimalField(
        _("monthly electricity spending"), max_digits=10, decimal_places=2
    )
    spend_butane = models.DecimalField(
        _("monthly butane spending"), max_digits=10, decimal_places=2
    )
    spend_telephone = models.DecimalField(
        _("monthly telephone spending"), max_digits=10, decimal_places=2
    )
    formal_family_allowances = models.BooleanField(
        _("receives formal-sector family allowances"), default=False
    )
    # The latest socio-economic index and how it was obtained (the rules engine writes these).
    index_value = models.DecimalField(
        _("socio-economic index"), max_digits=10, decimal_places=7, null=True, blank=True
    )
    index_computed_at = models.DateTimeField(_("index computed at"), null=True, blank=True)
    index_model = models.CharField(_("index model"), max_length=64, blank=True)
    needs_recompute = models.BooleanField(_("needs recomputation"), default=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = (
            models.Index(fields=("region", "commune")),
            # Search by contact phone (national or +212 form, normalised before the lookup).
            models.Index(fields=("phone",), name="household_phone_idx"),
        )
        constraints = (
            models.UniqueConstraint(fields=("rsu_id",), name="household_rsu_id_unique"),
            models.CheckConstraint(condition=Q(rooms__lte=100), name="household_rooms_plausible"),
            models.CheckConstraint(
                condition=Q(
                    spend_water__gte=0,
                    spend_electricity__gte=0,
                    spend_butane__gte=0,
                    spend_telephone__gte=0,
                ),
                name="household_spending_not_negative",
            ),
        )

    def __str__(self) -> str:
        return self.rsu_id

    @property
    def scope_region(self) -> str:
        return self.region_id

    @property
    def scope_commune(self) -> str:
        return self.commune_id


class Person(models.Model):
    rnp_id = models.CharField(_("RNP identifier"), max_length=12)
    # NULL (not "") when absent, so that the many persons without a card never collide on the
    # unique constraint.
    cnie = models.CharField(  # noqa: DJ001
        _("CNIE"),
        max_length=8,
        null=True,
        blank=True,
        validators=[RegexValidator(CNIE_PATTERN, _("One or two capital letters, then digits."))],
    )
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=80)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=80)
    first_name_lat = models.CharField(_("first name (Latin)"), max_length=80)
    last_name_lat = models.CharField(_("last name (Latin)"), max_length=80)
    sex = models.CharField(_("sex"), max_length=1, choices=c.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    death_date = models.DateField(_("death date"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="MA")
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=c.MaritalStatus.choices, blank=True
    )
    disability = models.BooleanField(_("disability"), default=False)
    disability_severity = models.CharField(
        _("disability severity"), max_length=12, choices=c.DisabilitySeverity.choices, blank=True
    )
    in_school = models.BooleanField(_("in school"), default=False)
    school_level = models.CharField(
        _("school level"), max_length=20, choices=c.SchoolLevel.choices, blank=True
    )
    school_sector = models.CharField(
        _("school sector"), max_length=10, choices=c.SchoolSector.choices, blank=True
    )
    social_security = models.CharField(
        _("social security"),
        max_length=10,
        choices=c.SocialSecurity.choices,
        default=c.SocialSecurity.NONE,
    )
    amo = models.CharField(
        _("AMO cover"), max_length=10, choices=c.AmoCover.choices, default=c.AmoCover.NONE
    )
    father_deceased = models.BooleanField(_("father deceased"), default=False)
    # Normalised "first last" keys (jisr.core.names) for variant-insensitive search and
    # deduplication.
    # Searched by substring: trigram GIN indexes on PostgreSQL (migration 0003), no B-tree needed.
    name_ar_key = models.CharField(max_length=170, blank=True, editable=False)
    name_lat_key = models.CharField(max_length=170, blank=True, editable=False)
    # Set when this record was merged into another (the same person registered twice).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = (
            models.UniqueConstraint(fields=("rnp_id",), name="person_rnp_id_unique"),
            models.UniqueConstraint(fields=("cnie",), name="person_cnie_unique"),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(death_date__gte=models.F("birth_date")),
                name="person_death_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(disability=True) | Q(disability_severity=""),
                name="person_severity_needs_disability",
            ),
        )

    def __str__(self) -> str:
        return f"{self.first_name_lat} {self.last_name_lat}"


class Membership(models.Model):
    """A person's membership of a household, from `start` to `end` (open when null)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(
        _("relationship to the head"), max_length=20, choices=c.Relationship.choices
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = (
            models.UniqueConstraint(
                fields=("person",),
                condition=Q(end__isnull=True),
                name="one_open_membership_per_person",
            ),
            models.UniqueConstraint(
                fields=("household",),
                condition=Q(end__isnull=True, relationship="head"),
                name="one_open_head_per_household",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id} ({self.relationship})"
