"""Probable duplicate persons: a Fellegi–Sunter model (Splink, DuckDB backend) on name keys.

    candidates = find_candidates(persons, as_of=today)    # trains on `persons`, no labels needed

    features = person_features(persons, as_of=today)      # or train once...
    save_model(train_model(features), "var/dedup/model.json")
    candidates = predict_pairs(features, load_model("var/dedup/model.json"))  # ...and reuse it

Fetch → compute → persist: the caller loads a columnar snapshot of persons (with the commune
and region of their household), this module returns candidate pairs, the caller stores them for
review. Nothing here touches the database or decides a merge. The choices (features, blocking,
training, threshold, households) are explained in docs/dedup.md; the comments say why in short.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from jisr.core.names import arabic_key_expr, latin_key_expr

# "More likely one person than two": the model is calibrated (docs/dedup.md), and on the 1 M
# benchmark this is where F1 peaks. Every candidate goes to a reviewer, so a missed duplicate
# (paid twice) costs more than a rejected candidate (a minute of review).
DEFAULT_THRESHOLD = 0.5
# Share of true duplicates assumed to agree exactly on both Arabic names and the birth date, with
# no conflicting CNIE: it turns the count of such pairs into the prior that two random persons
# are the same. An assumption (no labelled RSU sample exists); the threshold was tuned with it.
DETERMINISTIC_RECALL = 0.7
# The CNIE is compulsory from 18 (law 04.20 on the national electronic identity card, art. 3).
CNIE_AGE = 18
U_PAIRS = 1e7  # random pairs for the u-probabilities (Splink advises 1e7 or more)

PERSON_COLUMNS = (
    "person_id",
    "first_name_ar",
    "last_name_ar",
    "first_name_lat",
    "last_name_lat",
    "sex",
    "birth_date",
    "cnie",
    "commune_code",
    "region_code",
)


@dataclass(frozen=True)
class DedupModel:
    """A trained Splink model: its settings JSON with the m and u probabilities of each level."""

    settings: dict[str, Any]


def person_features(persons: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The columns the model compares: name keys without spaces, birth date parts, codes, and
    whether the person is an adult on `as_of` (old enough to hold a CNIE).

    Keys are computed once per distinct spelling (a few thousand) and mapped back, which is
    much faster than running the normalisers on every row.
    """
    missing = [column for column in PERSON_COLUMNS if column not in persons.columns]
    if missing:
        raise ValueError(f"persons lacks columns {missing}")
    keys = {
        "fn_ar": _keys(persons["first_name_ar"], arabic_key_expr),
        "ln_ar": _keys(persons["last_name_ar"], arabic_key_expr),
        "fn_lat": _keys(persons["first_name_lat"], latin_key_expr),
        "ln_lat": _keys(persons["last_name_lat"], latin_key_expr),
    }
    born = pl.col("birth_date")
    birthday_ahead = born.dt.month() * 100 + born.dt.day() > as_of.month * 100 + as_of.day
    age = as_of.year - born.dt.year() - birthday_ahead.cast(pl.Int32)
    return persons.select(
        pl.col("person_id").alias("unique_id"),
        *[series.alias(name) for name, series in keys.items()],
        pl.col("sex"),
        born,
        born.dt.year().cast(pl.Int16).alias("birth_year"),
        born.dt.month().cast(pl.Int8).alias("birth_month"),
        born.dt.day().cast(pl.Int8).alias("birth_day"),
        pl.col("cnie"),
        (age >= CNIE_AGE).alias("adult"),
        pl.col("commune_code"),
        pl.col("commune_code").str.slice(0, 5).alias("province_code"),
        pl.col("region_code"),
    )


def _keys(names: pl.Series, key_expr: Any) -> pl.Series:
    """Key of each name (spaces removed: Fatima Zahra = Fatimazahra; empty key = null)."""
    distinct = pl.DataFrame({"name": names.unique().drop_nulls()}).with_columns(
        key=key_expr("name").str.replace_all(" ", "", literal=True)
    )
    keyed = names.replace_strict(
        distinct["name"], distinct["key"], default=None, return_dtype=pl.String
    )
    return keyed.replace("", None)


def _level(
    sql: str,
    label: str,
    m: float | None = None,
    *,
    tf: str | None = None,
    null: bool = False,
    fix_m: bool = False,
) -> dict[str, Any]:
    """A comparison level; `m` is the prior m-probability, EM's starting point and the value kept
    when a level is too rare in the training pairs to be estimated (a small population)."""
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if m is not None:
        level["m_probability"] = m
        level["fix_m_probability"] = fix_m
    if tf:
        # Term frequencies: agreeing on Mohammed says less than agreeing on Zniber. The level's
        # own u is the baseline; Splink would otherwise look for a plain `x_l = x_r` level of
        # the column, and "Arabic exact, Latin differs" is one whose u is far smaller.
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
        level["disable_tf_exact_match_detection"] = True
    if null:
        level["is_null_level"] = True
    return level


def _name_comparison(name: str, arabic: str, latin: str) -> dict[str, Any]:
    """One comparison for both scripts of a name: they are two spellings of one fact, and two
    separate comparisons would count an agreement twice (Fellegi–Sunter assumes independence)."""
    a, b = f"{arabic}_l", f"{arabic}_r"
    x, y = f"{latin}_l", f"{latin}_r"
    return {
        "output_column_name": name,
        "comparison_levels": [
            _level(
                f"({a} IS NULL AND {x} IS NULL) OR ({b} IS NULL AND {y} IS NULL)", "null", null=True
            ),
            _level(f"{a} = {b} AND {x} = {y}", "both scripts exact", 0.85, tf=arabic),
            # No term frequencies below: a name's frequency is the chance that two persons share
            # it, not that they share it in one script only.
            _level(f"{a} = {b}", "Arabic exact, Latin differs", 0.08),
            _level(f"{x} = {y}", "Latin exact, Arabic differs", 0.03),
            _level(
                f"damerau_levenshtein({a}, {b}) <= 1 OR jaro_winkler_similarity({x}, {y}) >= 0.9",
                "one Arabic edit or Latin Jaro-Winkler >= 0.9",
                0.03,
            ),
            _level("ELSE", "different", 0.01),
        ],
    }


def _birth_date_comparison() -> dict[str, Any]:
    y, m, d = "birth_year", "birth_month", "birth_day"
    return {
        "output_column_name": "birth_date",
        "comparison_levels": [
            _level("birth_date_l IS NULL OR birth_date_r IS NULL", "null", null=True),
            _level("birth_date_l = birth_date_r", "exact", 0.8),
            _level(
                f"{y}_l = {y}_r AND {m}_l = {d}_r AND {d}_l = {m}_r", "day and month swapped", 0.05
            ),
            _level(f"abs({y}_l - {y}_r) = 1 AND {m}_l = {m}_r AND {d}_l = {d}_r", "year ± 1", 0.05),
            _level(
                "damerau_levenshtein(CAST(birth_date_l AS VARCHAR), CAST(birth_date_r AS VARCHAR))"
                " <= 1",
                "one digit differs",
                0.03,
            ),
            _level("ELSE", "different", 0.07),
        ],
    }


def _cnie_comparison() -> dict[str, Any]:
    # Two records with the same card cannot exist (unique in the registry), so the first level
    # catches mistyped numbers. An empty card says something only where a card is due: two
    # adults of whom one has no card on record are likely one person declared twice (adults
    # without a card are rare), whereas a child has none anyway. Both empty says nothing beyond
    # the birth date (they are children), hence the null level.
    return {
        "output_column_name": "cnie",
        "comparison_levels": [
            _level("cnie_l IS NULL AND cnie_r IS NULL", "both empty", null=True),
            _level(
                "damerau_levenshtein(cnie_l, cnie_r) <= 1", "same or one character differs", 0.1
            ),
            _level(
                "(cnie_l IS NULL OR cnie_r IS NULL) AND adult_l AND adult_r",
                "one empty, both adults",
                0.6,
            ),
            # Pairs of a child and a card holder are nearly never one person, but EM would drive
            # this m to 0 and veto such a pair whatever else agrees (a birth year mistyped
            # across the 18th birthday): a fixed small m keeps it a strong, finite penalty.
            _level("cnie_l IS NULL OR cnie_r IS NULL", "one empty, a minor", 0.01, fix_m=True),
            _level("ELSE", "two different cards", 0.05),
        ],
    }


def _place_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "place",
        "comparison_levels": [
            _level("commune_code_l IS NULL OR commune_code_r IS NULL", "null", null=True),
            _level("commune_code_l = commune_code_r", "same commune", 0.5),
            _level("province_code_l = province_code_r", "same province", 0.1),
            _level("region_code_l = region_code_r", "same region", 0.1),
            _level("ELSE", "different region", 0.3),
        ],
    }


# Each rule is a join; the union of their pairs is scored. Together they let any one of
# (Arabic names, Latin names, birth date) be wrong and still bring the pair together, and each
# stays small at national size because it pins a name key and (part of) the birth date.
BLOCKING_RULES = (
    block_on("fn_ar", "ln_ar", "birth_year"),  # names right, day/month swapped or mistyped
    block_on("fn_ar", "ln_ar", "birth_month", "birth_day"),  # names right, year wrong
    block_on("fn_lat", "ln_lat", "birth_year"),  # an Arabic name mistyped
    block_on("ln_ar", "birth_date", "sex"),  # first name mistyped in both scripts
    block_on("fn_ar", "birth_date", "sex"),  # family name changed in both scripts
)

# EM needs pairs where matches are common; each session leaves out the comparisons it blocks
# on, and together they estimate every m-probability.
TRAINING_BLOCKS = (
    ("fn_ar", "ln_ar", "commune_code"),  # -> birth date, CNIE
    ("birth_date", "ln_ar"),  # -> first name, CNIE, place
    ("birth_date", "fn_ar"),  # -> family name, CNIE, place
)
# Below this many pairs an EM session is skipped and the prior m-probabilities stand: a small
# office's registry has too few namesakes for EM to tell duplicates from coincidences.
MIN_TRAINING_PAIRS = 100
# Above this many pairs an EM session samples them (Splink's deterministic hash sample): the
# estimates do not improve, the time does (national blocks reach tens of millions of pairs).
EM_MAX_PAIRS = 5e6

_PRIOR_RULE = (
    "l.fn_ar = r.fn_ar AND l.ln_ar = r.ln_ar AND l.birth_date = r.birth_date "
    "AND (l.cnie IS NULL OR r.cnie IS NULL)"
)


def model_settings() -> SettingsCreator:
    """The untrained model: comparisons and blocking rules."""
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            _name_comparison("first_name", "fn_ar", "fn_lat"),
            _name_comparison("last_name", "ln_ar", "ln_lat"),
            _birth_date_comparison(),
            _cnie_comparison(),
            _place_comparison(),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_intermediate_calculation_columns=True,
        max_iterations=25,
    )


def _connection(features: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.register("features_arrow", features.to_arrow())
    connection.execute("CREATE TABLE persons AS SELECT * FROM features_arrow")
    connection.unregister("features_arrow")
    return connection


def _prior(connection: duckdb.DuckDBPyConnection) -> float:
    """The probability that two random persons are the same, from the pairs that agree on both
    Arabic name keys and the birth date without conflicting cards (DETERMINISTIC_RECALL of all
    duplicates, by assumption). At least one such pair is assumed, so that a population without
    any still gets a finite model."""
    agreeing = _count(
        connection,
        f"SELECT count(*) FROM persons l JOIN persons r ON {_PRIOR_RULE} "  # noqa: S608 - constants
        "AND l.unique_id < r.unique_id",
    )
    persons = _count(connection, "SELECT count(*) FROM persons")
    all_pairs = max(persons * (persons - 1) / 2, 1.0)
    return min(max(agreeing, 1) / DETERMINISTIC_RECALL / all_pairs, 0.5)


def _count(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = connection.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _linker(
    connection: duckdb.DuckDBPyConnection, settings: SettingsCreator | dict[str, Any]
) -> Linker:
    database = DuckDBAPI(connection=connection)
    table = database.register("persons", table_name="persons_input")
    return Linker(table, settings, log_level=None)


def train_model(features: pl.DataFrame, *, seed: int = 1, u_pairs: float = U_PAIRS) -> DedupModel:
    """Estimate the model on `features` (from `person_features`) without any labels."""
    connection = _connection(features)
    settings = model_settings()
    settings.probability_two_random_records_match = _prior(connection)
    linker = _linker(connection, settings)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    for columns in TRAINING_BLOCKS:
        same = " AND ".join(f"l.{column} = r.{column}" for column in columns)
        pairs = _count(
            connection,
            f"SELECT count(*) FROM persons l JOIN persons r ON {same} "  # noqa: S608 - constants
            "AND l.unique_id < r.unique_id",
        )
        if pairs >= MIN_TRAINING_PAIRS:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns),
                estimate_without_term_frequencies=True,
                max_pairs=EM_MAX_PAIRS if pairs > EM_MAX_PAIRS else None,
            )
    return DedupModel(settings=linker.misc.save_model_to_json())


def predict_pairs(
    features: pl.DataFrame,
    model: DedupModel,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    reestimate_prior: bool = True,
    chunks: int = 1,
) -> pl.DataFrame:
    """Score the blocked pairs of `features` and keep those with match_probability >= threshold.

    One row per pair, person_id_l < person_id_r: match_probability, match_weight (log2 of the
    odds), match_key (index in BLOCKING_RULES of the first rule that found the pair) and, for
    each comparison (first_name, last_name, birth_date, cnie, place), gamma_<name> (the level,
    higher is closer, -1 null; labels in the model JSON) and mw_<name> (its match weight, the
    log2 Bayes factor; mw_tf_adj_<name> the name-frequency adjustment) to explain the score.

    The prior (probability that two random persons are the same) depends on the number of
    persons, so by default it is re-estimated on `features`; the m and u probabilities are
    reused as trained. `chunks` > 1 scores the pairs in chunks x chunks pieces, to bound
    memory on a national run.
    """
    connection = _connection(features)
    settings = dict(model.settings)
    if reestimate_prior:
        settings["probability_two_random_records_match"] = _prior(connection)
    linker = _linker(connection, settings)
    scored = linker.inference.predict(
        threshold_match_probability=threshold,
        num_chunks_left=chunks,
        num_chunks_right=chunks,
        warning_mode="never",  # untrained levels keep their documented priors on purpose
    )
    pairs: pl.DataFrame = scored.as_duckdbpyrelation().pl()
    explain = [c for c in pairs.columns if c.startswith(("gamma_", "mw_"))]
    return pairs.select(
        pl.col("unique_id_l").alias("person_id_l"),
        pl.col("unique_id_r").alias("person_id_r"),
        "match_probability",
        "match_weight",
        pl.col("match_key").cast(pl.Int8),
        *explain,
    ).sort("person_id_l", "person_id_r")


def find_candidates(
    persons: pl.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    as_of: date,
    model: DedupModel | None = None,
    seed: int = 1,
) -> pl.DataFrame:
    """Candidate duplicate pairs among `persons` (see `predict_pairs` for the columns).

    `persons` has the columns of PERSON_COLUMNS; `as_of` is the day the registry is read (it
    decides who is an adult). Without `model`, one is trained on `persons` first.
    """
    features = person_features(persons, as_of=as_of)
    model = model or train_model(features, seed=seed)
    return predict_pairs(features, model, threshold=threshold)


def save_model(model: DedupModel, path: str | Path) -> None:
    Path(path).write_text(json.dumps(model.settings, indent=2), encoding="utf-8")


def load_model(path: str | Path) -> DedupModel:
    return DedupModel(settings=json.loads(Path(path).read_text(encoding="utf-8")))
