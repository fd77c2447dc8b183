"""What every casework service does: check access (and the accreditation where the law needs
it), lock the case, record the step on its timeline and in the audit trail."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jisr.accounts.models import User
from jisr.casework import access
from jisr.casework.access import Action
from jisr.casework.errors import WrongCaseStatus
from jisr.casework.models import Case, CaseEvent, CaseStatus
from jisr.core import audit
from jisr.core.errors import AccessDenied


def accredited(actor: User) -> None:
    """Opening, referring and closing need a granted, current accreditation (law 45.18)."""
    from jisr.workforce import selectors as workforce

    workforce.accreditation_require(user=actor)


def locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def acting(actor: User, action: Action, case: Case, *statuses: CaseStatus) -> Case:
    """The case, locked, once the actor may do `action` on it in one of `statuses`."""
    return acting_as(actor, (action,), case, *statuses)[0]


def acting_as(
    actor: User, actions: tuple[Action, ...], case: Case, *statuses: CaseStatus
) -> tuple[Case, access.Granted]:
    """`acting` for a step taken by whichever relationship the actor has (the owner's work, else
    a supervisor's call): the case, locked, and what the actor may do on it (`Granted.may`:
    the relationships found once). Refused as `acting` refuses the last of `actions`; the access
    is logged as the first of `actions` the actor may do."""
    current = locked(case)
    granted = access.require(actor, Action.VIEW, current)
    action = next((a for a in actions if granted.may(a)), None)
    if action is None:
        raise AccessDenied(permission=str(actions[-1]))
    if statuses and current.status not in statuses:
        raise WrongCaseStatus(status=current.status)
    access.log(actor, current, str(action), granted.relation)
    return current, granted


def event(actor: User, case: Case, step: str, /, **detail: Any) -> None:
    """The timeline entry and the audit row of one step (never the confidential text)."""
    CaseEvent.objects.create(case=case, kind=step, actor=actor, at=timezone.now(), detail=detail)
    audit.record(actor=actor, action=f"casework.{step}", target=case, after=detail)
