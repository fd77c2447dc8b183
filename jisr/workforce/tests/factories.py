"""Social worker profiles in a chosen accreditation state (set up directly, as the services would
leave them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from jisr.registry.tests.factories import commune_in
from jisr.workforce.diploma_list import diplomas_ensure
from jisr.workforce.models import (
    AccreditationState,
    HeldDiploma,
    SocialWorker,
    WorkerLanguage,
)

_numbers = iter(range(1, 1_000_000))


def profile_for(
    user: Any,
    *,
    region: str = "06",
    communes: Iterable[int] = (1,),
    status: str = AccreditationState.GRANTED,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    supervisor: Any = None,
    diplomas: Iterable[str] = ("assistant-social",),
    languages: Iterable[str] = ("ar", "ary"),
    birth_date: dt.date | None = dt.date(1990, 6, 15),
) -> SocialWorker:
    """A profile; granted by default from a year ago for three years (relative to today, as
    `worker_profiles` and the pages judge on today)."""
    diplomas_ensure()  # a transactional test's flush may have emptied the seeded list
    pending = status == AccreditationState.PENDING
    today = timezone.localdate()
    valid_from = valid_from or today - dt.timedelta(days=365)
    valid_until = valid_until or today + dt.timedelta(days=730)
    worker = SocialWorker.objects.create(
        user=user,
        region_id=region,
        employer_kind="entraide_nationale",
        birth_date=birth_date,
        supervisor=supervisor,
        accreditation_status=status,
        accreditation_number="" if pending else f"AG-{region}-{next(_numbers):05d}",
        accreditation_valid_from=None if pending else valid_from,
        accreditation_valid_until=None if pending else valid_until,
        accreditation_authority="" if pending else "Ministère de la Solidarité",
    )
    worker.communes.set([commune_in(region, number) for number in communes])
    HeldDiploma.objects.bulk_create(HeldDiploma(worker=worker, diploma_id=d) for d in diplomas)
    WorkerLanguage.objects.bulk_create(WorkerLanguage(worker=worker, language=c) for c in languages)
    return worker
