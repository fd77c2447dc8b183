"""How well the index targets the poor, against the synthetic population's true consumption.

A household is *poor* when ln(latent_consumption_pc) is below the poverty line (default: the ASD
threshold, 9.743001, so that the question is "does the index select those the ASD means to
reach?"), and *selected* when its index is below the eligibility threshold (strictly, as the ASD's
"below 9.743001"). Then (reference file, "Targeting science"):

- exclusion error = share of the poor who are not selected;
- inclusion error = share of the selected who are not poor;
- coverage = share of all households selected (next to the poverty rate, the share that are poor).

Counts are of households, unweighted. Real registries never know the latent consumption: these
tools read it straight from the synthetic files (docs/formats.md), never from the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
import numpy.typing as npt
import polars as pl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from jisr.rules.index.calibrate import log_consumption
from jisr.rules.index.errors import PopulationError
from jisr.rules.index.model import ASD_THRESHOLD, TADAMON_THRESHOLD, IndexModel

DECILES = 10
GRID = (8.5, 11.5, 0.025)  # default thresholds of the error curve: first, last, step


@dataclass(frozen=True)
class Evaluation:
    """Targeting errors at one threshold (overall and by group) and along a grid of thresholds."""

    poverty_line: float
    threshold: float
    model_name: str
    summary: pl.DataFrame  # one row, group "all"
    by_milieu: pl.DataFrame
    by_region: pl.DataFrame
    by_decile: pl.DataFrame  # deciles of true consumption per person, 1 = poorest
    curve: pl.DataFrame  # threshold, selected, coverage, exclusion_error, inclusion_error

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "summary": self.summary,
            "by_milieu": self.by_milieu,
            "by_region": self.by_region,
            "by_decile": self.by_decile,
            "error_curve": self.curve,
        }

    def write(self, directory: Path) -> list[Path]:
        """Each table as CSV, and the error curve as PNG and SVG charts."""
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, table in self.tables().items():
            path = directory / f"{name}.csv"
            table.write_csv(path, float_precision=6)
            written.append(path)
        written += write_chart(self, directory / "error_curve")
        return written


def _rates(counts: pl.DataFrame) -> pl.DataFrame:
    def share(part: str, whole: str) -> pl.Expr:
        return pl.when(pl.col(whole) > 0).then(pl.col(part) / pl.col(whole))

    return counts.with_columns(
        poverty_rate=share("poor", "households"),
        coverage=share("selected", "households"),
        exclusion_error=(
            pl.when(pl.col("poor") > 0).then(1 - pl.col("poor_selected") / pl.col("poor"))
        ),
        inclusion_error=(
            pl.when(pl.col("selected") > 0).then(1 - pl.col("poor_selected") / pl.col("selected"))
        ),
    )


_COUNTS = (
    pl.len().cast(pl.Int64).alias("households"),
    pl.col("poor").sum().cast(pl.Int64).alias("poor"),
    pl.col("selected").sum().cast(pl.Int64).alias("selected"),
    (pl.col("poor") & pl.col("selected")).sum().cast(pl.Int64).alias("poor_selected"),
)


def error_table(targeting: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Counts and rates (households, poor, selected, errors), overall or by a column."""
    if by is None:
        counts = targeting.select(pl.lit("all").alias("group"), *_COUNTS)
    else:
        counts = targeting.group_by(by).agg(*_COUNTS).sort(by)
    return _rates(counts)


def error_curve(
    index: npt.NDArray[np.float64], poor: npt.NDArray[np.bool_], thresholds: Sequence[float]
) -> pl.DataFrame:
    """Selection and errors for each threshold (selected: index strictly below it)."""
    cuts = np.asarray(sorted(set(thresholds)), dtype=np.float64)
    selected = np.searchsorted(np.sort(index), cuts, side="left")
    poor_selected = np.searchsorted(np.sort(index[poor]), cuts, side="left")
    counts = pl.DataFrame(
        {
            "threshold": cuts,
            "households": np.full(cuts.size, index.size, dtype=np.int64),
            "poor": np.full(cuts.size, int(poor.sum()), dtype=np.int64),
            "selected": selected.astype(np.int64),
            "poor_selected": poor_selected.astype(np.int64),
        }
    )
    return _rates(counts)


def default_thresholds(*extra: float) -> list[float]:
    first, last, step = GRID
    grid = np.round(np.arange(first, last + step / 2, step), 6)
    return sorted({*grid.tolist(), ASD_THRESHOLD, TADAMON_THRESHOLD, *extra})


def _decile(values: pl.Expr) -> pl.Expr:
    """1 for the poorest tenth of the rows, ..., 10 for the richest (ties in row order)."""
    return ((values.rank("ordinal") - 1) * DECILES // pl.len() + 1).cast(pl.Int8)


def targeting_frame(
    households: pl.DataFrame, index: pl.Series, *, poverty_line: float, threshold: float
) -> pl.DataFrame:
    """Per household: milieu, region, true log consumption and its decile, index, poor, selected."""
    if index.len() != households.height:
        raise ValueError(f"{index.len()} index values for {households.height} households")
    truth = pl.Series("log_consumption", log_consumption(households))
    return (
        households.select("milieu", "region_code")
        .with_columns(truth, index.alias("index"))
        .with_columns(
            decile=_decile(pl.col("log_consumption")),
            poor=pl.col("log_consumption") < poverty_line,
            selected=pl.col("index") < threshold,
        )
    )


def evaluate_index(
    households: pl.DataFrame,
    index: pl.Series,
    *,
    poverty_line: float = ASD_THRESHOLD,
    threshold: float = ASD_THRESHOLD,
    thresholds: Sequence[float] | None = None,
    model_name: str = "",
) -> Evaluation:
    """Evaluate given index values (one per household, in order) against the true consumption."""
    for column in ("milieu", "region_code"):
        if column not in households.columns:
            raise PopulationError(f"households: missing column {column}")
    targeting = targeting_frame(households, index, poverty_line=poverty_line, threshold=threshold)
    return Evaluation(
        poverty_line=poverty_line,
        threshold=threshold,
        model_name=model_name,
        summary=error_table(targeting),
        by_milieu=error_table(targeting, "milieu"),
        by_region=error_table(targeting, "region_code"),
        by_decile=error_table(targeting, "decile"),
        curve=error_curve(
            targeting.get_column("index").to_numpy(),
            targeting.get_column("poor").to_numpy(),
            thresholds or default_thresholds(threshold, poverty_line),
        ),
    )


def evaluate(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    *,
    model: IndexModel | None = None,
    poverty_line: float = ASD_THRESHOLD,
    threshold: float = ASD_THRESHOLD,
    thresholds: Sequence[float] | None = None,
    as_of: date | None = None,
) -> Evaluation:
    """Compute the index of every household with `model` (default: the packaged one) and
    evaluate its targeting."""
    model = model or IndexModel.load()
    log_consumption(households)  # refuse a population without the truth before any work
    index = model.predict(households, persons, as_of=as_of)
    return evaluate_index(
        households,
        index,
        poverty_line=poverty_line,
        threshold=threshold,
        thresholds=thresholds,
        model_name=f"{model.name} {model.version}",
    )


def write_chart(evaluation: Evaluation, stem: Path) -> list[Path]:
    """Exclusion and inclusion errors (and coverage) against the threshold, as PNG and SVG."""
    curve = evaluation.curve
    figure = Figure(figsize=(8, 5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = curve.get_column("threshold").to_numpy()
    for column, label, style in (
        ("exclusion_error", "exclusion error (poor not selected)", "-"),
        ("inclusion_error", "inclusion error (selected not poor)", "-"),
        ("coverage", "coverage (households selected)", "--"),
    ):
        values = curve.get_column(column).cast(pl.Float64).fill_null(np.nan).to_numpy()
        axes.plot(x, values, style, label=label, linewidth=1.8)
    poverty_rate = curve.get_column("poverty_rate")[0]
    axes.axhline(poverty_rate, color="grey", linestyle=":", linewidth=1)
    axes.annotate(f"poverty rate {poverty_rate:.0%}", (x[0], poverty_rate), va="bottom")
    for value, label in (
        (TADAMON_THRESHOLD, "AMO Tadamon"),
        (ASD_THRESHOLD, "ASD"),
        (evaluation.threshold, "threshold"),
    ):
        if label == "threshold" and value in (ASD_THRESHOLD, TADAMON_THRESHOLD):
            continue
        axes.axvline(value, color="black", linestyle=":", linewidth=1)
        axes.annotate(
            f"{label} {value:g}",
            (value, 1.0),
            xytext=(-2, -4),
            textcoords="offset points",
            rotation=90,
            ha="right",
            va="top",
        )
    axes.set_xlabel("index threshold (ln MAD per person per year); selected: index below it")
    axes.set_ylabel("share")
    axes.set_ylim(0, 1.02)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_title(
        f"ILLUSTRATIVE index {evaluation.model_name}: targeting errors by threshold\n"
        f"(poor: true ln consumption below {evaluation.poverty_line:g}; synthetic population)",
        fontsize=10,
    )
    axes.grid(alpha=0.3)
    axes.legend(loc="center right", fontsize=9)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    with matplotlib.rc_context({"svg.hashsalt": "jisr-index"}):  # stable ids: same file each run
        figure.savefig(png, dpi=120, metadata={"Software": None})
        figure.savefig(svg, metadata={"Date": None})
    return [png, svg]
