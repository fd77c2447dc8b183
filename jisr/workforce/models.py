"""The social workforce: social workers' profiles, diplomas, accreditations (agrément), continuing
training and supervision.

Law 45.18 on the profession of social workers and decree 2.22.604 (21 March 2024): practising
needs a diploma in the social field on the official list and an accreditation from the competent
administration; practice is salaried or independent; regional professional associations are
mandatory (shared/reference/morocco-social-protection.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Diploma(models.Model):
    """A diploma in the social field. The list is maintained by data migrations (see
    docs/workforce.md): the decree's annex listing the recognised diplomas is not in Jisr's
    references, so `on_official_list` is illustrative until `verified` is set from the annex."""

    code = models.SlugField(_("code"), max_length=48, primary_key=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    on_official_list = models.BooleanField(
        _("on the official list"),
        default=False,
        help_text=_("Recognised for the accreditation of social workers (decree 2.22.604)."),
    )
    verified = models.BooleanField(
        _("verified against the decree's annex"),
        default=False,
        help_text=_("Unset: the entry is illustrative and must be checked against the annex."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "")[:2]
        return {"ar": self.name_ar, "fr": self.name_fr}.get(language, self.name_en)


class AccreditationState(models.TextChoices):
    PENDING = "pending", _("pending")
    GRANTED = "granted", _("granted")
    SUSPENDED = "suspended", _("suspended")
    EXPIRED = "expired", _("expired")


class EmployerKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or public administration")
    ENTRAIDE_NATIONALE = "entraide_nationale", _("Entraide Nationale")
    ASSOCIATION = "association", _("Association")
    INDEPENDENT = "independent", _("Independent practice")
    OTHER = "other", _("Other employer")


class Language(models.TextChoices):
    """Languages a social worker works in (ISO 639 codes)."""

    ARABIC = "ar", _("Arabic")
    DARIJA = "ary", _("Moroccan Arabic (Darija)")
    AMAZIGH = "zgh", _("Standard Moroccan Amazigh")
    TAMAZIGHT = "tzm", _("Central Atlas Tamazight")
    TACHELHIT = "shi", _("Tachelhit")
    TARIFIT = "rif", _("Tarifit")
    HASSANIYA = "mey", _("Hassaniya")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    SIGN = "xms", _("Moroccan Sign Language")


class Speciality(models.TextChoices):
    CHILD_PROTECTION = "child_protection", _("Child protection")
    DISABILITY = "disability", _("Disability")
    ELDERLY = "elderly", _("Older people")
    GENDER_VIOLENCE = "gender_violence", _("Violence against women")
    FAMILY = "family", _("Family mediation and support")
    YOUTH = "youth", _("Youth")
    ADDICTION = "addiction", _("Addiction")
    HOMELESSNESS = "homelessness", _("Homelessness")
    MIGRATION = "migration", _("Migrants and refugees")
    HEALTH = "health", _("Medical social work")
    SCHOOL = "school", _("School social work")
    JUSTICE = "justice", _("Juvenile justice")


class SocialWorker(models.Model):
    """A social worker's profile. Accreditation fields change only through the named services
    (`accreditation_grant`, `_suspend`, `_reinstate`, `_renew`, `accreditations_expire`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="social_worker_profile",
        verbose_name=_("user"),
    )
    # The region of practice: where the worker counts in indicators and whose scope reaches them.
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    communes = models.ManyToManyField(
        "geo.Commune", blank=True, related_name="+", verbose_name=_("territory (communes)")
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    moroccan_national = models.BooleanField(_("Moroccan national"), default=True)
    foreign_authorisation = models.CharField(
        _("authorisation to practise (foreign nationals)"), max_length=100, blank=True
    )
    employer_kind = models.CharField(_("employer"), max_length=20, choices=EmployerKind.choices)
    employer_name = models.CharField(_("employer's name"), max_length=200, blank=True)
    association_region = models.ForeignKey(
        "geo.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regional professional association"),
    )
    association_membership = models.CharField(
        _("association membership number"), max_length=50, blank=True
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_workers",
        verbose_name=_("supervisor"),
    )
    accreditation_status = models.CharField(
        _("accreditation status"),
        max_length=10,
        choices=AccreditationState.choices,
        default=AccreditationState.PENDING,
    )
    accreditation_number = models.CharField(_("accreditation number"), max_length=50, blank=True)
    accreditation_valid_from = models.DateField(_("valid from"), null=True, blank=True)
    accreditation_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    accreditation_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")
        ordering = ("user__username",)
        permissions = (("view_indicators", "Can view the social workforce indicators"),)
        constraints = (
            models.UniqueConstraint(
                fields=("accreditation_number",),
                condition=~Q(accreditation_number=""),
                name="workforce_accreditation_number_unique",
            ),
            # Once granted, an accreditation always has its number, dates and authority.
            models.CheckConstraint(
                condition=Q(accreditation_status="pending")
                | (
                    ~Q(accreditation_number="")
                    & Q(accreditation_valid_from__isnull=False)
                    & Q(accreditation_valid_until__isnull=False)
                    & Q(accreditation_valid_until__gte=models.F("accreditation_valid_from"))
                ),
                name="workforce_accreditation_complete",
            ),
        )
        indexes = (models.Index(fields=("accreditation_status", "accreditation_valid_until")),)

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class HeldDiploma(models.Model):
    worker = models.ForeignKey(SocialWorker, on_delete=models.CASCADE, related_name="diplomas")
    diploma = models.ForeignKey(Diploma, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year obtained"), null=True, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("diploma held")
        verbose_name_plural = _("diplomas held")
        constraints = (
            models.UniqueConstraint(fields=("worker", "diploma"), name="workforce_diploma_once"),
        )

    def __str__(self) -> str:
        return f"{self.diploma_id} ({self.year or '?'})"


class WorkerLanguage(models.Model):
    worker = models.ForeignKey(SocialWorker, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, choices=Language.choices)

    class Meta:
        verbose_name = _("working language")
        verbose_name_plural = _("working languages")
        constraints = (
            models.UniqueConstraint(fields=("worker", "language"), name="workforce_language_once"),
        )

    def __str__(self) -> str:
        return self.language


class WorkerSpeciality(models.Model):
    worker = models.ForeignKey(SocialWorker, on_delete=models.CASCADE, related_name="specialities")
    speciality = models.CharField(_("speciality"), max_length=24, choices=Speciality.choices)

    class Meta:
        verbose_name = _("speciality")
        verbose_name_plural = _("specialities")
        constraints = (
            models.UniqueConstraint(
                fields=("worker", "speciality"), name="workforce_speciality_once"
            ),
        )

    def __str__(self) -> str:
        return self.speciality


class TrainingRecord(models.Model):
    """A continuing training followed by a social worker."""

    worker = models.ForeignKey(
        SocialWorker, on_delete=models.PROTECT, related_name="training_records"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ("-date", "-pk")
        constraints = (
            models.CheckConstraint(condition=Q(hours__gt=0), name="workforce_training_hours"),
        )
        indexes = (models.Index(fields=("worker", "date")),)

    def __str__(self) -> str:
        return f"{self.date} {self.title} ({self.hours} h)"


class SupervisionSession(models.Model):
    """A supervision session of a worker by their supervisor (cases reviewed together)."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    worker = models.ForeignKey(
        SocialWorker, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    date = models.DateField(_("date"))
    cases_reviewed = models.PositiveIntegerField(_("cases reviewed"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ("-date", "-pk")
        indexes = (models.Index(fields=("worker", "date")),)

    def __str__(self) -> str:
        return f"{self.date} {self.worker_id}"
