"""Partner output reports: written and submitted by the staff of the agreement's organisation,
and only theirs (`partners.add_outputreport` and a membership of that organisation); returned for
correction by whoever manages the agreement. One durable transaction and an audit row each."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_AGREEMENTS, SUBMIT_PARTNER_REPORT
from jisr.core import audit
from jisr.core.audit import Actor
from jisr.core.errors import InvalidInput
from jisr.partners import _access
from jisr.partners.errors import WrongStatus
from jisr.partners.models import (
    AgreementStatus,
    OutputReport,
    OutputReportLine,
    ReportDue,
    ReportStatus,
    Service,
    TrancheStatus,
)


def _due_for_staff(actor: Actor, due: ReportDue) -> ReportDue:
    """The report due, locked, once the actor is staff of its organisation allowed to report."""
    locked = (
        ReportDue.objects.select_for_update(of=("self",))
        .select_related("agreement", "agreement__organization", "tranche")
        .get(pk=due.pk)
    )
    _access.require_member(actor, SUBMIT_PARTNER_REPORT, locked.agreement.organization)
    if locked.agreement.status != AgreementStatus.ACTIVE:
        raise WrongStatus(_("The agreement is not in force."), status=locked.agreement.status)
    return locked


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(_("A whole number ≥ 0 is expected."), field=field)
    return value


@transaction.atomic(durable=True)
def output_report_save(
    *,
    actor: Actor,
    due: ReportDue,
    people_served: int,
    delivered: Mapping[uuid.UUID, int],
    note: str = "",
) -> OutputReport:
    """Write (or rewrite) the draft report for `due`: people served, and services delivered by
    each of the organisation's services (`delivered`: service id → count)."""
    locked = _due_for_staff(actor, due)
    report = OutputReport.objects.select_for_update().filter(due=locked).first()
    if report is not None and report.status != ReportStatus.DRAFT:
        raise WrongStatus(_("This report is already submitted."), status=report.status)
    served = _whole(people_served, "people_served")
    counts = {uuid.UUID(str(key)): _whole(value, "delivered") for key, value in delivered.items()}
    organization = locked.agreement.organization_id
    services = set(
        Service.objects.filter(pk__in=list(counts), organization_id=organization).values_list(
            "pk", flat=True
        )
    )
    foreign = sorted(str(key) for key in counts if key not in services)
    if foreign:
        raise InvalidInput(
            _("Not services of your organisation: %s") % ", ".join(foreign), services=foreign
        )
    before = None
    if report is None:
        report = OutputReport(due=locked, created_by_id=audit.actor_id(actor))
    else:
        before = {"people_served": report.people_served, "lines": _lines(report)}
    report.people_served, report.note = served, note.strip()
    report.updated_at = timezone.now()
    report.save()
    report.lines.all().delete()
    OutputReportLine.objects.bulk_create(
        OutputReportLine(report=report, service_id=key, delivered=count)
        for key, count in sorted(counts.items(), key=lambda item: str(item[0]))
    )
    audit.record(
        actor=actor,
        action="partners.report_saved",
        target=report,
        before=before,
        after={"due": locked.pk, "people_served": served, "lines": _lines(report)},
    )
    return report


def _lines(report: OutputReport) -> dict[str, int]:
    return {str(line.service_id): line.delivered for line in report.lines.all()}


@transaction.atomic(durable=True)
def output_report_submit(*, actor: Actor, report: OutputReport) -> OutputReport:
    """Submit a draft report once its period has ended; it then counts for its tranche."""
    locked = OutputReport.objects.select_for_update().get(pk=report.pk)
    due = _due_for_staff(actor, locked.due)
    if locked.status != ReportStatus.DRAFT:
        raise WrongStatus(_("This report is already submitted."), status=locked.status)
    if timezone.localdate() < due.period_end:
        raise InvalidInput(
            _("A report can be submitted once its period has ended (%s).") % due.period_end,
            field="period_end",
        )
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_by_id = audit.actor_id(actor)
    locked.submitted_at = locked.updated_at = timezone.now()
    locked.save()
    audit.record(
        actor=actor,
        action="partners.report_submitted",
        target=locked,
        before={"status": ReportStatus.DRAFT},
        after={"status": locked.status, "due": due.pk},
    )
    return locked


@transaction.atomic(durable=True)
def output_report_return(*, actor: Actor, report: OutputReport, reason: str) -> OutputReport:
    """Send a submitted report back to its organisation for correction (a draft again), unless
    its tranche's conditions were already recorded as met or the tranche paid."""
    locked = (
        OutputReport.objects.select_for_update(of=("self",))
        .select_related("due__agreement__organization", "due__tranche")
        .get(pk=report.pk)
    )
    _access.require(actor, MANAGE_AGREEMENTS, locked.due.agreement)
    if locked.status != ReportStatus.SUBMITTED:
        raise WrongStatus(_("Only a submitted report can be returned."), status=locked.status)
    tranche = locked.due.tranche
    if tranche is not None and tranche.status in (TrancheStatus.CONDITIONS_MET, TrancheStatus.PAID):
        raise WrongStatus(
            _("The tranche this report counts for is already released."), status=tranche.status
        )
    if not reason.strip():
        raise InvalidInput(_("Give the reason for this change."), field="reason")
    locked.status, locked.submitted_at, locked.submitted_by = ReportStatus.DRAFT, None, None
    locked.updated_at = timezone.now()
    locked.save()
    audit.record(
        actor=actor,
        action="partners.report_returned",
        target=locked,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": locked.status},
        reason=reason.strip(),
    )
    return locked
