"""The roles of Jisr, each a Django group holding the permissions (actions) that role may take.

Which records an action reaches is the user's scope (see `jisr.core.access`), not the role.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    PAYMENT_OFFICER = "payment_officer", _("Payment officer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    AUDITOR = "auditor", _("Auditor")


VIEW_HOUSEHOLD = "registry.view_household"
VIEW_PERSON = "registry.view_person"
CHANGE_HOUSEHOLD = "registry.change_household"
APPROVE_CHANGE = "registry.approve_changerequest"
REVIEW_DUPLICATES = "registry.review_duplicatecandidate"
VIEW_AUDIT = "core.view_auditevent"
MANAGE_USERS = "accounts.change_user"
VIEW_DECISION = "programmes.view_eligibilitydecision"
RUN_RULES = "programmes.run_rules"
RUN_SIMULATION = "programmes.run_simulation"
VIEW_ENROLMENT = "programmes.view_enrolment"
VIEW_PAYMENTS = "payments.view_paymentcycle"
COMPUTE_PAYROLL = "payments.compute_payroll"
APPROVE_PAYROLL = "payments.approve_payroll"
EXPORT_PAYMENTS = "payments.export_payments"
RECONCILE_PAYMENTS = "payments.reconcile_payments"
MANAGE_MANDATES = "payments.change_paymentmandate"
# Social workforce (workforce app): profiles, accreditations, training, supervision, indicators.
VIEW_WORKFORCE = "workforce.view_socialworker"
MANAGE_WORKFORCE = "workforce.change_socialworker"
RECORD_SUPERVISION = "workforce.add_supervisionsession"
VIEW_WORKFORCE_INDICATORS = "workforce.view_indicators"
# Partners and their services (partners app): the HSDS directory, agreements, output reports.
VIEW_DIRECTORY = "partners.view_organization"
MANAGE_DIRECTORY = "partners.change_organization"
MANAGE_AGREEMENTS = "partners.manage_agreement"
SUBMIT_PARTNER_REPORT = "partners.add_outputreport"
# Casework (casework app). Which cases a user reaches is decided by the case's relationships
# (owner, team, territory, referral to the user's organisation), checked in casework.access.
VIEW_CASE = "casework.view_case"
CHANGE_CASE = "casework.change_case"
APPROVE_CASE = "casework.approve_case"
ASSIGN_CASE = "casework.assign_case"
OVERRIDE_CONSENT = "casework.override_consent"
AUDIT_CASE = "casework.audit_case"
HANDLE_REFERRAL = "casework.handle_referral"
MANAGE_ENROLMENT = "programmes.manage_enrolment"

# Each role's permissions as "app_label.codename". Later apps add theirs here.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.ADMINISTRATOR: (
        VIEW_WORKFORCE,
        MANAGE_WORKFORCE,
        VIEW_WORKFORCE_INDICATORS,
        VIEW_DIRECTORY,
        MANAGE_USERS,
        "accounts.add_user",
        "accounts.view_user",
        "accounts.view_apitoken",
        "geo.view_region",
        "geo.change_region",
        "geo.view_commune",
        "geo.change_commune",
        VIEW_AUDIT,
    ),
    Role.PROGRAMME_MANAGER: (
        VIEW_HOUSEHOLD,
        VIEW_PERSON,
        VIEW_DECISION,
        VIEW_ENROLMENT,
        MANAGE_ENROLMENT,
        VIEW_PAYMENTS,
        VIEW_WORKFORCE,
        VIEW_WORKFORCE_INDICATORS,
        VIEW_DIRECTORY,
        MANAGE_DIRECTORY,
        MANAGE_AGREEMENTS,
        RUN_RULES,
        RUN_SIMULATION,
        "geo.view_region",
        "geo.view_commune",
    ),
    Role.PAYMENT_OFFICER: (
        VIEW_HOUSEHOLD,
        VIEW_PERSON,
        VIEW_DECISION,
        VIEW_ENROLMENT,
        VIEW_PAYMENTS,
        COMPUTE_PAYROLL,
        APPROVE_PAYROLL,
        EXPORT_PAYMENTS,
        RECONCILE_PAYMENTS,
        MANAGE_MANDATES,
        "geo.view_region",
    ),
    Role.SOCIAL_WORKER: (
        VIEW_HOUSEHOLD,
        VIEW_PERSON,
        VIEW_DECISION,
        VIEW_ENROLMENT,
        CHANGE_HOUSEHOLD,
        VIEW_DIRECTORY,
        VIEW_CASE,
        CHANGE_CASE,
        "geo.view_region",
    ),
    Role.SUPERVISOR: (
        VIEW_HOUSEHOLD,
        VIEW_PERSON,
        CHANGE_HOUSEHOLD,
        APPROVE_CHANGE,
        REVIEW_DUPLICATES,
        VIEW_DECISION,
        VIEW_ENROLMENT,
        VIEW_WORKFORCE,
        VIEW_WORKFORCE_INDICATORS,
        RECORD_SUPERVISION,
        VIEW_DIRECTORY,
        VIEW_CASE,
        CHANGE_CASE,
        APPROVE_CASE,
        ASSIGN_CASE,
        OVERRIDE_CONSENT,
        "geo.view_region",
    ),
    # Partner staff see only what is referred to their organisation (casework), never the registry.
    Role.PARTNER_STAFF: (VIEW_DIRECTORY, SUBMIT_PARTNER_REPORT, HANDLE_REFERRAL, "geo.view_region"),
    Role.AUDITOR: (
        VIEW_HOUSEHOLD,
        VIEW_PERSON,
        VIEW_DECISION,
        VIEW_ENROLMENT,
        VIEW_PAYMENTS,
        VIEW_WORKFORCE,
        VIEW_WORKFORCE_INDICATORS,
        VIEW_DIRECTORY,
        AUDIT_CASE,
        VIEW_AUDIT,
        "geo.view_region",
    ),
}


def roles_sync() -> dict[str, int]:
    """Create each role's group and set exactly its permissions (idempotent)."""
    counts = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = [name.split(".", 1) for name in names]
        query = models.Q(pk__in=[])
        for app_label, codename in wanted:
            query |= models.Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(query))
        group.permissions.set(permissions)
        counts[role.value] = len(permissions)
    return counts


def sync_after_migrate(**kwargs: Any) -> None:
    # Runs after each app's migrations; permissions of apps not yet migrated are picked up later.
    roles_sync()
