"""Command line of the synthetic population: `jisr synth` or `python -m jisr.synth`.

    jisr synth --households 20000 --seed 1 --out var/synth [--format csv] [--as-of 2024-09-01]

Writes households.<ext>, persons.<ext> and communes.csv (docs/formats.md), shows progress on a
terminal, and prints a short summary: households, persons, seconds, households per second.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from jisr.synth.population import BLOCK_HOUSEHOLDS, DEFAULT_AS_OF, FORMATS, write


def _non_negative(text: str) -> int:
    value = int(text.replace("_", ""))
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, not {value}")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, not {text!r}") from error


def build_parser(parser: argparse.ArgumentParser) -> None:
    """Add the synth options to `parser` (also used by the `jisr synth` management command)."""
    parser.add_argument(
        "--households", type=_non_negative, required=True, help="number of households"
    )
    parser.add_argument(
        "--seed", type=int, required=True, help="random seed (same seed, same files)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="file format")
    parser.add_argument(
        "--as-of", type=_iso_date, default=DEFAULT_AS_OF, help="reference day for ages (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--block-households",
        type=_positive,
        default=BLOCK_HOUSEHOLDS,
        help=f"households per block (memory vs speed; default {BLOCK_HOUSEHOLDS})",
    )


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{done:,} / {total:,} households", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Generate the files described by `args`; print a summary; return the exit status."""
    summary = write(
        args.out,
        households=args.households,
        seed=args.seed,
        fmt=args.format,
        as_of=args.as_of,
        progress=_progress,
        block_households=getattr(args, "block_households", BLOCK_HOUSEHOLDS),
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"households: {summary.households:,}\n"
        f"persons: {summary.persons:,}\n"
        f"seconds: {summary.seconds:.1f}\n"
        f"households/s: {summary.households_per_second:,.0f}\n"
        f"files: {', '.join(str(path) for path in summary.files)}"
    )
    return 0
