"""Reads of agreements with their tranches' progress, and of partner reports due and overdue:
seen by those who manage agreements in the organisation's region and by the organisation's own
staff (see `jisr.partners._access`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import MANAGE_AGREEMENTS, SUBMIT_PARTNER_REPORT, VIEW_DIRECTORY
from jisr.core import access
from jisr.core.audit import Actor
from jisr.core.errors import NotFound
from jisr.partners import _access
from jisr.partners.models import (
    Agreement,
    AgreementStatus,
    Indicator,
    IndicatorMeasure,
    Organization,
    OutputReport,
    OutputReportLine,
    ReportDue,
    ReportStatus,
    Tranche,
)


# --- Agreements ----------------------------------------------------------------------------------
def agreements_visible(*, user: Actor) -> QuerySet[Agreement]:
    """Agreements `user` may see: those of organisations in their scope if they manage
    agreements; their own organisation's if they are its staff; all for the system."""
    agreements = Agreement.objects.select_related("organization", "organization__region")
    if user is None:
        return agreements
    visible = Q(pk__in=[])
    if access.has_action(user, MANAGE_AGREEMENTS):
        scope = access.user_scope(user)
        if not scope.empty:
            visible |= scope.q(region_field="organization__region")
    organization_id = _access.member_organization_id(user)
    if organization_id is not None and (
        access.has_action(user, SUBMIT_PARTNER_REPORT) or access.has_action(user, VIEW_DIRECTORY)
    ):
        visible |= Q(organization_id=organization_id)
    return agreements.filter(visible)


def agreement_list(
    *, user: Actor, organization: Organization | None = None, status: str = ""
) -> QuerySet[Agreement]:
    agreements = agreements_visible(user=user)
    if organization is not None:
        agreements = agreements.filter(organization=organization)
    if status:
        agreements = agreements.filter(status=status)
    return agreements.order_by("-start", "reference")


def agreement_get(*, user: Actor, agreement_id: int) -> Agreement:
    """An agreement `user` may see (NotFound otherwise: no hint that it exists)."""
    agreement = agreements_visible(user=user).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(agreement=agreement_id)
    return agreement


def agreement_to_manage(*, user: Actor, agreement_id: int) -> Agreement:
    """An agreement `user` may manage: NotFound if they may not even see it, AccessDenied if they
    see it without managing it (the organisation's own staff)."""
    agreement = agreement_get(user=user, agreement_id=agreement_id)
    _access.require(user, MANAGE_AGREEMENTS, agreement)
    return agreement


def agreement_organizations(*, user: Actor) -> QuerySet[Organization]:
    """The organisations `user` may draft an agreement with (those of their scope; all for the
    system); AccessDenied for those who do not manage agreements."""
    _access.require(user, MANAGE_AGREEMENTS)
    organizations = Organization.objects.select_related("region").order_by("name_fr", "id")
    if user is None:
        return organizations
    return access.scope_filter(
        user, organizations, permission=MANAGE_AGREEMENTS, region_field="region"
    )


def tranche_get(*, user: Actor, tranche_id: int) -> Tranche:
    tranche = (
        Tranche.objects.select_related("agreement", "agreement__organization")
        .filter(pk=tranche_id, agreement__in=agreements_visible(user=user))
        .first()
    )
    if tranche is None:
        raise NotFound(tranche=tranche_id)
    return tranche


@dataclass(frozen=True)
class ReportState:
    due: ReportDue
    status: str  # "missing", "draft" or "submitted"
    overdue: bool


@dataclass(frozen=True)
class IndicatorState:
    indicator: Indicator
    achieved: int

    @property
    def met(self) -> bool:
        return self.achieved >= self.indicator.target


@dataclass(frozen=True)
class TrancheProgress:
    tranche: Tranche
    reports: list[ReportState]
    indicators: list[IndicatorState]

    @property
    def overdue(self) -> bool:
        return any(report.overdue for report in self.reports)

    @property
    def unmet(self) -> list[str]:
        """What stands between the tranche and its release, in words."""
        missing = [
            _("report for %(start)s – %(end)s not submitted")
            % {"start": r.due.period_start, "end": r.due.period_end}
            for r in self.reports
            if r.status != ReportStatus.SUBMITTED
        ]
        short = [
            _("%(indicator)s: %(achieved)s of %(target)s")
            % {
                "indicator": state.indicator.label or state.indicator.get_measure_display(),
                "achieved": state.achieved,
                "target": state.indicator.target,
            }
            for state in self.indicators
            if not state.met
        ]
        return missing + short

    @property
    def met(self) -> bool:
        return not self.unmet


def report_state(*, due: ReportDue, on: dt.date) -> ReportState:
    """Whether a report due is missing, drafted or submitted, and overdue on `on`."""
    report = getattr(due, "report", None)
    status = report.status if report is not None else "missing"
    overdue = (
        status != ReportStatus.SUBMITTED
        and due.due_date < on
        and due.agreement.status == AgreementStatus.ACTIVE
    )
    return ReportState(due=due, status=status, overdue=overdue)


def tranche_progress(*, tranche: Tranche, on: dt.date | None = None) -> TrancheProgress:
    """The reports a tranche requires (submitted? overdue on `on`?) and its indicators' values,
    summed over the submitted reports."""
    dues = list(
        ReportDue.objects.filter(tranche=tranche)
        .select_related("agreement", "report")
        .order_by("due_date", "period_start")
    )
    return tranches_progress(tranches=[tranche], on=on, dues={tranche.pk: dues})[0]


def tranches_progress(
    *, tranches: list[Tranche], on: dt.date | None, dues: dict[int | None, list[ReportDue]]
) -> list[TrancheProgress]:
    """`tranche_progress` for several tranches in three queries, whatever their number: the
    people served and the services delivered per tranche, summed over its submitted reports, and
    the tranches' indicators. `dues`: each tranche's reports due, next due first."""
    day = on or timezone.localdate()
    ids = [tranche.pk for tranche in tranches]
    submitted = Q(status=ReportStatus.SUBMITTED, due__tranche_id__in=ids)
    people: dict[int, int] = dict(
        OutputReport.objects.filter(submitted)
        .values("due__tranche_id")
        .annotate(total=Sum("people_served"))
        .order_by()
        .values_list("due__tranche_id", "total")
    )
    delivered: dict[int, dict[uuid.UUID, int]] = defaultdict(dict)
    for tranche_id, service_id, total in (
        OutputReportLine.objects.filter(
            report__status=ReportStatus.SUBMITTED, report__due__tranche_id__in=ids
        )
        .values("report__due__tranche_id", "service_id")
        .annotate(total=Sum("delivered"))
        .order_by()
        .values_list("report__due__tranche_id", "service_id", "total")
    ):
        delivered[tranche_id][service_id] = total
    indicators: dict[int, list[IndicatorState]] = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(tranche_id__in=ids).select_related("service").order_by("pk")
    ):
        by_service = delivered[indicator.tranche_id]
        if indicator.measure == IndicatorMeasure.PEOPLE_SERVED:
            achieved = people.get(indicator.tranche_id) or 0
        elif indicator.service_id is not None:
            achieved = by_service.get(indicator.service_id, 0)
        else:
            achieved = sum(by_service.values())
        state = IndicatorState(indicator=indicator, achieved=achieved)
        indicators[indicator.tranche_id].append(state)
    return [
        TrancheProgress(
            tranche=tranche,
            reports=[report_state(due=due, on=day) for due in dues.get(tranche.pk, [])],
            indicators=indicators[tranche.pk],
        )
        for tranche in tranches
    ]


def agreement_detail(
    *, user: Actor, agreement_id: int, on: dt.date | None = None
) -> dict[str, Any]:
    """An agreement with each tranche's progress and every report due (overdue flags on `on`)."""
    agreement = agreement_get(user=user, agreement_id=agreement_id)
    day = on or timezone.localdate()
    tranches = list(agreement.tranches.order_by("number"))
    dues = list(
        agreement.reports_due.select_related("agreement", "report", "tranche").order_by(
            "due_date", "period_start"
        )
    )
    by_tranche: dict[int | None, list[ReportDue]] = defaultdict(list)
    for due in dues:
        by_tranche[due.tranche_id].append(due)
    progress = tranches_progress(tranches=tranches, on=day, dues=by_tranche)
    reports = [report_state(due=due, on=day) for due in dues]
    return {
        "agreement": agreement,
        "tranches": progress,
        "reports": reports,
        "overdue": sum(1 for r in reports if r.overdue),
        "planned": sum((t.amount for t in tranches), start=Decimal("0.00")),
        "paid": sum((t.amount for t in tranches if t.status == "paid"), start=Decimal("0.00")),
    }


# --- Reports -------------------------------------------------------------------------------------
def overdue_reports(*, on: dt.date, user: Actor = None) -> QuerySet[ReportDue]:
    """Reports due before `on` and not submitted, under agreements in force (those `user` may
    see; all of them for the system), the longest overdue first."""
    dues = ReportDue.objects.filter(
        due_date__lt=on, agreement__status=AgreementStatus.ACTIVE
    ).exclude(report__status=ReportStatus.SUBMITTED)
    if user is not None:
        dues = dues.filter(agreement__in=agreements_visible(user=user))
    return dues.select_related("agreement", "agreement__organization", "tranche").order_by(
        "due_date", "agreement__reference", "period_start"
    )


def reports_due(*, user: Actor) -> QuerySet[ReportDue]:
    """Reports due under the agreements in force `user` may see (partner staff: their
    organisation's), next due first."""
    return (
        ReportDue.objects.filter(
            agreement__in=agreements_visible(user=user), agreement__status=AgreementStatus.ACTIVE
        )
        .select_related("agreement", "agreement__organization", "tranche", "report")
        .order_by("due_date", "period_start")
    )


def report_due_get(*, user: Actor, due_id: int) -> ReportDue:
    due = (
        ReportDue.objects.select_related("agreement", "agreement__organization", "tranche")
        .filter(pk=due_id, agreement__in=agreements_visible(user=user))
        .first()
    )
    if due is None:
        raise NotFound(report_due=due_id)
    return due


def output_report_get(*, user: Actor, report_id: int) -> OutputReport:
    report = (
        OutputReport.objects.select_related("due", "due__agreement", "due__agreement__organization")
        .filter(pk=report_id, due__agreement__in=agreements_visible(user=user))
        .first()
    )
    if report is None:
        raise NotFound(report=report_id)
    return report


def output_report_for(*, due: ReportDue) -> OutputReport | None:
    """The report written for a report due the caller was allowed to see, if any."""
    return OutputReport.objects.prefetch_related("lines").filter(due=due).first()
