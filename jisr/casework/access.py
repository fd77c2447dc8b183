"""Who may see and do what with a case: the user's role (its permissions) and their relationship to
the case. Deny by default; every cell of the matrix is tested (tests/test_access_matrix.py).

Relationships, from the closest:
- owner: the social worker who carries the case;
- receiver: the worker a transfer is proposed to (may read it to decide, and accept);
- team: the case's owner is in the supervisor's team (workforce: the worker's supervisor);
- territory: the case lives in the supervisor's or auditor's scope (regions, communes);
- partner: a referral of the case was sent to the user's organisation (the referral only, never
  the case: a limited view of the fields its consent allows).

| role            | owner             | receiver      | team / territory            | partner      |
|-----------------|-------------------|---------------|-----------------------------|--------------|
| social worker   | view, notes, work | view, accept  | —                           | —            |
| supervisor      | view, notes, work | view, accept  | view, notes, approve,       | —            |
|                 |                   |               | assign, override consent    |              |
| auditor         | —                 | —             | view, notes (territory;     | —            |
|                 |                   |               | logged)                     |              |
| partner staff   | —                 | —             | —                           | referral     |
| others          | —                 | —             | —                           | —            |

"notes" = read the confidential notes decrypted: not the receiver of a proposed transfer, who
reads the case to decide but its notes only once the case is theirs.
"work" = assess, plan, consent, notes, visits, propose a transfer, request closure, refer (the
last three, and opening a case, need a current accreditation: `workforce`). Programme managers,
payment officers and administrators see no case content.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from jisr.accounts.models import User
from jisr.accounts.roles import (
    APPROVE_CASE,
    ASSIGN_CASE,
    AUDIT_CASE,
    CHANGE_CASE,
    HANDLE_REFERRAL,
    OVERRIDE_CONSENT,
    VIEW_CASE,
)
from jisr.casework.models import Case, CaseAccess, Referral, TransferStatus
from jisr.core import access
from jisr.core.errors import AccessDenied, NotFound


class Action(StrEnum):
    VIEW = "view"
    READ_NOTES = "read_notes"
    WORK = "work"  # assess, plan, consent, notes, visits, refer, transfer, request closure
    ACCEPT_TRANSFER = "accept_transfer"
    APPROVE = "approve"  # care plans and closures
    ASSIGN = "assign"
    OVERRIDE_CONSENT = "override_consent"


class Relation(StrEnum):
    OWNER = "owner"
    RECEIVER = "receiver"
    TEAM = "team"
    TERRITORY = "territory"
    NONE = "none"


# (permission the role must hold, relations that open the action)
RULES: dict[Action, tuple[str, frozenset[Relation]]] = {
    Action.VIEW: (VIEW_CASE, frozenset(Relation) - {Relation.NONE}),
    Action.READ_NOTES: (VIEW_CASE, frozenset({Relation.OWNER, Relation.TEAM, Relation.TERRITORY})),
    Action.WORK: (CHANGE_CASE, frozenset({Relation.OWNER})),
    Action.ACCEPT_TRANSFER: (CHANGE_CASE, frozenset({Relation.RECEIVER})),
    Action.APPROVE: (APPROVE_CASE, frozenset({Relation.TEAM, Relation.TERRITORY})),
    Action.ASSIGN: (ASSIGN_CASE, frozenset({Relation.TEAM, Relation.TERRITORY})),
    Action.OVERRIDE_CONSENT: (OVERRIDE_CONSENT, frozenset({Relation.TEAM, Relation.TERRITORY})),
}


def _team(user: User) -> list[int]:
    from jisr.workforce import selectors as workforce

    return list(workforce.team_members(supervisor=user).values_list("pk", flat=True))


def relations(user: User, case: Case) -> set[Relation]:
    """Every relationship the user has with the case (empty for anonymous or inactive users)."""
    if not getattr(user, "is_active", False):
        return set()
    found: set[Relation] = set()
    if case.owner_id == user.pk:
        found.add(Relation.OWNER)
    if case.transfers.filter(to_user=user, status=TransferStatus.PROPOSED).exists():
        found.add(Relation.RECEIVER)
    if access.has_action(user, APPROVE_CASE) and case.owner_id in _team(user):
        found.add(Relation.TEAM)
    territorial = access.has_action(user, APPROVE_CASE) or access.has_action(user, AUDIT_CASE)
    scope = access.user_scope(user)
    if territorial and scope.covers(region=case.region_code, commune=case.commune_code):
        found.add(Relation.TERRITORY)
    return found


def _allowed(user: User, action: Action, found: set[Relation]) -> bool:
    """The matrix itself, on relationships already found (no query)."""
    permission, opening = RULES[action]
    if action in (Action.VIEW, Action.READ_NOTES) and access.has_action(user, AUDIT_CASE):
        return Relation.TERRITORY in found  # auditors read every case in their scope
    return access.has_action(user, permission) and bool(found & opening)


def can(user: User, action: Action, case: Case) -> bool:
    return _allowed(user, action, relations(user, case))


@dataclass(frozen=True)
class Granted:
    """The case a user may see, why (their closest relationship), and what else they may do."""

    case: Case
    relation: Relation
    user: User
    relations: frozenset[Relation]

    def may(self, action: Action) -> bool:
        return _allowed(self.user, action, set(self.relations))


def require(user: User, action: Action, case: Case) -> Granted:
    """Raise NotFound when the user may not even see the case (no hint that it exists),
    AccessDenied when they see it but may not do this."""
    found = relations(user, case)  # once: each relationship costs a query
    if not _allowed(user, Action.VIEW, found):
        raise NotFound()
    if not _allowed(user, action, found):
        raise AccessDenied(permission=str(action))
    best = next((r for r in Relation if r in found), Relation.NONE)
    return Granted(case, best, user, frozenset(found))


def log(user: User, case: Case, action: str, relation: Relation | str) -> None:
    CaseAccess.objects.create(
        case=case, user=user, action=action, relation=str(relation), at=timezone.now()
    )


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases the user may see, as one query (the caseload, the team, the territory)."""
    if not getattr(user, "is_active", False):
        return Case.objects.none()
    auditing = access.has_action(user, AUDIT_CASE)
    if not access.has_action(user, VIEW_CASE) and not auditing:
        return Case.objects.none()
    condition = Q(pk__in=[])
    if access.has_action(user, VIEW_CASE):
        condition |= Q(owner=user) | Q(
            transfers__to_user=user, transfers__status=TransferStatus.PROPOSED
        )
    if access.has_action(user, APPROVE_CASE):
        condition |= Q(owner__in=_team(user))
    if access.has_action(user, APPROVE_CASE) or auditing:
        condition |= _territory(user)
    return Case.objects.filter(condition).distinct()


def approvable_cases(user: User) -> QuerySet[Case]:
    """The cases `require(user, Action.APPROVE, case)` lets through (their team's, their
    territory's), as one query rather than the relationships of each case."""
    if not getattr(user, "is_active", False) or not access.has_action(user, APPROVE_CASE):
        return Case.objects.none()
    if not (access.has_action(user, VIEW_CASE) or access.has_action(user, AUDIT_CASE)):
        return Case.objects.none()
    return Case.objects.filter(Q(owner__in=_team(user)) | _territory(user))


def _territory(user: User) -> Q:
    """The cases in the user's scope (regions, communes); nothing for an empty scope."""
    scope = access.user_scope(user)
    if scope.empty:
        return Q(pk__in=[])
    return scope.q(region_field="region_code", commune_field="commune_code")


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Partner staff: the referrals sent to their organisation (nothing else of any case)."""
    if not access.has_action(user, HANDLE_REFERRAL):
        return Referral.objects.none()
    from jisr.partners import selectors as partners

    organization = partners.user_organization(user=user)
    if organization is None:
        return Referral.objects.none()
    return Referral.objects.filter(organization=organization)


def referral_require(user: User, referral_id: int) -> Referral:
    referral = visible_referrals(user).filter(pk=referral_id).select_related("case").first()
    if referral is None:
        raise NotFound()
    return referral
