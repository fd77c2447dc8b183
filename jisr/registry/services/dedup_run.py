"""The deduplication run: snapshot the registry's persons, find probable duplicates, queue them.

Runs as a background job (`registry.dedup`) or from the CLI. The trained model is kept in
`$JISR_DATA_DIR/dedup/model.json` and reused, so that scores stay comparable between runs; delete
the file (or pass `retrain`) to train again on the current registry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.core import jobs
from jisr.core.snapshot import query_frame
from jisr.registry.dedup.pipeline import (
    DEFAULT_THRESHOLD,
    U_PAIRS,
    find_candidates,
    load_model,
    person_features,
    save_model,
    train_model,
)
from jisr.registry.services.duplicates import FoundPair, duplicates_store

PERSONS_SQL = """
SELECT p.rnp_id, p.first_name_ar, p.last_name_ar, p.first_name_lat, p.last_name_lat, p.sex,
       p.birth_date, p.cnie, h.commune_id, h.region_id
FROM registry_person p
JOIN registry_membership m
  ON m.person_id = p.id AND m.start <= %s AND (m."end" IS NULL OR m."end" > %s)
JOIN registry_household h ON h.id = m.household_id
WHERE p.merged_into_id IS NULL AND p.death_date IS NULL
"""
PERSONS_SCHEMA = {
    "person_id": pl.String,
    "first_name_ar": pl.String,
    "last_name_ar": pl.String,
    "first_name_lat": pl.String,
    "last_name_lat": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "cnie": pl.String,
    "commune_code": pl.String,
    "region_code": pl.String,
}


def persons_snapshot(day: dt.date) -> pl.DataFrame:
    """Every living, unmerged person who is a member of a household on `day`, with its place."""
    return query_frame(PERSONS_SQL, [day, day], PERSONS_SCHEMA)


def _explanation(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key.removeprefix("gamma_"): value for key, value in row.items() if key.startswith("gamma_")
    }


def duplicates_find(
    *,
    threshold: float = DEFAULT_THRESHOLD,
    retrain: bool = False,
    progress: jobs.Progress | None = None,
) -> dict[str, Any]:
    today = timezone.localdate()
    run = f"dedup-{timezone.now():%Y%m%dT%H%M%S}"
    if progress:
        progress.stage(_("reading the registry"))
    persons = persons_snapshot(today)
    if persons.height < 2:
        return {"persons": persons.height, "pairs": 0, "added": 0, "run": run}
    model_path = settings.DATA_DIR / "dedup" / "model.json"
    model = None if retrain or not model_path.exists() else load_model(model_path)
    if model is None:
        if progress:
            progress.stage(_("training the model"), total=persons.height)
        # u-probabilities from random pairs: never more pairs than the population has.
        u_pairs = min(U_PAIRS, persons.height * (persons.height - 1) / 2)
        model = train_model(person_features(persons, as_of=today), u_pairs=u_pairs)
        model_path.parent.mkdir(parents=True, exist_ok=True)
        save_model(model, model_path)
    if progress:
        progress.stage(_("scoring pairs"), total=persons.height)
    pairs = find_candidates(persons, threshold=threshold, as_of=today, model=model)
    if progress:
        progress.stage(_("queueing pairs for review"), total=pairs.height)
    found = [
        FoundPair(
            left_rnp_id=row["person_id_l"],
            right_rnp_id=row["person_id_r"],
            match_probability=float(row["match_probability"]),
            match_weight=float(row["match_weight"]),
            explanation=_explanation(row),
        )
        for row in pairs.iter_rows(named=True)
    ]
    stored = duplicates_store(pairs=found, run=run)
    return {"persons": persons.height, **stored, "run": run}
