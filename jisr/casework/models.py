"""Casework: cases and everything done on them — assessments, care plans, referrals to partner
services, follow-up visits, transfers, consent, confidential notes — and the log of every access.

Statuses change only in named services (`services`); who may see or do what is decided in
`access` from the user's role and their relationship to the case (owner, team, territory,
referral to their organisation), deny by default.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("intake")
    ASSESSMENT = "assessment", _("assessment")
    PLANNING = "planning", _("care plan")
    ACTIVE = "active", _("plan in progress")
    CLOSING = "closing", _("closure requested")
    CLOSED = "closed", _("closed")


# A case not yet closed (it counts in caseloads and keeps its household off outreach lists), and
# the steps at which its owner still works on it (not while a closure waits for the supervisor).
OPEN_STATUSES = (
    CaseStatus.INTAKE, CaseStatus.ASSESSMENT, CaseStatus.PLANNING, CaseStatus.ACTIVE,
    CaseStatus.CLOSING,
)  # fmt: skip
WORKING_STATUSES = OPEN_STATUSES[:-1]


class CaseSource(models.TextChoices):
    SELF = "self", _("the person or their family")
    REFERRAL = "referral", _("another service's referral")
    REGISTRY = "registry", _("a registry flag (outreach)")
    GRIEVANCE = "grievance", _("a grievance")
    HOTLINE = "hotline", _("a hotline call")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="cases"
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("person concerned"),
    )
    # Where the case lives (copied from the household when opened): supervisors' and auditors'
    # territory, and the partner services near it.
    region_code = models.CharField(_("region"), max_length=2)
    commune_code = models.CharField(_("commune"), max_length=12)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices)
    source = models.CharField(_("source"), max_length=12, choices=CaseSource.choices)
    summary = models.CharField(_("reason for the case"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"))
    closure_outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = (
            models.Index(fields=("owner", "status")),
            models.Index(fields=("region_code", "commune_code", "status")),
        )
        permissions = (
            ("approve_case", "Can approve care plans and closures"),
            ("assign_case", "Can assign cases and outreach in bulk"),
            ("override_consent", "Can refer or disclose without consent (logged)"),
            ("audit_case", "Can read every case in scope (each read logged)"),
            ("handle_referral", "Can answer referrals sent to their organisation"),
        )

    def __str__(self) -> str:
        return self.reference


class Level(models.TextChoices):
    NONE = "none", _("no need")
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    CRITICAL = "critical", _("critical")


# The assessment's dimensions (issue 6): each rated with a level and a note.
DIMENSIONS: dict[str, object] = {
    "health_disability": _("health and disability"),
    "elderly_autonomy": _("autonomy of the elderly"),
    "child_protection": _("child protection"),
    "isolation": _("isolation"),
    "housing": _("housing"),
    "income_benefits": _("income and benefits"),
}


class Assessment(models.Model):
    """A structured, multidimensional assessment: `ratings` holds, per dimension, its level and a
    short note; `benefits` the household's ASD/AMO status read from the registry when assessed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    ratings = models.JSONField(_("ratings"))
    benefits = models.JSONField(_("benefits at the time"), default=dict)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"))

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.case_id} {self.assessed_at:%Y-%m-%d}"


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("sent back")
    SUPERSEDED = "superseded", _("replaced")


class CarePlan(models.Model):
    """Goals, actions (each possibly with a partner service) and a review date; approved by a
    supervisor before any referral it plans can be sent."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    goals = models.JSONField(_("goals"))
    actions = models.JSONField(_("actions"))
    review_date = models.DateField(_("review date"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = (
            models.UniqueConstraint(
                fields=("case",), condition=Q(status="approved"), name="one_approved_plan"
            ),
            # maker-checker: a plan is approved by someone other than who submitted it
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("submitted_by")),
                name="plan_decided_by_another",
            ),
        )

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class ConsentScope(models.TextChoices):
    REFERRAL = "referral", _("referral to the services of the care plan")
    DISCLOSURE = "disclosure", _("disclosure of the case to a named organisation")


class Consent(models.Model):
    """Consent as a record: who gave it, for what purpose, what may be shared with whom, until
    when; withdrawn at any time. No referral or disclosure without a valid one, except an explicit,
    logged override."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=120)  # the person or their guardian
    purpose = models.CharField(_("purpose"), max_length=300)
    scope = models.CharField(_("scope"), max_length=12, choices=ConsentScope.choices)
    # The organisations that may receive data; empty = any organisation of the approved plan.
    recipients = models.ManyToManyField("partners.Organization", blank=True, related_name="+")
    # What may be shared: keys of casework.access.SHAREABLE (e.g. "contact", "needs", "age").
    fields = models.JSONField(_("data that may be shared"), default=list)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_id} {self.scope} {self.given_on}"


class ReferralStatus(models.TextChoices):
    # In their own context: a referral (une orientation, إحالة) is feminine, a transfer or a job
    # is not, and French and Arabic agree the adjective with it.
    PENDING = "pending", pgettext_lazy("referral", "pending")
    ACCEPTED = "accepted", pgettext_lazy("referral", "accepted")
    REJECTED = "rejected", pgettext_lazy("referral", "rejected")
    DONE = "done", pgettext_lazy("referral", "done")
    REVOKED = "revoked", pgettext_lazy("referral", "revoked")


class Referral(models.Model):
    """A case referred to a partner's service. The partner sees only `shared` (the fields the
    consent allows and the service needs), never the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("partners.Service", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices)
    reason = models.CharField(_("why this service"), max_length=300)
    shared = models.JSONField(_("what the partner sees"))
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    override_reason = models.TextField(_("consent override"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = (
            # never both missing: a referral has a consent or a logged override
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(override_reason=""),
                name="referral_consent_or_override",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="referral_rejection_has_reason",
            ),
        )
        indexes = (models.Index(fields=("organization", "status")),)

    def __str__(self) -> str:
        return f"{self.case_id} → {self.organization_id}: {self.status}"


class VisitKind(models.TextChoices):
    HOME = "home", _("home visit")
    OFFICE = "office", _("at the office")
    PHONE = "phone", _("phone call")


class Visit(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices)
    visited_on = models.DateField(_("date"))
    next_due = models.DateField(_("next follow-up"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class Transfer(models.Model):
    """A case handed to another worker: ownership moves only when the receiver accepts."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    status = models.CharField(_("status"), max_length=10, choices=TransferStatus.choices)
    reason = models.CharField(_("reason"), max_length=300)
    proposed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = (
            models.UniqueConstraint(
                fields=("case",), condition=Q(status="proposed"), name="one_pending_transfer"
            ),
        )

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_user_id}: {self.status}"


class CaseNote(models.Model):
    """A confidential note, encrypted at rest (`jisr.casework.crypto`); never exported by
    default."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    # Fernet token (base64 text) of the note; the key comes from JISR_CASE_NOTES_KEY.
    ciphertext = models.TextField()
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case_id} {self.written_at:%Y-%m-%d}"


class CaseEvent(models.Model):
    """The case's timeline: every step, who, when (what changed, never the confidential text)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseAccess(models.Model):
    """Every access to a case (a page, an API read, a list that shows it, a partner's view of a
    referral): who, how, when. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    relation = models.CharField(max_length=20)  # why they could: owner, team, territory, audit…
    at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=("case", "at")),)

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.action}"


class OutreachKind(models.TextChoices):
    DISABLED_CHILD = "disabled_child", _("a child with a severe disability")
    ORPHAN_OUT_OF_SCHOOL = (
        "orphan_out_of_school",
        _("fatherless children of school age out of school"),
    )
    ELDERLY_ALONE = "elderly_alone", _("a person aged 75 or more living alone")
    UNCLAIMED = "unclaimed", _("ASD payments repeatedly unclaimed")


class OutreachStatus(models.TextChoices):
    OPEN = "open", _("to visit")
    ASSIGNED = "assigned", _("assigned")
    CASE_OPENED = "case_opened", _("case opened")
    DISMISSED = "dismissed", _("no case needed")


class OutreachItem(models.Model):
    """A household the registry says a social worker should visit, and why."""

    kind = models.CharField(_("why"), max_length=24, choices=OutreachKind.choices)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region_code = models.CharField(max_length=2)
    commune_code = models.CharField(max_length=12)
    status = models.CharField(_("status"), max_length=12, choices=OutreachStatus.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField()

    class Meta:
        verbose_name = _("outreach item")
        verbose_name_plural = _("outreach items")
        constraints = (
            models.UniqueConstraint(
                fields=("kind", "household"),
                condition=Q(status__in=["open", "assigned"]),
                name="one_open_outreach_per_reason",
            ),
        )
        indexes = (models.Index(fields=("region_code", "commune_code", "status")),)

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id}"
