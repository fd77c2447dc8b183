"""Casework reads. Every read of a case is checked (`access`), written to its access log and
audited (a case holds personal data); lists log and audit one read per case shown, and the outreach
lists one per household and person named. Partner staff read referrals only, through their limited
view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import APPROVE_CASE, ASSIGN_CASE, AUDIT_CASE, CHANGE_CASE, VIEW_CASE
from jisr.casework import access, crypto
from jisr.casework.access import Action
from jisr.casework.models import (
    OPEN_STATUSES,
    WORKING_STATUSES,
    CarePlan,
    Case,
    CaseAccess,
    CaseStatus,
    Consent,
    OutreachItem,
    OutreachStatus,
    PlanStatus,
    Referral,
    Transfer,
    TransferStatus,
)
from jisr.core import access as core_access
from jisr.core import audit
from jisr.core.errors import AccessDenied, InvalidInput, NotFound
from jisr.registry.models import Household, Person

DUE_WITHIN = dt.timedelta(days=7)


def _log_many(user: User, cases: Sequence[Case], action: str, relation: str = "list") -> None:
    """The cases a list shows: each in its access log, and audited."""
    now = timezone.now()
    CaseAccess.objects.bulk_create(
        [CaseAccess(case=c, user=user, action=action, relation=relation, at=now) for c in cases]
    )
    audit.read_many(actor=user, action="casework.case_listed", targets=cases)


def _outreach_read(user: User, items: Sequence[OutreachItem]) -> None:
    """The households (and persons) an outreach list names, audited."""
    targets = [t for item in items for t in (item.household, item.person) if t is not None]
    audit.read_many(actor=user, action="casework.outreach_listed", targets=targets)


def case_list(*, user: User, status: str = "", limit: int = 100, offset: int = 0) -> list[Case]:
    """The cases the caller may see (own, incoming transfers, team, territory), newest first; the
    page shown is logged in each case's access log."""
    cases = access.visible_cases(user)
    if status:
        cases = cases.filter(status=status)
    page = list(
        cases.select_related("household", "owner").order_by("-opened_at", "-pk")[
            max(offset, 0) : max(offset, 0) + min(max(limit, 1), 500)
        ]
    )
    _log_many(user, page, "list")
    return page


@dataclass(frozen=True)
class Caseload:
    cases: list[Case]
    due_followups: list[Case]  # a visit's next follow-up due within a week (or past)
    overdue_reviews: list[Case]  # the approved plan's review date has passed
    incoming_transfers: list[Transfer]
    outreach: list[OutreachItem]


def caseload(*, user: User) -> Caseload:
    """A social worker's dashboard: their open cases, what is due, what waits for them."""
    if not core_access.has_action(user, CHANGE_CASE):
        raise AccessDenied(permission=CHANGE_CASE)
    today = timezone.localdate()
    mine = (
        Case.objects.filter(owner=user, status__in=OPEN_STATUSES)
        .annotate(
            next_due=Max("visits__next_due"),
            review=Min("plans__review_date", filter=Q(plans__status="approved")),
        )
        .select_related("household")
        .order_by("opened_at")
    )
    cases: list[Case] = list(mine)
    # annotations of the query above (next follow-up, the approved plan's review date)
    due = [c for c in cases if (d := getattr(c, "next_due", None)) and d <= today + DUE_WITHIN]
    overdue = [c for c in cases if (r := getattr(c, "review", None)) and r < today]
    incoming = list(
        Transfer.objects.filter(to_user=user, status=TransferStatus.PROPOSED).select_related("case")
    )
    outreach = list(
        OutreachItem.objects.filter(assigned_to=user, status=OutreachStatus.ASSIGNED)
        .select_related("household", "person")
        .order_by("found_at")
    )
    _log_many(user, cases, "caseload")
    _log_many(user, [t.case for t in incoming], "caseload", relation="receiver")
    _outreach_read(user, outreach)
    return Caseload(cases, due, overdue, incoming, outreach)


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    relation: str
    may_work: bool
    may_approve: bool
    may_override: bool
    may_assign: bool
    timeline: list[Any]
    notes: list[dict[str, Any]]
    assessments: list[Any]
    plans: list[Any]
    referrals: list[Referral]
    consents: list[Any]
    visits: list[Any]
    transfers: list[Any]


def case_detail(*, user: User, case_id: int, via: str = "web") -> CaseDetail:
    """The whole case for those who may see it (404 for anyone else); the read is logged, and so
    is the reading of its decrypted notes (not for the receiver of a proposed transfer)."""
    case = Case.objects.filter(pk=case_id).select_related("household", "person", "owner").first()
    if case is None:
        raise NotFound()
    granted = access.require(user, Action.VIEW, case)
    access.log(user, case, f"view_{via}", granted.relation)
    audit.read(actor=user, action="casework.case_viewed", target=case)
    notes = []
    if granted.may(Action.READ_NOTES):
        notes = [
            {"author": n.author, "written_at": n.written_at, "text": crypto.open_(n.ciphertext)}
            for n in case.notes.select_related("author").order_by("written_at", "pk")
        ]
        if notes:
            access.log(user, case, f"notes_{via}", granted.relation)
    return CaseDetail(
        case=case,
        relation=str(granted.relation),
        may_work=granted.may(Action.WORK),
        may_approve=granted.may(Action.APPROVE),
        may_override=granted.may(Action.OVERRIDE_CONSENT),
        may_assign=granted.may(Action.ASSIGN),
        timeline=list(case.events.select_related("actor")),
        notes=notes,
        assessments=list(case.assessments.order_by("-assessed_at")),
        plans=list(case.plans.order_by("-submitted_at")),
        referrals=list(case.referrals.select_related("service", "organization")),
        consents=list(case.consents.order_by("-given_on")),
        visits=list(case.visits.order_by("-visited_on")),
        transfers=list(case.transfers.select_related("to_user", "from_user")),
    )


@dataclass(frozen=True)
class CaseSteps:
    """What the reader of a case's page may do there at the case's step, by the rules the
    services enforce (the services refuse anything else; this only decides which forms show)."""

    pending_plan: CarePlan | None
    pending_transfer: Transfer | None
    working: bool  # the owner's work: assessments, plans, consents, visits, closure
    may_refer: bool  # with an approved plan; the owner, or a supervisor overriding consent
    decide_plan: bool  # a supervisor, never the plan's own submitter (SameApprover)
    decide_closure: bool  # a supervisor, never the case's owner (SameApprover)
    may_reopen: bool
    may_transfer: bool  # none already proposed


def case_steps(*, user: User, detail: CaseDetail) -> CaseSteps:
    case = detail.case
    pending_plan = next((p for p in detail.plans if p.status == PlanStatus.SUBMITTED), None)
    approved = any(p.status == PlanStatus.APPROVED for p in detail.plans)
    pending_transfer = next(
        (t for t in detail.transfers if t.status == TransferStatus.PROPOSED), None
    )
    working = detail.may_work and case.status in WORKING_STATUSES
    return CaseSteps(
        pending_plan=pending_plan,
        pending_transfer=pending_transfer,
        working=working,
        may_refer=(detail.may_work or detail.may_override)
        and case.status in (CaseStatus.PLANNING, CaseStatus.ACTIVE)
        and approved,
        decide_plan=detail.may_approve
        and pending_plan is not None
        and pending_plan.submitted_by_id != user.pk,
        decide_closure=detail.may_approve
        and case.status == CaseStatus.CLOSING
        and case.owner_id != user.pk,
        may_reopen=case.status == CaseStatus.CLOSED and (detail.may_work or detail.may_assign),
        may_transfer=(working or (detail.may_assign and case.status in WORKING_STATUSES))
        and pending_transfer is None,
    )


def case_access_log(*, user: User, case_id: int) -> QuerySet[CaseAccess]:
    """Who accessed the case: its supervisors (team, territory) and auditors."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    granted = access.require(user, Action.VIEW, case)  # NotFound for whoever may not see it
    if not (granted.may(Action.APPROVE) or core_access.has_action(user, AUDIT_CASE)):
        raise AccessDenied()
    return case.access_log.select_related("user").order_by("-at")


def referral_inbox(*, user: User, status: str = "") -> list[Referral]:
    """Partner staff: the referrals sent to their organisation (the limited view only)."""
    referrals = access.visible_referrals(user).select_related("service", "case")
    if status:
        referrals = referrals.filter(status=status)
    page = list(referrals.order_by("-sent_at")[:200])
    now = timezone.now()
    CaseAccess.objects.bulk_create(
        [
            CaseAccess(case=r.case, user=user, action="referral_list", relation="partner", at=now)
            for r in page
        ]
    )
    audit.read_many(actor=user, action="casework.referral_listed", targets=page)
    return page


def referral_view(*, user: User, referral_id: int) -> dict[str, Any]:
    """What a partner may know of a referral: the service, the status and the shared fields."""
    referral = access.referral_require(user, referral_id)
    access.log(user, referral.case, "referral_view", "partner")
    audit.read(actor=user, action="casework.referral_viewed", target=referral)
    return referral_limited(referral)


def referral_limited(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "service": str(referral.service_id),
        "status": referral.status,
        "sent_at": referral.sent_at,
        "reason": referral.reason,
        "shared": referral.shared,
        "rejection_reason": referral.rejection_reason,
        "outcome": referral.outcome,
    }


def team_view(*, user: User) -> list[dict[str, Any]]:
    """A supervisor's team: each worker's open cases, what awaits approval, incoming outreach."""
    from jisr.workforce import selectors as workforce

    if not core_access.has_action(user, ASSIGN_CASE):
        raise AccessDenied(permission=ASSIGN_CASE)
    members = list(workforce.team_members(supervisor=user))
    counts = open_case_counts([m.pk for m in members])
    waiting = dict(
        Case.objects.filter(owner__in=members)
        .filter(Q(status=CaseStatus.CLOSING) | Q(plans__status="submitted"))
        .values_list("owner")
        .annotate(n=Count("pk", distinct=True))
        .values_list("owner", "n")
    )
    return [
        {"worker": m, "open_cases": counts.get(m.pk, 0), "awaiting_approval": waiting.get(m.pk, 0)}
        for m in members
    ]


def open_case_counts(users: list[int] | None = None) -> dict[int, int]:
    """Open cases per owner (all owners, or `users`): caseload indicators and balancing."""
    cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if users is not None:
        cases = cases.filter(owner__in=users)
    return dict(cases.values_list("owner").annotate(n=Count("pk")).values_list("owner", "n"))


def outreach_list(*, user: User, status: str = "open", kind: str = "") -> QuerySet[OutreachItem]:
    """Supervisors: the items of their area; workers: the items assigned to them."""
    items = OutreachItem.objects.select_related(
        "household", "household__commune", "person", "assigned_to"
    )
    if core_access.has_action(user, ASSIGN_CASE):
        scope = core_access.user_scope(user)
        items = items.filter(scope.q(region_field="region_code", commune_field="commune_code"))
    elif core_access.has_action(user, CHANGE_CASE):
        items = items.filter(assigned_to=user)
    else:
        return OutreachItem.objects.none()
    if status:
        items = items.filter(status=status)
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("kind", "found_at", "pk")


def outreach_page(
    *, user: User, status: str, kind: str = "", limit: int = 300
) -> list[OutreachItem]:
    """`outreach_list` for a page: refused (403) to those who neither assign nor visit; the
    households and persons shown are audited."""
    if not (core_access.has_action(user, ASSIGN_CASE) or core_access.has_action(user, CHANGE_CASE)):
        raise AccessDenied(permission=ASSIGN_CASE)
    items = list(outreach_list(user=user, status=status, kind=kind)[:limit])
    _outreach_read(user, items)
    return items


# --- Reads the web pages need ---------------------------------------------------------------------


def case_get(*, user: User, case_id: int) -> Case:
    """The case if the user may see it, NotFound otherwise (unknown or hidden alike). Not logged:
    the service the page then calls logs the action, `case_detail` the read."""
    case = Case.objects.filter(pk=case_id).select_related("household", "owner").first()
    if case is None or not access.can(user, Action.VIEW, case):
        raise NotFound()
    return case


def case_plan(*, case: Case, plan_id: Any) -> CarePlan:
    plan = case.plans.filter(pk=_pk(plan_id)).first()
    if plan is None:
        raise NotFound()
    return plan


def case_consent(*, case: Case, consent_id: Any) -> Consent:
    consent = case.consents.filter(pk=_pk(consent_id)).first()
    if consent is None:
        raise NotFound()
    return consent


def case_referral(*, case: Case, referral_id: Any) -> Referral:
    referral = case.referrals.filter(pk=_pk(referral_id)).first()
    if referral is None:
        raise NotFound()
    return referral


def case_transfer(*, case: Case, transfer_id: Any) -> Transfer:
    transfer = case.transfers.filter(pk=_pk(transfer_id)).first()
    if transfer is None:
        raise NotFound()
    return transfer


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def case_list_visible(*, user: User, status: str = "") -> list[Case]:
    """`case_list` for a page: refused (403) to those who may see no case at all."""
    if not (core_access.has_action(user, VIEW_CASE) or core_access.has_action(user, AUDIT_CASE)):
        raise AccessDenied(permission=VIEW_CASE)
    return case_list(user=user, status=status, limit=200)


def household_cases(*, user: User, household: Household) -> list[Case]:
    """The household's cases the user may see (its page shows them; each is logged)."""
    cases = list(
        access.visible_cases(user)
        .filter(household=household)
        .select_related("owner")
        .order_by("-opened_at", "-pk")[:20]
    )
    _log_many(user, cases, "household_page")
    return cases


@dataclass(frozen=True)
class CaseOpening:
    household: Household
    members: list[Person]

    def member(self, rnp_id: str) -> Person | None:
        """The person concerned: one of the current members, or None for the whole household."""
        if not rnp_id:
            return None
        person = next((p for p in self.members if p.rnp_id == rnp_id), None)
        if person is None:
            raise InvalidInput(_("This person is not a member of the household."), field="person")
        return person


def case_opening(*, user: User, rsu_id: str) -> CaseOpening:
    """What opening a case for a household needs: the household (in the user's scope, else
    NotFound) and its current members, whose names the page shows (audited)."""
    from jisr.registry import selectors as registry
    from jisr.registry.services.declarations import memberships_on

    if not core_access.has_action(user, CHANGE_CASE):
        raise AccessDenied(permission=CHANGE_CASE)
    household = registry.household_in_scope(user=user, rsu_id=rsu_id)
    members = [
        m.person
        for m in household.memberships.filter(memberships_on(timezone.localdate()))
        .select_related("person")
        .order_by("start", "pk")
    ]
    audit.read(actor=user, action="casework.case_opening_viewed", target=household)
    return CaseOpening(household, members)


def outreach_item_get(*, user: User, item_id: Any) -> OutreachItem:
    """An outreach item the user reaches (their area, or assigned to them); NotFound otherwise."""
    item = outreach_list(user=user, status="").filter(pk=_pk(item_id)).first()
    if item is None:
        raise NotFound()
    return item


def awaiting_decision(*, user: User) -> list[Case]:
    """A supervisor's cases waiting for them: a care plan to approve, a closure to decide."""
    if not core_access.has_action(user, APPROVE_CASE):
        raise AccessDenied(permission=APPROVE_CASE)
    cases = list(
        access.approvable_cases(user)
        .filter(Q(status=CaseStatus.CLOSING) | Q(plans__status=PlanStatus.SUBMITTED))
        .exclude(owner=user)
        .select_related("household", "owner")
        .distinct()
        .order_by("opened_at", "pk")[:200]
    )
    _log_many(user, cases, "team")
    return cases


def transfer_candidates(*, case: Case) -> list[User]:
    """The social workers a case may be handed to: accredited today, practising in its region."""
    from jisr.workforce import selectors as workforce

    profiles = workforce.worker_profiles().filter(
        region_id=case.region_code, user__in=User.objects.with_perm(CHANGE_CASE)
    )  # the role's permission in the query, not one permissions lookup per worker
    return [p.user for p in profiles.exclude(user_id=case.owner_id).order_by("user__username")]


def partner_services(*, user: User, case: Case) -> list[Any]:
    """The directory's active services serving the case's commune (for plans and referrals)."""
    from jisr.partners import selectors as partners

    try:
        found = partners.services_search(user=user, commune=case.commune_code)
    except (AccessDenied, InvalidInput):
        return []
    return list(found[:200])


def services_named(*, plans: Sequence[CarePlan]) -> dict[str, Any]:
    """The partner services the plans' actions name, by id (to show them by name)."""
    from jisr.partners import selectors as partners

    ids = {a["service"] for plan in plans for a in plan.actions if a.get("service")}
    return {str(s.pk): s for s in partners.services_by_id(ids)}
