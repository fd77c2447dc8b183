"""The demo: an embedded database with a synthetic population and one user per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from jisr import synth
from jisr.accounts import services as accounts
from jisr.accounts.models import User
from jisr.accounts.roles import Role, roles_sync
from jisr.geo import services as geo
from jisr.registry import services as registry

DEMO_PASSWORD = "jisr-demo-2026"  # noqa: S105  (printed on purpose: demo users exist only in the demo)
SYNTH_AS_OF = dt.date(2024, 9, 1)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    national: bool = False
    regions: tuple[str, ...] = ()
    first_name: str = ""


DEMO_USERS = (
    DemoUser("admin", Role.ADMINISTRATOR, national=True, first_name="Amina"),
    DemoUser("manager", Role.PROGRAMME_MANAGER, national=True, first_name="Karim"),
    DemoUser("payer", Role.PAYMENT_OFFICER, national=True, first_name="Samira"),
    DemoUser("payer2", Role.PAYMENT_OFFICER, national=True, first_name="Youssef"),
    DemoUser("worker.casa", Role.SOCIAL_WORKER, regions=("06",), first_name="Khadija"),
    DemoUser("worker.oriental", Role.SOCIAL_WORKER, regions=("02",), first_name="Hamza"),
    DemoUser("supervisor", Role.SUPERVISOR, regions=("06",), first_name="Nadia"),
    DemoUser("partner", Role.PARTNER_STAFF, first_name="Omar"),
    DemoUser("auditor", Role.AUDITOR, national=True, first_name="Latifa"),
)


def population_dir(data_dir: Path, households: int, seed: int) -> Path:
    return data_dir / "demo" / f"population-n{households}-s{seed}"


def demo_population(*, data_dir: Path, households: int, seed: int) -> tuple[int, int]:
    """Generate (once) and load the synthetic population and its synthetic communes."""
    directory = population_dir(data_dir, households, seed)
    if not (directory / "persons.parquet").exists():
        synth.write(directory, households=households, seed=seed, fmt="parquet", as_of=SYNTH_AS_OF)
    geo.regions_load()
    geo.communes_load(path=directory / "communes.csv")
    return registry.synthetic_population_load(directory=directory, start=SYNTH_AS_OF)


def demo_users() -> list[DemoUser]:
    """Create the demo users that do not exist yet (idempotent)."""
    roles_sync()
    created = []
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists():
            continue
        if not Group.objects.filter(name=spec.role.value).exists():
            continue
        accounts.user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            national=spec.national,
            regions=spec.regions,
            first_name=spec.first_name,
        )
        created.append(spec)
    return created


def demo_payments(*, today: dt.date) -> dict[str, str]:
    """Last month paid end to end (payroll by `payer`, approved by `payer2`, both providers'
    files, their simulated returns reconciled, closed) and this month's payroll waiting for
    `payer2`'s approval: the whole chain visible in the demo. Idempotent."""
    import polars as pl

    from jisr.payments import providers
    from jisr.payments import services as payments
    from jisr.payments.models import PaymentCycle
    from jisr.payments.orders import order_lines
    from jisr.payments.services.export import order_header
    from jisr.programmes import services as programmes
    from jisr.rules.periods import Month

    maker = User.objects.get(username="payer")
    checker = User.objects.get(username="payer2")
    this = Month.of(today)
    last = this.previous()
    done: dict[str, str] = {}
    for month in (last, this):
        if PaymentCycle.objects.filter(programme="asd", month=str(month)).exists():
            continue
        programmes.decisions_compute(month=month)
        cycle = payments.cycle_create(actor=maker, programme="asd", month=str(month))
        payments.payroll_compute(actor=maker, cycle_id=cycle.pk)
        done[str(month)] = "computed"
        if month == this:
            continue
        payments.payroll_approve(actor=checker, cycle_id=cycle.pk)
        cycle.refresh_from_db()
        for name in sorted(providers.PROVIDERS):
            lines = order_lines(cycle, name)
            if not lines.height:
                continue
            payments.payments_export(actor=maker, cycle_id=cycle.pk, provider=name)
            # One payment in twenty fails, one in twenty-five goes uncollected (cash).
            rank = pl.int_range(pl.len())
            status = (
                pl.when(rank % 20 == 7).then(pl.lit("failed"))
                .when((rank % 25 == 3) & (pl.col("method") == "cash")).then(pl.lit("unclaimed"))
                .otherwise(pl.lit("paid"))
            )  # fmt: skip
            outcomes = lines.select("reference", status.alias("status"))
            data = providers.provider(name).simulate_return(
                order_header(cycle, name), lines, outcomes
            )
            payments.returns_reconcile(
                actor=maker, cycle_id=cycle.pk, data=data, name=f"{name}-return", provider=name
            )
        payments.cycle_close(actor=maker, cycle_id=cycle.pk)
        done[str(month)] = "closed"
    return done


# --- Casework: the social workforce, the partners' directory, outreach and cases ------------------


@dataclass(frozen=True)
class DemoWorker:
    username: str
    region: str
    languages: tuple[str, ...]
    specialities: tuple[str, ...]
    supervised: bool = True  # by the demo `supervisor`


DEMO_WORKERS = (
    DemoWorker("supervisor", "06", ("ar", "ary", "fr"), ("family",), supervised=False),
    DemoWorker("worker.casa", "06", ("ar", "ary", "fr"), ("disability", "child_protection")),
    DemoWorker("worker.oriental", "02", ("ar", "ary", "rif"), ("elderly", "disability")),
)
TERRITORY_SIZE = 3  # communes per worker: the region's most populated in the demo registry


def _territory(region: str) -> tuple[str, ...]:
    """The communes of `region` where the most demo households live, those with households to
    visit (outreach) first."""
    from django.db.models import Count

    from jisr.casework.models import OutreachItem
    from jisr.registry.models import Household

    households = dict(
        Household.objects.filter(region_id=region, status="active")
        .values_list("commune_id")
        .annotate(n=Count("pk"))
        .values_list("commune_id", "n")
    )
    to_visit = set(
        OutreachItem.objects.filter(region_code=region, status="open").values_list(
            "commune_code", flat=True
        )
    )
    ranked = sorted(households, key=lambda code: (code not in to_visit, -households[code], code))
    return tuple(sorted(ranked[:TERRITORY_SIZE]))


def demo_workforce(*, today: dt.date) -> list[str]:
    """Social worker profiles for the demo workers and their supervisor: accreditation granted a
    year ago for three years, a territory where demo households live, working languages; the
    workers supervised by `supervisor`. Through the workforce services, as the administrator.
    Idempotent: returns the usernames given a profile now."""
    from jisr.workforce import services as workforce
    from jisr.workforce.diploma_list import diplomas_ensure
    from jisr.workforce.models import SocialWorker

    diplomas_ensure()

    admin = User.objects.get(username="admin")
    supervisor = User.objects.get(username="supervisor")
    created = []
    for number, spec in enumerate(DEMO_WORKERS, start=1):
        user = User.objects.filter(username=spec.username).first()
        if user is None or SocialWorker.objects.filter(user=user).exists():
            continue
        fields = workforce.ProfileFields(
            region=spec.region,
            employer_kind="entraide_nationale",
            communes=_territory(spec.region),
            diplomas=(workforce.DiplomaHeld("assistant-social", 2012, "INAS Tanger"),),
            languages=spec.languages,
            specialities=spec.specialities,
            supervisor=supervisor if spec.supervised else None,
            birth_date=dt.date(1985 + number, 3, 14),
        )
        worker = workforce.profile_create(actor=admin, user=user, fields=fields, reason="demo")
        workforce.accreditation_grant(
            actor=admin,
            worker=worker,
            number=f"AG-{spec.region}-DEMO-{number:03d}",
            valid_from=today - dt.timedelta(days=365),
            valid_until=today + dt.timedelta(days=3 * 365),
            authority="Ministère de la Solidarité, de l'Insertion sociale et de la Famille",
            reason="demo",
        )
        created.append(spec.username)
    return created


# Each worker's cases, at different steps: the first referred to a partner service (worker.casa's
# to the organisation the demo user `partner` works for), then one waiting for closure, one
# assessed, one just opened.
PARTNER_USERNAME = "partner"
STEPS = ("referred", "closing", "assessed", "intake")
OUTREACH_ASSIGNED = 6  # items of worker.casa's territory given to the team by `supervisor`
# Written as a worker would, in Arabic: why the case, the need rated high, the plan's goals.
REASONS: dict[str, tuple[str, str, str]] = {
    "disabled_child": (
        "طفل في وضعية إعاقة شديدة: تحتاج الأسرة إلى استقبال نهاري وترويض",
        "health_disability",
        "الالتحاق بمركز الاستقبال النهاري",
    ),
    "orphan_out_of_school": (
        "أطفال يتامى الأب منقطعون عن الدراسة",
        "child_protection",
        "العودة إلى المدرسة في الدخول المقبل",
    ),
    "elderly_alone": (
        "شخص مسن يعيش وحيدا دون سند عائلي",
        "elderly_autonomy",
        "زيارة منزلية كل أسبوعين",
    ),
    "unclaimed": (
        "إعانات الدعم الاجتماعي المباشر غير مسحوبة منذ عدة أشهر",
        "income_benefits",
        "استئناف سحب الإعانات",
    ),
    "": (
        "طلب مساعدة من الأسرة: صعوبات في السكن والدخل",
        "housing",
        "تحسين ظروف السكن",
    ),
}


@dataclass(frozen=True)
class _Opening:
    household: Any
    person: Any
    item: Any  # the outreach item the case comes from, if any
    kind: str


def _openings(user: User, region: str, communes: list[str], count: int) -> list[_Opening]:
    """Households for a worker's demo cases: those of the outreach items assigned to them (a
    disabled child first), then other households of their territory without a case (a child of
    theirs as the person concerned, if any)."""
    from jisr.casework.models import OutreachItem, OutreachStatus
    from jisr.registry.models import Household

    items = list(
        OutreachItem.objects.filter(assigned_to=user, status=OutreachStatus.ASSIGNED)
        .select_related("household", "person")
        .order_by("kind", "pk")
    )
    # up to half the cases from outreach, leaving one on the caseload to show
    items = items[: min(count // 2, max(len(items) - 1, 1))]
    openings = [_Opening(item.household, item.person, item, item.kind) for item in items]
    taken = [o.household.pk for o in openings]
    others = (
        Household.objects.filter(region_id=region, status="active", cases__isnull=True)
        .filter(commune_id__in=communes)
        .exclude(pk__in=taken)
        .order_by("rsu_id")[: count - len(openings)]
    )
    for household in others:
        member = (
            household.memberships.filter(end__isnull=True, relationship="child")
            .select_related("person")
            .first()
        )
        openings.append(_Opening(household, member.person if member else None, None, ""))
    return openings


def _ratings(high: str) -> dict[str, dict[str, str]]:
    from jisr.casework.models import DIMENSIONS

    return {
        name: {
            "level": "high" if name == high else "medium" if name == "income_benefits" else "low",
            "note": "",
        }
        for name in DIMENSIONS
    }


def _referral_service(worker: User, case: Any) -> Any:
    """worker.casa refers to a service of the demo partner's organisation; the others to a
    rehabilitation service near the case (else any service near it)."""
    from jisr.partners import selectors as partners

    if worker.get_username() == "worker.casa":
        staff = User.objects.filter(username=PARTNER_USERNAME).first()
        organization = partners.user_organization(user=staff) if staff else None
        if organization is not None:
            offered = organization.services.filter(status="active").select_related("organization")
            return offered.order_by("name").first()
    near = partners.services_search(user=worker, commune=case.commune_code, text="réadaptation")
    return near.first() or partners.services_search(user=worker, commune=case.commune_code).first()


def _demo_case(worker: User, supervisor: User, opening: _Opening, step: str) -> Any:
    """One case taken to `step` through the services, as the worker and her supervisor would."""
    from jisr.casework import services as casework

    summary, need, goal = REASONS[opening.kind]
    case = casework.case_open(
        actor=worker,
        household=opening.household,
        person=opening.person,
        source="registry" if opening.item else "self",
        summary=summary,
        outreach=opening.item,
    )
    if step == "intake":
        return case
    casework.assessment_record(actor=worker, case=case, ratings=_ratings(need))
    if step == "assessed":
        return case
    today = timezone.localdate()
    service = _referral_service(worker, case) if step == "referred" else None
    plan = casework.plan_submit(
        actor=worker,
        case=case,
        goals=[goal, "متابعة الأسرة وتقييم الوضع بعد ثلاثة أشهر"],
        actions=[
            {
                "description": "التوجيه إلى الخدمة الشريكة" if service else "زيارة منزلية",
                "service": str(service.pk) if service is not None else None,
            }
        ],
        review_date=today + dt.timedelta(days=90),
    )
    casework.plan_decide(actor=supervisor, plan=plan, approve=True)
    if step == "referred":
        if service is not None:
            _demo_refer(worker, case, service, summary, guardian=opening.person is not None)
        casework.visit_record(
            actor=worker,
            case=case,
            kind="home",
            visited_on=today,
            next_due=today + dt.timedelta(days=3),
            note="الأسرة متعاونة؛ الأم تطلب مساعدة في التنقل إلى المركز.",
        )
        return case
    casework.visit_record(
        actor=worker,
        case=case,
        kind="home",
        visited_on=today,
        note="تحسن الوضع: لم تعد الأسرة في حاجة إلى المتابعة.",
    )
    casework.closure_request(
        actor=worker, case=case, outcome="goals_met", note="تحققت أهداف خطة المساعدة."
    )
    return case


def _demo_refer(worker: User, case: Any, service: Any, reason: str, *, guardian: bool) -> None:
    """The family's consent for the service's organisation, then the referral (pending)."""
    from jisr.casework import services as casework

    casework.consent_record(
        actor=worker,
        case=case,
        given_by="ولي الأمر" if guardian else "رب الأسرة",
        purpose="التوجيه إلى " + service.display_name,
        scope="referral",
        fields=["first_name", "age", "needs", "contact"],
        given_on=timezone.localdate(),
        recipients=[service.organization],
    )
    casework.referral_send(actor=worker, case=case, service=service, reason=reason)


def _demo_outreach_assign(supervisor: User, worker: User) -> int:
    """Give the team a few items of `worker`'s territory (once)."""
    from jisr.casework import services as casework
    from jisr.casework.models import OutreachItem, OutreachStatus
    from jisr.workforce import selectors as workforce

    profile = workforce.my_profile(user=worker)
    if profile is None or OutreachItem.objects.filter(assigned_to=worker).exists():
        return 0
    communes = list(profile.communes.values_list("code", flat=True))
    items = list(
        OutreachItem.objects.filter(status=OutreachStatus.OPEN, commune_code__in=communes)
        .order_by("kind", "pk")
        .values_list("pk", flat=True)[:OUTREACH_ASSIGNED]
    )
    return len(casework.outreach_assign(actor=supervisor, items=items)) if items else 0


def demo_casework(*, today: dt.date) -> dict[str, Any]:
    """The partners' directory, outreach found in the registry, the workforce profiles
    (`demo_workforce`), outreach assigned to the team and a few cases per demo social worker at
    different steps. Idempotent: a worker who has opened a case already gets no new one."""
    from jisr.casework import services as casework
    from jisr.casework.models import Case, OutreachItem
    from jisr.partners.demo import directory_seed
    from jisr.workforce import selectors as workforce

    directory = directory_seed(today=today)
    # Once: building again would find anew the households whose item became a case.
    built = OutreachItem.objects.exists()
    found = {} if built else casework.outreach_build(actor=None, day=today)
    demo_workforce(today=today)
    supervisor = User.objects.get(username="supervisor")
    casa = User.objects.get(username="worker.casa")
    assigned = _demo_outreach_assign(supervisor, casa)
    opened: dict[str, int] = {}
    for spec in DEMO_WORKERS:
        worker = User.objects.filter(username=spec.username).first()
        profile = workforce.my_profile(user=worker) if worker else None
        if not spec.supervised or worker is None or profile is None:
            continue
        if Case.objects.filter(opened_by=worker).exists():
            continue
        communes = list(profile.communes.values_list("code", flat=True))
        openings = _openings(worker, spec.region, communes, len(STEPS))
        for opening, step in zip(openings, STEPS, strict=False):
            _demo_case(worker, supervisor, opening, step)
        opened[spec.username] = min(len(openings), len(STEPS))
    return {
        "directory": directory,
        "outreach_found": found.get("added", 0),
        "outreach_assigned": assigned,
        "cases": opened,
    }
