"""The command line end to end on a small synthetic population, and its refusals of bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from jisr.rules.index import IndexModel
from jisr.rules.index.cli import main
from jisr.synth import write

Capture = pytest.CaptureFixture[str]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("population")
    write(directory, 2_000, 17, "parquet")
    return directory


def test_calibrate_then_evaluate(
    tmp_path: Path, population: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_file = tmp_path / "model.yaml"
    assert main(
        ["calibrate", "--population", str(population), "--method", "ols", "--as-of",
         "2024-09-01", "--population-seed", "17", "--out", str(model_file)]
    ) == 0  # fmt: skip
    output = capsys.readouterr().out
    assert "urban: " in output
    assert "rural: " in output
    assert "has_fridge" in output
    model = IndexModel.load(model_file)
    assert model.fitted_on["method"] == "ols"
    assert model.fitted_on["seed"] == 17

    out = tmp_path / "evaluation"
    assert main(
        ["evaluate", "--population", str(population), "--model", str(model_file), "--as-of",
         "2024-09-01", "--out", str(out)]
    ) == 0  # fmt: skip
    output = capsys.readouterr().out
    assert "ILLUSTRATIVE model" in output
    assert "exclusion" in output
    assert "inclusion" in output
    assert "rural" in output
    assert sorted(path.name for path in out.iterdir()) == [
        "by_decile.csv",
        "by_milieu.csv",
        "by_region.csv",
        "error_curve.csv",
        "error_curve.png",
        "error_curve.svg",
        "summary.csv",
    ]
    assert pl.read_csv(out / "summary.csv").get_column("households").item() == 2_000


def test_quantile_calibration_and_the_packaged_model_on_csv_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "csv"
    write(directory, 600, 4, "csv")
    assert main(["calibrate", "--population", str(directory), "--quantile", "0.3"]) == 0
    assert "pseudo R²" in capsys.readouterr().out
    assert main(["evaluate", "--population", str(directory), "--threshold", "9.3264284"]) == 0
    assert "index < 9.32643" in capsys.readouterr().out


def test_a_missing_directory_is_refused(tmp_path: Path, capsys: Capture) -> None:
    missing = tmp_path / "nowhere"
    assert main(["evaluate", "--population", str(missing)]) == 2
    assert f"{missing}: no such directory" in capsys.readouterr().err
    assert main(["calibrate", "--population", str(missing)]) == 2


def test_a_missing_column_is_named(tmp_path: Path, population: Path, capsys: Capture) -> None:
    directory = tmp_path / "no-rooms"
    directory.mkdir()
    households = pl.read_parquet(population / "households.parquet").drop("rooms")
    households.write_csv(directory / "households.csv")
    (directory / "persons.parquet").write_bytes((population / "persons.parquet").read_bytes())
    assert main(["evaluate", "--population", str(directory)]) == 2
    error = capsys.readouterr().err
    assert "households.csv: missing column(s) rooms" in error


def test_missing_truth_and_missing_files_are_named(
    tmp_path: Path, population: Path, capsys: Capture
) -> None:
    directory = tmp_path / "no-truth"
    directory.mkdir()
    pl.read_parquet(population / "households.parquet").drop("latent_consumption_pc").write_parquet(
        directory / "households.parquet"
    )
    assert main(["calibrate", "--population", str(directory)]) == 2
    assert "missing column(s) latent_consumption_pc" in capsys.readouterr().err
    (directory / "households.parquet").unlink()
    assert main(["evaluate", "--population", str(directory)]) == 2
    assert "no households.parquet or households.csv" in capsys.readouterr().err


def test_bad_options_and_model_files_are_refused(
    tmp_path: Path, population: Path, capsys: Capture
) -> None:
    assert main(["calibrate", "--population", str(population), "--quantile", "1.5"]) == 2
    assert main(["calibrate", "--population", str(population), "--method", "lasso"]) == 2
    assert main(["evaluate"]) == 2
    assert main([]) == 2
    bad_model = tmp_path / "model.yaml"
    bad_model.write_text("name: [unclosed", encoding="utf-8")
    assert main(["evaluate", "--population", str(population), "--model", str(bad_model)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jisr.rules.index", "--help"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "calibrate" in result.stdout
    assert "evaluate" in result.stdout
