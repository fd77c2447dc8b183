"""Registry-driven outreach: households a social worker should visit, found by set-based queries on
the registry, then assigned in bulk to the team with caseload balancing (territory first, then the
lightest load, then a shared language)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import User
from jisr.accounts.roles import ASSIGN_CASE
from jisr.casework.models import OPEN_STATUSES, Case, OutreachItem, OutreachKind, OutreachStatus
from jisr.core import access, audit, jobs
from jisr.core.errors import AccessDenied, InvalidInput
from jisr.core.models import Job
from jisr.programmes import selectors as programme_selectors
from jisr.registry.models import Membership

# School is compulsory from 6 to 15 (law 04.00); a fatherless child of that age out of school is
# a reason to visit.
SCHOOL_AGES = (6, 15)
ELDERLY_AGE = 75
LARGEST_ID = 2**63 - 1  # a BigAutoField's largest value
# Building the lists reads the whole registry of an area (a region holds up to 2 M persons): a
# background job (`tasks`), as every batch is, not the supervisor's request.
OUTREACH_BUILD = "casework.outreach_build"


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _members(day: dt.date) -> QuerySet[Membership]:
    return Membership.objects.filter(
        Q(end__isnull=True) | Q(end__gt=day),
        start__lte=day,
        household__status="active",
        person__death_date__isnull=True,
    )


def _found(day: dt.date) -> dict[str, QuerySet[Membership]]:
    members = _members(day)
    alone = (
        _members(day)
        .filter(household=OuterRef("household"))
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        OutreachKind.DISABLED_CHILD: members.filter(
            person__disability=True,
            person__disability_severity="severe",
            person__birth_date__gt=_years_ago(day, 18),
        ),
        OutreachKind.ORPHAN_OUT_OF_SCHOOL: members.filter(
            person__father_deceased=True,
            person__in_school=False,
            person__birth_date__lte=_years_ago(day, SCHOOL_AGES[0]),
            person__birth_date__gt=_years_ago(day, SCHOOL_AGES[1] + 1),
        ),
        OutreachKind.ELDERLY_ALONE: members.filter(
            person__birth_date__lte=_years_ago(day, ELDERLY_AGE)
        )
        .annotate(members=Subquery(alone))
        .filter(members=1),
    }


def outreach_request(*, actor: User) -> Job:
    """Queue `outreach_build` for the actor's area (checked now, run by a worker)."""
    if not access.has_action(actor, ASSIGN_CASE):
        raise AccessDenied(permission=ASSIGN_CASE)
    return jobs.enqueue(kind=OUTREACH_BUILD, params={}, actor=actor)


@transaction.atomic(durable=True)
def outreach_build(*, actor: User | None, day: dt.date | None = None) -> dict[str, int]:
    """Add today's outreach items in the actor's area (every area for the system, `None`); an
    item already open for the same household and reason is not added twice."""
    if actor is not None and not access.has_action(actor, ASSIGN_CASE):
        raise AccessDenied(permission=ASSIGN_CASE)
    day = day or timezone.localdate()
    scope = access.user_scope(actor) if actor is not None else None
    now = timezone.now()
    added: dict[str, int] = {}
    rows: list[tuple[str, int, int | None, str, str]] = []
    for kind, members in _found(day).items():
        if scope is not None:
            members = members.filter(
                scope.q(region_field="household__region_id", commune_field="household__commune_id")
            )
        rows += [
            (str(kind), h, p, r, c)
            for h, p, r, c in members.values_list(
                "household_id", "person_id", "household__region_id", "household__commune_id"
            )
        ]
    unclaimed = programme_selectors.unclaimed_households(scope=scope)
    rows += [(str(OutreachKind.UNCLAIMED), h, None, r, c) for h, r, c in unclaimed]
    # A household with an open case is already followed: no new item until the case is closed.
    followed = set(
        Case.objects.filter(
            status__in=OPEN_STATUSES, household_id__in={row[1] for row in rows}
        ).values_list("household_id", flat=True)
    )
    rows = [row for row in rows if row[1] not in followed]
    before = OutreachItem.objects.count()
    OutreachItem.objects.bulk_create(
        [
            OutreachItem(
                kind=k,
                household_id=h,
                person_id=p,
                region_code=r,
                commune_code=c,
                status=OutreachStatus.OPEN,
                found_at=now,
            )
            for k, h, p, r, c in rows
        ],
        ignore_conflicts=True,
    )
    total = OutreachItem.objects.count() - before
    added = dict(Counter(kind for kind, *_rest in rows))
    audit.record(
        actor=actor,
        action="casework.outreach_built",
        after={"found": added, "added": total, "day": str(day)},
    )
    return {"added": total, **added}


def _loads(workers: Sequence[int]) -> Counter[int]:
    """Open cases plus outreach waiting, per worker."""
    load: Counter[int] = Counter(dict.fromkeys(workers, 0))
    for owner, n in (
        Case.objects.filter(owner__in=workers, status__in=OPEN_STATUSES)
        .values_list("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    ):
        load[owner] += n
    for user, n in (
        OutreachItem.objects.filter(assigned_to__in=workers, status=OutreachStatus.ASSIGNED)
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
        .values_list("assigned_to", "n")
    ):
        load[user] += n
    return load


@transaction.atomic(durable=True)
def outreach_assign(*, actor: User, items: Sequence[int], language: str = "") -> dict[int, int]:
    """Assign open items of the supervisor's area to their team: each to a worker whose territory
    holds the household's commune if any (else any team member), the lightest load first, a
    worker speaking `language` preferred. Returns {item id: worker id}."""
    from jisr.workforce import selectors as workforce

    if not access.has_action(actor, ASSIGN_CASE):
        raise AccessDenied(permission=ASSIGN_CASE)
    scope = access.user_scope(actor)
    # An id no row can have matches nothing (SQLite would raise on it): refused below, like any
    # other item not open in the area.
    possible = [i for i in items if 0 < i <= LARGEST_ID]
    chosen = list(
        OutreachItem.objects.select_for_update()
        .filter(pk__in=possible, status=OutreachStatus.OPEN)
        .filter(scope.q(region_field="region_code", commune_field="commune_code"))
        .order_by("pk")
    )
    if len(chosen) != len(set(items)):
        raise InvalidInput(
            _("Some items are not open or not in your area; nothing was assigned."), field="items"
        )
    team = list(workforce.team_members(supervisor=actor).values_list("pk", flat=True))
    profiles = list(workforce.worker_profiles(communes=None, languages=None).filter(user__in=team))
    if not profiles:
        raise InvalidInput(_("Your team has no accredited social worker to assign."), field="items")
    territory = {p.user_id: {c.code for c in p.communes.all()} for p in profiles}
    speaks = {p.user_id: {w.language for w in p.languages.all()} for p in profiles}
    load = _loads(list(territory))
    assigned: dict[int, int] = {}
    for item in chosen:
        local = [w for w, communes in territory.items() if item.commune_code in communes]
        pool = local or list(territory)
        worker = min(pool, key=lambda w: (load[w], language not in speaks[w] if language else 0, w))
        item.status, item.assigned_to_id = OutreachStatus.ASSIGNED, worker
        load[worker] += 1
        assigned[item.pk] = worker
    OutreachItem.objects.bulk_update(chosen, ["status", "assigned_to"])
    audit.record(
        actor=actor,
        action="casework.outreach_assigned",
        after={"items": len(assigned), "workers": dict(Counter(assigned.values()))},
    )
    return assigned


@transaction.atomic(durable=True)
def outreach_dismiss(*, actor: User, item: OutreachItem, reason: str) -> OutreachItem:
    """No case needed (visited, already followed elsewhere…), with the reason."""
    item = OutreachItem.objects.select_for_update().get(pk=item.pk)
    allowed = item.assigned_to_id == getattr(actor, "pk", None) or (
        access.has_action(actor, ASSIGN_CASE)
        and access.user_scope(actor).covers(region=item.region_code, commune=item.commune_code)
    )
    if not allowed:
        raise AccessDenied(permission=ASSIGN_CASE)
    if item.status not in (OutreachStatus.OPEN, OutreachStatus.ASSIGNED):
        raise InvalidInput(_("This item is already closed."), field="item")
    if not reason.strip():
        raise InvalidInput(_("Say why no case is needed."), field="reason")
    item.status = OutreachStatus.DISMISSED
    item.save(update_fields=["status"])
    audit.record(
        actor=actor, action="casework.outreach_dismissed", target=item, reason=reason.strip()
    )
    return item
