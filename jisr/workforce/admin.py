"""The diploma list in the admin (superusers): entries are illustrative until checked against
decree 2.22.604's annex. Profiles and accreditations change only through the services (audited)."""

from django.contrib import admin

from jisr.workforce.models import Diploma


@admin.register(Diploma)
class DiplomaAdmin(admin.ModelAdmin[Diploma]):
    list_display = ("code", "name_fr", "issued_by", "on_official_list", "verified")
    list_filter = ("on_official_list", "verified")
    search_fields = ("code", "name_fr", "name_ar", "name_en")
