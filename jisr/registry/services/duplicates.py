"""Probable duplicates: store what a deduplication run found, and the reviewer's decisions.

A reviewer either marks a pair as two different persons, or asks for the merge — which is a change
request like any other sensitive change, so a second person approves it (maker–checker).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.roles import REVIEW_DUPLICATES
from jisr.core import access, audit
from jisr.registry.errors import InvalidDeclaration, RequestNotPending
from jisr.registry.models import ChangeRequest, DuplicateCandidate, DuplicateStatus, Person
from jisr.registry.services.change_requests import person_merge_request


@dataclass(frozen=True)
class FoundPair:
    left_rnp_id: str
    right_rnp_id: str
    match_probability: float
    match_weight: float
    explanation: dict[str, Any]


@transaction.atomic
def duplicates_store(*, pairs: Iterable[FoundPair], run: str) -> dict[str, int]:
    """Add newly found pairs to the review queue; pairs already known (decided or not) are kept."""
    wanted = list(pairs)
    ids = {rnp for pair in wanted for rnp in (pair.left_rnp_id, pair.right_rnp_id)}
    pk_of = dict(Person.objects.filter(rnp_id__in=ids).values_list("rnp_id", "pk"))
    rows = []
    for pair in wanted:
        left, right = pk_of.get(pair.left_rnp_id), pk_of.get(pair.right_rnp_id)
        if left is None or right is None or left == right:
            continue
        left, right = min(left, right), max(left, right)
        rows.append(
            DuplicateCandidate(
                left_id=left,
                right_id=right,
                match_probability=pair.match_probability,
                match_weight=pair.match_weight,
                explanation=pair.explanation,
                found_by_run=run,
            )
        )
    before = DuplicateCandidate.objects.count()
    DuplicateCandidate.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    added = DuplicateCandidate.objects.count() - before
    audit.record(
        actor=None,
        action="registry.duplicates_found",
        after={"run": run, "pairs": len(wanted), "added": added},
    )
    return {"pairs": len(wanted), "added": added}


def _pending(actor: Any, candidate: DuplicateCandidate) -> DuplicateCandidate:
    access.require(actor, REVIEW_DUPLICATES)
    locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != DuplicateStatus.PENDING:
        raise RequestNotPending()
    return locked


@transaction.atomic
def duplicate_mark_distinct(*, actor: Any, candidate: DuplicateCandidate, note: str) -> None:
    """Two different persons (e.g. namesakes born the same year): never proposed again."""
    locked = _pending(actor, candidate)
    locked.status, locked.reviewed_by, locked.reviewed_at = (
        DuplicateStatus.DISTINCT,
        actor,
        timezone.now(),
    )
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit.record(actor=actor, action="registry.duplicate_distinct", target=locked, reason=note)


@transaction.atomic
def duplicate_merge_request(
    *, actor: Any, candidate: DuplicateCandidate, keep: str, reason: str
) -> ChangeRequest:
    """Ask to merge the pair, keeping the `left` or `right` record; a second person approves."""
    if keep not in ("left", "right"):
        raise InvalidDeclaration(fields={"keep": _("Say which record to keep.")})
    locked = _pending(actor, candidate)
    kept, duplicate = (locked.left, locked.right) if keep == "left" else (locked.right, locked.left)
    request = person_merge_request(actor=actor, keep=kept, duplicate=duplicate, reason=reason)
    locked.status, locked.reviewed_by, locked.reviewed_at = (
        DuplicateStatus.MERGE_REQUESTED,
        actor,
        timezone.now(),
    )
    locked.change_request = request
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "change_request"])
    return request
