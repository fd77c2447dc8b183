"""Payments API: cycles (create, payroll, approve, export, returns, close, summary), provider
files, a household's payment history. Cycle actions are national; a household's history is
scoped like the household and its read audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jisr.accounts.api import api_user
from jisr.core.api import JobOut, job_accepted
from jisr.payments import selectors, services
from jisr.payments.models import PaymentCycle, PayrollLine

router = Router(tags=["payments"])


class CycleIn(Schema):
    programme: str
    month: str


class CycleOut(Schema):
    id: int
    programme: str
    month: str
    status: str
    line_count: int
    total_amount: Decimal
    payroll_hash: str

    @classmethod
    def of(cls, cycle: PaymentCycle) -> CycleOut:
        return cls(
            id=cycle.pk,
            programme=cycle.programme,
            month=cycle.month,
            status=cycle.status,
            line_count=cycle.line_count,
            total_amount=cycle.total_amount,
            payroll_hash=cycle.payroll_hash,
        )


class ExportIn(Schema):
    provider: str


class AdjustmentOut(Schema):
    kind: str
    amount: Decimal
    reason: str


class PaymentOut(Schema):
    reference: str
    programme: str
    month: str
    status: str
    reason: str
    base_amount: Decimal
    adjustments_amount: Decimal
    amount: Decimal
    method: str
    settled_on: str | None
    adjustments: list[AdjustmentOut]

    @classmethod
    def of(cls, line: PayrollLine) -> PaymentOut:
        return cls(
            reference=line.reference,
            programme=line.programme,
            month=line.month,
            status=line.display_status,
            reason=line.reason,
            base_amount=line.base_amount,
            adjustments_amount=line.adjustments_amount,
            amount=line.amount,
            method=line.method,
            settled_on=line.settled_on.isoformat() if line.settled_on else None,
            adjustments=[
                AdjustmentOut(kind=a.kind, amount=a.amount, reason=a.reason)
                for a in line.adjustments.all()
            ],
        )


@router.get("/cycles/", response=list[CycleOut])
def cycle_list(request: HttpRequest) -> list[CycleOut]:
    return [CycleOut.of(c) for c in selectors.cycle_list(user=api_user(request))[:200]]


@router.post("/cycles/", response={201: CycleOut})
def cycle_create(request: HttpRequest, body: CycleIn) -> Status[CycleOut]:
    cycle = services.cycle_create(
        actor=api_user(request), programme=body.programme, month=body.month
    )
    return Status(201, CycleOut.of(cycle))


@router.get("/cycles/{cycle_id}")
def cycle_summary(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """Status, line count, totals by status, region and provider, adjustments, files."""
    return selectors.cycle_summary(user=api_user(request), cycle_id=cycle_id)


@router.post("/cycles/{cycle_id}/payroll", response={202: JobOut})
def payroll_start(request: HttpRequest, cycle_id: int) -> Status[JobOut]:
    return job_accepted(services.payroll_request(actor=api_user(request), cycle_id=cycle_id))


@router.post("/cycles/{cycle_id}/approve", response=CycleOut)
def payroll_approve(request: HttpRequest, cycle_id: int) -> CycleOut:
    return CycleOut.of(services.payroll_approve(actor=api_user(request), cycle_id=cycle_id))


@router.post("/cycles/{cycle_id}/exports", response={202: JobOut})
def export_start(request: HttpRequest, cycle_id: int, body: ExportIn) -> Status[JobOut]:
    job = services.export_request(
        actor=api_user(request), cycle_id=cycle_id, provider=body.provider
    )
    return job_accepted(job)


@router.get("/cycles/{cycle_id}/files/{file_id}")
def file_download(request: HttpRequest, cycle_id: int, file_id: int) -> FileResponse:
    """A payment order or return file, as written or received (the download is audited)."""
    record, path = services.provider_file_open(
        actor=api_user(request), cycle_id=cycle_id, file_id=file_id
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.name)


@router.post("/cycles/{cycle_id}/returns", response={202: JobOut})
def return_upload(
    request: HttpRequest,
    cycle_id: int,
    file: File[UploadedFile],
) -> Status[JobOut]:
    """A provider's return file (CSV or pain.002 XML): reconciled by a job, whose result holds
    the report (or why the file was refused, with nothing changed)."""
    job = services.reconcile_request(
        actor=api_user(request), cycle_id=cycle_id, name=file.name or "return", data=file.read()
    )
    return job_accepted(job)


@router.post("/cycles/{cycle_id}/close", response=CycleOut)
def cycle_close(request: HttpRequest, cycle_id: int) -> CycleOut:
    return CycleOut.of(services.cycle_close(actor=api_user(request), cycle_id=cycle_id))


@router.get("/households/{rsu_id}/payments", response=list[PaymentOut])
def household_payments(request: HttpRequest, rsu_id: str) -> list[PaymentOut]:
    lines = selectors.household_payments_read(user=api_user(request), rsu_id=rsu_id)
    return [PaymentOut.of(line) for line in lines]


class MandateIn(Schema):
    method: str  # bank | wallet | cash
    rib: str = ""
    phone: str = ""
    reason: str


class MandateOut(Schema):
    person: str
    method: str
    rib_last4: str
    phone_last4: str
    active: bool
    invalid_reason: str


@router.post("/persons/{rnp_id}/mandate", response=MandateOut)
def mandate_set(request: HttpRequest, rnp_id: str, body: MandateIn) -> MandateOut:
    """Set how a beneficiary is paid (replaces the active mandate; the RIB's key is checked)."""
    user = api_user(request)
    person = selectors.person_for_mandate(user=user, rnp_id=rnp_id)
    mandate = services.mandate_set(
        actor=user,
        person=person,
        method=body.method,
        rib=body.rib,
        phone=body.phone,
        reason=body.reason,
    )
    return MandateOut(
        person=rnp_id,
        method=mandate.method,
        rib_last4=mandate.rib[-4:],
        phone_last4=mandate.phone[-4:],
        active=mandate.active,
        invalid_reason=mandate.invalid_reason,
    )


class OverpaymentIn(Schema):
    programme: str = "asd"
    amount: str  # MAD, e.g. "250.00"
    reason: str


@router.post("/households/{rsu_id}/overpayments", response={201: dict[str, str]})
def overpayment_record(
    request: HttpRequest, rsu_id: str, body: OverpaymentIn
) -> Status[dict[str, str]]:
    """Money paid that was not due: recovered from the next payments, a quarter at most a month."""
    user = api_user(request)
    household = selectors.household_for_payments(user=user, rsu_id=rsu_id)
    overpayment = services.overpayment_record(
        actor=user,
        household=household,
        programme=body.programme,
        amount=body.amount,
        reason=body.reason,
    )
    return Status(201, {"id": str(overpayment.pk), "amount": str(overpayment.amount)})
