"""What every payment provider's files have in common: the order header, the summary of a written
order, a parsed return, the problems that refuse a file, and the `Provider` interface.

Pure Python (no Django): the `payments` app calls it from services and jobs, tests and benches call
it directly. Problems are frames (one row per bad field), so that a file with a million bad lines is
refused as fast as a good one is read; only `reasons.py` turns codes into sentences.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO, ClassVar, Protocol

import polars as pl

from jisr.core.identifiers import is_valid_rib
from jisr.rules.money import from_centimes

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),  # line of the file (returns) or 1-based row of the lines frame (orders)
    "reference": pl.String(),  # the payment line concerned, when known
    "field": pl.String(),
    "code": pl.String(),  # stable: a key of reasons.PROBLEMS
    "detail": pl.String(),
}
RETURN_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "reference": pl.String(),
    "status": pl.String(),  # STATUSES
    "amount": pl.Int64(),  # centimes; null when a bank report does not repeat it
    "reason_code": pl.String(),
    "provider_txn_id": pl.String(),
    "date": pl.Date(),
}
PENDING_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "reference": pl.String(),
    "status_code": pl.String(),  # the provider's own code (PDNG, ACSP…); null when none was given
}
# Every problem code the formats produce; reasons.PROBLEMS has a message for each.
CODES = frozenset(
    {
        # order header and lines
        "identifier", "month", "naive_datetime", "text", "rib", "bic", "missing_column",
        "column_type", "no_lines", "required", "latin_name", "cnie", "method",
        "method_not_supported", "line_amount", "phone", "pickup_code", "duplicate_reference",
        # return files
        "not_utf8", "empty_file", "no_header", "missing_header", "duplicate_header", "format",
        "datetime",
        "count", "amount", "sha256", "checksum", "truncated", "columns", "field_count", "status",
        "reason_code", "date", "control_total", "currency", "xml_syntax", "xml_schema",
        "message_id",
        # reconciliation
        "unknown_reference",
    }
)  # fmt: skip
METHODS = ("bank", "wallet", "cash")
STATUSES = ("paid", "failed", "unclaimed")
# Identifiers that end up in file names, CSV cells and XML text: a safe subset of the SWIFT Latin
# character set, so that none of them ever needs quoting or escaping.
IDENTIFIER = r"[A-Za-z0-9][A-Za-z0-9._-]{0,34}"
IDENTIFIER_PATTERN = re.compile(rf"^{IDENTIFIER}$")
BIC_PATTERN = re.compile(r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
MONTH_PATTERN = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
FREE_TEXT_PATTERN = re.compile(r"^[^\x00-\x1f\x7f]{1,140}$")


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    reference: str | None
    field: str
    code: str
    detail: str | None = None


def problems_frame(problems: pl.DataFrame | Iterable[Problem]) -> pl.DataFrame:
    if isinstance(problems, pl.DataFrame):
        return problems.select(pl.col(name).cast(dtype) for name, dtype in PROBLEM_SCHEMA.items())
    rows = [dataclasses.astuple(problem) for problem in problems]
    return pl.DataFrame(rows, schema=PROBLEM_SCHEMA, orient="row")


class Problems:
    """Collects problems as frames (from whole-column checks) and single rows (header, file)."""

    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []
        self._rows: list[Problem] = []

    def add(
        self,
        line: int,
        field: str,
        code: str,
        detail: str | None = None,
        reference: str | None = None,
    ) -> None:
        self._rows.append(Problem(line, reference, field, code, detail))

    def frame(self, failures: pl.DataFrame) -> None:
        if failures.height:
            self._frames.append(problems_frame(failures))

    def __bool__(self) -> bool:
        return bool(self._rows) or any(frame.height for frame in self._frames)

    def collect(self) -> pl.DataFrame:
        every = pl.concat([*self._frames, problems_frame(self._rows)], how="vertical")
        return every.unique(maintain_order=True).sort("line", "field", "code", maintain_order=True)


class ProviderFileError(Exception):
    """A file, or the data for one, is refused; `problems` says where and why (PROBLEM_SCHEMA)."""

    what: ClassVar[str] = "provider file"

    def __init__(self, problems: pl.DataFrame | Iterable[Problem]) -> None:
        self.problems = problems_frame(problems)
        super().__init__(self._summary())

    def first(self, limit: int = 20) -> list[Problem]:
        return [Problem(*row) for row in self.problems.head(limit).iter_rows()]

    def codes(self) -> set[str]:
        return set(self.problems["code"].unique().to_list())

    def _summary(self) -> str:
        shown = "\n".join(
            f"  line {p.line}{f' [{p.reference}]' if p.reference else ''} {p.field}: {p.code}"
            + (f" ({p.detail})" if p.detail else "")
            for p in self.first()
        )
        more = self.problems.height - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        return f"{self.what} refused ({self.problems.height} problems)\n{shown}{tail}"


class OrderRefused(ProviderFileError):
    """The order header or lines cannot be written in this provider's format; nothing was written
    to `out` (the checks run before the first byte)."""

    what = "payment order"


class ReturnRefused(ProviderFileError):
    """The provider's return file is refused whole: no line of it may be reconciled."""

    what = "return file"


@dataclass(frozen=True, slots=True)
class OrderHeader:
    """What the caller knows about the order; `created_at` is given (never read from the clock) so
    that writing the same cycle twice gives byte-identical files."""

    message_id: str
    cycle_id: str
    programme: str
    month: str  # YYYY-MM
    created_at: dt.datetime  # timezone-aware
    execution_date: dt.date
    debtor_name: str
    debtor_rib: str
    debtor_agent_bic: str

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise OrderRefused(problems)

    def problems(self) -> list[Problem]:
        checks = [
            ("message_id", bool(IDENTIFIER_PATTERN.fullmatch(self.message_id)), "identifier"),
            ("cycle_id", bool(IDENTIFIER_PATTERN.fullmatch(self.cycle_id)), "identifier"),
            ("programme", bool(IDENTIFIER_PATTERN.fullmatch(self.programme)), "identifier"),
            ("month", bool(MONTH_PATTERN.fullmatch(self.month)), "month"),
            ("created_at", self.created_at.utcoffset() is not None, "naive_datetime"),
            ("debtor_name", bool(FREE_TEXT_PATTERN.fullmatch(self.debtor_name)), "text"),
            ("debtor_rib", is_valid_rib(self.debtor_rib), "rib"),
            ("debtor_agent_bic", bool(BIC_PATTERN.fullmatch(self.debtor_agent_bic)), "bic"),
        ]
        return [Problem(0, None, name, code) for name, ok, code in checks if not ok]


@dataclass(frozen=True, slots=True)
class OrderSummary:
    count: int
    total: int  # centimes
    sha256: str  # of every byte written to `out`
    size: int  # bytes
    file_name: str  # a suggestion: the message id and the format's extension

    @property
    def total_mad(self) -> Decimal:
        return from_centimes(self.total)


@dataclass(frozen=True, slots=True)
class ReturnFile:
    """A return file that passed every check. `lines` holds the final outcomes (RETURN_SCHEMA);
    `pending` the lines the provider reported without a final status (bank reports only)."""

    provider: str
    message_id: str
    order_message_id: str
    created_at: dt.datetime
    lines: pl.DataFrame
    pending: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PENDING_SCHEMA))
    # A bank may answer a whole order at once (GrpSts RJCT, without one line per payment): then
    # every line of the order has this status and reason, and `lines` is empty.
    group_status: str | None = None
    group_reason: str | None = None

    def unknown_references(self, expected: pl.Series) -> pl.DataFrame:
        return unknown_references(pl.concat([self.lines, self.pending], how="diagonal"), expected)

    def missing_references(self, expected: pl.Series) -> pl.Series:
        """The expected references that have no final status in this file."""
        return expected.filter(~expected.is_in(self.lines["reference"].implode())).rename(
            "reference"
        )


def unknown_references(returned: pl.DataFrame, expected: pl.Series) -> pl.DataFrame:
    """Problems (PROBLEM_SCHEMA) for the lines of `returned` (with `line` and `reference`) whose
    reference is not in `expected` (the payroll's references)."""
    unknown = returned.filter(~pl.col("reference").is_in(expected.implode()))
    return problems_frame(
        unknown.select(
            "line",
            "reference",
            field=pl.lit("reference"),
            code=pl.lit("unknown_reference"),
            detail=pl.lit(None, dtype=pl.String),
        )
    )


class Provider(Protocol):
    """A payment provider's file formats. Implementations are stateless and registered by name."""

    name: str
    methods: frozenset[str]  # the payment methods its orders may carry
    extension: str

    def write_order(self, header: OrderHeader, lines: pl.DataFrame, out: BinaryIO) -> OrderSummary:
        """Write the order for `lines` (LINE_SCHEMA) to `out`; raise OrderRefused first if any
        line cannot be paid by this provider."""
        ...

    def read_return(self, data: bytes, *, expected: OrderHeader | None = None) -> ReturnFile:
        """Parse and check a return file whole; raise ReturnRefused with every problem found.
        With `expected`, also refuse a return that answers another order."""
        ...

    def simulate_return(
        self,
        header: OrderHeader,
        lines: pl.DataFrame,
        outcomes: pl.DataFrame,
        *,
        created_at: dt.datetime | None = None,
    ) -> bytes:
        """A return file in this provider's format reporting `outcomes` (OUTCOME columns) for the
        order (`header`, `lines`): the sandbox used by tests, the demo and end-to-end runs."""
        ...
