"""The `jisr rules` command-line contract (pure CLI: `python -m jisr.rules`)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jisr.rules.cli import main

WIDOW = {
    "month": "2026-01",
    "household": {
        "index": 9.21,
        "milieu": "urban",
        "registered_rnp": True,
        "registered_rsu": True,
        "members": [
            {"id": "p1", "relationship": "head", "sex": "F", "birth_date": "1986-04-02",
             "in_school": False, "school_level": None, "disabled": False,
             "father_deceased": False, "social_security": None, "amo": None},
            *(
                {"id": f"c{n}", "relationship": "child", "sex": "F",
                 "birth_date": f"{2008 + n}-01-01", "in_school": True,
                 "school_level": "primary", "father_deceased": True}
                for n in range(1, 7)
            ),
        ],
    },
}  # fmt: skip


def explain(data: Any, tmp_path: Path, *extra: str) -> tuple[int, str]:
    path = tmp_path / "household.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    code = main(["explain", "--input", str(path), *extra], out=out)
    return code, out.getvalue()


def test_explain_json_contract(tmp_path: Path) -> None:
    code, text = explain(WIDOW, tmp_path, "--format", "json")
    assert code == 0
    result = json.loads(text)
    assert result["month"] == "2026-01"
    assert result["programmes"]["asd"] | {"children": None} == {
        "eligible": True,
        "monthly_amount": "1308.00",
        "children_paid": 6,
        "birth_grant": "0.00",
        "school_grant": "0.00",
        "total": "1308.00",
        "children": None,
    }
    assert result["programmes"]["amo_tadamon"] == {"eligible": True}
    assert result["programmes"]["amo_achamil"] == {
        "eligible": False,
        "monthly_contribution": "0.00",
    }
    steps = {step["variable"]: step for step in result["trace"]}
    assert steps["index"]["source"] == "input"
    threshold = next(p for p in steps["asd_eligible"]["parameters"] if p["path"] == "asd.threshold")
    assert threshold["value"] == 9.743001
    assert threshold["since"] == "2023-12-01"
    assert "not verified" in threshold["unverified"]
    assert steps["asd_child_amount"]["formula_since"] == "2023-12-01"
    assert steps["asd_child_amount"]["value"]["c1"] == "400.00"


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("en", "ASD: eligible, 1308.00 MAD"), ("fr", "ASD : éligible, 1308.00 MAD"),
     ("ar", "الدعم الاجتماعي المباشر: مؤهل، 1308.00 درهم")],
)  # fmt: skip
def test_explain_text_in_three_languages(tmp_path: Path, lang: str, phrase: str) -> None:
    code, text = explain(WIDOW, tmp_path, "--format", "text", "--lang", lang)
    assert code == 0
    assert phrase in text
    assert "asd.threshold = 9.743001" in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["household"]["members"][0].update(birth_date="1986-13-02"),
         "household.members[0].birth_date"),
        (lambda d: d["household"]["members"][2].update(relationship="cousin"),
         "household.members[2].relationship"),
        (lambda d: d["household"].update(index="low"), "household.index"),
        (lambda d: d["household"]["members"][1].update(in_school="yes"),
         "household.members[1].in_school"),
        (lambda d: d["household"].update(members=[]), "household.members"),
        (lambda d: d.update(month="2026-13"), "month"),
        (lambda d: d["household"]["members"][1].update(relationship="head"), "household.members"),
    ],
)  # fmt: skip
def test_invalid_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, field: str
) -> None:
    data = json.loads(json.dumps(WIDOW))
    change(data)
    code, text = explain(data, tmp_path)
    assert code == 2
    assert text == ""
    assert f"{field}:" in capsys.readouterr().err


def test_not_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["explain", "--input", str(path)], out=io.StringIO()) == 2
    assert "not JSON (line 1" in capsys.readouterr().err


def test_module_entry_point_reads_standard_input() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jisr.rules", "explain", "--input", "-", "--format", "json"],
        input=json.dumps(WIDOW),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["programmes"]["asd"]["monthly_amount"] == "1308.00"


def test_run_writes_one_row_per_household(small_population: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    code = main(
        ["run", "--population", str(small_population), "--month", "2026-01", "--out", str(out)],
        out=io.StringIO(),
    )
    assert code == 0
    results = pl.read_parquet(out)
    households = pl.read_parquet(small_population / "households.parquet")
    assert results["household_id"].to_list() == households["household_id"].to_list()
    assert set(results["month"]) == {"2026-01"}
    eligible = results.filter(pl.col("asd_eligible"))
    assert eligible.height > 0
    assert int(eligible["asd_total"].min()) >= 50000  # type: ignore[arg-type]
    assert results.filter(~pl.col("asd_eligible"))["asd_total"].max() == 0


def test_run_refuses_a_missing_population(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", "--population", str(tmp_path / "nope"), "--month", "2026-01", "--out", "x"]
    assert main(args, out=io.StringIO()) == 2
    assert "--population: not a directory" in capsys.readouterr().err


def test_simulate_writes_tables_and_charts(small_population: Path, tmp_path: Path) -> None:
    reform = tmp_path / "reform.yaml"
    reform.write_text(
        "name: higher threshold\nparameters:\n  asd.threshold: {2027-01-01: 10.0}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    code = main(
        ["simulate", "--population", str(small_population), "--reform", str(reform),
         "--month", "2027-01", "--out", str(tmp_path / "sim")],
        out=out,
    )  # fmt: skip
    assert code == 0
    summary = pl.read_csv(tmp_path / "sim" / "summary.csv").row(0, named=True)
    assert summary["households_reform"] > summary["households_base"]
    assert summary["losers"] == 0
    assert summary["gainers"] == summary["households_reform"] - summary["households_base"]
    assert summary["monthly_cost_mad_reform"] > summary["monthly_cost_mad_base"]
    for name in ("by_region_code.csv", "by_milieu.csv", "by_decile.csv", "largest_changes.csv",
                 "cost_by_region_code.png", "cost_by_decile.svg"):  # fmt: skip
        assert (tmp_path / "sim" / name).stat().st_size > 0
    deciles = pl.read_csv(tmp_path / "sim" / "by_decile.csv")
    assert deciles["decile"].to_list() == list(range(1, 11))
    assert deciles["households_base"].sum() == summary["households_base"]
