"""Closed vocabularies of the registry (the codes of the import files, docs/formats.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class HousingType(models.TextChoices):
    VILLA_APARTMENT = "villa_apartment", _("Villa or apartment")
    MODERN_HOUSE = "modern_house", _("Modern Moroccan house")
    TRADITIONAL_HOUSE = "traditional_house", _("Traditional house")
    SHANTY = "shanty", _("Shanty")
    RURAL_HOUSE = "rural_house", _("Rural house")
    OTHER = "other", _("Other")


class Tenure(models.TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    FREE = "free", _("Housed free of charge")
    OTHER = "other", _("Other")


class WaterSource(models.TextChoices):
    PIPED_IN_DWELLING = "piped_in_dwelling", _("Piped into the dwelling")
    PUBLIC_TAP = "public_tap", _("Public tap")
    WELL = "well", _("Well or spring")
    OTHER = "other", _("Other")


class Electricity(models.TextChoices):
    GRID = "grid", _("Grid")
    SOLAR = "solar", _("Solar")
    NONE = "none", _("None")


class Sanitation(models.TextChoices):
    SEWER = "sewer", _("Public sewer")
    SEPTIC = "septic", _("Septic tank")
    NONE = "none", _("None")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class DisabilitySeverity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    VERY_SEVERE = "very_severe", _("Very severe")


class SchoolLevel(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    HIGHER = "higher", _("Higher education")
    VOCATIONAL = "vocational", _("Vocational training")


class SchoolSector(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class SocialSecurity(models.TextChoices):
    CNSS = "cnss", _("CNSS")
    CNOPS = "cnops", _("CNOPS")
    OTHER = "other", _("Other scheme")
    NONE = "none", _("None")


class AmoCover(models.TextChoices):
    NONE = "none", _("None")
    TADAMON = "tadamon", _("AMO Tadamon")
    CNSS = "cnss", _("AMO CNSS")
    CNOPS = "cnops", _("AMO CNOPS")
    ACHAMIL = "achamil", _("AMO Achamil")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")
