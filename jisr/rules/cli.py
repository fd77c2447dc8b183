"""`jisr rules …` without Django: explain one household, run a population, simulate a reform.

    python -m jisr.rules explain --input FILE.json [--format json|text] [--lang ar|fr|en]
    python -m jisr.rules run --population DIR --month YYYY-MM --out FILE.parquet [--workers N]
                             [--dask-scheduler ADDRESS]
    python -m jisr.rules simulate --population DIR --reform FILE.yaml --month YYYY-MM [--out DIR]

Exit codes: 0 done, 2 invalid input (the message names the field, file or parameter).
The Django command `jisr rules` is the same, plus `--population db` (a snapshot of the registry).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from jisr.rules import batch, text
from jisr.rules.engine import RulesError
from jisr.rules.explain import explain
from jisr.rules.params import ParameterError, Parameters
from jisr.rules.periods import Month
from jisr.rules.population import InputError, from_json
from jisr.rules.simulate import Reform, compare, write
from jisr.rules.variables import build

INVALID = 2


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="jisr rules", description=__doc__.split("\n")[0])
    sub = root.add_subparsers(dest="action", required=True)
    one = sub.add_parser(
        "explain", help="explain one household's month (JSON in, JSON or text out)"
    )
    one.add_argument("--input", required=True, help="household JSON file ('-' for standard input)")
    one.add_argument("--month", help="YYYY-MM (default: the file's `month`)")
    one.add_argument("--format", choices=("json", "text"), default="json")
    one.add_argument("--lang", choices=("ar", "fr", "en"), default="en", help="for --format text")
    one.add_argument("--reform", type=Path, help="a reform file applied to the parameters")
    run = sub.add_parser("run", help="every household of a population for one month")
    run.add_argument("--population", required=True, help="a directory in the `jisr synth` format")
    run.add_argument("--month", required=True)
    run.add_argument("--out", required=True, type=Path, help="Parquet file of the results")
    run.add_argument("--workers", type=int, default=0, help="Dask LocalCluster workers (0: local)")
    run.add_argument("--dask-scheduler", help="address of a running Dask scheduler")
    run.add_argument("--reform", type=Path)
    sim = sub.add_parser("simulate", help="compare a reform with the baseline on a population")
    sim.add_argument("--population", required=True)
    sim.add_argument("--reform", required=True, type=Path)
    sim.add_argument("--month", required=True)
    sim.add_argument("--out", type=Path, help="directory for the tables (CSV) and charts")
    return root


def _month(value: str) -> Month:
    try:
        return Month.parse(value)
    except ValueError as error:
        raise InputError("month", str(error)) from None


def _load_json(path: str) -> Any:
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(raw)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise InputError(path, f"not JSON (line {error.lineno}, column {error.colno})") from None


def do_explain(args: argparse.Namespace, out: TextIO) -> int:
    data = _load_json(args.input)
    month_text = args.month or (data.get("month") if isinstance(data, dict) else None)
    if not month_text:
        raise InputError("month", "required (in the file or with --month)")
    month = _month(str(month_text))
    households, persons = from_json(data)
    parameters = Parameters.load()
    if args.reform:
        parameters = parameters.with_reform(Reform.read(args.reform).parameters)
    result = explain(build(), parameters, month, households, persons)
    if args.format == "json":
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(text.render(result, args.lang))
    return 0


def _population(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise InputError("--population", f"not a directory: {value}")
    return path


def do_run(args: argparse.Namespace, out: TextIO) -> int:
    month = _month(args.month)
    reform = Reform.read(args.reform).parameters if args.reform else None
    started = time.perf_counter()
    results = batch.run(
        _population(args.population),
        str(month),
        reform=reform,
        workers=args.workers,
        scheduler=args.dask_scheduler,
    )
    results = results.with_columns(month=pl.lit(str(month)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results.write_parquet(args.out)
    seconds = time.perf_counter() - started
    eligible = int(results["asd_eligible"].sum())
    out.write(
        f"{results.height:,} households, {eligible:,} eligible for ASD, "
        f"{results['asd_total'].sum() / 100:,.2f} MAD this month; {seconds:.1f} s → {args.out}\n"
    )
    return 0


def do_simulate(args: argparse.Namespace, out: TextIO) -> int:
    from jisr.rules.population import read_directory

    month = _month(args.month)
    reform = Reform.read(args.reform)
    households, persons = read_directory(_population(args.population), person_ids=False)
    comparison = compare(households, persons, month, reform)
    out.write(f"{reform.name} — {month}\n")
    out.write(str(comparison.summary.transpose(include_header=True, column_names=["value"])) + "\n")
    for key, table in comparison.by.items():
        out.write(f"\nby {key}\n{table}\n")
    if args.out:
        for path in write(comparison, args.out):
            out.write(f"wrote {path}\n")
    return 0


ACTIONS = {"explain": do_explain, "run": do_run, "simulate": do_simulate}


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    args = parser().parse_args(argv)
    stream = out or sys.stdout
    try:
        return ACTIONS[args.action](args, stream)
    except (InputError, ParameterError, RulesError) as error:
        print(f"jisr rules {args.action}: {error}", file=sys.stderr)
        return INVALID
