"""A case's life: opened (intake) → assessed → care plan submitted and approved by a supervisor →
follow-up visits → closure requested and approved by a supervisor → closed → reopened. Transfers
move ownership only when the receiver accepts. Notes are encrypted at rest."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import CHANGE_CASE, VIEW_HOUSEHOLD
from jisr.casework import crypto
from jisr.casework.access import Action
from jisr.casework.errors import BadAssessment, SameApprover, TransferNotAccepted, WrongCaseStatus
from jisr.casework.models import (
    DIMENSIONS,
    WORKING_STATUSES,
    Assessment,
    CarePlan,
    Case,
    CaseNote,
    CaseSource,
    CaseStatus,
    Level,
    OutreachItem,
    OutreachStatus,
    PlanStatus,
    Transfer,
    TransferStatus,
    Visit,
    VisitKind,
)
from jisr.casework.services._common import accredited, acting, acting_as, event
from jisr.core import access
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.programmes import selectors as programme_selectors
from jisr.registry.choices import HouseholdStatus
from jisr.registry.models import Household, Person

CLOSURE_OUTCOMES = ("goals_met", "referred_on", "moved", "declined", "deceased", "other")


def _text(value: str, field: str, limit: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > limit:
        raise InvalidInput(_("At most %d characters.") % limit, field=field)
    return value


@transaction.atomic(durable=True)
def case_open(
    *,
    actor: User,
    household: Household,
    source: str,
    summary: str,
    person: Person | None = None,
    outreach: OutreachItem | None = None,
) -> Case:
    """Open a case for a household of the worker's area (intake), owned by the worker."""
    if not access.has_action(actor, CHANGE_CASE):
        raise AccessDenied(permission=CHANGE_CASE)
    access.require(actor, VIEW_HOUSEHOLD, household)
    accredited(actor)
    if household.status != HouseholdStatus.ACTIVE:
        raise InvalidInput(
            _(
                "This household is dissolved: open the case for the household the person "
                "lives in now."
            ),
            field="household",
        )
    if source not in CaseSource.values:
        raise InvalidInput(_("Unknown source: %s") % source, field="source")
    if person is not None and not household.memberships.filter(person=person).exists():
        raise InvalidInput(_("This person is not a member of the household."), field="person")
    now = timezone.now()
    case = Case.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",  # numbered from its id just below
        household=household,
        person=person,
        region_code=household.region_id,
        commune_code=household.commune_id,
        status=CaseStatus.INTAKE,
        source=source,
        summary=_text(summary, "summary"),
        owner=actor,
        opened_by=actor,
        opened_at=now,
    )
    case.reference = f"CAS-{now.year}-{case.pk:07d}"
    case.save(update_fields=["reference"])
    if outreach is not None:
        updated = OutreachItem.objects.filter(
            pk=outreach.pk,
            household=household,
            status__in=[OutreachStatus.OPEN, OutreachStatus.ASSIGNED],
        ).update(status=OutreachStatus.CASE_OPENED, case=case, assigned_to=actor)
        if not updated:
            raise InvalidInput(_("This outreach item is no longer open."), field="outreach")
    event(actor, case, "case_opened", source=source, outreach=getattr(outreach, "pk", None))
    return case


@transaction.atomic(durable=True)
def assessment_record(*, actor: User, case: Case, ratings: dict[str, dict[str, str]]) -> Assessment:
    """`ratings`: for each dimension of DIMENSIONS, {"level": Level, "note": str}."""
    case = acting(actor, Action.WORK, case, *WORKING_STATUSES)
    unknown = set(ratings) - set(DIMENSIONS)
    missing = set(DIMENSIONS) - set(ratings)
    if unknown or missing:
        raise BadAssessment(
            _("Rate every dimension (missing: %(missing)s; unknown: %(unknown)s).")
            % {
                "missing": ", ".join(sorted(missing)) or "—",
                "unknown": ", ".join(sorted(unknown)) or "—",
            },
            field="ratings",
        )
    clean: dict[str, dict[str, str]] = {}
    for name, rating in ratings.items():
        level = str(rating.get("level", ""))
        if level not in Level.values:
            raise BadAssessment(_("Not a level: %s") % level, field=f"ratings.{name}.level")
        clean[name] = {"level": level, "note": str(rating.get("note", ""))[:500]}
    assessment = Assessment.objects.create(
        case=case,
        ratings=clean,
        benefits=programme_selectors.household_benefits(household=case.household),
        assessed_by=actor,
        assessed_at=timezone.now(),
    )
    if case.status in (CaseStatus.INTAKE, CaseStatus.ASSESSMENT):
        case.status = CaseStatus.PLANNING
        case.save(update_fields=["status"])
    high = sorted(n for n, r in clean.items() if r["level"] in ("high", "critical"))
    event(actor, case, "assessed", high_needs=high)
    return assessment


def _actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from jisr.partners.models import Service

    clean = []
    for index, raw in enumerate(actions):
        description = _text(str(raw.get("description", "")), f"actions[{index}].description")
        service = raw.get("service")
        if service and not Service.objects.filter(pk=service).exists():
            raise InvalidInput(_("No such service."), field=f"actions[{index}].service")
        due = raw.get("due")
        if due:
            try:
                dt.date.fromisoformat(str(due))
            except ValueError:
                raise InvalidInput(_("A date YYYY-MM-DD."), field=f"actions[{index}].due") from None
        clean.append(
            {
                "description": description,
                "service": str(service) if service else None,
                "due": str(due) if due else None,
            }
        )
    return clean


@transaction.atomic(durable=True)
def plan_submit(
    *,
    actor: User,
    case: Case,
    goals: list[str],
    actions: list[dict[str, Any]],
    review_date: dt.date,
) -> CarePlan:
    """A care plan for the supervisor's approval (replaces a plan still awaiting one)."""
    case = acting(actor, Action.WORK, case, CaseStatus.PLANNING, CaseStatus.ACTIVE)
    if not case.assessments.exists():
        raise WrongCaseStatus(_("Assess the case before planning."), status=case.status)
    goals = [_text(g, f"goals[{i}]") for i, g in enumerate(goals)]
    if not goals:
        raise InvalidInput(_("Give at least one goal."), field="goals")
    if review_date <= timezone.localdate():
        raise InvalidInput(_("The review date must be in the future."), field="review_date")
    case.plans.filter(status=PlanStatus.SUBMITTED).update(status=PlanStatus.SUPERSEDED)
    plan = CarePlan.objects.create(
        case=case,
        goals=goals,
        actions=_actions(actions),
        review_date=review_date,
        status=PlanStatus.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    event(actor, case, "plan_submitted", plan=plan.pk, review_date=str(review_date))
    return plan


@transaction.atomic(durable=True)
def plan_decide(*, actor: User, plan: CarePlan, approve: bool, note: str = "") -> CarePlan:
    """A supervisor (not the plan's author) approves the plan — the case's plan from now on — or
    sends it back with a note."""
    case = acting(actor, Action.APPROVE, plan.case)
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.SUBMITTED:
        raise WrongCaseStatus(_("This plan is not awaiting approval."), status=plan.status)
    if plan.submitted_by_id == actor.pk:
        raise SameApprover()
    if not approve and not note.strip():
        raise InvalidInput(_("Say why the plan is sent back."), field="note")
    if approve:
        case.plans.filter(status=PlanStatus.APPROVED).update(status=PlanStatus.SUPERSEDED)
        case.status = CaseStatus.ACTIVE
        case.save(update_fields=["status"])
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.REJECTED
    plan.decided_by, plan.decided_at, plan.decision_note = actor, timezone.now(), note.strip()
    plan.save()
    event(actor, case, "plan_approved" if approve else "plan_sent_back", plan=plan.pk)
    return plan


@transaction.atomic(durable=True)
def visit_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    visited_on: dt.date,
    note: str = "",
    next_due: dt.date | None = None,
) -> Visit:
    case = acting(actor, Action.WORK, case, *WORKING_STATUSES)
    if kind not in VisitKind.values:
        raise InvalidInput(_("Unknown kind of visit: %s") % kind, field="kind")
    if visited_on > timezone.localdate():
        raise InvalidInput(_("A visit cannot be in the future."), field="visited_on")
    if next_due is not None and next_due < visited_on:
        raise InvalidInput(_("The next follow-up comes after this one."), field="next_due")
    visit = Visit.objects.create(
        case=case,
        kind=kind,
        visited_on=visited_on,
        next_due=next_due,
        visited_by=actor,
        recorded_at=timezone.now(),
    )
    if note.strip():
        CaseNote.objects.create(
            case=case,
            ciphertext=crypto.seal(note.strip()),
            visit=visit,
            author=actor,
            written_at=timezone.now(),
        )
    event(
        actor,
        case,
        "visited",
        kind=kind,
        on=str(visited_on),
        next_due=str(next_due) if next_due else None,
    )
    return visit


@transaction.atomic(durable=True)
def note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    """A confidential note, encrypted at rest; the timeline says a note was written, not what."""
    case = acting(actor, Action.WORK, case)
    note = CaseNote.objects.create(
        case=case,
        ciphertext=crypto.seal(_text(text, "text", 10_000)),
        author=actor,
        written_at=timezone.now(),
    )
    event(actor, case, "note_written", note=note.pk)
    return note


@transaction.atomic(durable=True)
def transfer_propose(*, actor: User, case: Case, to_user: User, reason: str) -> Transfer:
    """The owner (or their supervisor) proposes the case to another worker, who must accept."""
    case, _granted = acting_as(actor, (Action.WORK, Action.ASSIGN), case, *WORKING_STATUSES)
    if to_user is None or not access.has_action(to_user, CHANGE_CASE) or to_user == case.owner:
        raise InvalidInput(_("Transfer to another social worker."), field="to_user")
    if case.transfers.filter(status=TransferStatus.PROPOSED).exists():
        raise WrongCaseStatus(_("A transfer of this case is already waiting."), status=case.status)
    transfer = Transfer.objects.create(
        case=case,
        from_user=case.owner,
        to_user=to_user,
        status=TransferStatus.PROPOSED,
        reason=_text(reason, "reason"),
        proposed_at=timezone.now(),
    )
    event(actor, case, "transfer_proposed", to=to_user.pk)
    return transfer


@transaction.atomic(durable=True)
def transfer_answer(*, actor: User, transfer: Transfer, accept: bool) -> Transfer:
    """The receiver accepts (the case becomes theirs) or declines (it stays where it was)."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.PROPOSED:
        raise TransferNotAccepted(_("This transfer is no longer waiting for an answer."))
    case = acting(actor, Action.ACCEPT_TRANSFER, transfer.case)
    if transfer.to_user_id != actor.pk:
        raise NotFound()
    if accept:
        accredited(actor)
        case.owner = actor
        case.version += 1
        case.save(update_fields=["owner", "version"])
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.answered_at = timezone.now()
    transfer.save(update_fields=["status", "answered_at"])
    event(actor, case, "transfer_accepted" if accept else "transfer_declined", transfer=transfer.pk)
    return transfer


@transaction.atomic(durable=True)
def closure_request(*, actor: User, case: Case, outcome: str, note: str) -> Case:
    case = acting(actor, Action.WORK, case, *WORKING_STATUSES)
    accredited(actor)
    if outcome not in CLOSURE_OUTCOMES:
        raise InvalidInput(_("Unknown outcome: %s") % outcome, field="outcome")
    case.status, case.closure_outcome = CaseStatus.CLOSING, outcome
    case.closure_note = _text(note, "note", 2000)
    case.closure_requested_at = timezone.now()
    case.save()
    event(actor, case, "closure_requested", outcome=outcome)
    return case


@transaction.atomic(durable=True)
def closure_decide(*, actor: User, case: Case, approve: bool, note: str = "") -> Case:
    """A supervisor (not the owner) closes the case, or sends it back to work."""
    case = acting(actor, Action.APPROVE, case, CaseStatus.CLOSING)
    if case.owner_id == actor.pk:
        raise SameApprover()
    if approve:
        case.status, case.closed_at, case.closed_by = CaseStatus.CLOSED, timezone.now(), actor
        case.referrals.filter(status="pending").update(status="revoked")
    else:
        if not note.strip():
            raise InvalidInput(_("Say why the case stays open."), field="note")
        case.status = (
            CaseStatus.ACTIVE
            if case.plans.filter(status="approved").exists()
            else (CaseStatus.PLANNING)
        )
    case.save()
    event(actor, case, "closed" if approve else "closure_refused", note=note.strip()[:300])
    return case


@transaction.atomic(durable=True)
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """A closed case reopened by its owner (accredited) or their supervisor: assessed again."""
    case, granted = acting_as(actor, (Action.WORK, Action.ASSIGN), case, CaseStatus.CLOSED)
    if granted.may(Action.WORK):
        accredited(actor)
    case.status, case.reopened = CaseStatus.ASSESSMENT, case.reopened + 1
    case.closed_at = case.closed_by = None
    case.save()
    event(actor, case, "reopened", reason=_text(reason, "reason"))
    return case
