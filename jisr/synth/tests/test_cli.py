"""The command line: options, summary, and refusal of bad input."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from jisr.synth import generate, write
from jisr.synth.cli import build_parser, run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    build_parser(parser)
    return parser


def test_run_writes_files_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parser().parse_args(
        ["--households", "1_000", "--seed", "3", "--out", str(tmp_path), "--format", "csv",
         "--as-of", "2025-01-01"]
    )  # fmt: skip
    assert args.as_of == date(2025, 1, 1)
    assert run(args) == 0
    output = capsys.readouterr().out
    assert "households: 1,000" in output
    assert "persons: " in output
    assert "households/s" in output
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "communes.csv",
        "households.csv",
        "persons.csv",
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--households", "-1", "--seed", "1", "--out", "x"],
        ["--households", "ten", "--seed", "1", "--out", "x"],
        ["--households", "10", "--seed", "1", "--out", "x", "--format", "xlsx"],
        ["--households", "10", "--seed", "1", "--out", "x", "--as-of", "01/09/2024"],
        ["--households", "10", "--seed", "1", "--out", "x", "--block-households", "0"],
        ["--households", "10", "--out", "x"],
    ],
)
def test_bad_options_are_refused(arguments: list[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(arguments)


def test_write_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        write(tmp_path, households=10, seed=1, fmt="xlsx")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="households"):
        write(tmp_path, households=-5, seed=1)
    with pytest.raises(ValueError, match="block_households"):
        write(tmp_path, households=5, seed=1, block_households=0)
    with pytest.raises(ValueError, match="households"):
        generate(-1, seed=1)  # refused at the call, before any iteration


def test_zero_households_gives_empty_files_with_headers(tmp_path: Path) -> None:
    summary = write(tmp_path, households=0, seed=1, fmt="csv")
    assert summary.persons == 0
    assert (tmp_path / "persons.csv").read_text().startswith('"person_id"')
