"""The partners API's request and response bodies (`jisr.partners.api`)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from ninja import Schema

from jisr.partners import selectors
from jisr.partners.models import Agreement, OutputReport, ReportDue


class AgreementIn(Schema):
    organization: uuid.UUID
    reference: str
    funder: str
    purpose: str
    start: dt.date
    end: dt.date
    budget: Decimal
    contribution: Decimal


class AgreementOut(Schema):
    id: int
    reference: str
    organization: uuid.UUID
    organization_name: str
    funder: str
    purpose: str
    start: dt.date
    end: dt.date
    budget: Decimal
    contribution: Decimal
    status: str
    signed_on: dt.date | None

    @classmethod
    def of(cls, agreement: Agreement) -> AgreementOut:
        return cls(
            id=agreement.pk,
            reference=agreement.reference,
            organization=agreement.organization_id,
            organization_name=agreement.organization.name_fr,
            funder=agreement.funder,
            purpose=agreement.purpose,
            start=agreement.start,
            end=agreement.end,
            budget=agreement.budget,
            contribution=agreement.contribution,
            status=agreement.status,
            signed_on=agreement.signed_on,
        )


class ReportDueOut(Schema):
    id: int
    agreement: str
    tranche: int | None
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    report: int | None
    status: str  # missing, draft, submitted
    overdue: bool

    @classmethod
    def of(cls, state: selectors.ReportState) -> ReportDueOut:
        due = state.due
        report = getattr(due, "report", None)
        return cls(
            id=due.pk,
            agreement=due.agreement.reference,
            tranche=due.tranche.number if due.tranche else None,
            period_start=due.period_start,
            period_end=due.period_end,
            due_date=due.due_date,
            report=report.pk if report else None,
            status=state.status,
            overdue=state.overdue,
        )


class IndicatorOut(Schema):
    id: int
    measure: str
    service: uuid.UUID | None
    label: str
    target: int
    achieved: int
    met: bool


class TrancheOut(Schema):
    id: int
    number: int
    amount: Decimal
    due_date: dt.date
    conditions: str
    status: str
    status_note: str
    paid_on: dt.date | None
    payment_reference: str
    conditions_met: bool
    unmet: list[str]
    overdue_reports: bool
    indicators: list[IndicatorOut]

    @classmethod
    def of(cls, progress: selectors.TrancheProgress) -> TrancheOut:
        tranche = progress.tranche
        return cls(
            id=tranche.pk,
            number=tranche.number,
            amount=tranche.amount,
            due_date=tranche.due_date,
            conditions=tranche.conditions,
            status=tranche.status,
            status_note=tranche.status_note,
            paid_on=tranche.paid_on,
            payment_reference=tranche.payment_reference,
            conditions_met=progress.met,
            unmet=progress.unmet,
            overdue_reports=progress.overdue,
            indicators=[
                IndicatorOut(
                    id=state.indicator.pk,
                    measure=state.indicator.measure,
                    service=state.indicator.service_id,
                    label=state.indicator.label,
                    target=state.indicator.target,
                    achieved=state.achieved,
                    met=state.met,
                )
                for state in progress.indicators
            ],
        )


class AgreementDetailOut(AgreementOut):
    tranches: list[TrancheOut]
    reports_due: list[ReportDueOut]
    overdue_reports: int


class TrancheIn(Schema):
    amount: Decimal
    due_date: dt.date
    conditions: str = ""


class ReportDueIn(Schema):
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    tranche: int | None = None  # the tranche's number


class IndicatorIn(Schema):
    measure: str
    target: int
    service: uuid.UUID | None = None
    label: str = ""


class SignIn(Schema):
    signed_on: dt.date


class NoteIn(Schema):
    note: str = ""


class PayIn(Schema):
    paid_on: dt.date
    payment_reference: str


class ReasonIn(Schema):
    reason: str


class ReportIn(Schema):
    people_served: int
    delivered: dict[uuid.UUID, int] = {}
    note: str = ""


class ReportLineOut(Schema):
    service: uuid.UUID
    service_name: str
    delivered: int


class ReportOut(Schema):
    id: int
    due: int
    agreement: str
    period_start: dt.date
    period_end: dt.date
    people_served: int
    note: str
    status: str
    submitted_at: dt.datetime | None
    lines: list[ReportLineOut]

    @classmethod
    def of(cls, report: OutputReport) -> ReportOut:
        due: ReportDue = report.due
        return cls(
            id=report.pk,
            due=due.pk,
            agreement=due.agreement.reference,
            period_start=due.period_start,
            period_end=due.period_end,
            people_served=report.people_served,
            note=report.note,
            status=report.status,
            submitted_at=report.submitted_at,
            lines=[
                ReportLineOut(
                    service=line.service_id,
                    service_name=line.service.name,
                    delivered=line.delivered,
                )
                for line in report.lines.select_related("service").order_by("service__name")
            ],
        )
