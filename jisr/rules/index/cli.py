"""Command line: calibrate the illustrative index on a population, and evaluate its targeting.

    python -m jisr.rules.index calibrate --population DIR [--method ols|quantile] [--quantile Q]
                                         [--sample N] [--out FILE.yaml]
    python -m jisr.rules.index evaluate --population DIR [--model FILE.yaml] [--threshold T]
                                        [--poverty-line L] [--out DIR]

Pure (no Django): `jisr index ...` calls `main` with the same arguments. Exit status 0 on success,
2 on invalid input (a usage error, a missing directory, file or column), with a message naming it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

from jisr.rules.index.calibrate import (
    DEFAULT_QUANTILE,
    DEFAULT_SAMPLE,
    METHODS,
    Calibration,
    calibrate,
)
from jisr.rules.index.errors import IndexInputError
from jisr.rules.index.evaluate import Evaluation, evaluate
from jisr.rules.index.features import FEATURE_NAMES, REGION_CODES
from jisr.rules.index.model import ASD_THRESHOLD, TADAMON_THRESHOLD, IndexModel
from jisr.rules.index.population import read_population

INVALID_INPUT = 2


def _positive(text: str) -> int:
    value = int(text.replace("_", ""))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value


def _quantile(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be strictly between 0 and 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jisr index",
        description="The ILLUSTRATIVE socio-economic index (proxy means test).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser("calibrate", help="fit the coefficients on a synthetic population")
    fit.add_argument("--population", type=Path, required=True, help="directory of jisr synth")
    fit.add_argument("--method", choices=METHODS, default="quantile")
    fit.add_argument("--quantile", type=_quantile, default=DEFAULT_QUANTILE)
    fit.add_argument("--sample", type=_positive, default=DEFAULT_SAMPLE, help="households fitted")
    fit.add_argument("--population-seed", type=int, help="seed of the population (recorded)")
    fit.add_argument("--description", help="the model file's description")
    fit.add_argument("--out", type=Path, help="model file to write (YAML)")
    check = commands.add_parser("evaluate", help="targeting errors against true consumption")
    check.add_argument("--population", type=Path, required=True, help="directory of jisr synth")
    check.add_argument("--model", type=Path, help="model file (default: the packaged one)")
    check.add_argument("--threshold", type=float, default=ASD_THRESHOLD, help="index below it")
    check.add_argument("--poverty-line", type=float, default=ASD_THRESHOLD, help="ln MAD/year")
    check.add_argument("--out", type=Path, help="directory for the CSV tables and the charts")
    for command in (fit, check):
        command.add_argument(
            "--as-of", type=date.fromisoformat, help="reference day for ages (YYYY-MM-DD)"
        )
    return parser


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _table(frame: pl.DataFrame, key: str, title: str) -> str:
    header = (
        f"{title:<12}{'households':>12}{'poor':>8}{'selected':>10}"
        f"{'exclusion':>11}{'inclusion':>11}"
    )
    lines = [header]
    for row in frame.iter_rows(named=True):
        lines.append(
            f"{row[key]!s:<12}{row['households']:>12,}{_percent(row['poverty_rate']):>8}"
            f"{_percent(row['coverage']):>10}{_percent(row['exclusion_error']):>11}"
            f"{_percent(row['inclusion_error']):>11}"
        )
    return "\n".join(lines)


def _print_evaluation(evaluation: Evaluation) -> None:
    print(
        f"poor: ln(consumption per person) < {evaluation.poverty_line:g}; "
        f"selected: index < {evaluation.threshold:g}"
    )
    print("poor / selected: share of households; exclusion: poor not selected; "
          "inclusion: selected not poor\n")  # fmt: skip
    overall = evaluation.summary.vstack(
        evaluation.by_milieu.rename({"milieu": "group"}).select(evaluation.summary.columns)
    )
    print(_table(overall, "group", "milieu"), end="\n\n")
    print(_table(evaluation.by_decile, "decile", "decile"), end="\n\n")
    print(_table(evaluation.by_region, "region_code", "region"), end="\n\n")
    marks = {ASD_THRESHOLD, TADAMON_THRESHOLD, evaluation.threshold}
    curve = evaluation.curve.filter(
        ((pl.col("threshold") * 4).round(6) % 1 == 0) | pl.col("threshold").is_in(list(marks))
    )
    print("error curve (every 0.25, and the ASD, AMO Tadamon and chosen thresholds)")
    print(_table(curve.with_columns(pl.col("threshold").round(6)), "threshold", "threshold"))


def _run_evaluate(args: argparse.Namespace) -> int:
    model = IndexModel.load(args.model)
    population = read_population(args.population, truth=True)
    if model.illustrative:
        print(f"ILLUSTRATIVE model {model.name} {model.version} — not the official RSU formula")
    print(
        f"population: {args.population} — {population.households.height:,} households, "
        f"{population.persons.height:,} persons"
    )
    started = time.perf_counter()
    evaluation = evaluate(
        population.households,
        population.persons,
        model=model,
        poverty_line=args.poverty_line,
        threshold=args.threshold,
        as_of=args.as_of,
    )
    print(f"index and errors computed in {time.perf_counter() - started:.1f} s\n")
    _print_evaluation(evaluation)
    if args.out:
        for path in evaluation.write(args.out):
            print(f"written: {path}")
    return 0


def _print_calibration(calibration: Calibration) -> None:
    for milieu, fit in calibration.fits.items():
        print(
            f"{milieu}: {fit.households:,} households, "
            f"{'R²' if calibration.model.fitted_on['method'] == 'ols' else 'pseudo R²'} "
            f"{fit.r_squared:.3f}, {fit.seconds:.1f} s"
            + (f"; left out (constant): {', '.join(fit.dropped)}" if fit.dropped else "")
        )
    model = calibration.model
    print(f"\n{'feature':<32}{'urban':>10}{'rural':>10}")
    print(f"{'const':<32}{model.urban.const:>10.4f}{model.rural.const:>10.4f}")
    for name in FEATURE_NAMES:
        urban, rural = model.urban.coefficients.get(name), model.rural.coefficients.get(name)
        cells = [f"{v:>10.4f}" if v is not None else f"{'—':>10}" for v in (urban, rural)]
        print(f"{name:<32}{''.join(cells)}")
    for code in REGION_CODES:
        print(f"{'region ' + code:<32}{model.urban.regions[code]:>10.4f}"
              f"{model.rural.regions[code]:>10.4f}")  # fmt: skip


def _run_calibrate(args: argparse.Namespace) -> int:
    population = read_population(args.population, truth=True)
    print(
        f"population: {args.population} — {population.households.height:,} households, "
        f"{population.persons.height:,} persons; method {args.method}"
        + (f" (q = {args.quantile:g})" if args.method == "quantile" else "")
    )
    started = time.perf_counter()
    calibration = calibrate(
        population.households,
        population.persons,
        method=args.method,
        quantile=args.quantile,
        sample=args.sample,
        as_of=args.as_of,
        description=args.description,
        fitted_on={
            "generator": "jisr.synth",
            "population": args.population.name,
            "seed": args.population_seed,
        },
    )
    print(f"fitted in {time.perf_counter() - started:.1f} s\n")
    _print_calibration(calibration)
    if args.out:
        print(f"\nwritten: {calibration.model.dump(args.out)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run a command; the exit status (0 success, 2 invalid input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # usage errors (status 2) and --help (status 0)
        return int(stop.code or 0) if not isinstance(stop.code, str) else INVALID_INPUT
    try:
        if args.command == "calibrate":
            return _run_calibrate(args)
        return _run_evaluate(args)
    except IndexInputError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return INVALID_INPUT
