"""Partners API (`/api/v1/partners/`): the service directory as Open Referral HSDS 3.0 JSON (pages
shaped like HSDS's API), its import, partnership agreements and tranches, partner output reports.

Directory reads need `partners.view_organization`; the rest is scoped as in the services and
selectors (managers in the organisation's region; partner staff for their own organisation).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from jisr.accounts.api import api_user
from jisr.core.errors import InvalidInput, NotFound
from jisr.partners import selectors, services
from jisr.partners._api_schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementOut,
    IndicatorIn,
    NoteIn,
    PayIn,
    ReasonIn,
    ReportDueIn,
    ReportDueOut,
    ReportIn,
    ReportOut,
    SignIn,
    TrancheIn,
    TrancheOut,
)
from jisr.partners.hsds import export
from jisr.partners.models import Agreement, Tranche

router = Router(tags=["partners"])
HSDS_VERSION = "3.0"
MAX_PER_PAGE = 200
HSDS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "description": "HSDS 3.0 organisations with their services (a list, or one "
                    "organisation): https://docs.openreferral.org/en/latest/hsds/",
                    "oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}],
                }
            }
        },
    }
}


def _page(items: QuerySet[Any], page: int, per_page: int) -> tuple[list[Any], dict[str, Any]]:
    """One page of `items` and HSDS's page fields (`Page` in HSDS's OpenAPI)."""
    size = min(max(per_page, 1), MAX_PER_PAGE)
    total = items.count()
    pages = max(math.ceil(total / size), 1)
    number = min(max(page, 1), pages)
    chosen = list(items[(number - 1) * size : number * size])
    return chosen, {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(chosen),
        "first_page": number == 1,
        "last_page": number == pages,
        "empty": total == 0,
    }


# --- Directory (HSDS) ----------------------------------------------------------------------------
@router.get("/")
def hsds_meta(request: HttpRequest) -> dict[str, Any]:
    """What HSDS's API answers at its root: the HSDS version this directory follows."""
    return {
        "version": HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri("/api/v1/openapi.json"),
    }


@router.get("/organizations")
def organization_list(
    request: HttpRequest,
    search: str = "",
    region: str = "",
    kind: str = "",
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    """Organisations (HSDS organization objects with their locations, without services)."""
    organizations = selectors.organization_list(
        user=api_user(request), text=search, region=region, kind=kind
    )
    chosen, meta = _page(export.organizations_prefetched(organizations), page, per_page)
    return {**meta, "contents": [export.organization_json(o, services=False) for o in chosen]}


@router.get("/organizations/{organization_id}")
def organization_get(request: HttpRequest, organization_id: uuid.UUID) -> dict[str, Any]:
    """One organisation with its full services (HSDS)."""
    return selectors.organization_hsds(user=api_user(request), organization_id=organization_id)


@router.get("/services")
def service_search(
    request: HttpRequest,
    commune: str = "",
    search: str = "",
    age: int | None = None,
    sex: str | None = None,
    disability: bool | None = None,
    rsu: bool | None = None,
    asd: bool | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    """Active services serving `commune`, matching `search` and the person described by the
    eligibility parameters; those with places left first (fully nested HSDS services)."""
    eligibility = {
        key: value
        for key, value in {
            "age": age,
            "sex": sex,
            "disability": disability,
            "rsu": rsu,
            "asd": asd,
        }.items()
        if value is not None
    }
    found = selectors.services_search(
        user=api_user(request), commune=commune, text=search, eligibility=eligibility
    )
    chosen, meta = _page(export.services_prefetched(found), page, per_page)
    return {**meta, "contents": [export.service_json(s, organization=True) for s in chosen]}


@router.get("/services/{service_id}")
def service_get(request: HttpRequest, service_id: uuid.UUID) -> dict[str, Any]:
    """One fully nested service with its organisation (HSDS)."""
    return selectors.service_hsds(user=api_user(request), service_id=service_id)


@router.get("/hsds")
def directory_export(request: HttpRequest) -> list[dict[str, Any]]:
    """The whole directory: every organisation with its full services (what `jisr partners
    export-hsds` writes)."""
    return selectors.directory_hsds(user=api_user(request))


@router.post("/hsds", openapi_extra=HSDS_BODY)
def directory_import(request: HttpRequest) -> dict[str, Any]:
    """Import HSDS organisations with their services: all or nothing, idempotent by HSDS id;
    422 `hsds_refused` with every problem (object, id, field) otherwise."""
    try:
        documents = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_("The body is not JSON."), field="body") from None
    summary = services.directory_import(actor=api_user(request), documents=documents, source="body")
    return summary.as_dict()


# --- Agreements ----------------------------------------------------------------------------------
def _detail(request: HttpRequest, agreement_id: int) -> AgreementDetailOut:
    detail = selectors.agreement_detail(user=api_user(request), agreement_id=agreement_id)
    base = AgreementOut.of(detail["agreement"]).model_dump()
    return AgreementDetailOut(
        **base,
        tranches=[TrancheOut.of(p) for p in detail["tranches"]],
        reports_due=[ReportDueOut.of(r) for r in detail["reports"]],
        overdue_reports=detail["overdue"],
    )


@router.get("/agreements", response=list[AgreementOut])
def agreement_list(request: HttpRequest, status: str = "") -> list[AgreementOut]:
    agreements = selectors.agreement_list(user=api_user(request), status=status)
    return [AgreementOut.of(a) for a in agreements]


@router.post("/agreements", response={201: AgreementOut})
def agreement_create(request: HttpRequest, body: AgreementIn) -> Status[AgreementOut]:
    user = api_user(request)
    organization = selectors.organization_get(user=user, organization_id=body.organization)
    agreement = services.agreement_create(
        actor=user,
        organization=organization,
        reference=body.reference,
        funder=body.funder,
        purpose=body.purpose,
        start=body.start,
        end=body.end,
        budget=body.budget,
        contribution=body.contribution,
    )
    return Status(201, AgreementOut.of(agreement))


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut)
def agreement_get(request: HttpRequest, agreement_id: int) -> AgreementDetailOut:
    """An agreement with its tranches (conditions, indicators, overdue reports) and reports due."""
    return _detail(request, agreement_id)


@router.post("/agreements/{agreement_id}/tranches", response={201: AgreementDetailOut})
def tranche_add(
    request: HttpRequest, agreement_id: int, body: TrancheIn
) -> Status[AgreementDetailOut]:
    user = api_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    services.tranche_add(
        actor=user,
        agreement=agreement,
        amount=body.amount,
        due_date=body.due_date,
        conditions=body.conditions,
    )
    return Status(201, _detail(request, agreement_id))


def _tranche_by_number(agreement: Agreement, number: int | None) -> Tranche | None:
    if number is None:
        return None
    tranche = agreement.tranches.filter(number=number).first()
    if tranche is None:
        raise InvalidInput(_("No tranche %s in this agreement.") % number, field="tranche")
    return tranche


@router.post("/agreements/{agreement_id}/reports-due", response={201: AgreementDetailOut})
def report_due_add(
    request: HttpRequest, agreement_id: int, body: ReportDueIn
) -> Status[AgreementDetailOut]:
    user = api_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    services.report_due_add(
        actor=user,
        agreement=agreement,
        period_start=body.period_start,
        period_end=body.period_end,
        due_date=body.due_date,
        tranche=_tranche_by_number(agreement, body.tranche),
    )
    return Status(201, _detail(request, agreement_id))


@router.post("/tranches/{tranche_id}/indicators", response={201: AgreementDetailOut})
def indicator_add(
    request: HttpRequest, tranche_id: int, body: IndicatorIn
) -> Status[AgreementDetailOut]:
    user = api_user(request)
    tranche = selectors.tranche_get(user=user, tranche_id=tranche_id)
    service = selectors.service_get(service_id=body.service) if body.service else None
    services.indicator_add(
        actor=user,
        tranche=tranche,
        measure=body.measure,
        target=body.target,
        service=service,
        label=body.label,
    )
    return Status(201, _detail(request, tranche.agreement_id))


@router.post("/agreements/{agreement_id}/activate", response=AgreementDetailOut)
def agreement_activate(request: HttpRequest, agreement_id: int, body: SignIn) -> Any:
    user = api_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    services.agreement_activate(actor=user, agreement=agreement, signed_on=body.signed_on)
    return _detail(request, agreement_id)


@router.delete("/agreements/{agreement_id}/{kind}/{item_id}", response=AgreementDetailOut)
def draft_item_remove(request: HttpRequest, agreement_id: int, kind: str, item_id: int) -> Any:
    """kind: tranche, report or indicator (of a draft agreement)."""
    user = api_user(request)
    if kind not in services.DRAFT_ITEMS:
        raise NotFound()
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    services.draft_item_remove(actor=user, agreement=agreement, kind=kind, item_id=item_id)
    return _detail(request, agreement_id)


@router.post("/agreements/{agreement_id}/close", response=AgreementDetailOut)
def agreement_close(request: HttpRequest, agreement_id: int, body: NoteIn) -> Any:
    user = api_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    services.agreement_close(actor=user, agreement=agreement, note=body.note)
    return _detail(request, agreement_id)


@router.post("/tranches/{tranche_id}/conditions-met", response=AgreementDetailOut)
def tranche_conditions_meet(request: HttpRequest, tranche_id: int, body: NoteIn) -> Any:
    user = api_user(request)
    tranche = selectors.tranche_get(user=user, tranche_id=tranche_id)
    services.tranche_conditions_meet(actor=user, tranche=tranche, note=body.note)
    return _detail(request, tranche.agreement_id)


@router.post("/tranches/{tranche_id}/pay", response=AgreementDetailOut)
def tranche_pay(request: HttpRequest, tranche_id: int, body: PayIn) -> Any:
    user = api_user(request)
    tranche = selectors.tranche_get(user=user, tranche_id=tranche_id)
    services.tranche_pay(
        actor=user,
        tranche=tranche,
        paid_on=body.paid_on,
        payment_reference=body.payment_reference,
    )
    return _detail(request, tranche.agreement_id)


@router.post("/tranches/{tranche_id}/withhold", response=AgreementDetailOut)
def tranche_withhold(request: HttpRequest, tranche_id: int, body: ReasonIn) -> Any:
    user = api_user(request)
    tranche = selectors.tranche_get(user=user, tranche_id=tranche_id)
    services.tranche_withhold(actor=user, tranche=tranche, reason=body.reason)
    return _detail(request, tranche.agreement_id)


# --- Reports -------------------------------------------------------------------------------------
@router.get("/reports/due", response=list[ReportDueOut])
def reports_due(request: HttpRequest, on: dt.date | None = None) -> list[ReportDueOut]:
    """Reports due under agreements in force (partner staff: their organisation's), with their
    status and whether they are overdue on `on` (default today)."""
    day = on or timezone.localdate()
    dues = selectors.reports_due(user=api_user(request))
    return [ReportDueOut.of(selectors.report_state(due=due, on=day)) for due in dues]


@router.get("/reports/overdue", response=list[ReportDueOut])
def reports_overdue(request: HttpRequest, on: dt.date | None = None) -> list[ReportDueOut]:
    day = on or timezone.localdate()
    dues = selectors.overdue_reports(on=day, user=api_user(request)).select_related("report")
    return [ReportDueOut.of(selectors.report_state(due=due, on=day)) for due in dues]


@router.put("/reports/due/{due_id}", response=ReportOut)
def report_save(request: HttpRequest, due_id: int, body: ReportIn) -> ReportOut:
    """Write (or rewrite) the draft report for a report due (partner staff of the agreement's
    organisation only)."""
    user = api_user(request)
    due = selectors.report_due_get(user=user, due_id=due_id)
    report = services.output_report_save(
        actor=user,
        due=due,
        people_served=body.people_served,
        delivered=body.delivered,
        note=body.note,
    )
    return ReportOut.of(report)


@router.get("/reports/{report_id}", response=ReportOut)
def report_get(request: HttpRequest, report_id: int) -> ReportOut:
    return ReportOut.of(selectors.output_report_get(user=api_user(request), report_id=report_id))


@router.post("/reports/{report_id}/submit", response=ReportOut)
def report_submit(request: HttpRequest, report_id: int) -> ReportOut:
    user = api_user(request)
    report = selectors.output_report_get(user=user, report_id=report_id)
    return ReportOut.of(services.output_report_submit(actor=user, report=report))


@router.post("/reports/{report_id}/return", response=ReportOut)
def report_return(request: HttpRequest, report_id: int, body: ReasonIn) -> ReportOut:
    user = api_user(request)
    report = selectors.output_report_get(user=user, report_id=report_id)
    return ReportOut.of(
        services.output_report_return(actor=user, report=report, reason=body.reason)
    )
