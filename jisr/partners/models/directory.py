"""The service directory, shaped on Open Referral's Human Services Data Specification (HSDS 3.0).

Each model is an HSDS object and keeps its HSDS name and fields (`id` a UUID, as HSDS requires), so
that the export (`jisr.partners.hsds`) is a mapping, not a translation. What HSDS lacks — names in
Arabic, the kind of organisation, the structured eligibility Jisr matches households against, the
places left, the communes and regions of Jisr's territorial division — are fields here and HSDS
`attributes` in the export (docs/partners.md has the whole mapping).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _bilingual(french: str, arabic: str) -> str:
    return arabic if arabic and (get_language() or "").startswith("ar") else french


class OrganizationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    # Établissements de protection sociale, law 65.15: care homes and centres run by associations
    # or public bodies under an authorisation.
    EPS = "eps", _("Social protection establishment (EPS)")
    PUBLIC_SERVICE = "public_service", _("Public service")
    COOPERATIVE = "cooperative", _("Cooperative")
    FOUNDATION = "foundation", _("Foundation")
    OTHER = "other", _("Other")


class Organization(models.Model):
    """An organisation delivering services (HSDS `organization`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    legal_status = models.CharField(_("legal status"), max_length=200, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(
        _("year incorporated"), null=True, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The region of its seat: it decides which managers' scope reaches the organisation.
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("name_fr",)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self.name_fr, self.name_ar)

    @property
    def scope_region(self) -> str | None:
        return self.region_id

    @property
    def scope_commune(self) -> str | None:
        return None


class OrganizationMember(models.Model):
    """A user working for a partner organisation (partner staff): what they may see and report on
    is their organisation's. One organisation per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role in the organisation"), max_length=100, blank=True)
    since = models.DateTimeField(_("member since"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organization_id}"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    POSTAL = "postal", _("postal")
    VIRTUAL = "virtual", _("virtual")


class Location(models.Model):
    """Where an organisation works (HSDS `location`, with its one address)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(
        _("location type"), max_length=8, choices=LocationType.choices, default="physical"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    address_1 = models.CharField(_("address"), max_length=200, blank=True)
    address_2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = (
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_valid",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_valid",
            ),
        )

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    # HSDS 3.0's values, spelled as HSDS spells them.
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    DEFUNCT = "defunct", _("defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")


class Sex(models.TextChoices):
    """Whom a service is for; the codes are the registry's (`F`, `M`)."""

    ANY = "", _("anyone")
    FEMALE = "F", _("women and girls")
    MALE = "M", _("men and boys")


class Service(models.Model):
    """A service an organisation delivers (HSDS `service`) with the structured eligibility and the
    places Jisr needs to refer people to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    eligibility_description = models.TextField(_("who is eligible"), blank=True)
    # Structured eligibility, matched against a person (selectors.services_search).
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sex = models.CharField(_("for"), max_length=1, choices=Sex.choices, blank=True, default="")
    requires_disability = models.BooleanField(_("for people with a disability only"), default=False)
    requires_rsu = models.BooleanField(_("registered in the RSU only"), default=False)
    requires_asd = models.BooleanField(_("ASD beneficiaries only"), default=False)
    # Capacity: `places` null means no fixed number of places; `places_taken` is the current use.
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    places_taken = models.PositiveIntegerField(_("places taken"), default=0)
    updated_at = models.DateTimeField(_("last modified"), default=timezone.now)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = (
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ServiceStatus]),
                name="service_status_valid",
            ),
        )
        indexes = (models.Index(fields=("status",)),)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _bilingual(self.name, self.name_ar)

    @property
    def places_left(self) -> int | None:
        """Places still free (None: the service has no fixed number of places)."""
        if self.places is None:
            return None
        return max(self.places - self.places_taken, 0)

    @property
    def scope_region(self) -> str | None:
        return self.organization.region_id

    @property
    def scope_commune(self) -> str | None:
        return None


class ServiceAtLocation(models.Model):
    """A service delivered at one of its organisation's locations (HSDS `service_at_location`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = (
            models.UniqueConstraint(fields=("service", "location"), name="one_service_per_place"),
        )

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class ScheduleFrequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("weekly")
    MONTHLY = "MONTHLY", _("monthly")


class Schedule(models.Model):
    """When a service is open, everywhere or at one location (HSDS `schedule`, iCalendar-like)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    freq = models.CharField(
        _("frequency"), max_length=7, choices=ScheduleFrequency.choices, blank=True
    )
    byday = models.CharField(_("days"), max_length=40, blank=True)  # e.g. "MO,TU,WE,TH,FR"
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = (
            models.CheckConstraint(
                condition=Q(service__isnull=False, service_at_location__isnull=True)
                | Q(service__isnull=True, service_at_location__isnull=False),
                name="schedule_of_a_service_or_a_place",
            ),
        )

    def __str__(self) -> str:
        return f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"


class ServiceArea(models.Model):
    """A commune or a whole region a service serves (HSDS `service_area`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = (
            models.CheckConstraint(
                condition=Q(commune__isnull=False, region__isnull=True)
                | Q(commune__isnull=True, region__isnull=False),
                name="service_area_is_a_commune_or_a_region",
            ),
        )

    def __str__(self) -> str:
        return self.name or str(self.commune_id or self.region_id)


class Language(models.Model):
    """A language a service is delivered in (HSDS `language`; `code` ISO 639: ar, ary, zgh, fr…)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = (
            models.UniqueConstraint(
                fields=("service", "code"), name="one_language_code_per_service"
            ),
        )

    def __str__(self) -> str:
        return self.code


class Phone(models.Model):
    """A telephone number of an organisation, a service or a location (HSDS `phone`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=32)
    type = models.CharField(_("type"), max_length=16, blank=True)  # voice, fax, cell, text…
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = (
            models.CheckConstraint(
                condition=Q(organization__isnull=False, service__isnull=True, location__isnull=True)
                | Q(organization__isnull=True, service__isnull=False, location__isnull=True)
                | Q(organization__isnull=True, service__isnull=True, location__isnull=False),
                name="phone_has_one_owner",
            ),
        )

    def __str__(self) -> str:
        return self.number


class Contact(models.Model):
    """A named contact of an organisation or a service (HSDS `contact`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = (
            models.CheckConstraint(
                condition=Q(organization__isnull=False, service__isnull=True)
                | Q(organization__isnull=True, service__isnull=False),
                name="contact_has_one_owner",
            ),
        )

    def __str__(self) -> str:
        return self.name
